"""Setting a matching session up and the meeting requests between its participants.

A session belongs to one event of kind matching fair. Staff set it up (slots, tables, participants,
coordinators) while it is PREPARING, open it for requests (REQUESTS_OPEN) and close them (SCHEDULING); the
scheduler and the timetables take it from there.

Participants ask to meet each other with a priority; the requested side accepts or declines until the
request's `expires_at` (the response time, capped by the session's deadline). Requests left unanswered then
expire (`meeting_requests_expire`, hourly) and the requester is told by mail, once.

Expiry mail recipients: the requester organisation's active users with an email address, each in their own
language (they are the ones who use the portal); if it has none, the participant's attendee contact, in
the site's default language (Japanese).
"""

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clusternet.core.exceptions import ApplicationError
from clusternet.core.services import apply_fields
from events.models import Event, EventKind
from matching.models import (
    MatchingSession,
    MatchingSessionStatus,
    Meeting,
    MeetingRequest,
    Need,
    ParticipantStatus,
    RequestStatus,
    Seed,
    SessionCoordinator,
    SessionParticipant,
    SessionSlot,
)
from matching.permissions import can_manage_sessions, can_run_session
from matching.selectors.sessions import REQUEST_STATUS_LABELS
from members.models import ORGANIZATION_ROLES, Contact, Organization, User

logger = logging.getLogger(__name__)

SESSION_FIELDS = {"table_count", "request_deadline", "response_days", "min_meetings"}
PARTICIPANT_FIELDS = {"contact", "status", "unavailable_slots", "profile"}
# Expired requests mailed per transaction: their row locks are held while the mails go out.
BATCH_SIZE = 200


def _require(allowed: bool) -> None:
    if not allowed:
        raise ApplicationError(_("You may not do this in this matching session."))


def _check_session_numbers(session: MatchingSession) -> None:
    if session.table_count is None or session.table_count < 1:
        raise ApplicationError(_("A session needs at least one table."), extra={"field": "table_count"})
    if session.response_days is None or session.response_days < 1:
        raise ApplicationError(_("Allow at least one day to answer a request."), extra={"field": "response_days"})
    if session.request_deadline is None:
        raise ApplicationError(_("Set when requests and answers close."), extra={"field": "request_deadline"})
    if session.event.starts_at is not None and session.request_deadline > session.event.starts_at:
        raise ApplicationError(
            _("Requests must close before the matching fair begins."), extra={"field": "request_deadline"}
        )


def _slots_check(slots: Sequence[tuple[datetime.datetime, datetime.datetime]]) -> None:
    previous_end: datetime.datetime | None = None
    for number, (starts_at, ends_at) in enumerate(slots, start=1):
        if ends_at <= starts_at:
            raise ApplicationError(
                _("Time slot %(number)s ends before it starts.") % {"number": number}, extra={"field": "slots"}
            )
        if previous_end is not None and starts_at < previous_end:
            raise ApplicationError(
                _("Time slot %(number)s overlaps the one before it.") % {"number": number}, extra={"field": "slots"}
            )
        previous_end = ends_at


def _slots_write(session: MatchingSession, slots: Sequence[tuple[datetime.datetime, datetime.datetime]]) -> None:
    SessionSlot.objects.bulk_create(
        SessionSlot(session=session, index=index, starts_at=starts_at, ends_at=ends_at)
        for index, (starts_at, ends_at) in enumerate(slots)
    )


@transaction.atomic
def session_create(
    *,
    actor: User,
    event: Event,
    table_count: int,
    request_deadline: datetime.datetime,
    response_days: int = 3,
    min_meetings: int = 1,
    slots: Sequence[tuple[datetime.datetime, datetime.datetime]] = (),
) -> MatchingSession:
    """The matching session of a matching fair (one per event), PREPARING, with its time slots."""
    _require(can_manage_sessions(actor))
    if event.kind != EventKind.MATCHING_FAIR:
        raise ApplicationError(
            _("Only an event of kind matching fair can have a matching session."), extra={"field": "event"}
        )
    if MatchingSession.objects.filter(event=event).exists():
        raise ApplicationError(_("This event already has a matching session."), extra={"field": "event"})
    session = MatchingSession(
        event=event,
        table_count=table_count,
        request_deadline=request_deadline,
        response_days=response_days,
        min_meetings=min_meetings,
    )
    _check_session_numbers(session)
    _slots_check(slots)
    session._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError as error:  # a second session created at the same moment
        raise ApplicationError(_("This event already has a matching session."), extra={"field": "event"}) from error
    _slots_write(session, slots)
    return session


@transaction.atomic
def session_update(*, actor: User, session: MatchingSession, data: dict[str, Any]) -> MatchingSession:
    """Tables, deadline, response time and the guaranteed meetings; never fewer tables than a placed meeting
    uses."""
    _require(can_manage_sessions(actor))
    session = MatchingSession.objects.select_for_update().select_related("event").get(pk=session.pk)
    apply_fields(session, data, SESSION_FIELDS)
    _check_session_numbers(session)
    highest = session.meetings.order_by("-table").values_list("table", flat=True).first()
    if highest is not None and session.table_count < highest:
        raise ApplicationError(
            _("A meeting is placed at table %(table)s: keep at least that many tables.") % {"table": highest},
            extra={"field": "table_count"},
        )
    session._history_user = actor  # type: ignore[attr-defined]
    session.save()
    return session


def _prune_unavailable(session: MatchingSession, slot_count: int) -> None:
    """Unavailable slots that no longer exist are forgotten."""
    rows: list[SessionParticipant | SessionCoordinator] = [
        *session.participants.all(),
        *session.session_coordinators.all(),
    ]
    for row in rows:
        kept = [index for index in row.unavailable_slots if index < slot_count]
        if kept != row.unavailable_slots:
            row.unavailable_slots = kept
            row.save(update_fields=["unavailable_slots"])


@transaction.atomic
def session_slots_generate(
    *,
    actor: User,
    session: MatchingSession,
    first_starts_at: datetime.datetime,
    minutes: int,
    break_minutes: int,
    count: int,
) -> list[SessionSlot]:
    """Replaces the time slots by `count` slots of `minutes` with `break_minutes` between them; only while no
    meeting is placed in the schedule."""
    _require(can_manage_sessions(actor))
    session = MatchingSession.objects.select_for_update().get(pk=session.pk)
    if minutes < 1 or count < 1 or break_minutes < 0:
        raise ApplicationError(_("Give at least one slot of at least one minute."), extra={"field": "count"})
    if session.meetings.exists():
        raise ApplicationError(
            _("Meetings are already placed in the time slots: clear the schedule before changing them."),
            extra={"field": "count"},
        )
    slots = []
    starts_at = first_starts_at
    for _index in range(count):
        ends_at = starts_at + datetime.timedelta(minutes=minutes)
        slots.append((starts_at, ends_at))
        starts_at = ends_at + datetime.timedelta(minutes=break_minutes)
    session.slots.all().delete()
    _slots_write(session, slots)
    _prune_unavailable(session, count)
    return list(session.slots.order_by("index"))


def _transition(actor: User, session: MatchingSession, source: str, target: str, message: str) -> MatchingSession:
    session = MatchingSession.objects.select_for_update().get(pk=session.pk)
    if session.status != source:
        raise ApplicationError(message, extra={"field": "status"})
    session.status = target
    session._history_user = actor  # type: ignore[attr-defined]
    session.save(update_fields=["status", "updated_at"])
    return session


@transaction.atomic
def session_open_requests(*, actor: User, session: MatchingSession) -> MatchingSession:
    """PREPARING → REQUESTS_OPEN: needs time slots, and a deadline still ahead."""
    _require(can_manage_sessions(actor))
    if not session.slots.exists():
        raise ApplicationError(_("Add the time slots before taking requests."), extra={"field": "status"})
    if session.request_deadline <= timezone.now():
        raise ApplicationError(
            _("The deadline for requests has passed: move it before taking requests."),
            extra={"field": "request_deadline"},
        )
    return _transition(
        actor,
        session,
        MatchingSessionStatus.PREPARING,
        MatchingSessionStatus.REQUESTS_OPEN,
        _("Only a session being prepared can start taking requests."),
    )


@transaction.atomic
def session_close_requests(*, actor: User, session: MatchingSession) -> MatchingSession:
    """REQUESTS_OPEN → SCHEDULING. Requests still awaiting an answer expire now (their requesters are told
    by the next expiry run, queued at once)."""
    _require(can_manage_sessions(actor))
    session = _transition(
        actor,
        session,
        MatchingSessionStatus.REQUESTS_OPEN,
        MatchingSessionStatus.SCHEDULING,
        _("Only a session taking requests can close them."),
    )
    now = timezone.now()
    for request in session.requests.select_for_update().filter(status=RequestStatus.PENDING):
        request.status = RequestStatus.EXPIRED
        request.expires_at = min(request.expires_at, now)
        request._history_user = actor  # type: ignore[attr-defined]
        request.save(update_fields=["status", "expires_at", "updated_at"])
    transaction.on_commit(_expire_later)
    return session


def _expire_later() -> None:
    from matching.tasks.sessions import meeting_requests_expire_task

    meeting_requests_expire_task.delay()


# -- participants and coordinators --------------------------------------------------------------------------


def _check_slot_indexes(session: MatchingSession, indexes: Iterable[Any]) -> list[int]:
    existing = set(session.slots.values_list("index", flat=True))
    cleaned = []
    for index in indexes:
        if not isinstance(index, int) or isinstance(index, bool) or index not in existing:
            raise ApplicationError(
                _("There is no time slot %(slot)s in this session.")
                % {"slot": index + 1 if isinstance(index, int) else index},
                extra={"field": "unavailable_slots"},
            )
        cleaned.append(index)
    return sorted(set(cleaned))


def _check_contact(contact: Contact | None, organization: Organization) -> None:
    if contact is not None and contact.organization_id != organization.pk:
        raise ApplicationError(
            _("The attendee must be a contact of the participating organisation."), extra={"field": "contact"}
        )


@transaction.atomic
def participant_add(
    *,
    actor: User,
    session: MatchingSession,
    organization: Organization,
    contact: Contact | None = None,
    status: str = ParticipantStatus.INVITED,
    unavailable_slots: Sequence[int] = (),
    profile: str = "",
) -> SessionParticipant:
    """An organisation invited to (or taking part in) the session, once."""
    _require(can_run_session(actor, session))
    if status not in ParticipantStatus.values:
        raise ApplicationError(_("Unknown participant status."), extra={"field": "status"})
    _check_contact(contact, organization)
    participant = SessionParticipant(
        session=session,
        organization=organization,
        contact=contact,
        status=status,
        unavailable_slots=_check_slot_indexes(session, unavailable_slots),
        profile=profile,
    )
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError as error:
        raise ApplicationError(
            _("%(organization)s is already a participant of this session.") % {"organization": organization.name},
            extra={"field": "organization"},
        ) from error
    return participant


@transaction.atomic
def participant_update(*, actor: User, participant: SessionParticipant, data: dict[str, Any]) -> SessionParticipant:
    """Attendee, status, unavailable slots (indexes from 0 that must exist) and profile. Staff and the
    session's coordinators edit any participant; an organisation user edits their own profile and
    unavailable slots."""
    session = participant.session
    own = bool(actor.role in ORGANIZATION_ROLES and actor.organization_id == participant.organization_id)
    _require(can_run_session(actor, session) or (own and set(data) <= {"unavailable_slots", "profile"}))
    participant = SessionParticipant.objects.select_for_update().get(pk=participant.pk)
    apply_fields(participant, data, PARTICIPANT_FIELDS)
    if participant.status not in ParticipantStatus.values:
        raise ApplicationError(_("Unknown participant status."), extra={"field": "status"})
    _check_contact(participant.contact, participant.organization)
    participant.unavailable_slots = _check_slot_indexes(session, participant.unavailable_slots or [])
    participant.save()
    return participant


@transaction.atomic
def participant_remove(*, actor: User, participant: SessionParticipant) -> None:
    """Takes a participant out with its requests; refused once one of its meetings is in the schedule."""
    _require(can_run_session(actor, participant.session))
    if Meeting.objects.filter(Q(request__requester=participant) | Q(request__requested=participant)).exists():
        raise ApplicationError(
            _("%(organization)s has meetings in the schedule: remove those first.")
            % {"organization": participant.organization.name}
        )
    participant.delete()


@transaction.atomic
def coordinator_add(
    *, actor: User, session: MatchingSession, user: User, unavailable_slots: Sequence[int] = ()
) -> SessionCoordinator:
    """A coordinator (an internal user) who sits in on meetings of the session."""
    _require(can_manage_sessions(actor))
    if not user.is_internal or not user.is_active:
        raise ApplicationError(
            _("Only the association's staff and coordinators can coordinate a session."), extra={"field": "user"}
        )
    coordinator = SessionCoordinator(
        session=session, user=user, unavailable_slots=_check_slot_indexes(session, unavailable_slots)
    )
    try:
        with transaction.atomic():
            coordinator.save()
    except IntegrityError as error:
        raise ApplicationError(
            _("%(name)s already coordinates this session.") % {"name": user.get_full_name() or user.username},
            extra={"field": "user"},
        ) from error
    return coordinator


@transaction.atomic
def coordinator_update(
    *, actor: User, coordinator: SessionCoordinator, unavailable_slots: Sequence[int]
) -> SessionCoordinator:
    """A coordinator's unavailable slots: staff, or the coordinator themselves."""
    _require(can_manage_sessions(actor) or coordinator.user_id == actor.pk)
    coordinator.unavailable_slots = _check_slot_indexes(coordinator.session, unavailable_slots)
    coordinator.save(update_fields=["unavailable_slots"])
    return coordinator


@transaction.atomic
def coordinator_remove(*, actor: User, coordinator: SessionCoordinator) -> None:
    """Refused while the coordinator sits in on a meeting of the schedule."""
    _require(can_manage_sessions(actor))
    if Meeting.objects.filter(session=coordinator.session_id, coordinator=coordinator.user_id).exists():
        raise ApplicationError(_("This coordinator sits in on meetings in the schedule: reassign those first."))
    coordinator.delete()


# -- meeting requests ---------------------------------------------------------------------------------------


def acts_for(actor: User, participant: SessionParticipant) -> bool:
    """The actor may act for this participant: staff or a coordinator of the session, or a user of the
    participant's own organisation."""
    if can_run_session(actor, participant.session):
        return True
    return bool(actor.role in ORGANIZATION_ROLES and actor.organization_id == participant.organization_id)


def _request_expiry(session: MatchingSession, now: datetime.datetime) -> datetime.datetime:
    return min(now + datetime.timedelta(days=session.response_days), session.request_deadline)


def _pair_taken(session: MatchingSession, a: SessionParticipant, b: SessionParticipant) -> ApplicationError:
    return ApplicationError(
        _("%(a)s and %(b)s already have a meeting request in this session.")
        % {"a": a.organization.name, "b": b.organization.name},
        extra={"field": "requested"},
    )


def _check_pair(session: MatchingSession, requester: SessionParticipant, requested: SessionParticipant) -> None:
    if requester.session_id != session.pk or requested.session_id != session.pk:
        raise ApplicationError(_("Both sides must be participants of this session."), extra={"field": "requested"})
    if requester.pk == requested.pk:
        raise ApplicationError(_("A participant cannot request a meeting with itself."), extra={"field": "requested"})
    if requester.status != ParticipantStatus.PARTICIPATING:
        raise ApplicationError(
            _("%(organization)s is not taking part in this session.") % {"organization": requester.organization.name},
            extra={"field": "requester"},
        )
    if requested.status != ParticipantStatus.PARTICIPATING:
        raise ApplicationError(
            _("%(organization)s is not taking part in this session.") % {"organization": requested.organization.name},
            extra={"field": "requested"},
        )
    if MeetingRequest.objects.filter(
        Q(requester=requester, requested=requested) | Q(requester=requested, requested=requester), session=session
    ).exists():
        raise _pair_taken(session, requester, requested)


def _check_priority(priority: Any) -> None:
    if not isinstance(priority, int) or isinstance(priority, bool) or not 1 <= priority <= 3:
        raise ApplicationError(_("The priority must be 1, 2 or 3."), extra={"field": "priority"})


def _save_request(request: MeetingRequest, actor: User) -> MeetingRequest:
    request._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as error:  # the same pair requested at the same moment (the unique constraint)
        raise _pair_taken(request.session, request.requester, request.requested) from error
    return request


@transaction.atomic
def meeting_request_create(
    *,
    actor: User,
    session: MatchingSession,
    requester: SessionParticipant,
    requested: SessionParticipant,
    priority: int,
    purpose: str = "",
    needs_coordinator: bool = False,
    seed: Seed | None = None,
    need: Need | None = None,
) -> MeetingRequest:
    """A request from one participant to meet another, awaiting the requested side's answer until
    `expires_at` = the earlier of now + the session's response days and the deadline. One request per pair,
    whichever side asked first."""
    _require(acts_for(actor, requester))
    session = MatchingSession.objects.select_for_update().get(pk=session.pk)
    now = timezone.now()
    if session.status != MatchingSessionStatus.REQUESTS_OPEN:
        raise ApplicationError(_("This session is not taking meeting requests."), extra={"field": "requested"})
    if now >= session.request_deadline:
        raise ApplicationError(_("The deadline for meeting requests has passed."), extra={"field": "requested"})
    _check_priority(priority)
    _check_pair(session, requester, requested)
    # Only coordinators decide that a coordinator must sit in.
    needs_coordinator = bool(needs_coordinator and can_run_session(actor, session))
    request = MeetingRequest(
        session=session,
        requester=requester,
        requested=requested,
        priority=priority,
        purpose=purpose.strip(),
        needs_coordinator=needs_coordinator,
        seed=seed,
        need=need,
        created_by=actor,
        expires_at=_request_expiry(session, now),
    )
    return _save_request(request, actor)


@transaction.atomic
def meeting_add_by_coordinator(
    *,
    actor: User,
    session: MatchingSession,
    a: SessionParticipant,
    b: SessionParticipant,
    priority: int,
    needs_coordinator: bool = False,
    purpose: str = "",
) -> MeetingRequest:
    """A meeting the coordinators decide on themselves: an accepted request, whatever the deadline, until the
    session is over."""
    _require(can_run_session(actor, session))
    session = MatchingSession.objects.select_for_update().get(pk=session.pk)
    if session.status == MatchingSessionStatus.FINISHED:
        raise ApplicationError(_("This session is over."), extra={"field": "b"})
    _check_priority(priority)
    _check_pair(session, a, b)
    now = timezone.now()
    request = MeetingRequest(
        session=session,
        requester=a,
        requested=b,
        priority=priority,
        purpose=purpose.strip(),
        needs_coordinator=needs_coordinator,
        status=RequestStatus.ACCEPTED,
        added_by_coordinator=True,
        created_by=actor,
        expires_at=now,
        responded_at=now,
        responded_by=actor,
    )
    return _save_request(request, actor)


@transaction.atomic
def meeting_request_mark_coordinator(
    *, actor: User, request: MeetingRequest, needs_coordinator: bool
) -> MeetingRequest:
    """Coordinators mark which meetings need one of them present."""
    _require(can_run_session(actor, request.session))
    request = MeetingRequest.objects.select_for_update().get(pk=request.pk)
    request.needs_coordinator = needs_coordinator
    request._history_user = actor  # type: ignore[attr-defined]
    request.save(update_fields=["needs_coordinator", "updated_at"])
    return request


@transaction.atomic
def meeting_request_answer(*, actor: User, request: MeetingRequest, accept: bool) -> MeetingRequest:
    """The requested side accepts or declines, while the request awaits an answer and before it expires."""
    _require(acts_for(actor, request.requested))
    request = MeetingRequest.objects.select_for_update().select_related("session").get(pk=request.pk)
    now = timezone.now()
    if request.status != RequestStatus.PENDING:
        raise ApplicationError(
            _("This request has already been answered or has ended (%(status)s).")
            % {"status": REQUEST_STATUS_LABELS[request.status]},
            extra={"field": "accept"},
        )
    if now >= request.expires_at or now >= request.session.request_deadline:
        raise ApplicationError(
            _("The time to answer this request has passed (it closed at %(deadline)s).")
            % {"deadline": timezone.localtime(min(request.expires_at, request.session.request_deadline)).strftime(
                "%Y-%m-%d %H:%M"
            )},
            extra={"field": "accept"},
        )  # fmt: skip
    if request.session.status != MatchingSessionStatus.REQUESTS_OPEN:
        raise ApplicationError(_("This session is not taking answers any more."), extra={"field": "accept"})
    request.status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
    request.responded_at = now
    request.responded_by = actor
    request._history_user = actor  # type: ignore[attr-defined]
    request.save(update_fields=["status", "responded_at", "responded_by", "updated_at"])
    return request


@transaction.atomic
def meeting_request_withdraw(*, actor: User, request: MeetingRequest) -> MeetingRequest:
    """The requester takes back a request awaiting an answer, or an accepted one not yet in the schedule."""
    _require(acts_for(actor, request.requester))
    request = MeetingRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in (RequestStatus.PENDING, RequestStatus.ACCEPTED):
        raise ApplicationError(_("Only a pending or accepted request can be withdrawn."))
    if Meeting.objects.filter(request=request).exists():
        raise ApplicationError(_("This meeting is in the schedule: ask the secretariat to take it out."))
    request.status = RequestStatus.WITHDRAWN
    request._history_user = actor  # type: ignore[attr-defined]
    request.save(update_fields=["status", "updated_at"])
    return request


# -- expiry -------------------------------------------------------------------------------------------------


def _recipients(participant: SessionParticipant) -> list[tuple[str, str]]:
    """(address, language) pairs: the organisation's active users with an email, else the attendee."""
    users = User.objects.filter(
        organization_id=participant.organization_id, is_active=True, role__in=ORGANIZATION_ROLES
    ).exclude(email="")
    found = [(user.email, user.language) for user in users.order_by("pk")]
    if not found and participant.contact and participant.contact.email and not participant.contact.erased_at:
        found = [(participant.contact.email, settings.LANGUAGE_CODE)]
    return found


def _expiry_messages(participant: SessionParticipant, requests: list[MeetingRequest]) -> list[EmailMessage]:
    messages = []
    for address, language in _recipients(participant):
        with translation.override(language or settings.LANGUAGE_CODE):
            context = {
                "participant": participant,
                "session": participant.session,
                "requests": requests,
                "site_url": settings.SITE_URL,
            }
            subject = render_to_string("matching/request_expired_subject.txt", context).strip()
            body = render_to_string("matching/request_expired.txt", context)
        messages.append(EmailMessage(subject, body, to=[address]))
    return messages


def _expire_due(now: datetime.datetime) -> int:
    """PENDING requests past `expires_at` become EXPIRED; rows another run holds are left to it."""
    with transaction.atomic():
        due = list(
            MeetingRequest.objects.select_for_update(skip_locked=True)
            .filter(status=RequestStatus.PENDING, expires_at__lte=now)
            .order_by("pk")
        )
        for request in due:
            request.status = RequestStatus.EXPIRED
            request.save(update_fields=["status", "updated_at"])
    return len(due)


def _notify_batch() -> tuple[int, bool]:
    """Mails one batch of expired, unannounced requests, one mail per requester and recipient, and stamps
    them in the same transaction; returns (requests announced, whether more may be waiting)."""
    with transaction.atomic():
        batch = list(
            MeetingRequest.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=RequestStatus.EXPIRED, expiry_notice_sent_at__isnull=True)
            .select_related(
                "requester__organization", "requester__contact", "requested__organization", "session__event"
            )
            .order_by("requester_id", "pk")[:BATCH_SIZE]
        )
        if not batch:
            return 0, False
        by_requester: dict[int, list[MeetingRequest]] = defaultdict(list)
        for request in batch:
            by_requester[request.requester_id].append(request)
        messages = []
        for requests in by_requester.values():
            messages.extend(_expiry_messages(requests[0].requester, requests))
        if messages:
            get_connection().send_messages(messages)
        MeetingRequest.objects.filter(pk__in=[request.pk for request in batch]).update(
            expiry_notice_sent_at=timezone.now()
        )
    return len(batch), len(batch) == BATCH_SIZE


def meeting_requests_expire(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Expires the requests left unanswered past their time and tells each requester once.

    Safe to run twice or on two workers at once: expiring takes the rows with SKIP LOCKED and re-checks
    PENDING; the mail goes out while its rows are locked and they are stamped `expiry_notice_sent_at` in
    the same transaction, so a concurrent run skips them and, once committed, no longer sees them.
    """
    expired = _expire_due(now or timezone.now())
    notified = 0
    more = True
    while more:
        count, more = _notify_batch()
        notified += count
    return {"expired": expired, "notified": notified}
