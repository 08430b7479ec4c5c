"""The schedule page of a matching session (staff, and the session's coordinators): the grid of slots and
tables, the requests left out, the scheduler's runs, hand moves, locks, and on the day no-shows and the refill.

Every action is a plain form post answered by a redirect to the page; only the runs box polls with htmx while
an optimisation runs.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clusternet.core.exceptions import ApplicationError
from clusternet.core.types import AuthenticatedHttpRequest
from matching.forms.scheduling import MeetingMoveForm, ScheduleRunForm
from matching.models import MatchingSession, MatchingSessionStatus, ScheduleRunStatus
from matching.selectors import scheduling as selectors
from matching.services import scheduling as services

# The refill after a no-show: other meetings stay, so the exact solver needs only moments.
REFILL_SECONDS = 10


def _schedule_url(session_id: int) -> str:
    return reverse("schedule-detail", args=[session_id])


def _form_errors(request: AuthenticatedHttpRequest, form: forms.Form) -> None:
    """The pages answer every post by a redirect, so a form's errors travel as messages."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


def _runs_context(session: MatchingSession) -> dict[str, object]:
    runs = selectors.schedule_runs(session)
    busy = any(run.status in (ScheduleRunStatus.QUEUED, ScheduleRunStatus.RUNNING) for run in runs)
    return {"session": session, "runs": runs, "busy": busy}


@login_required
def schedule_detail(request: AuthenticatedHttpRequest, matching_session_id: int) -> HttpResponse:
    session = selectors.session_to_schedule(viewer=request.user, matching_session_id=matching_session_id)
    meetings = list(selectors.schedule_meetings(session))
    move_form = MeetingMoveForm(session=session)
    context = {
        **_runs_context(session),
        "grid": selectors.schedule_grid(session, meetings),
        "meetings": meetings,
        "unscheduled": selectors.unscheduled_requests(session),
        "run_form": ScheduleRunForm(initial={"min_meetings": session.min_meetings, "time_limit": 20}),
        "slots": move_form.fields["slot"].queryset,  # type: ignore[attr-defined]
        "coordinators": move_form.fields["coordinator"].queryset,  # type: ignore[attr-defined]
        "on_the_day": session.status == MatchingSessionStatus.PUBLISHED,
        "participants": session.participants.select_related("organization").filter(status="participating"),
    }
    return render(request, "matching/schedule_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def schedule_runs(request: AuthenticatedHttpRequest, matching_session_id: int) -> HttpResponse:
    """GET: the runs box (what the page polls). POST: start a preview, an optimisation or a refill."""
    session = selectors.session_to_schedule(viewer=request.user, matching_session_id=matching_session_id)
    if request.method == "GET":
        context = _runs_context(session)
        response = render(request, "matching/schedule_runs.html", context)
        if request.htmx and not context["busy"]:
            # The poll saw the run finish: reload the whole page, whose grid now shows the new schedule.
            response["HX-Refresh"] = "true"
        return response
    refill = "refill" in request.POST
    form = ScheduleRunForm(
        {"min_meetings": 0, "time_limit": REFILL_SECONDS} if refill else request.POST,
    )
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_schedule_url(session.pk))
    exact = refill or "exact" in request.POST
    try:
        run = services.schedule_run_start(actor=request.user, session=session, exact=exact, **form.cleaned_data)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if run.status == ScheduleRunStatus.DONE:
            figures = {"placed": run.placed, "weight": run.weight}
            messages.success(request, _("Preview placed %(placed)s meetings, weight %(weight)s.") % figures)
        elif run.status == ScheduleRunStatus.FAILED:
            messages.error(request, run.error)
        else:
            messages.success(request, _("The optimiser is running; this page shows its result when it finishes."))
    return redirect(_schedule_url(session.pk))


@login_required
@require_POST
def schedule_meeting_move(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_to_schedule(viewer=request.user, meeting_id=meeting_id)
    form = MeetingMoveForm(request.POST, session=meeting.session)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_schedule_url(meeting.session_id))
    try:
        services.meeting_move(actor=request.user, meeting=meeting, **form.cleaned_data)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Meeting moved and locked."))
    return redirect(_schedule_url(meeting.session_id))


@login_required
@require_POST
def schedule_meeting_lock(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_to_schedule(viewer=request.user, meeting_id=meeting_id)
    try:
        services.meeting_lock(actor=request.user, meeting=meeting, locked=request.POST.get("locked") != "0")
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(_schedule_url(meeting.session_id))


@login_required
@require_POST
def schedule_no_show(request: AuthenticatedHttpRequest, participant_id: int) -> HttpResponse:
    participant = selectors.participant_to_schedule(viewer=request.user, participant_id=participant_id)
    try:
        freed = services.participant_no_show(actor=request.user, participant=participant)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s marked as not come; %(count)s meetings freed. Refill the freed slots next.")
            % {"name": participant, "count": freed},
        )
    return redirect(_schedule_url(participant.session_id))
