from celery import shared_task
from django.db import OperationalError

from matching.services.scheduling import schedule_run_execute


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def schedule_run_task(schedule_run_id: int) -> None:
    """Optimise and apply one queued run; delivered twice, the second does nothing (see the service)."""
    schedule_run_execute(run_id=schedule_run_id)
