"""The event pages: who sees which events, the staff's forms, and a list whose cost does not grow."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Event, EventStatus, RegistrationStatus
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_member_users_see_published_events_but_not_drafts(client_for):
    EventFactory(title="切削加工セミナー")
    EventFactory(title="準備中の講演会", status=EventStatus.DRAFT)
    page = client_for("member").get(reverse("event-list")).content.decode()
    assert "切削加工セミナー" in page
    assert "準備中の講演会" not in page


def test_staff_see_drafts_with_their_status(client_for):
    EventFactory(title="準備中の講演会", status=EventStatus.DRAFT)
    page = client_for("secretariat").get(reverse("event-list")).content.decode()
    assert "準備中の講演会" in page
    assert "下書き" in page


def test_a_coordinator_sees_and_edits_a_draft_they_organise(client_for, users):
    event = EventFactory(title="コーディネータの勉強会", status=EventStatus.DRAFT)
    client = client_for("coordinator")
    assert client.get(reverse("event-detail", args=[event.pk])).status_code == 404
    event.organisers.add(users["coordinator"])
    assert client.get(reverse("event-detail", args=[event.pk])).status_code == 200
    assert client.get(reverse("event-edit", args=[event.pk])).status_code == 200


def test_past_events_leave_the_upcoming_list(client_for):
    past = EventFactory(title="昨年の見学会")
    Event.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=30), ends_at=timezone.now() - datetime.timedelta(days=30)
    )
    client = client_for("member")
    assert "昨年の見学会" not in client.get(reverse("event-list")).content.decode()
    assert "昨年の見学会" in client.get(reverse("event-list"), {"when": "past"}).content.decode()


def test_the_list_shows_seats_taken_and_the_waiting_list(client_for):
    event = EventFactory(title="満席の工場見学", capacity=2)
    RegistrationFactory.create_batch(2, event=event)
    RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(event=event, status=RegistrationStatus.CANCELLED)
    page = client_for("member").get(reverse("event-list")).content.decode()
    assert "(+1 キャンセル待ち)" in page


def test_staff_create_an_event_with_its_first_session(client_for):
    response = client_for("secretariat").post(
        reverse("event-create"),
        {
            "kind": "seminar",
            "title": "EV部品の軽量化セミナー",
            "capacity": "40",
            "has_waiting_list": "on",
            "is_public": "on",
            "member_price": "0",
            "non_member_price": "3000",
            "session-starts_at": "2027-02-10T14:00",
            "session-ends_at": "2027-02-10T16:30",
            "session-venue": "立川商工会議所 大会議室",
        },
    )
    event = Event.objects.get()
    assert response.status_code == 302
    assert (event.title, event.status, event.non_member_price) == ("EV部品の軽量化セミナー", "draft", 3000)
    assert timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M") == "2027-02-10 14:00"
    assert event.sessions.get().venue == "立川商工会議所 大会議室"


def test_a_session_without_venue_is_shown_back_with_the_reason(client_for):
    response = client_for("secretariat").post(
        reverse("event-create"),
        {
            "kind": "seminar",
            "title": "x",
            "member_price": "0",
            "non_member_price": "0",
            "session-starts_at": "2027-02-10T14:00",
            "session-ends_at": "2027-02-10T16:30",
        },
    )
    assert response.status_code == 200
    assert "会場またはオンラインのリンクを入力してください。" in response.content.decode()
    assert not Event.objects.exists()


def test_member_users_cannot_create_events(client_for):
    assert client_for("member").post(reverse("event-create"), {"title": "x"}).status_code == 403
    assert not Event.objects.exists()


def test_publishing_opens_the_event(client_for):
    event = EventFactory(status=EventStatus.DRAFT)
    client_for("secretariat").post(reverse("event-publish", args=[event.pk]))
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED


def test_the_event_list_costs_the_same_queries_for_3_or_30_events(client_for):
    client = client_for("secretariat")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("event-list")).status_code == 200
        return len(queries)

    for _ in range(3):
        RegistrationFactory(event=EventFactory())
    few = count()
    for _ in range(27):
        RegistrationFactory(event=EventFactory())
    assert count() == few
