from celery import shared_task
from django.db import OperationalError

from billing.services.documents import invoices_documents_send
from billing.services.reminders import payment_reminders_send
from billing.services.runs import invoice_run_execute


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def invoice_run_execute_task(run_id: int) -> int:
    return invoice_run_execute(run_id=run_id).pk


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def payment_reminders_send_task() -> int:
    """Daily, from CELERY_BEAT_SCHEDULE; running it twice sends nothing twice (see the service)."""
    return payment_reminders_send()


@shared_task(autoretry_for=(OSError, OperationalError), retry_backoff=True, retry_backoff_max=600, max_retries=8)
def invoices_documents_send_task(invoice_ids: list[int]) -> int:
    """Stores and mails a chunk of invoices' PDFs. SMTP and socket errors (OSError, smtplib's included) and
    a dropped database connection are retried; the service mails nobody twice."""
    return invoices_documents_send(invoice_ids=invoice_ids)
