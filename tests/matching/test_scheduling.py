"""Scheduling a session: the solver's view of it, runs and what they apply, hand moves refused with nothing
changed, locks through a re-run, and a no-show on the day with the refill."""

import re

import pytest
from django.utils import timezone

from clusternet.core.exceptions import ApplicationError
from matching.models import (
    MatchingSessionStatus,
    Meeting,
    ParticipantStatus,
    RequestStatus,
    ScheduleRun,
    ScheduleRunStatus,
    SessionCoordinator,
)
from matching.scheduling.solver import validate
from matching.services.scheduling import (
    meeting_lock,
    meeting_move,
    meeting_unlock,
    participant_no_show,
    schedule_run_start,
    session_instance,
)
from members.models import Role
from tests.factories import UserFactory
from tests.matching.factories import (
    MatchingSessionFactory,
    MeetingFactory,
    MeetingRequestFactory,
    SessionParticipantFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def staff():
    return UserFactory(role=Role.SECRETARIAT)


def _session(people: int = 4, **kwargs):
    session = MatchingSessionFactory(**kwargs)
    participants = [SessionParticipantFactory(session=session) for _ in range(people)]
    return session, participants


def _accepted(session, a, b, **kwargs):
    return MeetingRequestFactory(session=session, requester=a, requested=b, status=RequestStatus.ACCEPTED, **kwargs)


def _snapshot(session):
    return sorted(session.meetings.values_list("request_id", "slot_id", "table", "coordinator_id", "locked"))


def test_the_instance_holds_accepted_requests_of_those_who_come(staff):
    session, (a, b, c, d) = _session(table_count=3)
    a.unavailable_slots = [1]
    a.save()
    kept = _accepted(session, a, b, priority=2)
    _accepted(session, c, d)
    MeetingRequestFactory(session=session, requester=a, requested=c)  # pending: not scheduled
    d.status = ParticipantStatus.DECLINED
    d.save()
    instance = session_instance(session)
    assert [r.id for r in instance.requests] == [str(kept.pk)]
    assert (instance.slots, instance.tables, instance.participants[str(a.pk)]) == (4, 3, frozenset({1}))
    assert str(d.pk) not in instance.participants


def test_a_preview_places_the_requests_at_once_within_the_rules(staff):
    session, (a, b, c, d) = _session(table_count=1)
    SessionCoordinator.objects.create(session=session, user=staff)
    requests = [_accepted(session, x, y, needs_coordinator=x == a) for x, y in [(a, b), (a, c), (b, c), (c, d)]]

    run = schedule_run_start(actor=staff, session=session, exact=False, min_meetings=1)

    assert run.status == ScheduleRunStatus.DONE and run.placed == 4 and run.weight == 12
    meetings = list(session.meetings.select_related("request", "slot"))
    assert {m.request_id for m in meetings} == {r.pk for r in requests}
    assert all(m.table == 1 for m in meetings)
    assert (
        next(m for m in meetings if m.request.requester_id == a.pk and m.request.requested_id == b.pk).coordinator
        == staff
    )


def test_an_optimisation_runs_in_the_task_and_applies_its_result(staff, django_capture_on_commit_callbacks):
    session, people = _session(people=6, table_count=2)
    for i, x in enumerate(people):
        for y in people[i + 1 : i + 3]:
            _accepted(session, x, y, priority=1 + i % 3)
    with django_capture_on_commit_callbacks(execute=True):
        run = schedule_run_start(actor=staff, session=session, exact=True, min_meetings=1, time_limit=10)
    run.refresh_from_db()
    assert run.status == ScheduleRunStatus.DONE and run.solver_status == "optimal" and run.gap == 0
    assert run.weight == run.bound and run.placed == session.meetings.count() > 0
    instance = session_instance(session)
    assert validate(instance, instance.fixed) == []


def test_a_locked_meeting_stays_where_it_is_through_a_re_run(staff):
    session, (a, b, c, d) = _session(table_count=8)
    locked = MeetingFactory(request=_accepted(session, a, b), slot=session.slots.get(index=3), table=7, locked=True)
    loose = MeetingFactory(request=_accepted(session, c, d), slot=session.slots.get(index=3), table=8)
    _accepted(session, a, c)

    schedule_run_start(actor=staff, session=session, exact=False, min_meetings=0)

    locked.refresh_from_db()
    assert (locked.slot.index, locked.table, locked.locked) == (3, 7, True)
    assert not Meeting.objects.filter(pk=loose.pk).exists()  # unlocked meetings are placed afresh
    assert session.meetings.count() == 3


def test_lock_and_unlock(staff):
    session, (a, b, *_rest) = _session()
    meeting = MeetingFactory(request=_accepted(session, a, b))
    meeting_lock(actor=staff, meeting=meeting)
    assert Meeting.objects.get(pk=meeting.pk).locked
    meeting_unlock(actor=staff, meeting=meeting)
    assert not Meeting.objects.get(pk=meeting.pk).locked


@pytest.fixture
def moving(staff):
    """A meeting A–B in slot 1 at table 1 and C–A in slot 2 at table 2; B cannot come to slot 4."""
    session, (a, b, c, d) = _session(table_count=8)
    b.unavailable_slots = [3]
    b.save()
    coordinator = UserFactory(role=Role.COORDINATOR)
    SessionCoordinator.objects.create(session=session, user=coordinator, unavailable_slots=[2])
    meeting = MeetingFactory(request=_accepted(session, a, b), slot=session.slots.get(index=0), table=1)
    MeetingFactory(request=_accepted(session, c, a), slot=session.slots.get(index=1), table=2)
    MeetingFactory(request=_accepted(session, c, d), slot=session.slots.get(index=2), table=5)
    return session, meeting, coordinator


@pytest.mark.parametrize(
    ("slot", "table", "message"),
    [
        (0, 9, "There is no table 9: the session has 8 tables."),
        (1, 3, "already has a meeting in slot 2."),
        (3, 3, "is not available in slot 4."),
        (2, 5, "Table 5 is taken in slot 3."),
    ],
)
def test_a_move_breaking_a_rule_is_refused_and_nothing_changes(moving, staff, slot, table, message):
    session, meeting, _coordinator = moving
    before = _snapshot(session)
    with pytest.raises(ApplicationError) as refused:
        meeting_move(actor=staff, meeting=meeting, slot=session.slots.get(index=slot), table=table)
    assert message in refused.value.message
    assert _snapshot(session) == before


def test_a_move_needs_an_available_coordinator_where_the_request_asks_for_one(moving, staff):
    session, meeting, coordinator = moving
    meeting.request.needs_coordinator = True
    meeting.request.save()
    before = _snapshot(session)
    with pytest.raises(ApplicationError, match=re.escape("This meeting needs a coordinator.")):
        meeting_move(actor=staff, meeting=meeting, slot=session.slots.get(index=0), table=1)
    with pytest.raises(ApplicationError, match=re.escape("The coordinator is not available in slot 3.")):
        meeting_move(actor=staff, meeting=meeting, slot=session.slots.get(index=2), table=1, coordinator=coordinator)
    assert _snapshot(session) == before


def test_a_valid_move_places_and_locks_the_meeting(moving, staff):
    session, meeting, _coordinator = moving
    meeting_move(actor=staff, meeting=meeting, slot=session.slots.get(index=2), table=4, coordinator=None)
    meeting.refresh_from_db()
    assert (meeting.slot.index, meeting.table, meeting.locked) == (2, 4, True)


def test_a_no_show_frees_their_meetings_and_the_refill_uses_the_free_places(staff, django_capture_on_commit_callbacks):
    session, (a, b, c, d) = _session(table_count=1, slot_count=2)
    first = MeetingFactory(request=_accepted(session, a, b), slot=session.slots.get(index=0), table=1)
    kept = MeetingFactory(request=_accepted(session, c, d), slot=session.slots.get(index=1), table=1)
    waiting = _accepted(session, b, c, priority=3)
    session.status = MatchingSessionStatus.PUBLISHED
    session.published_at = timezone.now()
    session.save()

    assert participant_no_show(actor=staff, participant=a) == 1

    a.refresh_from_db()
    assert a.no_show and not Meeting.objects.filter(pk=first.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        run = schedule_run_start(actor=staff, session=session, exact=True, min_meetings=0, time_limit=5)
    run.refresh_from_db()
    assert run.status == ScheduleRunStatus.DONE
    refilled = Meeting.objects.get(request=waiting)
    assert (refilled.slot.index, refilled.table) == (0, 1)
    assert Meeting.objects.filter(pk=kept.pk, slot__index=1, table=1).exists()


def test_a_no_show_before_publication_is_refused(staff):
    a = _session()[1][0]
    with pytest.raises(ApplicationError, match="once the schedule is published"):
        participant_no_show(actor=staff, participant=a)
    a.refresh_from_db()
    assert not a.no_show


def test_a_run_with_a_bad_time_limit_is_refused_and_no_run_is_kept(staff):
    session, _people = _session()
    with pytest.raises(ApplicationError, match=re.escape("The time limit must be between 1 and 300 seconds.")):
        schedule_run_start(actor=staff, session=session, exact=True, min_meetings=1, time_limit=0)
    assert not ScheduleRun.objects.exists()
