"""The hourly expiry through a real Celery worker on Redis (the rest of the suite runs tasks eagerly)."""

import datetime
import time

import pytest
from django.core import mail
from django.utils import timezone

from matching.models import MeetingRequest, RequestStatus
from matching.tasks import meeting_requests_expire_task
from tests.matching.factories import MatchingSessionFactory, MeetingRequestFactory


@pytest.mark.django_db(transaction=True)
def test_the_expiry_run_twice_by_a_worker_mails_each_requester_once(celery_worker):
    session = MatchingSessionFactory()
    requests = [
        MeetingRequestFactory(session=session, expires_at=timezone.now() - datetime.timedelta(hours=1))
        for _ in range(3)
    ]

    first = meeting_requests_expire_task.delay()
    second = meeting_requests_expire_task.delay()

    results = [first.get(timeout=30), second.get(timeout=30)]
    assert sum(r["expired"] for r in results) == 3 and sum(r["notified"] for r in results) == 3
    deadline = time.monotonic() + 5
    while len(mail.outbox) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.requester.contact.email for r in requests)
    assert MeetingRequest.objects.filter(status=RequestStatus.EXPIRED, expiry_notice_sent_at__isnull=False).count() == 3
