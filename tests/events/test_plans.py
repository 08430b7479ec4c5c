"""Visit planning: internal users propose targets, staff record the steering committee's decision."""

import pytest
from django.urls import reverse

from clusternet.core.exceptions import ApplicationError
from events.models import VisitPlan, VisitPlanStatus, VisitSource
from events.services.visits import visit_plan_create, visit_plan_transition
from tests.events.visits_helpers import days, today

pytestmark = pytest.mark.django_db


def _plan(users, organization, **data):
    return visit_plan_create(
        actor=users["coordinator"],
        data={
            "organization": organization,
            "reason": "日刊工業新聞で新工場の記事",
            "source": VisitSource.NEWSPAPER,
            **data,
        },
    )


def test_a_proposed_plan_is_planned_and_remembers_who_proposed_it(users, member_org):
    plan = _plan(users, member_org)
    assert (plan.status, plan.proposed_by) == (VisitPlanStatus.PLANNED, users["coordinator"])


def test_a_plan_needs_an_organisation_and_a_reason(users, member_org):
    with pytest.raises(ApplicationError, match="訪問先の組織を選んでください。"):
        _plan(users, None)
    with pytest.raises(ApplicationError, match="訪問する理由を入力してください。"):
        _plan(users, member_org, reason=" ")
    assert not VisitPlan.objects.exists()


def test_approved_on_a_date_then_dropped_with_a_reason(users, member_org):
    plan = _plan(users, member_org)
    visit_plan_transition(actor=users["secretariat"], plan=plan, to_status="approved", approved_on=days(-1))
    plan.refresh_from_db()
    assert (plan.status, plan.approved_on) == (VisitPlanStatus.APPROVED, days(-1))
    visit_plan_transition(actor=users["secretariat"], plan=plan, to_status="dropped", reason="移転のため")
    plan.refresh_from_db()
    assert (plan.status, plan.dropped_reason) == (VisitPlanStatus.DROPPED, "移転のため")


@pytest.mark.parametrize(
    ("start", "to_status", "message"),
    [
        (VisitPlanStatus.PLANNED, "visited", "「計画中」の訪問計画を「訪問済み」にはできません。"),
        (VisitPlanStatus.APPROVED, "visited", "訪問計画は、その訪問を記録すると訪問済みになります。"),
        (VisitPlanStatus.DROPPED, "approved", "「見送り」の訪問計画を「承認済」にはできません。"),
        (VisitPlanStatus.VISITED, "dropped", "「訪問済み」の訪問計画を「見送り」にはできません。"),
        (VisitPlanStatus.PLANNED, "dropped", "見送りの理由を入力してください。"),
    ],
)
def test_invalid_moves_are_refused_and_change_nothing(start, to_status, message, users, member_org):
    plan = VisitPlan.objects.create(organization=member_org, reason="r", source=VisitSource.BANK, status=start)
    with pytest.raises(ApplicationError) as caught:
        visit_plan_transition(actor=users["secretariat"], plan=plan, to_status=to_status)
    assert caught.value.message == message
    plan.refresh_from_db()
    assert plan.status == start


def test_an_approval_dated_in_the_future_is_refused(users, member_org):
    plan = _plan(users, member_org)
    with pytest.raises(ApplicationError, match="承認日に未来の日付は指定できません。"):
        visit_plan_transition(actor=users["secretariat"], plan=plan, to_status="approved", approved_on=days(1))


def test_a_coordinator_proposes_from_the_page_but_only_staff_decide(client_for, users, member_org):
    client = client_for("coordinator")
    response = client.post(
        reverse("visit-plan-create"),
        {"organization": member_org.pk, "reason": "信金からの紹介", "source": "bank", "source_detail": "多摩信金"},
    )
    assert response.status_code == 302
    plan = VisitPlan.objects.get()
    decide = reverse("visit-plan-decide", args=[plan.pk])
    assert client.post(decide, {"to_status": "approved"}).status_code == 403

    staff = client_for("secretariat")
    assert staff.post(decide, {"to_status": "approved", "approved_on": today().isoformat()}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == VisitPlanStatus.APPROVED
    page = staff.get(reverse("visit-plan-list")).content.decode()
    assert f"{reverse('visit-create')}?plan={plan.pk}" in page


def test_an_invalid_move_from_the_page_is_told(client_for, member_org):
    plan = VisitPlan.objects.create(organization=member_org, reason="r", source=VisitSource.BANK)
    response = client_for("secretariat").post(
        reverse("visit-plan-decide", args=[plan.pk]), {"to_status": "dropped", "reason": ""}, follow=True
    )
    assert "見送りの理由を入力してください。" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == VisitPlanStatus.PLANNED


def test_logging_the_visit_from_the_plan_page_marks_it_visited(client_for, member_org):
    plan = VisitPlan.objects.create(
        organization=member_org, reason="r", source=VisitSource.BANK, status=VisitPlanStatus.APPROVED
    )
    client = client_for("coordinator")
    form = client.get(reverse("visit-create"), {"plan": plan.pk}).content.decode()
    assert member_org.name in form
    data = {
        "plan": plan.pk, "organization": member_org.pk, "visited_on": today().isoformat(), "purpose": "計画訪問",
        "follow_ups-TOTAL_FORMS": "0", "follow_ups-INITIAL_FORMS": "0",
    }  # fmt: skip
    assert client.post(reverse("visit-create"), data).status_code == 302
    plan.refresh_from_db()
    assert plan.status == VisitPlanStatus.VISITED
