"""Scheduling a matching session: runs of the solver, hand moves, locks and no-shows on the day.

How a run's result reaches the schedule: a run applies its placements itself when it finishes (a preview at
once, an optimisation in its Celery task), because `ScheduleRun` has no field to keep placements for a later
"apply". A run that finishes after a newer run of the same session was started does not apply (the newer one
wins). Before publication, locked meetings stay and every other scheduled meeting is replaced; once the
schedule is published (on the day), every existing meeting stays and a run only fills free places: that is the
"refill" after a no-show.
"""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusternet.core.exceptions import ApplicationError
from matching.models import (
    MatchingSession,
    MatchingSessionStatus,
    Meeting,
    MeetingRequest,
    MeetingStatus,
    ParticipantStatus,
    RequestStatus,
    ScheduleRun,
    ScheduleRunStatus,
    SessionCoordinator,
    SessionParticipant,
    SessionSlot,
)
from matching.scheduling.solver import Instance, Placement, Request, Result, greedy, solve
from members.models import User

logger = logging.getLogger(__name__)

MAX_TIME_LIMIT = 300


def _slots(values: object) -> frozenset[int]:
    return frozenset(s for s in values if isinstance(s, int)) if isinstance(values, list) else frozenset()


def _request(request: MeetingRequest) -> Request:
    return Request(
        str(request.pk), str(request.requester_id), str(request.requested_id), request.priority,
        request.needs_coordinator,
    )  # fmt: skip


def _keeps(session: MatchingSession, meeting: Meeting) -> bool:
    """Meetings a run leaves as they are: locked, held or not, and all of them once the schedule is out."""
    published = session.status == MatchingSessionStatus.PUBLISHED
    return meeting.locked or meeting.status != MeetingStatus.SCHEDULED or published


def session_instance(session: MatchingSession, *, now: datetime.datetime | None = None) -> Instance:
    """The solver's view of a session: accepted requests between participants who come, unavailable slots,
    the tables, the meetings kept (fixed), and the slots already started (closed)."""
    now = now or timezone.now()
    slots = list(session.slots.order_by("index"))
    slot_count = max((s.index for s in slots), default=-1) + 1
    present = {s.index for s in slots}
    closed = frozenset(i for i in range(slot_count) if i not in present) | frozenset(
        s.index for s in slots if s.starts_at <= now
    )
    participants = {
        str(p.pk): _slots(p.unavailable_slots)
        for p in session.participants.filter(status=ParticipantStatus.PARTICIPATING, no_show=False)
    }
    coming = set(participants)
    coordinators = {str(c.user_id): _slots(c.unavailable_slots) for c in session.session_coordinators.all()}
    fixed = []
    kept_requests = set()
    for meeting in session.meetings.select_related("request", "slot"):
        if not _keeps(session, meeting):
            continue
        request = _request(meeting.request)
        kept_requests.add(meeting.request_id)
        # Someone who did not come keeps their past meetings, which still occupy their table.
        participants.setdefault(request.a, frozenset())
        participants.setdefault(request.b, frozenset())
        coordinator = str(meeting.coordinator_id) if meeting.coordinator_id else None
        fixed.append(Placement(request, meeting.slot.index, meeting.table - 1, coordinator))
    requests = [
        _request(r)
        for r in session.requests.filter(status=RequestStatus.ACCEPTED).order_by("pk")
        if r.pk not in kept_requests and str(r.requester_id) in coming and str(r.requested_id) in coming
    ]
    return Instance(
        slots=slot_count,
        tables=session.table_count,
        participants=participants,
        coordinators=coordinators,
        requests=[*requests, *(f.request for f in fixed)],
        fixed=fixed,
        closed_slots=closed,
    )


def _require_open(session: MatchingSession) -> None:
    if session.status == MatchingSessionStatus.FINISHED:
        raise ApplicationError(_("The session is finished: its schedule can no longer change."))


@transaction.atomic
def schedule_run_start(
    *, actor: User, session: MatchingSession, exact: bool, min_meetings: int, time_limit: int = 20
) -> ScheduleRun:
    """A preview (greedy) runs and applies at once; an optimisation is queued for a worker, which applies it."""
    _require_open(session)
    if min_meetings < 0 or min_meetings > 20:
        raise ApplicationError(_("The guaranteed meetings must be between 0 and 20."), extra={"field": "min_meetings"})
    if not 1 <= time_limit <= MAX_TIME_LIMIT:
        raise ApplicationError(
            _("The time limit must be between 1 and %(max)s seconds.") % {"max": MAX_TIME_LIMIT},
            extra={"field": "time_limit"},
        )
    if not session.slots.exists():
        raise ApplicationError(_("The session has no time slots yet."))
    run = ScheduleRun.objects.create(
        session=session, exact=exact, min_meetings=min_meetings, time_limit=time_limit, created_by=actor
    )
    if exact:
        from matching.tasks.scheduling import schedule_run_task

        transaction.on_commit(lambda: schedule_run_task.delay(run.pk))
    else:
        result = greedy(session_instance(session), min_meetings=min_meetings)
        _finish(run, result)
    return run


def schedule_run_execute(*, run_id: int) -> None:
    """The worker's part: solve and apply. Runs only a queued run, so a task delivered twice does nothing."""
    with transaction.atomic():
        run = ScheduleRun.objects.select_for_update().filter(pk=run_id, status=ScheduleRunStatus.QUEUED).first()
        if run is None:
            return
        run.status = ScheduleRunStatus.RUNNING
        run.save(update_fields=["status"])
    session = run.session
    try:
        result = solve(session_instance(session), seconds=run.time_limit, min_meetings=run.min_meetings)
    except Exception as error:  # any solver failure must show on the run, not leave it running
        logger.exception("schedule run %s failed", run.pk)
        ScheduleRun.objects.filter(pk=run.pk).update(
            status=ScheduleRunStatus.FAILED, error=str(error), finished_at=timezone.now()
        )
        return
    with transaction.atomic():
        run = ScheduleRun.objects.select_for_update().get(pk=run.pk)
        _finish(run, result)


def _finish(run: ScheduleRun, result: Result) -> None:
    """Record the figures and apply the placements, unless a newer run exists or the schedule changed meanwhile."""
    run.weight, run.bound, run.gap = result.weight, result.bound, result.gap
    run.seconds, run.placed, run.solver_status = result.seconds, result.placed, result.status[:40]
    run.finished_at = timezone.now()
    run.status = ScheduleRunStatus.DONE
    newer = ScheduleRun.objects.filter(session_id=run.session_id, pk__gt=run.pk).exists()
    if newer:
        run.error = _("Not applied: a newer run was started.")
    else:
        try:
            with transaction.atomic():
                schedule_apply(session=run.session, result=result)
        except (IntegrityError, ApplicationError):
            run.status = ScheduleRunStatus.FAILED
            run.error = _("The schedule changed while the optimiser ran; run it again.")
    run.save()


def schedule_apply(*, session: MatchingSession, result: Result) -> None:
    """Replace the meetings a run may change by its placements (tables from 1 in the database)."""
    session = MatchingSession.objects.select_for_update().get(pk=session.pk)
    _require_open(session)
    meetings = list(session.meetings.select_related("request", "slot"))
    kept = {m.request_id: m for m in meetings if _keeps(session, m)}
    # Every meeting kept now must be in the result where it is: else the run saw another schedule.
    placed = {int(p.request.id): (p.slot, p.table) for p in result.placements}
    if any(placed.get(m.request_id) != (m.slot.index, m.table - 1) for m in kept.values()):
        raise ApplicationError(_("The schedule changed while the optimiser ran; run it again."))
    Meeting.objects.filter(pk__in=[m.pk for m in meetings if m.request_id not in kept]).delete()
    slots = {s.index: s for s in session.slots.all()}
    accepted = set(session.requests.filter(status=RequestStatus.ACCEPTED).values_list("pk", flat=True))
    new = []
    for placement in result.placements:
        request_id = int(placement.request.id)
        if request_id in kept:
            continue
        if request_id not in accepted:
            raise ApplicationError(_("The schedule changed while the optimiser ran; run it again."))
        new.append(
            Meeting(
                session=session,
                request_id=request_id,
                slot=slots[placement.slot],
                table=placement.table + 1,
                coordinator_id=int(placement.coordinator) if placement.coordinator else None,
            )
        )
    Meeting.objects.bulk_create(new)


# -- by hand --------------------------------------------------------------------------------------------------


def _refuse(message: str, field: str) -> ApplicationError:
    return ApplicationError(message, extra={"field": field})


@transaction.atomic
def meeting_move(
    *, actor: User, meeting: Meeting, slot: SessionSlot, table: int, coordinator: User | None = None
) -> Meeting:
    """Put a meeting where staff say, after checking every rule of the schedule, and lock it there."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("request__requester__organization", "request__requested__organization", "session")
        .get(pk=meeting.pk)
    )
    session = meeting.session
    _require_open(session)
    request = meeting.request
    if meeting.status != MeetingStatus.SCHEDULED:
        raise _refuse(_("Only a scheduled meeting can be moved."), "slot")
    if slot.session_id != session.pk:
        raise _refuse(_("That slot is not one of this session's."), "slot")
    if slot.starts_at <= timezone.now():
        raise _refuse(_("That slot has already started."), "slot")
    if not 1 <= table <= session.table_count:
        raise _refuse(
            _("There is no table %(table)s: the session has %(count)s tables.")
            % {"table": table, "count": session.table_count},
            "table",
        )
    others = Meeting.objects.filter(slot=slot).exclude(pk=meeting.pk)
    for participant in (request.requester, request.requested):
        if slot.index in _slots(participant.unavailable_slots):
            raise _refuse(
                _("%(name)s is not available in slot %(slot)s.") % {"name": participant, "slot": slot.index + 1},
                "slot",
            )
        if (
            others.filter(request__requester=participant).exists()
            or others.filter(request__requested=participant).exists()
        ):
            raise _refuse(
                _("%(name)s already has a meeting in slot %(slot)s.") % {"name": participant, "slot": slot.index + 1},
                "slot",
            )
    if others.filter(table=table).exists():
        raise _refuse(
            _("Table %(table)s is taken in slot %(slot)s.") % {"table": table, "slot": slot.index + 1}, "table"
        )
    if coordinator is None and request.needs_coordinator:
        raise _refuse(_("This meeting needs a coordinator."), "coordinator")
    if coordinator is not None:
        seat = SessionCoordinator.objects.filter(session=session, user=coordinator).first()
        if seat is None:
            raise _refuse(_("That person is not a coordinator of this session."), "coordinator")
        if slot.index in _slots(seat.unavailable_slots):
            raise _refuse(
                _("The coordinator is not available in slot %(slot)s.") % {"slot": slot.index + 1}, "coordinator"
            )
        if others.filter(coordinator=coordinator).exists():
            raise _refuse(
                _("The coordinator already has a meeting in slot %(slot)s.") % {"slot": slot.index + 1},
                "coordinator",
            )
    meeting.slot, meeting.table, meeting.coordinator, meeting.locked = slot, table, coordinator, True
    meeting._history_user = actor  # type: ignore[attr-defined]
    meeting.save()
    return meeting


@transaction.atomic
def meeting_lock(*, actor: User, meeting: Meeting, locked: bool = True) -> Meeting:
    """A locked meeting stays where it is when the scheduler runs again."""
    _require_open(meeting.session)
    meeting.locked = locked
    meeting._history_user = actor  # type: ignore[attr-defined]
    meeting.save(update_fields=["locked", "updated_at"])
    return meeting


def meeting_unlock(*, actor: User, meeting: Meeting) -> Meeting:
    return meeting_lock(actor=actor, meeting=meeting, locked=False)


@transaction.atomic
def participant_no_show(*, actor: User, participant: SessionParticipant) -> int:
    """On the day: the participant did not come. Their meetings not yet started are deleted (a meeting marked
    "not held" would keep its table taken), so a refill can give those places to others. Returns how many."""
    participant = SessionParticipant.objects.select_for_update().select_related("session").get(pk=participant.pk)
    session = participant.session
    if session.status != MatchingSessionStatus.PUBLISHED:
        raise ApplicationError(_("A no-show is recorded on the day, once the schedule is published."))
    if participant.status != ParticipantStatus.PARTICIPATING or participant.no_show:
        raise ApplicationError(_("%(name)s is not expected at the session.") % {"name": participant})
    participant.no_show = True
    participant._history_user = actor  # type: ignore[attr-defined]
    participant.save(update_fields=["no_show", "updated_at"])
    freed = Meeting.objects.filter(
        session=session, status=MeetingStatus.SCHEDULED, slot__starts_at__gt=timezone.now()
    ).filter(request__requester=participant) | Meeting.objects.filter(
        session=session, status=MeetingStatus.SCHEDULED, slot__starts_at__gt=timezone.now()
    ).filter(request__requested=participant)
    count = 0
    for meeting in freed.distinct():
        meeting._history_user = actor  # type: ignore[attr-defined]
        meeting.delete()
        count += 1
    return count
