"""The daily reminder job of events and visits: each reminder at most once per recipient and purpose, in the
recipient's language, none once its reason is gone, none twice from two runs."""

import datetime
import threading

import icalendar
import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import (
    CheckIn,
    EventStatus,
    FollowUpStatus,
    RegistrationStatus,
    Reminder,
    ReminderPurpose,
    SurveyResponse,
)
from events.services import reminders
from events.services.events import event_settings_get, event_settings_update
from events.services.reminders import event_reminders_claim, event_reminders_run
from events.tasks import event_reminders_run_task
from tests.events.factories import EventFactory, FollowUpFactory, RegistrationFactory, tokyo
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STARTS = tokyo(2026, 12, 10, 14)


def morning(month: int, day: int) -> datetime.datetime:
    """The beat's run time, 08:00 in Tokyo."""
    return tokyo(2026, month, day, 8)


def sent_total(result: dict[str, int]) -> int:
    return sum(result.values())


LONG_AGO = tokyo(2026, 11, 1, 10)


def registrant(event=None, *, confirmed=LONG_AGO, **kwargs):
    return RegistrationFactory(event=event or EventFactory(starts_at=STARTS), confirmed_at=confirmed, **kwargs)


def upcoming_offsets(registration) -> list[int]:
    return list(
        Reminder.objects.filter(registration=registration, purpose=ReminderPurpose.EVENT_UPCOMING)
        .order_by("-offset_days")
        .values_list("offset_days", flat=True)
    )


# -- before the event --------------------------------------------------------------------------------------


def test_registrants_are_reminded_7_days_and_1_day_before_once_each():
    registration = registrant(email="hanako@example.jp")

    assert sent_total(event_reminders_run(now=morning(12, 2))) == 0  # 8 days before
    assert event_reminders_run(now=morning(12, 3))["event_upcoming"] == 1
    assert sent_total(event_reminders_run(now=morning(12, 4))) == 0
    assert event_reminders_run(now=morning(12, 9))["event_upcoming"] == 1
    assert sent_total(event_reminders_run(now=morning(12, 10))) == 0  # the day itself: no offset 0

    assert upcoming_offsets(registration) == [7, 1]
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 0
    assert [m.to for m in mail.outbox] == [["hanako@example.jp"], ["hanako@example.jp"]]


def test_a_second_run_the_same_day_sends_nothing():
    event = EventFactory(starts_at=STARTS)
    for _ in range(3):
        registrant(event)

    assert event_reminders_run(now=morning(12, 3))["event_upcoming"] == 3
    assert sent_total(event_reminders_run(now=morning(12, 3))) == 0
    assert sent_total(event_reminders_run(now=morning(12, 3) + datetime.timedelta(hours=6))) == 0
    assert len(mail.outbox) == 3
    assert Reminder.objects.count() == 3


def test_a_registration_made_two_days_before_gets_only_the_one_day_reminder():
    registration = registrant(confirmed=tokyo(2026, 12, 8, 15))

    assert sent_total(event_reminders_run(now=tokyo(2026, 12, 8, 20))) == 0
    assert event_reminders_run(now=morning(12, 9))["event_upcoming"] == 1
    assert upcoming_offsets(registration) == [1]


def test_a_job_down_for_days_sends_only_the_latest_due_reminder():
    registration = registrant()

    assert event_reminders_run(now=morning(12, 9))["event_upcoming"] == 1
    assert sent_total(event_reminders_run(now=morning(12, 9))) == 0
    assert upcoming_offsets(registration) == [1]  # the 7-day one was skipped for good
    assert len(mail.outbox) == 1


def test_only_confirmed_registrations_of_published_events_are_reminded():
    event = EventFactory(starts_at=STARTS)
    registrant(event, status=RegistrationStatus.WAITLISTED)
    registrant(event, status=RegistrationStatus.PENDING)
    registrant(event, status=RegistrationStatus.CANCELLED)
    registrant(EventFactory(starts_at=STARTS, status=EventStatus.DRAFT))
    registrant(EventFactory(starts_at=STARTS, status=EventStatus.CANCELLED))

    assert sent_total(event_reminders_run(now=morning(12, 3))) == 0
    assert not Reminder.objects.exists()


def test_a_registration_cancelled_after_the_claim_is_not_mailed():
    registration = registrant()
    assert event_reminders_claim(now=morning(12, 3), days=[7, 1]) == 1
    registration.status = RegistrationStatus.CANCELLED
    registration.save()

    assert sent_total(event_reminders_run(now=morning(12, 3))) == 0
    assert Reminder.objects.get().sent_at is None
    assert mail.outbox == []


def test_the_reminder_carries_the_sessions_and_the_calendar_file_in_japanese():
    event = EventFactory(starts_at=STARTS, title="金型技術セミナー")
    registration = registrant(event, name="多摩 花子", email="hanako@example.jp", language="ja")

    event_reminders_run(now=morning(12, 9))

    (message,) = mail.outbox
    assert message.to == ["hanako@example.jp"]
    assert message.subject == "【ご案内】金型技術セミナー（2026年12月10日）"
    assert "多摩 花子 様" in message.body
    assert "明日開催されます" in message.body
    assert "2026年12月10日 (木) 14:00–16:00" in message.body
    assert "会場：立川市 産業支援センター 会議室A" in message.body
    ((filename, content, mimetype),) = message.attachments
    assert (filename, mimetype) == (f"event-{event.pk}.ics", "text/calendar")
    (entry,) = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert entry.decoded("dtstart") == STARTS
    assert Reminder.objects.get(registration=registration).language == "ja"


def test_the_reminder_is_in_english_for_an_english_registration():
    registrant(EventFactory(starts_at=STARTS, title="Die casting seminar"), name="Ann Lee", language="en")

    event_reminders_run(now=morning(12, 3))

    (message,) = mail.outbox
    assert message.subject == "Reminder: Die casting seminar on Dec. 10, 2026"
    assert "Dear Ann Lee," in message.body
    assert "takes place in 7 days" in message.body
    assert "Venue: 立川市 産業支援センター 会議室A" in message.body


def test_a_registration_without_email_is_reminded_at_its_contacts_address():
    from tests.factories import ContactFactory

    contact = ContactFactory(email="kojima@tama-seimitsu.example.jp")
    registration = registrant(email="", contact=contact, person_key=f"contact:{contact.pk}")

    event_reminders_run(now=morning(12, 3))

    assert [m.to for m in mail.outbox] == [["kojima@tama-seimitsu.example.jp"]]
    assert Reminder.objects.get(registration=registration).recipient == "kojima@tama-seimitsu.example.jp"


def test_offsets_come_from_the_settings():
    event_settings_update(actor=None, data={"event_reminder_days": [3]})
    registration = registrant()

    assert sent_total(event_reminders_run(now=morning(12, 3))) == 0
    assert event_reminders_run(now=morning(12, 7))["event_upcoming"] == 1
    assert sent_total(event_reminders_run(now=morning(12, 9))) == 0
    assert upcoming_offsets(registration) == [3]


# -- after the event: the survey ---------------------------------------------------------------------------


def attended(registration):
    CheckIn.objects.create(registration=registration, session=registration.event.sessions.get(), method="list")
    return registration


def test_participants_who_attended_are_asked_for_the_survey_the_day_after_once():
    event = EventFactory(starts_at=STARTS)
    came = attended(registrant(event, email="came@example.jp"))
    registrant(event, email="absent@example.jp")
    answered = attended(registrant(event, email="answered@example.jp"))
    SurveyResponse.objects.create(registration=answered, rating=4)

    assert event_reminders_run(now=tokyo(2026, 12, 10, 20))["survey"] == 0  # the evening of the event
    assert event_reminders_run(now=morning(12, 11))["survey"] == 1
    assert sent_total(event_reminders_run(now=morning(12, 12))) == 0

    (message,) = [m for m in mail.outbox if "アンケート" in m.subject]
    assert message.to == ["came@example.jp"]
    assert f"/events/r/{came.token}/survey/" in message.body


def test_a_survey_answered_after_the_claim_is_not_requested():
    registration = attended(registrant())
    reminders.survey_requests_claim(now=morning(12, 11), after_days=1)
    SurveyResponse.objects.create(registration=registration, rating=5)

    assert event_reminders_run(now=morning(12, 11))["survey"] == 0
    assert Reminder.objects.get(purpose=ReminderPurpose.SURVEY).sent_at is None


# -- follow-up actions -------------------------------------------------------------------------------------


def test_follow_up_owners_are_reminded_3_days_before_and_1_day_after_the_due_date():
    owner = UserFactory(email="tanaka@cluster.example.jp", language="ja")
    follow_up = FollowUpFactory(owner=owner, due_on=datetime.date(2026, 11, 30))

    assert event_reminders_run(now=morning(11, 26))["follow_up_due"] == 0
    assert event_reminders_run(now=morning(11, 27))["follow_up_due"] == 1
    assert sent_total(event_reminders_run(now=morning(11, 30))) == 0
    assert event_reminders_run(now=morning(12, 1))["follow_up_overdue"] == 1
    assert sent_total(event_reminders_run(now=morning(12, 8))) == 0

    due, overdue = mail.outbox
    assert due.to == overdue.to == ["tanaka@cluster.example.jp"]
    assert "あと3日で期限" in due.body and follow_up.description in due.body
    assert "期限を1日過ぎています" in overdue.body
    assert follow_up.organization.name in overdue.subject


def test_follow_up_mail_is_in_the_owners_language():
    FollowUpFactory(owner=UserFactory(language="en"), due_on=datetime.date(2026, 11, 30))

    event_reminders_run(now=morning(11, 27))

    (message,) = mail.outbox
    assert message.subject.startswith("Follow-up due on Nov. 30, 2026")
    assert "due in 3 days" in message.body


def test_a_follow_up_done_after_the_claim_is_not_mailed_and_a_done_one_is_not_claimed():
    pending = FollowUpFactory(due_on=datetime.date(2026, 11, 30))
    FollowUpFactory(due_on=datetime.date(2026, 11, 30), status=FollowUpStatus.DONE)
    reminders.follow_up_reminders_claim(today=datetime.date(2026, 11, 27), due_days=[3], overdue_days=[1])
    pending.status = FollowUpStatus.DONE
    pending.save()

    assert sent_total(event_reminders_run(now=morning(11, 27))) == 0
    assert Reminder.objects.get().follow_up == pending
    assert Reminder.objects.get().sent_at is None


# -- twice, at once, at scale ------------------------------------------------------------------------------


def test_queries_do_not_grow_with_the_number_of_reminders():
    event_settings_get()  # created on first use: not part of what is compared

    def queries_for(count: int, month: int, day: int) -> int:
        event = EventFactory(starts_at=tokyo(2026, month, day + 7, 14))
        for _ in range(count):
            registrant(event)
        with CaptureQueriesContext(connection) as captured:
            assert event_reminders_run(now=morning(month, day))["event_upcoming"] == count
        return len(captured.captured_queries)

    assert queries_for(2, 12, 1) == queries_for(12, 12, 2)


class FailsForOneAddress(EmailBackend):
    def send_messages(self, messages):
        if any("broken@" in address for message in messages for address in message.to):
            raise ConnectionRefusedError("mail server refused")
        return super().send_messages(messages)


def test_a_mail_error_keeps_what_was_sent_and_the_rest_goes_out_on_the_retry(settings):
    settings.EMAIL_BACKEND = "tests.events.test_reminders.FailsForOneAddress"
    event = EventFactory(starts_at=STARTS)
    registrant(event, email="ok@example.jp")
    broken = registrant(event, email="broken@example.jp")
    registrant(event, email="later@example.jp")

    with pytest.raises(ConnectionRefusedError):
        event_reminders_run(now=morning(12, 3))
    assert [m.to for m in mail.outbox] == [["ok@example.jp"]]

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert event_reminders_run(now=morning(12, 3))["event_upcoming"] == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["broken@example.jp", "later@example.jp", "ok@example.jp"]
    assert Reminder.objects.get(registration=broken).sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_the_same_days_job_run_twice_at_once_sends_each_reminder_once(monkeypatch):
    # Small batches, so that the two runs interleave over many batches instead of one taking everything.
    monkeypatch.setattr(reminders, "BATCH_SIZE", 3)
    event = EventFactory(starts_at=STARTS)
    registrations = [registrant(event) for _ in range(20)]
    owners = [FollowUpFactory(due_on=datetime.date(2026, 12, 5)).owner for _ in range(10)]
    start = threading.Barrier(2)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait(timeout=30)
            results.append(event_reminders_run(now=morning(12, 3)))
        except BaseException as exc:  # surfaced in the main thread's assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(r["event_upcoming"] for r in results) == len(registrations)
    assert sum(r["follow_up_due"] for r in results) == len(owners)
    expected = sorted([r.email for r in registrations] + [o.email for o in owners])
    assert sorted(m.to[0] for m in mail.outbox) == expected
    assert Reminder.objects.filter(sent_at__isnull=False).count() == len(expected)


def test_the_task_runs_the_job():
    registrant(EventFactory(starts_at=datetime.datetime.now(tz=STARTS.tzinfo) + datetime.timedelta(days=1)))
    assert event_reminders_run_task.delay().get()["event_upcoming"] == 1


def test_the_job_is_scheduled_daily_at_eight_tokyo_time():
    from clusternet.celery import app

    entry = app.conf.beat_schedule["event-reminders-daily"]
    assert entry["task"] == event_reminders_run_task.name
    assert entry["schedule"].hour == {8} and entry["schedule"].minute == {0}
    assert str(app.conf.timezone) == "Asia/Tokyo"
