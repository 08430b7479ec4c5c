"""Celery tasks of events and visits: thin wrappers, each calling one service (ids in, nothing else)."""

from celery import shared_task
from django.db import OperationalError

from events.services.registrations import registration_mail_send, seat_freed_notify
from events.services.reminders import event_reminders_run


@shared_task(autoretry_for=(OSError, OperationalError), retry_backoff=True, max_retries=5)
def registration_mail_task(registration_id: int, base_url: str = "") -> bool:
    """The mail for a registration's current status (confirmation link, seat, waiting list)."""
    return registration_mail_send(registration_id=registration_id, base_url=base_url)


@shared_task(autoretry_for=(OSError, OperationalError), retry_backoff=True, max_retries=5)
def seat_freed_notify_task(registration_id: int, base_url: str = "") -> bool:
    """Tells a registration promoted from the waiting list; running twice mails once (see the service)."""
    return seat_freed_notify(registration_id=registration_id, base_url=base_url)


@shared_task(autoretry_for=(OSError, OperationalError), retry_backoff=True, max_retries=5)
def event_reminders_run_task() -> dict[str, int]:
    """Daily, from CELERY_BEAT_SCHEDULE; running it twice sends nothing twice (see the service)."""
    return event_reminders_run()
