"""Reads for the schedule page and API: the session (for those who run it), its grid, what is left out, its runs."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from clusternet.core.permissions import require
from matching.models import (
    MatchingSession,
    Meeting,
    MeetingRequest,
    RequestStatus,
    ScheduleRun,
    SessionParticipant,
    SessionSlot,
)
from matching.permissions import can_run_session
from members.models import User


def session_to_schedule(*, viewer: User, matching_session_id: int) -> MatchingSession:
    """404 for an unknown session, 403 for anyone who does not run it."""
    session = get_object_or_404(MatchingSession.objects.select_related("event"), pk=matching_session_id)
    require(can_run_session(viewer, session))
    return session


def meeting_to_schedule(*, viewer: User, meeting_id: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("session"), pk=meeting_id)
    require(can_run_session(viewer, meeting.session))
    return meeting


def participant_to_schedule(*, viewer: User, participant_id: int) -> SessionParticipant:
    participant = get_object_or_404(SessionParticipant.objects.select_related("session"), pk=participant_id)
    require(can_run_session(viewer, participant.session))
    return participant


def schedule_meetings(session: MatchingSession) -> QuerySet[Meeting]:
    return session.meetings.select_related(
        "slot", "coordinator", "request__requester__organization", "request__requested__organization"
    ).order_by("slot__index", "table")


def unscheduled_requests(session: MatchingSession) -> QuerySet[MeetingRequest]:
    """Accepted requests the schedule does not hold."""
    return (
        session.requests.filter(status=RequestStatus.ACCEPTED, meeting__isnull=True)
        .select_related("requester__organization", "requested__organization")
        .order_by("priority", "pk")
    )


def schedule_runs(session: MatchingSession, limit: int = 10) -> list[ScheduleRun]:
    return list(session.schedule_runs.select_related("created_by")[:limit])


@dataclass
class GridRow:
    slot: SessionSlot
    cells: list[Meeting | None]  # one per table, table 1 first


def schedule_grid(session: MatchingSession, meetings: list[Meeting]) -> list[GridRow]:
    """Slots × tables; a meeting at a table beyond the table count (fewer tables since) still shows."""
    tables = max([session.table_count, *(m.table for m in meetings)])
    at = {(m.slot_id, m.table): m for m in meetings}
    return [
        GridRow(slot, [at.get((slot.pk, table)) for table in range(1, tables + 1)])
        for slot in session.slots.order_by("index")
    ]
