"""Staff pages of the reminder job: what was sent, and the event and visit settings that time it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from clusternet.core.exceptions import ApplicationError
from clusternet.core.forms import add_service_error
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedHttpRequest
from events.forms.reminders import EventSettingsForm, ReminderFilterForm
from events.permissions import can_manage_events
from events.services.events import event_settings_get, event_settings_update
from events.services.reminders import reminder_list as reminder_list_query

PAGE_SIZE = 50


@login_required
def reminder_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_manage_events(request.user))
    form = ReminderFilterForm(request.GET or None)
    purpose, sent = None, None
    if form.is_valid():
        purpose, sent = form.cleaned_data["purpose"] or None, form.sent()
    reminders = reminder_list_query(viewer=request.user, purpose=purpose, sent=sent)
    page = Paginator(reminders, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "settings": event_settings_get()}
    return render(request, "events/reminder_list.html", context)


@login_required
def event_settings_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_manage_events(request.user))
    current = event_settings_get()
    form = EventSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            event_settings_update(actor=request.user, data=form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The reminder settings were saved."))
            return redirect("event-settings")
    history = current.history.select_related("history_user")[:10]
    return render(request, "events/settings_form.html", {"form": form, "history": history})
