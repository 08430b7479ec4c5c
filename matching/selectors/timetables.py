"""Timetables of a published matching session: one per participant, per table and per coordinator.

Each timetable lists every slot of the session, with the meeting held in it for that participant, table or
coordinator, or nothing: a printed sheet shows the free slots too. All timetables of a session are built from
one query of its meetings (plus one of its slots, participants and coordinators), however many there are.

Who sees what (`timetable_session` and `timetable_get`):
- staff and the session's coordinators: every timetable of the session;
- another coordinator: their own coordinator timetable only (a 403 for the rest);
- a participant's organisation users: their own participant timetable only; any other timetable of the
  session, or any timetable of a session they do not take part in, answers 404.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from matching.models import MatchingSession, Meeting, ParticipantStatus, SessionParticipant, SessionSlot
from matching.permissions import can_run_session, can_use_matching
from matching.selectors.sessions import own_participant
from members.models import User

PARTICIPANT, TABLE, COORDINATOR = "participant", "table", "coordinator"
AUDIENCES = (PARTICIPANT, TABLE, COORDINATOR)


@dataclass(frozen=True)
class TimetableRow:
    slot: int  # SessionSlot.index, from 0 (shown +1)
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    meeting_id: int | None = None
    table: int | None = None
    # For a participant: the other party; for a table or a coordinator: both parties.
    parties: tuple[str, ...] = ()
    coordinator: str = ""
    purpose: str = ""


@dataclass(frozen=True)
class Timetable:
    audience: str
    target_id: int
    title: str  # whose timetable: an organisation, "Table 3", a coordinator's name
    person: str  # who attends (a participant's contact), or ""
    rows: list[TimetableRow] = field(default_factory=list)

    @property
    def meeting_count(self) -> int:
        return sum(1 for row in self.rows if row.meeting_id)


def user_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def timetable_session(*, viewer: User | AnonymousUser, matching_session_id: int) -> MatchingSession:
    """The session, if the viewer may see some timetable of it: 403 for users without a part in matching,
    404 for organisation users whose organisation does not take part."""
    if not isinstance(viewer, User) or not can_use_matching(viewer):
        raise PermissionDenied
    session = get_object_or_404(MatchingSession.objects.select_related("event"), pk=matching_session_id)
    if not viewer.is_internal and own_participant(viewer=viewer, session=session) is None:
        raise Http404
    return session


def session_meetings(session: MatchingSession) -> list[Meeting]:
    """Every meeting of the session with what a timetable shows of it, in one query."""
    return list(
        Meeting.objects.filter(session=session)
        .select_related("slot", "coordinator", "request__requester__organization", "request__requested__organization")
        .order_by("slot__index", "table")
    )


def _party(participant: SessionParticipant) -> str:
    return participant.organization.name


def _rows(
    slots: Sequence[SessionSlot], meetings: Iterable[Meeting], *, viewpoint: SessionParticipant | None = None
) -> list[TimetableRow]:
    by_slot = {meeting.slot_id: meeting for meeting in meetings}
    rows = []
    for slot in slots:
        meeting = by_slot.get(slot.pk)
        if meeting is None:
            rows.append(TimetableRow(slot=slot.index, starts_at=slot.starts_at, ends_at=slot.ends_at))
            continue
        request = meeting.request
        if viewpoint is not None:
            other = request.requested if request.requester_id == viewpoint.pk else request.requester
            parties: tuple[str, ...] = (_party(other),)
        else:
            parties = (_party(request.requester), _party(request.requested))
        rows.append(
            TimetableRow(
                slot=slot.index,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                meeting_id=meeting.pk,
                table=meeting.table,
                parties=parties,
                coordinator=user_name(meeting.coordinator),
                purpose=request.purpose,
            )
        )
    return rows


def _participant_timetable(
    participant: SessionParticipant, slots: Sequence[SessionSlot], meetings: Sequence[Meeting]
) -> Timetable:
    own = [m for m in meetings if participant.pk in (m.request.requester_id, m.request.requested_id)]
    return Timetable(
        audience=PARTICIPANT,
        target_id=participant.pk,
        title=participant.organization.name,
        person=participant.contact.name if participant.contact else "",
        rows=_rows(slots, own, viewpoint=participant),
    )


def _table_timetable(table: int, slots: Sequence[SessionSlot], meetings: Sequence[Meeting]) -> Timetable:
    return Timetable(
        audience=TABLE,
        target_id=table,
        title=_("Table %(table)s") % {"table": table},
        person="",
        rows=_rows(slots, [m for m in meetings if m.table == table]),
    )


def _coordinator_timetable(user: User, slots: Sequence[SessionSlot], meetings: Sequence[Meeting]) -> Timetable:
    return Timetable(
        audience=COORDINATOR,
        target_id=user.pk,
        title=user_name(user),
        person="",
        rows=_rows(slots, [m for m in meetings if m.coordinator_id == user.pk]),
    )


def _participants(session: MatchingSession) -> list[SessionParticipant]:
    return list(
        session.participants.filter(status=ParticipantStatus.PARTICIPATING).select_related("organization", "contact")
    )


def _coordinators(session: MatchingSession) -> list[User]:
    return [c.user for c in session.session_coordinators.select_related("user").order_by("user__last_name", "pk")]


def timetable_build(*, session: MatchingSession, audience: str, target_id: int) -> Timetable | None:
    """One timetable, or None when the session has no such participant, table or coordinator."""
    slots = list(session.slots.order_by("index"))
    if audience == PARTICIPANT:
        participant = (
            session.participants.filter(pk=target_id, status=ParticipantStatus.PARTICIPATING)
            .select_related("organization", "contact")
            .first()
        )
        return _participant_timetable(participant, slots, session_meetings(session)) if participant else None
    if audience == TABLE:
        if not 1 <= target_id <= session.table_count:
            return None
        return _table_timetable(target_id, slots, session_meetings(session))
    if audience == COORDINATOR:
        coordinator = session.session_coordinators.filter(user_id=target_id).select_related("user").first()
        # A meeting's coordinator is normally one of the session's; the timetable follows the meetings anyway.
        meetings = session_meetings(session)
        user = (
            coordinator.user
            if coordinator
            else next((m.coordinator for m in meetings if m.coordinator_id == target_id), None)
        )
        return _coordinator_timetable(user, slots, meetings) if user else None
    return None


def timetable_get(
    *, viewer: User | AnonymousUser, session: MatchingSession, audience: str, target_id: int
) -> Timetable:
    """A timetable the viewer may see (see the module docstring), else 403 or 404."""
    if audience not in AUDIENCES:
        raise Http404
    if not isinstance(viewer, User):
        raise PermissionDenied
    if not can_run_session(viewer, session):
        if viewer.is_internal:
            if not (audience == COORDINATOR and target_id == viewer.pk):
                raise PermissionDenied
        else:
            participant = own_participant(viewer=viewer, session=session)
            if participant is None or audience != PARTICIPANT or participant.pk != target_id:
                raise Http404
    timetable = timetable_build(session=session, audience=audience, target_id=target_id)
    if timetable is None:
        raise Http404
    return timetable


@dataclass(frozen=True)
class SessionTimetables:
    participants: list[Timetable]
    tables: list[Timetable]
    coordinators: list[Timetable]

    def all(self) -> list[Timetable]:
        return [*self.participants, *self.tables, *self.coordinators]


def session_timetables(*, session: MatchingSession) -> SessionTimetables:
    """Every timetable of the session, in five queries whatever its size. For staff and its coordinators:
    callers check `can_run_session` first."""
    slots = list(session.slots.order_by("index"))
    meetings = session_meetings(session)
    coordinators = _coordinators(session)
    listed = {user.pk for user in coordinators}
    # A meeting's coordinator who is not (or no longer) one of the session's still gets a sheet.
    extra = {m.coordinator_id: m.coordinator for m in meetings if m.coordinator and m.coordinator_id not in listed}
    return SessionTimetables(
        participants=[_participant_timetable(p, slots, meetings) for p in _participants(session)],
        tables=[_table_timetable(t, slots, meetings) for t in range(1, session.table_count + 1)],
        coordinators=[_coordinator_timetable(u, slots, meetings) for u in [*coordinators, *extra.values()]],
    )


def participant_address(participant: SessionParticipant) -> str:
    """Where a participant's timetable is mailed: its attendee's address, if any (and not erased)."""
    contact = participant.contact
    return contact.email if contact and contact.email and not contact.erased_at else ""


def participants_not_mailed(*, session: MatchingSession) -> list[SessionParticipant]:
    """Participants who come but have no address to mail their timetable to: staff hand theirs out."""
    return [p for p in _participants(session) if not participant_address(p)]
