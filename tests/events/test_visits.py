"""Logging and editing a company visit: the service's rules and its refusals of bad input."""

import pytest
from django.utils import translation

from clusternet.core.exceptions import ApplicationError
from events.models import FollowUp, FollowUpStatus, Visit, VisitPlan, VisitPlanStatus, VisitSource
from events.services.visits import outcome_category_update, visit_create, visit_update
from members.models import Membership, Organization, OrganizationKind
from tests.events.factories import VisitFactory
from tests.events.visits_helpers import days, outcome, today

pytestmark = pytest.mark.django_db


def _log(users, organization, **overrides):
    arguments = {
        "actor": users["coordinator"],
        "data": {"visited_on": today(), "organization": organization, "purpose": "技術課題のヒアリング"},
        "visitors": [users["coordinator"]],
        "outcomes": [],
        "follow_ups": [],
    }
    arguments.update(overrides)
    return visit_create(**arguments)


def test_a_visit_is_logged_with_who_went_notes_outcomes_and_follow_ups(users, member_org):
    data = {
        "visited_on": days(-1), "organization": member_org, "purpose": "新製品の相談",
        "other_visitors": "八王子市 産業振興課 田中", "heard_needs": "樹脂部品の軽量化",
        "heard_technology": "精密切削", "heard_management": "後継者", "heard_seeds": "微細加工",
    }  # fmt: skip
    visit = _log(
        users, member_org, data=data,
        visitors=[users["coordinator"], users["bank"]],
        outcomes=[outcome("産学連携"), outcome("メディア紹介")],
        follow_ups=[{"description": "大学の研究室を紹介", "owner": users["coordinator"], "due_on": days(14)}],
    )  # fmt: skip

    visit.refresh_from_db()
    assert visit.recorded_by == users["coordinator"]
    assert visit.heard_needs == "樹脂部品の軽量化"
    assert set(visit.visitors.all()) == {users["coordinator"], users["bank"]}
    assert {c.name for c in visit.outcomes.all()} == {"産学連携", "メディア紹介"}
    follow_up = visit.follow_ups.get()
    assert (follow_up.organization, follow_up.owner, follow_up.due_on, follow_up.status) == (
        member_org, users["coordinator"], days(14), FollowUpStatus.OPEN,
    )  # fmt: skip
    assert visit.history.get().history_user == users["coordinator"]


def test_a_prospect_is_created_on_the_spot_without_membership(users):
    visit = _log(
        users, None, data={"visited_on": today(), "purpose": "初回訪問"},
        new_organization={
            "name": "有限会社あきる野製作所", "name_kana": "あきるのせいさくしょ", "kind": OrganizationKind.FIRM,
        },
    )  # fmt: skip

    prospect = visit.organization
    assert prospect.name == "有限会社あきる野製作所"
    assert prospect.name_kana == "アキルノセイサクショ"
    assert not Membership.objects.filter(organization=prospect).exists()


def _refused(call, field=None):
    """Runs the call expecting a refusal; returns the message. Nothing may have been written."""
    counts = (Visit.objects.count(), FollowUp.objects.count(), Organization.objects.count())
    with pytest.raises(ApplicationError) as caught:
        call()
    assert (Visit.objects.count(), FollowUp.objects.count(), Organization.objects.count()) == counts
    if field:
        assert caught.value.extra["field"] == field
    return caught.value.message


def test_a_visit_dated_in_the_future_is_refused(users, member_org):
    message = _refused(
        lambda: _log(users, member_org, data={"visited_on": days(1), "organization": member_org, "purpose": "x"}),
        "visited_on",
    )
    assert message == "未来の日付の訪問は記録できません。"


def test_a_visit_without_organisation_is_refused(users):
    message = _refused(lambda: _log(users, None, data={"visited_on": today(), "purpose": "x"}), "organization")
    assert message == "訪問先の組織を選ぶか、新しい組織を入力してください。"


def test_a_follow_up_without_an_owner_is_refused_and_the_visit_and_prospect_are_not_saved(users):
    message = _refused(
        lambda: _log(
            users, None, data={"visited_on": today(), "purpose": "初回訪問"},
            new_organization={"name": "新規株式会社", "name_kana": "シンキ", "kind": OrganizationKind.FIRM},
            follow_ups=[{"description": "見積り送付", "owner": None, "due_on": days(7)}],
        ),
        "owner",
    )  # fmt: skip
    assert message == "フォローアップごとに担当者を選んでください。"


def test_a_follow_up_without_a_due_date_is_refused(users, member_org):
    message = _refused(
        lambda: _log(
            users, member_org,
            follow_ups=[
                {"description": "a", "owner": users["coordinator"], "due_on": days(3)},
                {"description": "b", "owner": users["coordinator"], "due_on": None},
            ],
        ),
        "due_on",
    )  # fmt: skip
    assert message == "フォローアップごとに期限を入力してください。"


def test_the_refused_follow_up_row_is_named(users, member_org):
    with pytest.raises(ApplicationError) as caught:
        _log(users, member_org, follow_ups=[
            {"description": "a", "owner": users["coordinator"], "due_on": days(3)},
            {"description": "b", "owner": None, "due_on": days(3)},
        ])  # fmt: skip
    assert caught.value.extra == {"field": "owner", "follow_up": 1}


def test_a_follow_up_owner_must_be_staff_or_a_coordinator(users, member_org):
    message = _refused(
        lambda: _log(users, member_org, follow_ups=[{"description": "a", "owner": users["member"], "due_on": days(3)}]),
        "owner",
    )
    assert message == "フォローアップの担当者は、有効な事務局員またはコーディネータでなければなりません。"


def test_only_internal_and_bank_users_can_be_named_as_who_went(users, member_org):
    _refused(lambda: _log(users, member_org, visitors=[users["member"]]), "visitors")
    _refused(lambda: _log(users, member_org, visitors=[users["evaluator"]]), "visitors")


def test_a_prospect_needs_name_kana_and_kind(users):
    message = _refused(
        lambda: _log(users, None, data={"visited_on": today(), "purpose": "x"},
                     new_organization={"name": "名前だけ", "name_kana": "", "kind": OrganizationKind.FIRM}),
        "new_organization",
    )  # fmt: skip
    assert message == "新しい組織には名称・フリガナ・種別が必要です。"


def test_refusals_are_in_english_for_english_users(users, member_org):
    with translation.override("en"), pytest.raises(ApplicationError) as caught:
        _log(users, member_org, data={"visited_on": days(2), "organization": member_org, "purpose": "x"})
    assert caught.value.message == "A visit cannot be dated in the future."


def test_a_retired_category_cannot_be_chosen_but_stays_on_the_visits_that_have_it(users, member_org):
    media = outcome("メディア紹介")
    visit = _log(users, member_org, outcomes=[media])
    outcome_category_update(actor=users["secretariat"], category=media, data={"is_active": False})
    media.refresh_from_db()

    _refused(lambda: _log(users, member_org, outcomes=[media]), "outcomes")
    visit_update(actor=users["coordinator"], visit=visit, data={"purpose": "変更"}, outcomes=[media])
    assert list(visit.outcomes.all()) == [media]


def test_a_visit_from_an_approved_plan_marks_the_plan_visited(users, member_org):
    plan = VisitPlan.objects.create(
        organization=member_org, reason="新聞記事", source=VisitSource.NEWSPAPER, status=VisitPlanStatus.APPROVED
    )
    visit = _log(users, None, data={"visited_on": today(), "purpose": "計画訪問"}, plan=plan)

    plan.refresh_from_db()
    assert plan.status == VisitPlanStatus.VISITED
    assert (visit.plan, visit.organization) == (plan, member_org)


def test_a_plan_not_yet_approved_cannot_be_visited(users, member_org):
    plan = VisitPlan.objects.create(organization=member_org, reason="r", source=VisitSource.BANK)
    message = _refused(lambda: _log(users, member_org, plan=plan), "plan")
    assert message == "訪問を記録できるのは承認済みの訪問計画だけです。"
    plan.refresh_from_db()
    assert plan.status == VisitPlanStatus.PLANNED


def test_editing_a_visit_cannot_move_it_into_the_future(users, member_org):
    visit = VisitFactory(organization=member_org, visited_on=days(-3))
    with pytest.raises(ApplicationError):
        visit_update(actor=users["secretariat"], visit=visit, data={"visited_on": days(5)})
    visit.refresh_from_db()
    assert visit.visited_on == days(-3)


def test_moving_a_visit_to_another_organisation_moves_its_follow_ups(users, member_org, other_org):
    visit = _log(users, member_org, follow_ups=[{"description": "a", "owner": users["coordinator"], "due_on": days(3)}])
    visit_update(actor=users["secretariat"], visit=visit, data={"organization": other_org})
    assert visit.follow_ups.get().organization == other_org
