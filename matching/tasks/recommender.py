from celery import shared_task

from matching.recommender.index import entry_index


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def entry_index_task(kind: str, entry_id: int) -> None:
    """Re-index one seed or need after it changed."""
    entry_index(kind=kind, entry_id=entry_id)
