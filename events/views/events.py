"""Event pages: the list everyone signed in sees, an event with its sessions, and the staff's forms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusternet.core.exceptions import ApplicationError
from clusternet.core.forms import add_service_error
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedHttpRequest
from events.forms.events import EventFilterForm, EventForm, SessionForm
from events.permissions import can_manage_events, can_run_event
from events.selectors.events import event_get
from events.selectors.events import event_list as event_list_query
from events.services import events as services
from events.views.registrations import registration_context

PAGE_SIZE = 50


@login_required
def event_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    events = event_list_query(viewer=request.user).select_related("study_group")
    when = "upcoming"
    if form.is_valid():
        data = form.cleaned_data
        when = data["when"] or "upcoming"
        if data["kind"]:
            events = events.filter(kind=data["kind"])
        if data["q"]:
            events = events.filter(Q(title__icontains=data["q"]) | Q(description__icontains=data["q"]))
    now = timezone.now()
    if when == "upcoming":
        events = events.filter(Q(ends_at__gte=now) | Q(ends_at__isnull=True)).order_by("starts_at", "pk")
    elif when == "past":
        events = events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    else:
        events = events.order_by("-starts_at", "-pk")
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "staff": can_manage_events(request.user)}
    return render(request, "events/event_list.html", context)


@login_required
def event_detail(request: AuthenticatedHttpRequest, event_id: int) -> HttpResponse:
    event = event_get(viewer=request.user, pk=event_id)
    context = {
        "event": event,
        "sessions": event.sessions.all(),
        "organisers": event.organisers.all(),
        "can_run": can_run_event(request.user, event),
        "staff": can_manage_events(request.user),
        **registration_context(request.user, event),
    }
    return render(request, "events/event_detail.html", context)


def _event_form_page(
    request: AuthenticatedHttpRequest, form: EventForm, session_form: SessionForm | None
) -> HttpResponse:
    return render(request, "events/event_form.html", {"form": form, "session_form": session_form})


@login_required
def event_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_manage_events(request.user))
    form = EventForm(request.POST or None)
    session_form = SessionForm(request.POST or None, prefix="session")
    if request.method == "POST" and form.is_valid() and session_form.is_valid():
        try:
            event = services.event_create(
                actor=request.user,
                data=form.event_data(),
                sessions=[session_form.cleaned_data],
                organisers=list(form.cleaned_data["organisers"]),
                motivating_visits=list(form.cleaned_data["motivating_visits"]),
            )
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Event created as a draft. Publish it to open registration."))
            return redirect("event-detail", event_id=event.pk)
    return _event_form_page(request, form, session_form)


@login_required
def event_edit(request: AuthenticatedHttpRequest, event_id: int) -> HttpResponse:
    event = event_get(viewer=request.user, pk=event_id)
    require(can_run_event(request.user, event))
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(
                actor=request.user,
                event=event,
                data=form.event_data(),
                organisers=list(form.cleaned_data["organisers"]),
                motivating_visits=list(form.cleaned_data["motivating_visits"]),
            )
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Event saved."))
            return redirect("event-detail", event_id=event.pk)
    return _event_form_page(request, form, None)


@login_required
@require_POST
def event_publish(request: AuthenticatedHttpRequest, event_id: int) -> HttpResponse:
    event = event_get(viewer=request.user, pk=event_id)
    require(can_run_event(request.user, event))
    try:
        services.event_publish(actor=request.user, event=event)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Event published."))
    return redirect("event-detail", event_id=event.pk)


def _session_page(request: AuthenticatedHttpRequest, event_id: int, session_id: int | None) -> HttpResponse:
    event = event_get(viewer=request.user, pk=event_id)
    require(can_run_event(request.user, event))
    session = get_object_or_404(event.sessions, pk=session_id) if session_id else None
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_save(actor=request.user, event=event, session=session, data=form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Session saved."))
            return redirect("event-detail", event_id=event.pk)
    return render(request, "events/session_form.html", {"event": event, "form": form, "session": session})


@login_required
def session_create(request: AuthenticatedHttpRequest, event_id: int) -> HttpResponse:
    return _session_page(request, event_id, None)


@login_required
def session_edit(request: AuthenticatedHttpRequest, event_id: int, session_id: int) -> HttpResponse:
    return _session_page(request, event_id, session_id)


@login_required
@require_POST
def session_delete(request: AuthenticatedHttpRequest, event_id: int, session_id: int) -> HttpResponse:
    event = event_get(viewer=request.user, pk=event_id)
    require(can_run_event(request.user, event))
    session = get_object_or_404(event.sessions, pk=session_id)
    try:
        services.session_delete(actor=request.user, session=session)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Session removed."))
    return redirect("event-detail", event_id=event.pk)
