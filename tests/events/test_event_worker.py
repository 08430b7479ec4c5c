"""The daily reminder job through a real Celery worker on Redis (the rest of the suite runs tasks eagerly)."""

import datetime
import time

import pytest
from django.core import mail

from events.models import Reminder
from events.tasks import event_reminders_run_task
from tests.events.factories import TOKYO, EventFactory, RegistrationFactory


@pytest.mark.django_db(transaction=True)
def test_the_job_run_twice_by_a_worker_mails_each_registrant_once(celery_worker):
    # Tomorrow afternoon: the 1-day reminder is due whenever the test runs.
    two_pm_today = datetime.datetime.now(TOKYO).replace(hour=14, minute=0, second=0, microsecond=0)
    event = EventFactory(starts_at=two_pm_today + datetime.timedelta(days=1))
    long_ago = datetime.datetime.now(TOKYO) - datetime.timedelta(days=30)
    registrations = [RegistrationFactory(event=event, confirmed_at=long_ago) for _ in range(3)]

    first = event_reminders_run_task.delay()
    second = event_reminders_run_task.delay()

    assert first.get(timeout=30)["event_upcoming"] == 3
    assert second.get(timeout=30)["event_upcoming"] == 0
    deadline = time.monotonic() + 5
    while len(mail.outbox) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in registrations)
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 3
