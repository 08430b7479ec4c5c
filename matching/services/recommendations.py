"""What the seed and need services call when an entry changed, so the recommender follows."""

from django.db import transaction

from matching.models import Need, Seed


def entry_index_later(entry: Seed | Need) -> None:
    """Re-index the entry once the current transaction commits (in the worker, not in the request)."""
    from matching.tasks import entry_index_task

    kind = "seed" if isinstance(entry, Seed) else "need"
    transaction.on_commit(lambda: entry_index_task.delay(kind, entry.pk))
