"""Case services: opening a case, forward moves, skipping, refusing to go back, dropping, dates, amounts."""

import datetime

import pytest
from django.utils import timezone

from clusternet.core.exceptions import ApplicationError
from matching.models import CaseStage, CaseStageMove, MatchingCase, TechField
from matching.services.cases import case_create, case_move, case_update, case_update_amounts
from members.models import Role
from tests.factories import OrganizationFactory, UserFactory
from tests.matching.factories import SeedFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TODAY = timezone.localdate


@pytest.fixture
def coordinator():
    return UserFactory(role=Role.COORDINATOR)


@pytest.fixture
def case(coordinator):
    return case_create(
        actor=coordinator,
        title="軽量化部品の共同開発",
        field=TechField.MANUFACTURING,
        organizations=[OrganizationFactory(), OrganizationFactory()],
        coordinator=coordinator,
        opened_on=TODAY() - datetime.timedelta(days=30),
    )


def state(case):
    case = MatchingCase.objects.get(pk=case.pk)
    return (case.stage, case.furthest_stage, case.drop_reason, case.moves.count(), case.history.count())


def test_a_new_case_is_introduced_with_its_parties_and_a_first_move(case, coordinator):
    assert case.stage == CaseStage.INTRODUCED == case.furthest_stage
    assert case.parties.count() == 2
    move = case.moves.get()
    assert (move.from_stage, move.to_stage, move.moved_on, move.moved_by) == (
        "", CaseStage.INTRODUCED, case.opened_on, coordinator,
    )  # fmt: skip


def test_a_case_needs_two_organisations(coordinator):
    with pytest.raises(ApplicationError, match="at least two organisations"):
        case_create(
            actor=coordinator, title="x", field=TechField.MANUFACTURING, organizations=[OrganizationFactory()],
            coordinator=coordinator, opened_on=TODAY(),
        )  # fmt: skip
    assert not MatchingCase.objects.exists()


def test_the_seeds_owner_must_be_a_party(coordinator):
    with pytest.raises(ApplicationError, match="must be one of the parties"):
        case_create(
            actor=coordinator, title="x", field=TechField.MANUFACTURING,
            organizations=[OrganizationFactory(), OrganizationFactory()], coordinator=coordinator,
            opened_on=TODAY(), seed=SeedFactory(),
        )  # fmt: skip
    assert not MatchingCase.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": " "}, "Give the case a title"),
        ({"opened_on": None}, "Give the date the parties were introduced"),
        ({"opened_on": datetime.date.today() + datetime.timedelta(days=2)}, "cannot be dated in the future"),
        ({"coordinator": "member"}, "must be an active staff member or coordinator"),
    ],
)
def test_a_case_with_bad_input_is_refused_and_not_created(coordinator, users, change, message):
    if change.get("coordinator") == "member":
        change = {"coordinator": users[Role.MEMBER]}
    values = {
        "title": "x", "field": TechField.MANUFACTURING, "coordinator": coordinator, "opened_on": TODAY(),
        "organizations": [OrganizationFactory(), OrganizationFactory()], **change,
    }  # fmt: skip
    with pytest.raises(ApplicationError, match=message):
        case_create(actor=coordinator, **values)
    assert not MatchingCase.objects.exists()


def test_a_case_moves_forward_dated_and_attributed(case, coordinator):
    day = TODAY() - datetime.timedelta(days=10)

    case = case_move(actor=coordinator, case=case, to_stage=CaseStage.MEETING_HELD, moved_on=day, note="初回面談")

    assert case.stage == CaseStage.MEETING_HELD == case.furthest_stage
    move = case.moves.order_by("pk").last()
    assert (move.from_stage, move.to_stage, move.moved_on, move.moved_by, move.note) == (
        CaseStage.INTRODUCED, CaseStage.MEETING_HELD, day, coordinator, "初回面談",
    )  # fmt: skip


def test_a_move_may_skip_stages(case, coordinator):
    case = case_move(actor=coordinator, case=case, to_stage=CaseStage.PROTOTYPE, moved_on=TODAY())

    assert case.stage == CaseStage.PROTOTYPE == case.furthest_stage


@pytest.mark.parametrize("to_stage", [CaseStage.INTRODUCED, CaseStage.MEETING_HELD, CaseStage.JOINT_DEVELOPMENT])
def test_a_move_back_or_to_the_same_stage_is_refused_and_changes_nothing(case, coordinator, to_stage):
    case_move(actor=coordinator, case=case, to_stage=CaseStage.JOINT_DEVELOPMENT, moved_on=TODAY())
    before = state(case)

    with pytest.raises(ApplicationError, match="only moves forward"):
        case_move(actor=coordinator, case=case, to_stage=to_stage, moved_on=TODAY())

    assert state(case) == before


def test_dropping_needs_a_reason(case, coordinator):
    before = state(case)

    with pytest.raises(ApplicationError, match="Say why the case is dropped"):
        case_move(actor=coordinator, case=case, to_stage=CaseStage.DROPPED, moved_on=TODAY(), drop_reason="  ")

    assert state(case) == before


def test_a_dropped_case_keeps_the_stage_where_it_stopped(case, coordinator):
    case_move(actor=coordinator, case=case, to_stage=CaseStage.PROTOTYPE, moved_on=TODAY())

    case = case_move(
        actor=coordinator, case=case, to_stage=CaseStage.DROPPED, moved_on=TODAY(), drop_reason="量産コストが合わない"
    )

    assert (case.stage, case.furthest_stage, case.drop_reason) == (
        CaseStage.DROPPED, CaseStage.PROTOTYPE, "量産コストが合わない",
    )  # fmt: skip
    assert case.moves.order_by("pk").last().to_stage == CaseStage.DROPPED


@pytest.mark.parametrize("finish", [CaseStage.DROPPED, CaseStage.FIRST_SALES])
def test_a_finished_case_moves_no_further(case, coordinator, finish):
    case_move(actor=coordinator, case=case, to_stage=finish, moved_on=TODAY(), drop_reason="撤退")
    before = state(case)

    with pytest.raises(ApplicationError, match="moves no further"):
        case_move(actor=coordinator, case=case, to_stage=CaseStage.FIRST_SALES, moved_on=TODAY())
    with pytest.raises(ApplicationError, match="moves no further"):
        case_move(actor=coordinator, case=case, to_stage=CaseStage.DROPPED, moved_on=TODAY(), drop_reason="x")

    assert state(case) == before


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (-1, "cannot be dated in the future"),
        (31, "before the introduction"),
        (None, "Give the date of the move"),
    ],
)
def test_a_badly_dated_move_is_refused_and_changes_nothing(case, coordinator, days, message):
    before = state(case)
    moved_on = None if days is None else TODAY() - datetime.timedelta(days=days)

    with pytest.raises(ApplicationError, match=message):
        case_move(actor=coordinator, case=case, to_stage=CaseStage.MEETING_HELD, moved_on=moved_on)

    assert state(case) == before


def test_a_move_cannot_be_dated_before_the_previous_one(case, coordinator):
    case_move(actor=coordinator, case=case, to_stage=CaseStage.MEETING_HELD, moved_on=TODAY())
    before = state(case)

    with pytest.raises(ApplicationError, match="before the previous move"):
        case_move(
            actor=coordinator, case=case, to_stage=CaseStage.PROTOTYPE, moved_on=TODAY() - datetime.timedelta(days=1)
        )

    assert state(case) == before


def test_an_unknown_stage_is_refused(case, coordinator):
    with pytest.raises(ApplicationError, match="Unknown stage"):
        case_move(actor=coordinator, case=case, to_stage="launched", moved_on=TODAY())
    assert not CaseStageMove.objects.filter(to_stage="launched").exists()


def test_amounts_are_whole_yen_not_below_zero(case, coordinator):
    case = case_update_amounts(actor=coordinator, case=case, deal_value=3_000_000, subsidy_amount=None)
    assert (case.deal_value, case.subsidy_amount) == (3_000_000, None)

    with pytest.raises(ApplicationError, match="whole yen"):
        case_update_amounts(actor=coordinator, case=case, deal_value=5, subsidy_amount=-1)

    case.refresh_from_db()
    assert (case.deal_value, case.subsidy_amount) == (3_000_000, None)


def test_update_refuses_an_introduction_after_the_first_move_and_changes_nothing(case, coordinator):
    day = TODAY() - datetime.timedelta(days=20)
    case_move(actor=coordinator, case=case, to_stage=CaseStage.MEETING_HELD, moved_on=day)

    with pytest.raises(ApplicationError, match="after the case's first move"):
        case_update(actor=coordinator, case=case, data={"title": "新", "opened_on": day + datetime.timedelta(days=1)})

    case.refresh_from_db()
    assert case.title == "軽量化部品の共同開発"


def test_update_moves_the_opening_move_with_the_introduction_date(case, coordinator):
    day = case.opened_on - datetime.timedelta(days=3)

    case = case_update(actor=coordinator, case=case, data={"opened_on": day})

    assert case.moves.get(from_stage="").moved_on == day


def test_update_keeps_at_least_two_parties(case, coordinator):
    with pytest.raises(ApplicationError, match="at least two organisations"):
        case_update(actor=coordinator, case=case, data={}, organizations=[case.parties.first().organization])
    assert case.parties.count() == 2
