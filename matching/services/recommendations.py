"""What the seed and need services call when an entry changed, so the recommender follows; the
coordinators' feedback on recommendations; and their synonym dictionary (a change re-indexes only the
entries containing its words)."""

from django.db import transaction
from django.utils.translation import gettext as _

from clusternet.core.exceptions import ApplicationError
from matching.models import Need, RecommendationFeedback, Seed, SynonymGroup
from matching.permissions import can_coordinate
from matching.recommender.analysis import synonym_key
from matching.recommender.index import reindex_words
from members.models import User


def entry_index_later(entry: Seed | Need) -> None:
    """Re-index the entry once the current transaction commits (in the worker, not in the request)."""
    from matching.tasks import entry_index_task

    kind = "seed" if isinstance(entry, Seed) else "need"
    transaction.on_commit(lambda: entry_index_task.delay(kind, entry.pk))


def _require_coordinator(actor: User) -> None:
    if not can_coordinate(actor):
        raise ApplicationError(_("Only coordinators and staff give feedback on recommendations."))


@transaction.atomic
def recommendation_feedback(*, actor: User, need: Need, seed: Seed, useful: bool) -> RecommendationFeedback:
    """Record (or change) a coordinator's verdict on one pair; the next ranking raises or lowers it."""
    _require_coordinator(actor)
    feedback, _created = RecommendationFeedback.objects.update_or_create(
        need=need, seed=seed, user=actor, defaults={"useful": useful}
    )
    return feedback


def _clean_terms(terms: list[str]) -> list[str]:
    cleaned: list[str] = []
    for term in terms:
        term = term.strip()
        if term and term not in cleaned:
            cleaned.append(term)
    if len(cleaned) < 2:
        raise ApplicationError(_("A synonym group needs at least two different words."), extra={"field": "terms"})
    if any(len(term) > 100 for term in cleaned):
        raise ApplicationError(_("A word may have at most 100 characters."), extra={"field": "terms"})
    return cleaned


def _reindex_later(terms: list[str]) -> None:
    """Entries containing a word of the group (before or after the change) are re-indexed, no others."""
    words = sorted({synonym_key(term) for term in terms})
    transaction.on_commit(lambda: reindex_words(words))


@transaction.atomic
def synonym_group_create(*, actor: User, terms: list[str], note: str = "") -> SynonymGroup:
    _require_coordinator(actor)
    group = SynonymGroup(terms=_clean_terms(terms), note=note.strip())
    group.save()
    _reindex_later(group.terms)
    return group


@transaction.atomic
def synonym_group_update(*, actor: User, group: SynonymGroup, terms: list[str], note: str = "") -> SynonymGroup:
    _require_coordinator(actor)
    before = list(group.terms)
    group.terms = _clean_terms(terms)
    group.note = note.strip()
    group.save()
    _reindex_later(before + group.terms)
    return group


@transaction.atomic
def synonym_group_delete(*, actor: User, group: SynonymGroup) -> None:
    _require_coordinator(actor)
    terms = list(group.terms)
    group.delete()
    _reindex_later(terms)
