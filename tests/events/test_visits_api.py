"""/api/visits/ and /api/follow-ups/: staff and coordinators only, with the reason for everyone else."""

import pytest
from django.urls import reverse

from events.models import FollowUp, FollowUpStatus, Visit
from tests.events.factories import FollowUpFactory, VisitFactory
from tests.events.visits_helpers import days, outcome, today

pytestmark = pytest.mark.django_db

REFUSAL = "企業訪問の記録・ヒアリング内容・フォローアップは、事務局とコーディネータだけが閲覧できます。"
DENIED = ["member", "bank", "evaluator"]


@pytest.mark.parametrize("role", DENIED)
def test_every_endpoint_refuses_member_bank_and_evaluator_users_without_notes(role, api_client_for, member_org):
    follow_up = FollowUpFactory(visit__organization=member_org, visit__heard_needs="秘密の課題")
    client = api_client_for(role)
    calls = [
        client.get(reverse("api-visit-list")),
        client.post(reverse("api-visit-list"), {}, format="json"),
        client.get(reverse("api-visit-detail", args=[follow_up.visit_id])),
        client.patch(reverse("api-visit-detail", args=[follow_up.visit_id]), {"purpose": "x"}, format="json"),
        client.get(reverse("api-follow-up-list")),
        client.post(reverse("api-follow-up-list"), {}, format="json"),
        client.get(reverse("api-follow-up-detail", args=[follow_up.pk])),
        client.patch(reverse("api-follow-up-detail", args=[follow_up.pk]), {"status": "done"}, format="json"),
    ]
    for response in calls:
        assert response.status_code == 403
        assert response.json() == {"detail": REFUSAL}
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.OPEN
    assert Visit.objects.get().purpose != "x"


def test_anonymous_callers_are_asked_to_authenticate(api_client_for):
    assert api_client_for(None).get(reverse("api-visit-list")).status_code == 401


def test_a_coordinator_logs_a_visit_with_outcomes_and_follow_ups(api_client_for, users, member_org):
    body = {
        "visited_on": today().isoformat(), "organization": member_org.pk, "purpose": "技術相談",
        "heard_needs": "軽量化", "visitors": [users["coordinator"].pk], "outcomes": [outcome("産学連携").pk],
        "follow_ups": [{"description": "研究室紹介", "owner": users["coordinator"].pk, "due_on": days(7).isoformat()}],
    }  # fmt: skip
    response = api_client_for("coordinator").post(reverse("api-visit-list"), body, format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    visit = Visit.objects.get()
    assert data["id"] == visit.pk
    assert (data["organization"], data["heard_needs"], data["recorded_by"]) == (
        member_org.pk, "軽量化", users["coordinator"].pk,
    )  # fmt: skip
    assert data["outcomes"] == [outcome("産学連携").pk]
    assert data["visitors"] == [users["coordinator"].pk]
    assert [(f["description"], f["owner"], f["status"]) for f in data["follow_ups"]] == [
        ("研究室紹介", users["coordinator"].pk, "open")
    ]


def test_a_prospect_is_created_through_the_api(api_client_for):
    body = {
        "visited_on": today().isoformat(), "purpose": "初回",
        "new_organization": {"name": "株式会社日野試作", "name_kana": "ヒノシサク", "kind": "firm"},
    }  # fmt: skip
    response = api_client_for("secretariat").post(reverse("api-visit-list"), body, format="json")
    assert response.status_code == 201
    assert response.json()["organization_name"] == "株式会社日野試作"


@pytest.mark.parametrize(
    ("changes", "message", "field"),
    [
        ({"visited_on": days(1).isoformat()}, "未来の日付の訪問は記録できません。", "visited_on"),
        ({"organization": None}, "訪問先の組織を選ぶか、新しい組織を入力してください。", "organization"),
        ({"follow_ups": [{"description": "a", "due_on": days(3).isoformat()}]},
         "フォローアップごとに担当者を選んでください。", "owner"),
        ({"follow_ups": [{"description": "a", "owner": "OWNER"}]},
         "フォローアップごとに期限を入力してください。", "due_on"),
    ],
)  # fmt: skip
def test_bad_visits_are_refused_with_the_reason(changes, message, field, api_client_for, users, member_org):
    for row in changes.get("follow_ups", []):
        if row.get("owner") == "OWNER":
            row["owner"] = users["coordinator"].pk
    body = {"visited_on": today().isoformat(), "organization": member_org.pk, "purpose": "x", **changes}
    response = api_client_for("coordinator").post(reverse("api-visit-list"), body, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == message
    assert response.json()["extra"]["field"] == field
    assert not Visit.objects.exists() and not FollowUp.objects.exists()


def test_the_list_filters_by_organisation_and_period(api_client_for, member_org, other_org):
    mine = VisitFactory(organization=member_org, visited_on=days(-30))
    VisitFactory(organization=other_org, visited_on=days(-30))
    recent = VisitFactory(organization=member_org, visited_on=days(-1))
    client = api_client_for("coordinator")

    def ids(**params):
        return [v["id"] for v in client.get(reverse("api-visit-list"), params).json()["results"]]

    assert ids(organization=member_org.pk) == [recent.pk, mine.pk]
    assert ids(organization=member_org.pk, **{"from": days(-5).isoformat()}) == [recent.pk]
    assert ids(organization=member_org.pk, to=days(-5).isoformat()) == [mine.pk]
    assert client.get(reverse("api-visit-list"), {"from": "yesterday"}).status_code == 400


def test_patch_is_for_the_recorder_or_staff(api_client_for, users, member_org):
    visit = VisitFactory(organization=member_org, recorded_by=users["secretariat"], visited_on=days(-3))
    url = reverse("api-visit-detail", args=[visit.pk])
    assert api_client_for("coordinator").patch(url, {"purpose": "x"}, format="json").status_code == 403
    response = api_client_for("administrator").patch(
        url, {"purpose": "目的を修正", "outcomes": [outcome("メディア紹介").pk]}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["purpose"], response.json()["outcomes"]) == ("目的を修正", [outcome("メディア紹介").pk])


def test_follow_ups_mine_and_open(api_client_for, users):
    mine = FollowUpFactory(owner=users["coordinator"])
    FollowUpFactory(owner=users["coordinator"], status=FollowUpStatus.DONE, done_on=days(-1))
    theirs = FollowUpFactory(owner=users["secretariat"])
    client = api_client_for("coordinator")

    def ids(**params):
        return {f["id"] for f in client.get(reverse("api-follow-up-list"), params).json()["results"]}

    assert ids(owner="me", status="open") == {mine.pk}
    assert ids(status="open") == {mine.pk, theirs.pk}
    assert client.get(reverse("api-follow-up-list"), {"status": "later"}).status_code == 400


def test_a_follow_up_is_added_to_a_visit_and_closed_by_its_owner(api_client_for, users, member_org):
    visit = VisitFactory(organization=member_org)
    client = api_client_for("coordinator")
    body = {"visit": visit.pk, "description": "見積り", "owner": users["coordinator"].pk, "due_on": days(5).isoformat()}
    created = client.post(reverse("api-follow-up-list"), body, format="json")
    assert created.status_code == 201
    assert created.json()["organization"] == member_org.pk

    url = reverse("api-follow-up-detail", args=[created.json()["id"]])
    done = client.patch(url, {"status": "done"}, format="json")
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["done_on"]) == ("done", today().isoformat())


def test_a_follow_up_without_an_owner_is_refused(api_client_for, member_org):
    visit = VisitFactory(organization=member_org)
    body = {"visit": visit.pk, "description": "見積り", "due_on": days(5).isoformat()}
    response = api_client_for("coordinator").post(reverse("api-follow-up-list"), body, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "フォローアップごとに担当者を選んでください。"
    assert not FollowUp.objects.exists()


def test_only_the_owner_or_staff_change_a_follow_up_and_bad_moves_change_nothing(api_client_for, users):
    follow_up = FollowUpFactory(owner=users["secretariat"], status=FollowUpStatus.CANCELLED)
    url = reverse("api-follow-up-detail", args=[follow_up.pk])
    assert api_client_for("coordinator").patch(url, {"status": "open"}, format="json").status_code == 403
    response = api_client_for("secretariat").patch(url, {"status": "done", "description": "書き換え"}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "「キャンセル」のフォローアップを「完了」にはできません。"
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.description) == (FollowUpStatus.CANCELLED, "大学の表面処理研究室を紹介する")
