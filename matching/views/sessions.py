"""Matching-session pages: the sessions, their set-up (slots, tables, participants, coordinators) and the
meeting requests participants make and answer.

Staff set sessions up; staff and the session's coordinators run them; a member or bank user of a
participating organisation sees the session and acts for their own organisation only. Evaluators get 403,
an organisation user 404 for a session their organisation does not take part in.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusternet.core.exceptions import ApplicationError
from clusternet.core.forms import add_service_error
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedHttpRequest
from events.models import Event, EventKind
from matching.forms.sessions import (
    CoordinatorForm,
    MeetingAddForm,
    OwnParticipantForm,
    ParticipantForm,
    RequestFilterForm,
    RequestForm,
    SessionCreateForm,
    SessionForm,
    SlotsForm,
    slot_choices,
)
from matching.models import (
    MatchingSession,
    MatchingSessionStatus,
    SessionCoordinator,
    SessionParticipant,
)
from matching.permissions import can_manage_sessions, can_run_session
from matching.selectors import sessions as selectors
from matching.services import sessions as services
from members.selectors import organization_chosen, organizations_matching

View = Callable[..., HttpResponse]
PAGE_SIZE = 100


def sessions_only(view: View) -> View:
    """Signed-in internal and organisation users; evaluators and users without an organisation get 403."""

    @wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require(selectors.sees_sessions(request.user))
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def _slots(session: MatchingSession) -> list[tuple[int, str]]:
    return slot_choices(list(session.slots.order_by("index")))


def _back(session: MatchingSession) -> HttpResponse:
    return redirect("session-detail", matching_session_id=session.pk)


@sessions_only
def session_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    sessions = selectors.session_list(viewer=request.user)
    context = {"sessions": sessions, "can_manage": can_manage_sessions(request.user)}
    return render(request, "matching/session_list.html", context)


@sessions_only
def session_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """From a matching fair (?event=ID preselects it), with the first slots generated on the fair's day."""
    require(can_manage_sessions(request.user))
    data = request.POST if request.method == "POST" else None
    initial: dict[str, Any] = {}
    event_id = request.GET.get("event", "")
    if event_id.isdigit():
        event = Event.objects.filter(pk=int(event_id), kind=EventKind.MATCHING_FAIR).first()
        if event is not None:
            initial = {"event": event, "first_starts_at": event.starts_at}
    form = SessionCreateForm(data, initial=initial)
    slots_form = SlotsForm(data, initial=initial, prefix="slots")
    if data is not None and form.is_valid() & slots_form.is_valid():
        try:
            session = services.session_create(
                actor=request.user,
                event=form.cleaned_data["event"],
                table_count=form.cleaned_data["table_count"],
                request_deadline=form.cleaned_data["request_deadline"],
                response_days=form.cleaned_data["response_days"],
                min_meetings=form.cleaned_data["min_meetings"],
            )
            services.session_slots_generate(actor=request.user, session=session, **slots_form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The matching session was created."))
            return _back(session)
    return render(request, "matching/session_form.html", {"form": form, "slots_form": slots_form})


@sessions_only
def session_detail(request: AuthenticatedHttpRequest, matching_session_id: int) -> HttpResponse:
    """Staff and the session's coordinators see the set-up and the request counts; a participant's user
    sees their own requests, answers those received and asks for new meetings."""
    session = selectors.session_get(viewer=request.user, pk=matching_session_id)
    can_run = can_run_session(request.user, session)
    own = selectors.own_participant(viewer=request.user, session=session)
    participants = list(selectors.participant_list(viewer=request.user, session=session))
    context: dict[str, Any] = {
        "session": session,
        "can_run": can_run,
        "can_manage": can_manage_sessions(request.user),
        "internal": request.user.is_internal,
        "slots": list(session.slots.order_by("index")),
        "participants": participants,
        "own": own,
    }
    if request.user.is_internal:
        context["coordinators"] = list(selectors.coordinator_list(session=session))
        counts = selectors.request_counts(session=session)
        context["request_counts"] = [
            (value, label, counts[value]) for value, label in selectors.request_status_choices()
        ]
    if own is not None:
        requests = selectors.with_status_labels(list(selectors.request_list(viewer=request.user, session=session)))
        context["requests_made"] = [r for r in requests if r.requester_id == own.pk]
        context["requests_received"] = [r for r in requests if r.requested_id == own.pk]
        taken = {r.requester_id for r in requests} | {r.requested_id for r in requests}
        context["request_form"] = RequestForm(session=session, own=own, runs=False)
        context["can_request"] = session.status == MatchingSessionStatus.REQUESTS_OPEN
        context["already_asked"] = taken
    return render(request, "matching/session_detail.html", context)


@sessions_only
def session_edit(request: AuthenticatedHttpRequest, matching_session_id: int) -> HttpResponse:
    session = selectors.session_get(viewer=request.user, pk=matching_session_id)
    require(can_manage_sessions(request.user))
    fields = ("table_count", "request_deadline", "response_days", "min_meetings")
    data = request.POST if request.method == "POST" else None
    form = SessionForm(data, initial={name: getattr(session, name) for name in fields})
    if data is not None and form.is_valid():
        try:
            services.session_update(actor=request.user, session=session, data=form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The matching session was saved."))
            return _back(session)
    return render(request, "matching/session_form.html", {"form": form, "session": session})


@sessions_only
def session_slots(request: AuthenticatedHttpRequest, matching_session_id: int) -> HttpResponse:
    session = selectors.session_get(viewer=request.user, pk=matching_session_id)
    require(can_manage_sessions(request.user))
    data = request.POST if request.method == "POST" else None
    first = session.slots.order_by("index").first()
    form = SlotsForm(data, initial={"first_starts_at": first.starts_at if first else session.event.starts_at})
    if data is not None and form.is_valid():
        try:
            services.session_slots_generate(actor=request.user, session=session, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The time slots were replaced."))
            return _back(session)
    context = {"form": form, "session": session, "slots": list(session.slots.order_by("index"))}
    return render(request, "matching/session_slots.html", context)


@require_POST
@sessions_only
def session_status(request: AuthenticatedHttpRequest, matching_session_id: int) -> HttpResponse:
    """POST action=open (start taking requests) or action=close (close them for scheduling)."""
    session = selectors.session_get(viewer=request.user, pk=matching_session_id)
    require(can_manage_sessions(request.user))
    action = request.POST.get("action")
    try:
        if action == "open":
            services.session_open_requests(actor=request.user, session=session)
            messages.success(request, _("The session is taking meeting requests."))
        elif action == "close":
            services.session_close_requests(actor=request.user, session=session)
            messages.success(request, _("Meeting requests are closed; the session is being scheduled."))
        else:
            messages.error(request, _("Unknown action."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return _back(session)


# -- participants and coordinators --------------------------------------------------------------------------


@sessions_only
def participant_add(request: AuthenticatedHttpRequest, matching_session_id: int) -> HttpResponse:
    """With htmx, GET ?q= answers the organisations matching a search; without JavaScript the search button
    posts the form back with the choices listed."""
    session = selectors.session_get(viewer=request.user, pk=matching_session_id)
    require(can_run_session(request.user, session))
    query = request.GET.get("q", "") if request.method == "GET" else request.POST.get("q", "")
    if request.method == "GET" and request.htmx and "q" in request.GET:
        choices = {"organizations": organizations_matching(query), "query": query}
        return render(request, "_organization_choices.html", choices)
    data = request.POST if request.method == "POST" else None
    organization = organization_chosen(data.get("organization")) if data else None
    form = ParticipantForm(data, slots=_slots(session), organization=organization)
    searching = data is not None and "search" in data
    if data is not None and not searching and form.is_valid():
        if organization is None:
            form.add_error("organization", _("Choose an organisation."))
        else:
            try:
                services.participant_add(
                    actor=request.user,
                    session=session,
                    organization=organization,
                    contact=form.cleaned_data["contact"],
                    status=form.cleaned_data["status"],
                    unavailable_slots=form.cleaned_data["unavailable_slots"],
                    profile=form.cleaned_data["profile"],
                )
            except ApplicationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("%(name)s was added.") % {"name": organization.name})
                return redirect("participant-add", matching_session_id=session.pk)
    context: dict[str, Any] = {
        "form": form,
        "session": session,
        "organization": organization,
        "query": query,
        "organizations": organizations_matching(query) if searching else [],
    }
    return render(request, "matching/session_participant_form.html", context)


@sessions_only
def participant_edit(request: AuthenticatedHttpRequest, matching_session_id: int, participant_id: int) -> HttpResponse:
    """Staff and the session's coordinators edit everything; the participant's own users their profile and
    unavailable slots."""
    session = selectors.session_get(viewer=request.user, pk=matching_session_id)
    participant = selectors.participant_get(viewer=request.user, session=session, pk=participant_id)
    runs = can_run_session(request.user, session)
    require(runs or services.acts_for(request.user, participant))
    data = request.POST if request.method == "POST" else None
    initial = {
        "contact": participant.contact,
        "status": participant.status,
        "unavailable_slots": participant.unavailable_slots,
        "profile": participant.profile,
    }
    form: ParticipantForm | OwnParticipantForm
    if runs:
        form = ParticipantForm(data, slots=_slots(session), organization=participant.organization, initial=initial)
        del form.fields["organization"]
    else:
        form = OwnParticipantForm(data, slots=_slots(session), initial=initial)
    if data is not None and form.is_valid():
        try:
            services.participant_update(actor=request.user, participant=participant, data=form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": participant.organization.name})
            return _back(session)
    context = {"form": form, "session": session, "participant": participant, "runs": runs}
    return render(request, "matching/session_participant_form.html", context)


@require_POST
@sessions_only
def participant_remove(
    request: AuthenticatedHttpRequest, matching_session_id: int, participant_id: int
) -> HttpResponse:
    session = selectors.session_get(viewer=request.user, pk=matching_session_id)
    require(can_run_session(request.user, session))
    participant = selectors.participant_get(viewer=request.user, session=session, pk=participant_id)
    try:
        services.participant_remove(actor=request.user, participant=participant)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s was removed.") % {"name": participant.organization.name})
    return _back(session)


@sessions_only
def coordinator_add(request: AuthenticatedHttpRequest, matching_session_id: int) -> HttpResponse:
    session = selectors.session_get(viewer=request.user, pk=matching_session_id)
    require(can_manage_sessions(request.user))
    data = request.POST if request.method == "POST" else None
    form = CoordinatorForm(data, slots=_slots(session))
    if data is not None and form.is_valid():
        try:
            services.coordinator_add(
                actor=request.user,
                session=session,
                user=form.cleaned_data["user"],
                unavailable_slots=form.cleaned_data["unavailable_slots"],
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The coordinator was added."))
            return _back(session)
    return render(request, "matching/session_coordinator_form.html", {"form": form, "session": session})


@sessions_only
def coordinator_edit(request: AuthenticatedHttpRequest, matching_session_id: int, coordinator_id: int) -> HttpResponse:
    """Staff, or the coordinator themselves: the unavailable slots. Staff also remove (POST remove=1)."""
    session = selectors.session_get(viewer=request.user, pk=matching_session_id)
    require(request.user.is_internal)
    coordinator = get_object_or_404(
        SessionCoordinator.objects.select_related("user"), pk=coordinator_id, session=session
    )
    require(can_manage_sessions(request.user) or coordinator.user_id == request.user.pk)
    data = request.POST if request.method == "POST" else None
    form = CoordinatorForm(
        data, slots=_slots(session), editing=True, initial={"unavailable_slots": coordinator.unavailable_slots}
    )
    if data is not None and "remove" in data:
        try:
            services.coordinator_remove(actor=request.user, coordinator=coordinator)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The coordinator was removed."))
        return _back(session)
    if data is not None and form.is_valid():
        try:
            services.coordinator_update(
                actor=request.user, coordinator=coordinator, unavailable_slots=form.cleaned_data["unavailable_slots"]
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The coordinator was saved."))
            return _back(session)
    context = {"form": form, "session": session, "coordinator": coordinator}
    return render(request, "matching/session_coordinator_form.html", context)


# -- meeting requests ---------------------------------------------------------------------------------------


@sessions_only
def request_create(request: AuthenticatedHttpRequest, matching_session_id: int) -> HttpResponse:
    """A participant's user asks for a meeting for their organisation; staff and the session's coordinators
    for anyone (?requested= preselects the other side)."""
    session = selectors.session_get(viewer=request.user, pk=matching_session_id)
    runs = can_run_session(request.user, session)
    own = selectors.own_participant(viewer=request.user, session=session)
    require(runs or own is not None)
    data = request.POST if request.method == "POST" else None
    initial = {"requested": request.GET.get("requested")} if request.GET.get("requested", "").isdigit() else {}
    form = RequestForm(data, session=session, own=own, runs=runs, initial=initial)
    if data is not None and form.is_valid():
        # Without a requester field the form is an organisation user's, who has `own`.
        requester = form.cleaned_data.get("requester") or own
        try:
            services.meeting_request_create(
                actor=request.user,
                session=session,
                requester=cast(SessionParticipant, requester),
                requested=form.cleaned_data["requested"],
                priority=form.cleaned_data["priority"],
                purpose=form.cleaned_data["purpose"],
                needs_coordinator=form.cleaned_data.get("needs_coordinator", False),
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The meeting request was sent."))
            return _back(session)
    return render(request, "matching/request_form.html", {"form": form, "session": session})


@require_POST
@sessions_only
def request_answer(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    """POST accept=1 or accept=0: the requested side's users, staff and the session's coordinators."""
    meeting_request = selectors.request_get(viewer=request.user, pk=request_id)
    require(services.acts_for(request.user, meeting_request.requested))
    answer = request.POST.get("accept")
    try:
        if answer not in ("0", "1"):
            raise ApplicationError(_("Choose to accept or decline."))
        services.meeting_request_answer(actor=request.user, request=meeting_request, accept=answer == "1")
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your answer was recorded."))
    return _back(meeting_request.session)


@require_POST
@sessions_only
def request_withdraw(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    meeting_request = selectors.request_get(viewer=request.user, pk=request_id)
    require(services.acts_for(request.user, meeting_request.requester))
    try:
        services.meeting_request_withdraw(actor=request.user, request=meeting_request)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The request was withdrawn."))
    return _back(meeting_request.session)


@require_POST
@sessions_only
def request_mark_coordinator(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    """POST needs_coordinator=1 or 0, from the request list."""
    meeting_request = selectors.request_get(viewer=request.user, pk=request_id)
    require(can_run_session(request.user, meeting_request.session))
    services.meeting_request_mark_coordinator(
        actor=request.user, request=meeting_request, needs_coordinator=request.POST.get("needs_coordinator") == "1"
    )
    messages.success(request, _("The request was saved."))
    return redirect("request-list", matching_session_id=meeting_request.session_id)


@sessions_only
def meeting_add(request: AuthenticatedHttpRequest, matching_session_id: int) -> HttpResponse:
    session = selectors.session_get(viewer=request.user, pk=matching_session_id)
    require(can_run_session(request.user, session))
    data = request.POST if request.method == "POST" else None
    form = MeetingAddForm(data, session=session)
    if data is not None and form.is_valid():
        try:
            services.meeting_add_by_coordinator(actor=request.user, session=session, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The meeting was added."))
            return redirect("request-list", matching_session_id=session.pk)
    return render(request, "matching/request_meeting_form.html", {"form": form, "session": session})


@sessions_only
def request_list(request: AuthenticatedHttpRequest, matching_session_id: int) -> HttpResponse:
    """Every request of the session for staff and coordinators, filtered by status."""
    session = selectors.session_get(viewer=request.user, pk=matching_session_id)
    require(request.user.is_internal)
    form = RequestFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    requests = selectors.request_list(
        viewer=request.user, session=session, filters=selectors.RequestFilters(status=status or None)
    )
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_status_labels(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "session": session,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_run": can_run_session(request.user, session),
    }
    return render(request, "matching/request_list.html", context)
