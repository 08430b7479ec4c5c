"""The follow-up survey: the participant's page reached by their registration's token, and the results."""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_protect

from clusternet.core.exceptions import ApplicationError
from clusternet.core.forms import add_service_error
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedHttpRequest
from events.forms.surveys import SurveyForm
from events.models import Registration
from events.permissions import can_run_event
from events.selectors.events import event_get
from events.services.surveys import survey_answered, survey_refusal, survey_results, survey_submit


@csrf_protect
def survey(request: HttpRequest, registration_token: uuid.UUID) -> HttpResponse:
    """No sign-in: the token in the mailed link stands for the participant."""
    registration = get_object_or_404(Registration.objects.select_related("event"), token=registration_token)
    context: dict[str, object] = {"registration": registration, "event": registration.event}
    if survey_answered(registration):
        return render(request, "events/survey_done.html", {**context, "already": True})
    refusal = survey_refusal(registration)
    if refusal:
        return render(request, "events/survey_closed.html", {**context, "refusal": refusal})
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey_submit(
                actor=None,
                registration=registration,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except ApplicationError as error:
            if survey_answered(registration):  # a second tab submitted first: the answer is in all the same
                return render(request, "events/survey_done.html", {**context, "already": True})
            add_service_error(form, error)
        else:
            return render(request, "events/survey_done.html", {**context, "already": False})
    return render(request, "events/survey_form.html", {**context, "form": form})


@login_required
def survey_results_page(request: AuthenticatedHttpRequest, event_id: int) -> HttpResponse:
    event = event_get(viewer=request.user, pk=event_id)
    require(can_run_event(request.user, event))
    return render(request, "events/survey_results.html", {"event": event, "results": survey_results(event=event)})
