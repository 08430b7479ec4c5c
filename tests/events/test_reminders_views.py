"""Staff pages of the reminder job: what was sent (filtered, paginated, in a fixed number of queries) and the
settings that time it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Reminder, ReminderPurpose
from events.services.events import event_settings_get
from tests.events.factories import EventFactory, FollowUpFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def upcoming(email: str, *, sent: bool = True, title: str = "金型技術セミナー") -> Reminder:
    registration = RegistrationFactory(event=EventFactory(title=title), email=email)
    return Reminder.objects.create(
        purpose=ReminderPurpose.EVENT_UPCOMING,
        offset_days=7,
        registration=registration,
        recipient=email,
        sent_at=datetime.datetime.now(datetime.UTC) if sent else None,
    )


def overdue(description: str) -> Reminder:
    follow_up = FollowUpFactory(description=description)
    return Reminder.objects.create(
        purpose=ReminderPurpose.FOLLOW_UP_OVERDUE,
        offset_days=1,
        follow_up=follow_up,
        recipient=follow_up.owner.email,
    )


def test_staff_see_what_was_sent_and_what_waits(client_for):
    upcoming("hanako@example.jp", title="金型技術セミナー")
    overdue("大学の研究室を紹介する")

    page = client_for("secretariat").get("/events/reminders/").content.decode()

    assert "hanako@example.jp" in page and "金型技術セミナー" in page and "イベントのご案内" in page
    assert "大学の研究室を紹介する" in page and "フォローアップ期限超過" in page
    assert "送信待ち" in page


def test_filters_by_purpose_and_by_sent_or_waiting(client_for):
    upcoming("sent@example.jp")
    upcoming("waiting@example.jp", sent=False)
    overdue("見積もりを送る")
    client = client_for("secretariat")

    by_purpose = client.get("/events/reminders/", {"purpose": "event_upcoming"}).content.decode()
    assert "sent@example.jp" in by_purpose and "waiting@example.jp" in by_purpose
    assert "見積もりを送る" not in by_purpose

    waiting = client.get("/events/reminders/", {"purpose": "event_upcoming", "state": "waiting"}).content.decode()
    assert "waiting@example.jp" in waiting and "sent@example.jp" not in waiting

    sent = client.get("/events/reminders/", {"state": "sent"}).content.decode()
    assert "sent@example.jp" in sent and "waiting@example.jp" not in sent and "見積もりを送る" not in sent


def test_the_list_costs_the_same_queries_for_a_full_page(client_for):
    client = client_for("secretariat")
    upcoming("one@example.jp")
    overdue("one")
    client.get("/events/reminders/")  # sessions and settings created on first use

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/events/reminders/").status_code == 200
        return len(captured.captured_queries)

    few = queries()
    for n in range(30):
        upcoming(f"more{n}@example.jp")
        overdue(f"more {n}")
    assert queries() == few


def test_the_list_is_paginated(client_for):
    for n in range(51):
        upcoming(f"guest{n}@example.jp")

    page = client_for("secretariat").get("/events/reminders/", {"page": 2}).content.decode()

    assert page.count("@example.jp</td>") + page.count("@example.jp <span") == 1


def test_staff_change_the_offsets(client_for):
    response = client_for("secretariat").post(
        "/events/settings/",
        {
            "event_reminder_days": "14, 7、１",
            "follow_up_due_days": "2",
            "follow_up_overdue_days": "",
            "survey_after_days": "2",
        },
    )

    assert response.status_code == 302
    settings = event_settings_get()
    assert settings.event_reminder_days == [14, 7, 1]
    assert settings.follow_up_due_days == [2]
    assert settings.follow_up_overdue_days == []
    assert settings.survey_after_days == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("event_reminder_days", "7, x", "日数を整数でカンマ区切りで入力してください（例：7, 1）。"),
        ("follow_up_due_days", "-3", "日数を整数でカンマ区切りで入力してください（例：7, 1）。"),
        ("follow_up_overdue_days", "400", "0〜365の整数の日数を入力してください。"),
    ],
)
def test_bad_offsets_get_a_message_and_change_nothing(client_for, field, value, message):
    data = {"event_reminder_days": "7, 1", "follow_up_due_days": "3", "follow_up_overdue_days": "1"}
    data["survey_after_days"] = "1"
    data[field] = value

    response = client_for("secretariat").post("/events/settings/", data)

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    settings = event_settings_get()
    assert (settings.event_reminder_days, settings.follow_up_due_days, settings.follow_up_overdue_days) == (
        [7, 1],
        [3],
        [1],
    )


def test_the_settings_page_shows_the_current_offsets(client_for):
    page = client_for("administrator").get("/events/settings/").content.decode()
    assert 'value="7, 1"' in page


def test_coordinators_and_members_are_refused(client_for):
    assert client_for("coordinator").get("/events/reminders/").status_code == 403
    assert client_for("member").post("/events/settings/", {"event_reminder_days": "1"}).status_code == 403
    assert event_settings_get().event_reminder_days == [7, 1]
