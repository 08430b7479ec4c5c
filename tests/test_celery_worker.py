"""A real Celery worker on Redis runs the on-commit work of the services (the rest of the suite runs tasks eagerly)."""

import time

import pytest
from django.core import mail

from members import services
from members.models import MembershipStatus
from members.tasks import membership_decision_notify_task
from tests.factories import ContactFactory, MembershipFactory


def _wait_for_mail(count: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_worker_mails_the_applicant_once_even_if_the_task_runs_twice(celery_worker):
    contact = ContactFactory(email="applicant@example.jp")
    membership = MembershipFactory(
        status=MembershipStatus.APPLICATION, organization=contact.organization, applicant_contact=contact
    )
    services.membership_transition(actor=None, membership=membership, to_status=MembershipStatus.APPROVED)
    _wait_for_mail(1)
    assert [m.to for m in mail.outbox] == [["applicant@example.jp"]]

    transition = membership.transitions.get(to_status=MembershipStatus.APPROVED)
    result = membership_decision_notify_task.delay(transition.pk)
    assert result.get(timeout=15) is False  # already notified: nothing sent
    assert len(mail.outbox) == 1
