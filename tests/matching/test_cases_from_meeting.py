"""A meeting with a follow-up becomes a matching case, once."""

import pytest

from clusternet.core.exceptions import ApplicationError
from matching.models import CaseStage, MatchingCase, MeetingOutcome
from matching.services.cases import case_from_meeting, case_move
from members.models import Role
from tests.factories import UserFactory
from tests.matching.factories import MatchingCaseFactory, MeetingFactory, NeedFactory, SeedFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def coordinator():
    return UserFactory(role=Role.COORDINATOR)


def meeting_with(outcome, *, coordinator=None, deal_amount=None, **request):
    seed = SeedFactory()
    need = NeedFactory()
    meeting = MeetingFactory(
        request__seed=seed, request__need=need, coordinator=coordinator, outcome=outcome, deal_amount=deal_amount,
        **{f"request__{k}": v for k, v in request.items()},
    )  # fmt: skip
    return meeting


def parties(case):
    return set(case.parties.values_list("organization_id", flat=True))


def test_a_continuing_meeting_opens_a_case_with_both_organisations_at_meeting_held(coordinator):
    meeting = meeting_with(MeetingOutcome.CONTINUING, coordinator=coordinator)

    case = case_from_meeting(actor=coordinator, meeting=meeting)

    request = meeting.request
    assert parties(case) == {request.requester.organization_id, request.requested.organization_id}
    assert case.seed == request.seed and case.need == request.need
    assert case.stage == CaseStage.MEETING_HELD and case.furthest_stage == CaseStage.MEETING_HELD
    assert case.coordinator == coordinator
    assert case.field == request.seed.field
    assert list(case.moves.values_list("to_stage", "moved_by")) == [(CaseStage.MEETING_HELD, coordinator.pk)]
    meeting.refresh_from_db()
    assert meeting.case == case


def test_twice_is_one_case_and_one_move(coordinator):
    meeting = meeting_with(MeetingOutcome.NEGOTIATING, coordinator=coordinator)

    first = case_from_meeting(actor=coordinator, meeting=meeting)
    second = case_from_meeting(actor=coordinator, meeting=meeting)

    assert first.pk == second.pk
    assert MatchingCase.objects.count() == 1
    assert first.moves.count() == 1
    assert first.history.count() == 1


def test_a_deal_sets_the_deal_value(coordinator):
    meeting = meeting_with(MeetingOutcome.DEAL, coordinator=coordinator, deal_amount=1_200_000)

    case = case_from_meeting(actor=coordinator, meeting=meeting)

    assert case.deal_value == 1_200_000


def test_an_open_case_between_the_same_organisations_and_entries_is_reused(coordinator):
    meeting = meeting_with(MeetingOutcome.CONTINUING, coordinator=coordinator)
    request = meeting.request
    existing = MatchingCaseFactory(seed=request.seed, need=request.need, opened_on=meeting.slot.starts_at.date())
    existing.parties.create(organization=request.requester.organization)
    existing.parties.create(organization=request.requested.organization)

    case = case_from_meeting(actor=coordinator, meeting=meeting)

    assert case.pk == existing.pk
    assert case.stage == CaseStage.MEETING_HELD
    assert MatchingCase.objects.count() == 1


def test_a_case_already_further_along_keeps_its_stage(coordinator):
    meeting = meeting_with(MeetingOutcome.CONTINUING, coordinator=coordinator)
    case = case_from_meeting(actor=coordinator, meeting=meeting)
    case_move(actor=coordinator, case=case, to_stage=CaseStage.PROTOTYPE, moved_on=case.opened_on)

    case = case_from_meeting(actor=coordinator, meeting=meeting)

    assert case.stage == CaseStage.PROTOTYPE


def test_the_actor_coordinates_when_the_meeting_had_no_coordinator(coordinator):
    meeting = meeting_with(MeetingOutcome.CONTINUING)

    case = case_from_meeting(actor=coordinator, meeting=meeting)

    assert case.coordinator == coordinator


def test_the_sessions_first_coordinator_when_a_member_records_it(coordinator, users):
    meeting = meeting_with(MeetingOutcome.CONTINUING)
    meeting.session.session_coordinators.create(user=coordinator)

    case = case_from_meeting(actor=users[Role.MEMBER], meeting=meeting)

    assert case.coordinator == coordinator


def test_a_meeting_without_follow_up_is_refused_and_nothing_is_created(coordinator):
    meeting = meeting_with(MeetingOutcome.NO_FOLLOW_UP, coordinator=coordinator)

    with pytest.raises(ApplicationError, match="becomes a matching case"):
        case_from_meeting(actor=coordinator, meeting=meeting)

    assert not MatchingCase.objects.exists()


def test_the_publisher_coordinates_when_the_session_has_no_coordinator(users):
    meeting = meeting_with(MeetingOutcome.CONTINUING)
    meeting.session.published_by = users[Role.SECRETARIAT]
    meeting.session.save()

    case = case_from_meeting(actor=users[Role.MEMBER], meeting=meeting)

    assert case.coordinator == users[Role.SECRETARIAT]


def test_without_any_coordinator_nothing_is_created(users):
    meeting = meeting_with(MeetingOutcome.CONTINUING)

    with pytest.raises(ApplicationError, match="no coordinator"):
        case_from_meeting(actor=users[Role.MEMBER], meeting=meeting)

    assert not MatchingCase.objects.exists()
