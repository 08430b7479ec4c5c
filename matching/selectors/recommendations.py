"""Recommendations: for a need, the seeds most worth a coordinator's look, and for a seed, the needs.

Scores are BM25 over the analysed words, synonyms, kanji and character bigrams (`matching.recommender`),
with a small bonus for the same field and the coordinators' feedback on the exact pair (useful: raised,
not useful: lowered). Candidates are the active entries the viewer may see (see `matching.recommender.index`
for the rule and why); the reasons only quote words of the two texts, both visible to the viewer.

Who asks: internal users (staff, coordinators) for any entry; member and bank users for their own
organisation's entries only — another organisation's entry answers 404 like an invisible one, since its
recommendations are that organisation's business (and would list candidates it has not asked for). Anyone
else (evaluators) is refused with 403.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Case, Model, QuerySet, Sum, When
from django.http import Http404

from clusternet.core.permissions import require
from matching.models import EntryStatus, Need, RecommendationFeedback, Seed
from matching.permissions import can_coordinate, can_use_matching
from matching.recommender import analysis, scoring
from matching.recommender.index import Collection, collection, index_model, synonyms
from matching.selectors.visibility import Viewer, needs_visible_to, seeds_visible_to

USEFUL_FACTOR = 1.5
NOT_USEFUL_FACTOR = 0.3
MAX_LIMIT = 100
MAX_WORD_REASONS = 8


@dataclass(frozen=True)
class Reason:
    """Why a pair matched: kind "word" (the same word), "synonym" (words of one group), "field" (the same
    field) or "feedback" (coordinators marked the pair useful). Words are as written in each text."""

    kind: str
    query_word: str = ""
    match_word: str = ""


@dataclass
class Recommendation:
    entry: Seed | Need
    score: float
    reasons: list[Reason] = field(default_factory=list)


def recommendable_need(*, viewer: Viewer, need_id: int) -> Need:
    """The need whose recommendations the viewer may ask for: 403 for roles without matching, else 404."""
    return _recommendable(viewer, needs_visible_to(viewer), need_id)  # type: ignore[return-value]


def recommendable_seed(*, viewer: Viewer, seed_id: int) -> Seed:
    return _recommendable(viewer, seeds_visible_to(viewer), seed_id)  # type: ignore[return-value]


def _recommendable(viewer: Viewer, visible: QuerySet, entry_id: int) -> Seed | Need:
    require(can_use_matching(viewer))
    if not can_coordinate(viewer):
        visible = visible.filter(owner_id=getattr(viewer, "organization_id", None))
    entry = visible.select_related("owner").filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    return entry


def need_recommendations(*, viewer: Viewer, need: Need, limit: int = 10) -> list[Recommendation]:
    """The seeds for a need the viewer may see (the caller has fetched it through `needs_visible_to`)."""
    return _recommend(viewer=viewer, query=need, kind="seed", limit=limit)


def seed_recommendations(*, viewer: Viewer, seed: Seed, limit: int = 10) -> list[Recommendation]:
    """The needs for a seed the viewer may see."""
    return _recommend(viewer=viewer, query=seed, kind="need", limit=limit)


def _query_terms(query: Seed | Need) -> tuple[Mapping[str, float], Mapping[str, str]]:
    row = index_model("need" if isinstance(query, Need) else "seed").objects.filter(pk=query.pk).first()
    if row is not None:
        return row.terms, row.surfaces
    # Not indexed yet (the task has not run): analyse it now, the same way.
    result = analysis.analyse(query.title, query.description, synonyms=synonyms())
    return result.terms, result.surfaces


def _scores(
    store: Collection, query: Mapping[str, float], query_field: str, feedback: dict[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """(ids, scores) of every candidate row, the rows written since the matrix was built included."""
    matrix = store.matrix
    scores = matrix.scores(query)
    scores = np.where(store.active, scores, 0.0)
    pending_ids = np.fromiter(store.pending, dtype=np.int64, count=len(store.pending))
    pending_scores = np.zeros(len(pending_ids))
    for i, (entry_id, (terms, active, entry_field)) in enumerate(store.pending.items()):
        position = matrix.position.get(entry_id)
        if position is not None:
            scores[position] = 0.0
        if active:
            bonus = 1 + scoring.SAME_FIELD_BONUS if entry_field == query_field else 1.0
            pending_scores[i] = bonus * scoring.score_one(
                query, terms, idf_of=matrix.idf, average_length=matrix.average_length
            )
    scores = scores * np.where(store.fields == query_field, 1 + scoring.SAME_FIELD_BONUS, 1.0)
    ids = np.concatenate([matrix.ids, pending_ids])
    scores = np.concatenate([scores, pending_scores])
    if feedback:
        positions = {int(entry_id): i for i, entry_id in enumerate(ids) if int(entry_id) in feedback}
        for entry_id, net in feedback.items():
            if entry_id in positions:
                scores[positions[entry_id]] *= USEFUL_FACTOR if net > 0 else NOT_USEFUL_FACTOR if net < 0 else 1
    return ids, scores


def _feedback(query: Seed | Need) -> dict[int, int]:
    """Net verdict per pair (+1 useful, -1 not useful, per coordinator) on the query's pairs."""
    other = "seed_id" if isinstance(query, Need) else "need_id"
    rows = RecommendationFeedback.objects.filter(**{"need" if other == "seed_id" else "seed": query})
    totals = rows.values_list(other).annotate(net=Sum(Case(When(useful=True, then=1), default=-1)))
    return {entry_id: net for entry_id, net in totals if net}


def _recommend(*, viewer: Viewer, query: Seed | Need, kind: str, limit: int) -> list[Recommendation]:
    query_terms, query_surfaces = _query_terms(query)
    feedback = _feedback(query)
    store = collection(kind)
    ids, scores = _scores(store, query_terms, query.field, feedback)
    visible: QuerySet = (seeds_visible_to(viewer) if kind == "seed" else needs_visible_to(viewer)).filter(
        status=EntryStatus.ACTIVE
    )
    # The best candidates first, checked against the visibility rule in growing batches.
    chosen: list[tuple[int, float]] = []
    entries: dict[int, Model] = {}
    checked, wanted = 0, max(limit * 3, 30)
    while True:
        ranked = scoring.top(ids, scores, wanted)
        part = ranked[checked:]
        found = visible.filter(pk__in=[entry_id for entry_id, _score in part]).select_related("owner")
        entries.update({entry.pk: entry for entry in found})
        chosen.extend((entry_id, score) for entry_id, score in part if entry_id in entries)
        checked = len(ranked)
        if len(chosen) >= limit or len(ranked) < wanted:
            break
        wanted *= 4
    chosen = chosen[:limit]
    rows = {row.pk: row for row in index_model(kind).objects.filter(pk__in=[entry_id for entry_id, _ in chosen])}
    internal = can_coordinate(viewer)
    results = []
    for entry_id, score in chosen:
        entry = entries[entry_id]
        row = rows.get(entry_id)
        reasons = _reasons(query_terms, query_surfaces, row.terms, row.surfaces, store) if row else []
        if entry.field == query.field:  # type: ignore[attr-defined]
            reasons.append(Reason("field", entry.get_field_display(), entry.get_field_display()))  # type: ignore[attr-defined]
        if internal and feedback.get(entry_id, 0) > 0:
            reasons.append(Reason("feedback"))
        results.append(Recommendation(entry=entry, score=round(score, 4), reasons=reasons))  # type: ignore[arg-type]
    return results


def _reasons(
    query_terms: Mapping[str, float],
    query_surfaces: Mapping[str, str],
    terms: Mapping[str, float],
    surfaces: Mapping[str, str],
    store: Collection,
) -> list[Reason]:
    """The shared words and synonyms, most telling (highest idf) first, each shown once."""
    matched = [term for term in query_terms if term[:2] in ("w:", "y:") and term in terms]
    matched.sort(key=lambda term: -scoring.kind_weight(term) * store.matrix.idf(term))
    reasons: list[Reason] = []
    seen: set[tuple[str, str]] = set()
    for term in matched:
        pair = (query_surfaces.get(term, term[2:]), surfaces.get(term, term[2:]))
        if pair in seen:
            continue
        seen.add(pair)
        reasons.append(Reason("word" if term.startswith("w:") else "synonym", *pair))
        if len(reasons) >= MAX_WORD_REASONS:
            break
    return reasons
