from celery import shared_task

from billing.services.runs import invoice_run_execute


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def invoice_run_execute_task(run_id: int) -> int:
    return invoice_run_execute(run_id=run_id).pk
