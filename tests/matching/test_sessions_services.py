"""Setting a matching session up: the session, its slots, participants and coordinators."""

import datetime

import pytest
from django.utils import timezone

from clusternet.core.exceptions import ApplicationError
from events.models import EventKind
from matching.models import MatchingSession, MatchingSessionStatus, ParticipantStatus, RequestStatus, SessionSlot
from matching.services import sessions as services
from members.models import Role
from tests.events.factories import EventFactory, tokyo
from tests.factories import ContactFactory, OrganizationFactory, UserFactory
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


def fair():
    return EventFactory(kind=EventKind.MATCHING_FAIR)


def test_a_session_is_created_for_a_matching_fair_with_its_slots(staff):
    event = fair()
    first = event.starts_at
    slots = [
        (first, first + datetime.timedelta(minutes=20)),
        (first + datetime.timedelta(minutes=25), first + datetime.timedelta(minutes=45)),
    ]
    session = services.session_create(
        actor=staff, event=event, table_count=12, request_deadline=event.starts_at - datetime.timedelta(days=7),
        response_days=3, min_meetings=1, slots=slots,
    )  # fmt: skip
    assert session.status == MatchingSessionStatus.PREPARING
    assert [(s.index, s.starts_at) for s in session.slots.order_by("index")] == [(0, slots[0][0]), (1, slots[1][0])]
    assert session.history.first().history_user == staff


def test_a_session_for_an_event_of_another_kind_is_refused(staff):
    event = EventFactory(kind=EventKind.SEMINAR)
    with pytest.raises(ApplicationError, match="Only an event of kind matching fair"):
        services.session_create(
            actor=staff, event=event, table_count=4, request_deadline=event.starts_at - datetime.timedelta(days=1)
        )
    assert not MatchingSession.objects.exists()


def test_an_event_has_one_session_only(staff):
    session = MatchingSessionFactory()
    with pytest.raises(ApplicationError, match="already has a matching session"):
        services.session_create(
            actor=staff, event=session.event, table_count=4, request_deadline=session.request_deadline
        )
    assert MatchingSession.objects.count() == 1


def test_a_deadline_after_the_fair_begins_is_refused(staff):
    event = fair()
    with pytest.raises(ApplicationError, match="before the matching fair begins"):
        services.session_create(
            actor=staff, event=event, table_count=4, request_deadline=event.starts_at + datetime.timedelta(hours=1)
        )
    assert not MatchingSession.objects.exists()


def test_overlapping_slots_are_refused(staff):
    event = fair()
    first = event.starts_at
    slots = [
        (first, first + datetime.timedelta(minutes=20)),
        (first + datetime.timedelta(minutes=10), first + datetime.timedelta(minutes=30)),
    ]
    with pytest.raises(ApplicationError, match="overlaps"):
        services.session_create(
            actor=staff, event=event, table_count=4, request_deadline=first - datetime.timedelta(days=1), slots=slots
        )
    assert not SessionSlot.objects.exists()


def test_coordinators_may_not_create_sessions():
    event = fair()
    with pytest.raises(ApplicationError):
        services.session_create(
            actor=UserFactory(role=Role.COORDINATOR), event=event, table_count=4,
            request_deadline=event.starts_at - datetime.timedelta(days=1),
        )  # fmt: skip


def test_update_keeps_at_least_the_tables_a_meeting_uses(staff):
    meeting = MeetingFactory(table=6)
    with pytest.raises(ApplicationError, match="table 6"):
        services.session_update(actor=staff, session=meeting.session, data={"table_count": 5})
    meeting.session.refresh_from_db()
    assert meeting.session.table_count == 8
    services.session_update(actor=staff, session=meeting.session, data={"table_count": 6, "response_days": 5})
    meeting.session.refresh_from_db()
    assert (meeting.session.table_count, meeting.session.response_days) == (6, 5)


def test_generated_slots_replace_the_old_ones_and_prune_unavailable_slots(staff):
    session = MatchingSessionFactory(slot_count=4)
    participant = SessionParticipantFactory(session=session, unavailable_slots=[1, 3])
    slots = services.session_slots_generate(
        actor=staff, session=session, first_starts_at=tokyo(2026, 12, 1, 13), minutes=20, break_minutes=5, count=3
    )
    assert [(s.index, s.starts_at, s.ends_at) for s in slots] == [
        (0, tokyo(2026, 12, 1, 13), tokyo(2026, 12, 1, 13, 20)),
        (1, tokyo(2026, 12, 1, 13, 25), tokyo(2026, 12, 1, 13, 45)),
        (2, tokyo(2026, 12, 1, 13, 50), tokyo(2026, 12, 1, 14, 10)),
    ]
    participant.refresh_from_db()
    assert participant.unavailable_slots == [1]


def test_slots_are_not_replaced_once_a_meeting_is_placed(staff):
    meeting = MeetingFactory()
    with pytest.raises(ApplicationError, match="clear the schedule"):
        services.session_slots_generate(
            actor=staff, session=meeting.session, first_starts_at=tokyo(2026, 12, 1, 13), minutes=20,
            break_minutes=0, count=2,
        )  # fmt: skip
    assert meeting.session.slots.count() == 4


def test_status_moves_preparing_to_requests_open_to_scheduling(staff):
    session = MatchingSessionFactory(status=MatchingSessionStatus.PREPARING)
    assert services.session_open_requests(actor=staff, session=session).status == MatchingSessionStatus.REQUESTS_OPEN
    with pytest.raises(ApplicationError, match="Only a session being prepared"):
        services.session_open_requests(actor=staff, session=session)
    assert services.session_close_requests(actor=staff, session=session).status == MatchingSessionStatus.SCHEDULING
    with pytest.raises(ApplicationError, match="Only a session taking requests"):
        services.session_close_requests(actor=staff, session=session)


def test_requests_cannot_open_without_slots(staff):
    session = MatchingSessionFactory(status=MatchingSessionStatus.PREPARING, slot_count=0)
    with pytest.raises(ApplicationError, match="Add the time slots"):
        services.session_open_requests(actor=staff, session=session)
    session.refresh_from_db()
    assert session.status == MatchingSessionStatus.PREPARING


def test_closing_requests_expires_those_still_pending(staff, django_capture_on_commit_callbacks):
    request = MeetingRequestFactory()
    answered = MeetingRequestFactory(session=request.session, status=RequestStatus.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.session_close_requests(actor=staff, session=request.session)
    request.refresh_from_db()
    answered.refresh_from_db()
    assert request.status == RequestStatus.EXPIRED and request.expiry_notice_sent_at is not None
    assert answered.status == RequestStatus.ACCEPTED


def test_a_participant_is_added_once(staff):
    session = MatchingSessionFactory()
    organization = OrganizationFactory()
    contact = ContactFactory(organization=organization)
    participant = services.participant_add(actor=staff, session=session, organization=organization, contact=contact)
    assert participant.status == ParticipantStatus.INVITED
    with pytest.raises(ApplicationError, match="already a participant"):
        services.participant_add(actor=staff, session=session, organization=organization)
    assert session.participants.count() == 1


def test_the_attendee_must_belong_to_the_participant(staff):
    session = MatchingSessionFactory()
    with pytest.raises(ApplicationError, match="contact of the participating organisation"):
        services.participant_add(
            actor=staff, session=session, organization=OrganizationFactory(), contact=ContactFactory()
        )
    assert not session.participants.exists()


def test_unavailable_slots_must_exist(staff):
    participant = SessionParticipantFactory()
    with pytest.raises(ApplicationError, match="no time slot 5"):
        services.participant_update(actor=staff, participant=participant, data={"unavailable_slots": [0, 4]})
    participant.refresh_from_db()
    assert participant.unavailable_slots == []
    services.participant_update(
        actor=staff, participant=participant, data={"unavailable_slots": [2, 0, 2], "status": "participating"}
    )
    participant.refresh_from_db()
    assert participant.unavailable_slots == [0, 2]


def test_an_organisation_user_edits_only_their_own_profile_and_slots():
    participant = SessionParticipantFactory()
    user = UserFactory(role=Role.MEMBER, organization=participant.organization)
    services.participant_update(
        actor=user, participant=participant, data={"profile": "樹脂成形", "unavailable_slots": [1]}
    )
    with pytest.raises(ApplicationError):
        services.participant_update(actor=user, participant=participant, data={"status": "declined"})
    other = UserFactory(role=Role.MEMBER, organization=OrganizationFactory())
    with pytest.raises(ApplicationError):
        services.participant_update(actor=other, participant=participant, data={"profile": "x"})
    participant.refresh_from_db()
    assert (participant.profile, participant.status) == ("樹脂成形", ParticipantStatus.PARTICIPATING)


def test_a_participant_with_a_placed_meeting_is_not_removed(staff):
    meeting = MeetingFactory()
    with pytest.raises(ApplicationError, match="has meetings in the schedule"):
        services.participant_remove(actor=staff, participant=meeting.request.requester)
    assert meeting.session.participants.count() == 2
    free = SessionParticipantFactory(session=meeting.session)
    services.participant_remove(actor=staff, participant=free)
    assert meeting.session.participants.count() == 2


def test_coordinators_must_be_internal_and_added_once(staff):
    session = MatchingSessionFactory()
    coordinator = UserFactory(role=Role.COORDINATOR)
    added = services.coordinator_add(actor=staff, session=session, user=coordinator, unavailable_slots=[3])
    assert added.unavailable_slots == [3]
    with pytest.raises(ApplicationError, match="already coordinates"):
        services.coordinator_add(actor=staff, session=session, user=coordinator)
    with pytest.raises(ApplicationError, match="Only the association's staff and coordinators"):
        services.coordinator_add(
            actor=staff, session=session, user=UserFactory(role=Role.MEMBER, organization=OrganizationFactory())
        )
    with pytest.raises(ApplicationError, match="no time slot 9"):
        services.coordinator_update(actor=coordinator, coordinator=added, unavailable_slots=[8])
    services.coordinator_update(actor=coordinator, coordinator=added, unavailable_slots=[0])
    added.refresh_from_db()
    assert added.unavailable_slots == [0]
    assert session.session_coordinators.count() == 1


def test_a_coordinator_sitting_in_on_a_meeting_is_not_removed(staff):
    coordinator = UserFactory(role=Role.COORDINATOR)
    meeting = MeetingFactory(coordinator=coordinator)
    added = services.coordinator_add(actor=staff, session=meeting.session, user=coordinator)
    with pytest.raises(ApplicationError, match="reassign"):
        services.coordinator_remove(actor=staff, coordinator=added)
    assert meeting.session.session_coordinators.count() == 1


def test_open_requests_needs_a_deadline_ahead(staff):
    session = MatchingSessionFactory(status=MatchingSessionStatus.PREPARING)
    MatchingSession.objects.filter(pk=session.pk).update(request_deadline=timezone.now() - datetime.timedelta(hours=1))
    session.refresh_from_db()
    with pytest.raises(ApplicationError, match="deadline for requests has passed"):
        services.session_open_requests(actor=staff, session=session)
