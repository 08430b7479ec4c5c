"""/api/events/: scoped like the pages; staff create; organisers change."""

import pytest

from events.models import Event, EventStatus
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db

NEW_EVENT = {
    "kind": "cafe",
    "title": "TAMAカフェ 11月",
    "capacity": 30,
    "member_price": 1000,
    "non_member_price": 2000,
    "sessions": [{"starts_at": "2027-01-20T18:00:00+09:00", "ends_at": "2027-01-20T20:00:00+09:00", "venue": "八王子"}],
    "publish": True,
}


def test_staff_create_and_publish_an_event(api_client_for):
    response = api_client_for("secretariat").post("/api/events/", NEW_EVENT, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "published"
    assert body["sessions"][0]["venue"] == "八王子"
    assert body["starts_at"] == "2027-01-20T18:00:00+09:00"
    assert (body["confirmed"], body["waitlisted"]) == (0, 0)


@pytest.mark.parametrize("role", ["coordinator", "member", "bank", "evaluator"])
def test_only_staff_create_events(api_client_for, role):
    assert api_client_for(role).post("/api/events/", NEW_EVENT, format="json").status_code == 403
    assert not Event.objects.exists()


def test_a_bad_session_is_a_400_in_the_users_language(api_client_for, users):
    users["secretariat"].language = "ja"
    users["secretariat"].save()
    bad = {**NEW_EVENT, "sessions": [{**NEW_EVENT["sessions"][0], "ends_at": "2027-01-20T17:00:00+09:00"}]}
    response = api_client_for("secretariat").post("/api/events/", bad, format="json", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 400
    assert "終了は開始より後" in str(response.json())
    assert not Event.objects.exists()


def test_members_list_published_events_only(api_client_for):
    EventFactory(title="公開中")
    EventFactory(title="下書き", status=EventStatus.DRAFT)
    titles = [e["title"] for e in api_client_for("member").get("/api/events/").json()["results"]]
    assert titles == ["公開中"]


def test_a_draft_is_404_to_members(api_client_for):
    draft = EventFactory(status=EventStatus.DRAFT)
    assert api_client_for("member").get(f"/api/events/{draft.pk}/").status_code == 404


def test_an_organiser_changes_the_capacity(api_client_for, users):
    event = EventFactory(capacity=20)
    assert api_client_for("coordinator").patch(f"/api/events/{event.pk}/", {"capacity": 25}).status_code == 403
    event.organisers.add(users["coordinator"])
    response = api_client_for("coordinator").patch(f"/api/events/{event.pk}/", {"capacity": 25}, format="json")
    assert response.status_code == 200
    assert response.json()["capacity"] == 25
