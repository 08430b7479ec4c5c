from celery import shared_task

from billing.services.reminders import payment_reminders_send
from billing.services.runs import invoice_run_execute


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def invoice_run_execute_task(run_id: int) -> int:
    return invoice_run_execute(run_id=run_id).pk


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def payment_reminders_send_task() -> int:
    """Daily, from CELERY_BEAT_SCHEDULE; running it twice sends nothing twice (see the service)."""
    return payment_reminders_send()
