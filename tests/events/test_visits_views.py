"""The visit pages: who may see them, the one-minute form with its follow-up rows, the list and its filters."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import FollowUp, OutcomeCategory, Visit
from members.models import Organization
from tests.events.factories import VisitFactory
from tests.events.visits_helpers import days, outcome, today

pytestmark = pytest.mark.django_db

REFUSAL = "企業訪問の記録・ヒアリング内容・フォローアップは、事務局とコーディネータだけが閲覧できます。"


def _form(org, **overrides):
    data = {
        "visited_on": today().isoformat(), "organization": org.pk if org else "",
        "purpose": "技術課題のヒアリング", "heard_needs": "塗膜がはがれる問題", "other_visitors": "",
        "follow_ups-TOTAL_FORMS": "3", "follow_ups-INITIAL_FORMS": "0",
        "follow_ups-MIN_NUM_FORMS": "0", "follow_ups-MAX_NUM_FORMS": "20",
    }  # fmt: skip
    for i in range(3):
        data.update({f"follow_ups-{i}-description": "", f"follow_ups-{i}-owner": "", f"follow_ups-{i}-due_on": ""})
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["member", "bank", "evaluator"])
def test_visit_pages_refuse_member_bank_and_evaluator_users_with_the_reason(role, client_for, member_org):
    visit = VisitFactory(organization=member_org, heard_needs="秘密の課題")
    client = client_for(role)
    for url in (reverse("visit-list"), reverse("visit-detail", args=[visit.pk]), reverse("follow-up-list")):
        response = client.get(url)
        assert response.status_code == 403
        assert REFUSAL in response.content.decode()
        assert "秘密の課題" not in response.content.decode()


def test_a_coordinator_logs_a_visit_with_outcomes_and_a_follow_up_in_one_form(client_for, users, member_org):
    owner = users["secretariat"]
    data = _form(member_org, visitors=[users["coordinator"].pk, users["bank"].pk],
                 outcomes=[outcome("課題解決支援").pk], **{
                     "follow_ups-0-description": "大学を紹介", "follow_ups-0-owner": owner.pk,
                     "follow_ups-0-due_on": days(10).isoformat()})  # fmt: skip

    response = client_for("coordinator").post(reverse("visit-create"), data)

    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("visit-detail", args=[visit.pk])
    assert visit.recorded_by == users["coordinator"]
    assert set(visit.visitors.all()) == {users["coordinator"], users["bank"]}
    assert [c.name for c in visit.outcomes.all()] == ["課題解決支援"]
    assert visit.follow_ups.get().owner == owner


def test_the_form_offers_today_active_outcomes_and_me_as_who_went(client_for, users):
    OutcomeCategory.objects.filter(name="メディア紹介").update(is_active=False)
    page = client_for("coordinator").get(reverse("visit-create")).content.decode()
    assert f'value="{today().isoformat()}"' in page
    assert "課題解決支援" in page
    assert "メディア紹介" not in page
    assert re.search(rf'name="visitors" value="{users["coordinator"].pk}" id="id_visitors_\d+" checked', page)


def test_a_new_prospect_is_entered_in_the_same_form(client_for):
    data = _form(None, new_name="株式会社青梅試作", new_name_kana="オウメシサク", new_kind="firm")
    response = client_for("coordinator").post(reverse("visit-create"), data)
    assert response.status_code == 302
    assert Visit.objects.get().organization == Organization.objects.get(name="株式会社青梅試作")


def test_the_organisation_search_answers_matching_organisations(client_for, member_org, other_org):
    response = client_for("coordinator").get(reverse("visit-create"), {"q": "タマ"}, HTTP_HX_REQUEST="true")
    assert member_org.name in response.content.decode()
    assert other_org.name not in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"visited_on": days(1).isoformat()}, "未来の日付の訪問は記録できません。"),
        ({"organization": ""}, "訪問先の組織を選ぶか、新しい組織を入力してください。"),
    ],
)
def test_bad_visits_are_refused_on_the_form_and_nothing_is_saved(overrides, message, client_for, member_org):
    response = client_for("coordinator").post(reverse("visit-create"), _form(member_org, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"follow_ups-1-owner": "", "follow_ups-1-due_on": days(3).isoformat()},
            "フォローアップごとに担当者を選んでください。",
        ),
        ({"follow_ups-1-due_on": ""}, "フォローアップごとに期限を入力してください。"),
    ],
)
def test_a_bad_follow_up_row_is_refused_beside_the_row(row, message, client_for, users, member_org):
    data = _form(member_org, **{
        "follow_ups-1-description": "見積り依頼", "follow_ups-1-owner": users["coordinator"].pk,
        "follow_ups-1-due_on": days(3).isoformat(), **row})  # fmt: skip
    response = client_for("coordinator").post(reverse("visit-create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Visit.objects.exists()
    assert not FollowUp.objects.exists()


def test_a_visit_is_edited_by_its_recorder_or_staff_only(client, users, member_org):
    visit = VisitFactory(organization=member_org, recorded_by=users["coordinator"], visited_on=days(-2))
    other = users["coordinator"].__class__.objects.create(username="coordinator2", role="coordinator")
    url = reverse("visit-edit", args=[visit.pk])

    client.force_login(other, backend="members.backends.UsernameOrEmailBackend")
    assert client.get(url).status_code == 403
    client.force_login(users["coordinator"], backend="members.backends.UsernameOrEmailBackend")
    data = {"visited_on": days(-2).isoformat(), "organization": member_org.pk, "purpose": "変更後の目的"}
    assert client.post(url, data).status_code == 302
    visit.refresh_from_db()
    assert visit.purpose == "変更後の目的"


def test_the_detail_page_shows_the_notes_to_coordinators(client_for, member_org):
    visit = VisitFactory(organization=member_org, heard_seeds="超微細穴あけ")
    page = client_for("coordinator").get(reverse("visit-detail", args=[visit.pk])).content.decode()
    assert "超微細穴あけ" in page


def test_the_list_filters_by_period_organisation_outcome_and_who_went(client_for, users, member_org, other_org):
    media = outcome("メディア紹介")
    early = VisitFactory(organization=member_org, visited_on=days(-40), purpose="四十日前")
    late = VisitFactory(organization=other_org, visited_on=days(-2), purpose="二日前")
    late.outcomes.add(media)
    early.visitors.add(users["coordinator"])
    client = client_for("secretariat")

    def purposes(**params):
        page = client.get(reverse("visit-list"), params).content.decode()
        return {p for p in ("四十日前", "二日前") if p in page}

    assert purposes() == {"四十日前", "二日前"}
    assert purposes(date_from=days(-10).isoformat()) == {"二日前"}
    assert purposes(date_to=days(-10).isoformat()) == {"四十日前"}
    assert purposes(q="サガミハラ") == {"二日前"}
    assert purposes(outcome=media.pk) == {"二日前"}
    assert purposes(coordinator=users["coordinator"].pk) == {"四十日前"}
    assert purposes(organization=member_org.pk) == {"四十日前"}


def test_the_list_runs_the_same_number_of_queries_for_3_and_30_visits(client_for, users, member_org):
    client = client_for("secretariat")

    def visits(n):
        for _ in range(n):
            visit = VisitFactory(organization=member_org, visited_on=days(-1))
            visit.visitors.add(users["coordinator"], users["bank"])
            visit.outcomes.add(outcome("産学連携"), outcome("メディア紹介"))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("visit-list")).status_code == 200
        return len(captured.captured_queries)

    visits(3)
    few = queries()
    visits(27)
    assert queries() == few


def test_the_coordinators_page_shows_their_visits_and_open_follow_ups_overdue_first(client_for, users, member_org):
    mine = VisitFactory(organization=member_org, purpose="自分の訪問", recorded_by=users["coordinator"])
    VisitFactory(organization=member_org, purpose="他人の訪問")
    for description, due, status in (("後でやる", 20, "open"), ("遅れている", -3, "open"), ("済み", -1, "done")):
        FollowUp.objects.create(visit=mine, organization=member_org, description=description,
                                owner=users["coordinator"], due_on=days(due), status=status)  # fmt: skip

    page = client_for("coordinator").get(reverse("coordinator-work")).content.decode()

    assert "自分の訪問" in page and "他人の訪問" not in page
    assert "済み" not in page
    assert page.index("遅れている") < page.index("後でやる")
