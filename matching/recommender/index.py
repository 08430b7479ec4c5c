"""The recommender's index: analysed terms stored per entry, and a sparse matrix of them cached per worker.

Storage. Each seed and need has one row (`SeedIndex` / `NeedIndex`) with its analysed terms. Re-indexing
an entry (the Celery task `entry_index_task`, enqueued by the entry services after every change) rewrites
that one row; nothing else is recomputed. A synonym change re-indexes only the entries containing its words.

Memory. Each worker process keeps, per kind, a BM25 matrix of all rows (`scoring.Matrix`), built once.
Before every use it checks a cheap signature, the row count and the newest `updated_at` (indexed): rows
written since are read alone and scored beside the matrix (they shadow their old matrix row) until there
are more than `MAX_PENDING` of them, then the matrix is rebuilt. A newest time that went back (a rolled back
scratch run) or a count that changed without a newer row (a deletion) also rebuilds.

Confidentiality. Document frequencies, the only statistics shared across entries, count only *public*
entries (active and visible to all members): a confidential entry's words never change how anyone else's
results are scored. Candidates are the entries the viewer may see (`seeds_visible_to` / `needs_visible_to`,
the one visibility rule) that are active — drafts, entries awaiting screening, declined or withdrawn ones
are never recommended, not even the viewer's own. The rule is applied by asking the visibility selector
about the best-scored active candidates, a batch at a time, so the cost does not grow with the collection.
"""

import datetime
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Count, Max, Model, QuerySet
from django.utils import timezone

from matching.models import EntryStatus, Need, NeedIndex, Seed, SeedIndex, SynonymGroup, Visibility
from matching.recommender import analysis, scoring
from matching.recommender.synonym_data import GROUPS

MAX_PENDING = 2000
# A row saved just before the last check may commit just after it: new rows this far back are read again.
COMMIT_MARGIN = datetime.timedelta(seconds=2)

KINDS: dict[str, tuple[Any, Any]] = {"seed": (Seed, SeedIndex), "need": (Need, NeedIndex)}


def index_model(kind: str) -> type[SeedIndex] | type[NeedIndex]:
    return SeedIndex if kind == "seed" else NeedIndex


# -- synonyms --


@dataclass
class _Synonyms:
    signature: tuple = ()
    mapping: dict[str, list[str]] = field(default_factory=dict)


_synonyms = _Synonyms()
_builtin: dict[str, list[str]] = {}
_lock = threading.Lock()


def builtin_synonyms() -> dict[str, list[str]]:
    """Normalised word → keys of the built-in groups it belongs to ("b<n>")."""
    if not _builtin:
        for number, group in enumerate(GROUPS):
            for term in group:
                _builtin.setdefault(analysis.synonym_key(term), []).append(f"b{number}")
    return _builtin


def synonyms() -> dict[str, list[str]]:
    """The built-in groups plus the coordinators' (keys "u<pk>"), rebuilt when a group changed."""
    state = SynonymGroup.objects.aggregate(count=Count("pk"), newest=Max("updated_at"))
    signature = (state["count"], state["newest"])
    if signature != _synonyms.signature:
        mapping = {word: list(keys) for word, keys in builtin_synonyms().items()}
        for group in SynonymGroup.objects.all():
            for term in group.terms:
                mapping.setdefault(analysis.synonym_key(term), []).append(f"u{group.pk}")
        _synonyms.mapping, _synonyms.signature = mapping, signature
    return _synonyms.mapping


# -- one entry --


def index_values(entry: Seed | Need, mapping: dict[str, list[str]]) -> dict[str, Any]:
    result = analysis.analyse(entry.title, entry.description, synonyms=mapping)
    active = entry.status == EntryStatus.ACTIVE
    return {
        "terms": result.terms,
        "surfaces": result.surfaces,
        "words": sorted({term[2:] for term in result.terms if term.startswith("w:")}),
        "public": active and entry.visibility == Visibility.MEMBERS,
        "active": active,
        "field": entry.field,
    }


def entry_index(*, kind: str, entry_id: int) -> None:
    """Rewrite one entry's index row (or drop it if the entry is gone). kind is "seed" or "need"."""
    entry_model, row_model = KINDS[kind]
    entry = entry_model.objects.filter(pk=entry_id).first()
    if entry is None:
        row_model.objects.filter(pk=entry_id).delete()
        return
    row_model.objects.update_or_create(pk=entry_id, defaults=index_values(entry, synonyms()))


def index_many(kind: str, entries: QuerySet, *, batch: int = 2000) -> int:
    """Index many entries at once (a new installation, the benchmark, rank_dataset): bulk upserts."""
    row_model = index_model(kind)
    mapping = synonyms()
    count = 0
    key = f"{kind}_id"
    chunk: list[Model] = []
    for entry in entries.iterator(chunk_size=batch):
        chunk.append(row_model(**{key: entry.pk}, updated_at=timezone.now(), **index_values(entry, mapping)))
        if len(chunk) >= batch:
            count += _upsert(row_model, chunk)
            chunk = []
    if chunk:
        count += _upsert(row_model, chunk)
    return count


def _upsert(row_model: Any, rows: list[Model]) -> int:
    row_model.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=[row_model._meta.pk.name],
        update_fields=["terms", "surfaces", "words", "public", "active", "field", "updated_at"],
    )
    return len(rows)


def reindex_words(words: list[str]) -> tuple[int, int]:
    """Enqueue the re-indexing of the entries whose content words include any of `words` (normalised)."""
    from matching.tasks import entry_index_task

    wanted = set(words)
    counts = []
    for kind in KINDS:
        # Scanned in Python rather than by a JSON containment query, which SQLite (the demo) lacks; a synonym
        # change is rare and runs in the worker.
        rows = index_model(kind).objects.values_list("pk", "words").iterator(chunk_size=5000)
        ids = [pk for pk, entry_words in rows if wanted.intersection(entry_words)]
        for entry_id in ids:
            entry_index_task.delay(kind, entry_id)
        counts.append(len(ids))
    return counts[0], counts[1]


# -- the in-memory matrix --


@dataclass
class Collection:
    matrix: scoring.Matrix
    active: np.ndarray
    fields: np.ndarray
    signature: tuple
    newest: datetime.datetime | None
    # Rows written since the matrix was built: id → (terms, active, field).
    pending: dict[int, tuple[dict[str, float], bool, str]] = field(default_factory=dict)


_collections: dict[str, Collection] = {}


def clear_cache() -> None:
    _collections.clear()
    _synonyms.signature = ()


def _signature(row_model: Any) -> tuple[int, datetime.datetime | None]:
    state = row_model.objects.aggregate(count=Count("pk"), newest=Max("updated_at"))
    return state["count"], state["newest"]


def _build(kind: str, signature: tuple) -> Collection:
    active: list[bool] = []
    fields: list[str] = []

    def rows() -> Iterator[scoring.Row]:
        for pk, terms, public, is_active, entry_field in (
            index_model(kind).objects.values_list("pk", "terms", "public", "active", "field").iterator(chunk_size=2000)
        ):
            active.append(is_active)
            fields.append(entry_field)
            yield scoring.Row(pk, terms, public)

    matrix = scoring.Matrix(rows())
    return Collection(
        matrix=matrix,
        active=np.asarray(active, dtype=bool),
        fields=np.asarray(fields, dtype=object),
        signature=signature,
        newest=signature[1],
    )


def collection(kind: str) -> Collection:
    """The kind's matrix, brought up to date with the rows written since it was built."""
    row_model = index_model(kind)
    signature = _signature(row_model)
    with _lock:
        current = _collections.get(kind)
        if current is not None and signature == current.signature:
            return current
        newest, built = signature[1], current.newest if current is not None else None
        if current is not None and newest and built and newest > built and signature[0] >= current.signature[0]:
            changed = row_model.objects.filter(updated_at__gte=built - COMMIT_MARGIN).values_list(
                "pk", "terms", "active", "field", "updated_at"
            )
            for pk, terms, is_active, entry_field, updated_at in changed:
                # Within the margin, a row the matrix already holds was read as it is (bar a rare late commit,
                # which the entry's next change repairs).
                if updated_at > built or pk not in current.matrix.position:
                    current.pending[pk] = (terms, is_active, entry_field)
            current.signature, current.newest = signature, signature[1]
            if len(current.pending) <= MAX_PENDING:
                return current
        _collections[kind] = _build(kind, signature)
        return _collections[kind]
