"""Calendar files: an event's .ics and the public feed parse back with the right times, and the feed lists only
upcoming published public events."""

import datetime

import icalendar
import pytest

from events.calendar import event_ics
from events.models import EventSession, EventStatus
from tests.events.factories import TOKYO, EventFactory, tokyo

pytestmark = pytest.mark.django_db


def entries(content: bytes) -> list:
    return list(icalendar.Calendar.from_ical(content).walk("VEVENT"))


def course():
    """A two-session course: the second part online."""
    event = EventFactory(title="品質管理講座", starts_at=tokyo(2026, 12, 10, 14), description="全2回の講座です。")
    EventSession.objects.create(
        event=event,
        title="第2回 統計的工程管理",
        starts_at=tokyo(2026, 12, 17, 18, 30),
        ends_at=tokyo(2026, 12, 17, 20),
        online_url="https://meet.example.jp/qc2",
    )
    return event


def test_the_file_has_one_entry_per_session_at_tokyo_times():
    event = course()

    first, second = sorted(entries(event_ics(event)), key=lambda e: e.decoded("dtstart"))

    assert first.decoded("dtstart") == tokyo(2026, 12, 10, 14)
    assert first.decoded("dtend") == tokyo(2026, 12, 10, 16)
    assert first["dtstart"].params["TZID"] == "Asia/Tokyo"
    assert str(first["summary"]) == "品質管理講座 (1/2)"
    assert str(first["location"]) == "立川市 産業支援センター 会議室A"
    assert str(first["description"]) == "全2回の講座です。"
    assert second.decoded("dtstart") == tokyo(2026, 12, 17, 18, 30)
    assert str(second["summary"]) == "品質管理講座: 第2回 統計的工程管理"
    assert str(second["url"]) == "https://meet.example.jp/qc2"
    assert str(second["location"]) == "https://meet.example.jp/qc2"
    # The time zone travels with the file, so a phone abroad still shows 14:00 Tokyo time.
    (zone,) = icalendar.Calendar.from_ical(event_ics(event)).walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Asia/Tokyo"


def test_the_uid_is_stable_so_a_second_import_updates_the_entry():
    event = course()
    assert [str(e["uid"]) for e in entries(event_ics(event))] == [str(e["uid"]) for e in entries(event_ics(event))]
    assert len({str(e["uid"]) for e in entries(event_ics(event))}) == 2


def test_a_cancelled_event_is_marked_cancelled():
    event = EventFactory(status=EventStatus.CANCELLED)
    (entry,) = entries(event_ics(event))
    assert str(entry["status"]) == "CANCELLED"


def test_anyone_downloads_a_public_events_file(client):
    event = course()

    response = client.get(f"/events/{event.pk}/calendar.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f'filename="event-{event.pk}.ics"' in response["Content-Disposition"]
    assert len(entries(response.content)) == 2


def test_a_draft_events_file_is_not_found_except_for_staff(client_for):
    draft = EventFactory(status=EventStatus.DRAFT)
    url = f"/events/{draft.pk}/calendar.ics"

    assert client_for(None).get(url).status_code == 404
    assert client_for("member").get(url).status_code == 404
    assert client_for("secretariat").get(url).status_code == 200


def test_a_members_only_event_is_for_signed_in_users(client_for):
    closed = EventFactory(is_public=False)
    url = f"/events/{closed.pk}/calendar.ics"

    assert client_for(None).get(url).status_code == 404
    assert client_for("member").get(url).status_code == 200


def test_the_feed_lists_upcoming_public_published_events_only(client):
    listed = course()
    EventFactory(title="下書きのイベント", status=EventStatus.DRAFT)
    EventFactory(title="会員限定のイベント", is_public=False)
    EventFactory(title="中止したイベント", status=EventStatus.CANCELLED)
    EventFactory(title="終わったイベント", starts_at=datetime.datetime.now(TOKYO) - datetime.timedelta(days=3))

    response = client.get("/events/feed.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    summaries = sorted(str(e["summary"]) for e in calendar.walk("VEVENT"))
    assert summaries == ["品質管理講座 (1/2)", "品質管理講座: 第2回 統計的工程管理"]
    assert {e.decoded("dtstart") for e in calendar.walk("VEVENT")} == {
        tokyo(2026, 12, 10, 14),
        tokyo(2026, 12, 17, 18, 30),
    }
    assert listed.title in response.content.decode()


def test_the_feed_costs_the_same_queries_for_more_events(client, django_assert_num_queries):
    course()
    with django_assert_num_queries(2):
        client.get("/events/feed.ics")
    course()
    course()
    with django_assert_num_queries(2):
        client.get("/events/feed.ics")
