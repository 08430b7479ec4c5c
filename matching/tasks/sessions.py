"""Celery tasks of matching sessions: thin wrappers, each calling one service."""

from celery import shared_task
from django.db import OperationalError

from matching.services.sessions import meeting_requests_expire


@shared_task(autoretry_for=(OSError, OperationalError), retry_backoff=True, max_retries=5)
def meeting_requests_expire_task() -> dict[str, int]:
    """Hourly, from CELERY_BEAT_SCHEDULE, and when a session closes its requests; running it twice (or on two
    workers at once) mails each expired request's requester once (see the service)."""
    return meeting_requests_expire()
