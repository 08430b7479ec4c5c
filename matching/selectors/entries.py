"""Reads of seeds and needs for the pages and the API, always through the one visibility rule
(`matching.selectors.visibility`): an entry the viewer may not see answers 404."""

import unicodedata
from dataclasses import dataclass
from typing import Literal

from django.db.models import Q, QuerySet
from django.http import Http404

from matching.models import EntryStatus, Need, Seed
from matching.permissions import can_coordinate
from matching.selectors.visibility import Viewer, needs_visible_to, seeds_visible_to

Kind = Literal["seed", "need"]

WILLINGNESS_FIELDS = {
    "license": "offers_license",
    "joint_research": "offers_joint_research",
    "supply": "offers_supply",
}


@dataclass(frozen=True)
class EntryFilters:
    """What a list is narrowed to; empty values do not narrow. `mine`: the viewer's organisation's entries (for
    coordinators: the entries they registered)."""

    q: str = ""
    field: str = ""
    stage: str = ""
    status: str = ""
    owner_id: int | None = None
    mine: bool = False
    patent_status: str = ""  # seeds
    willingness: str = ""  # seeds: license, joint_research or supply
    timing: str = ""  # needs


def _text_q(query: str) -> Q:
    """Title or description contains the words, each as typed or width-folded (ｾﾝｻ finds センサ)."""
    condition = Q()
    for word in query.split():
        folded = unicodedata.normalize("NFKC", word)
        condition &= (
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(title__icontains=folded)
            | Q(description__icontains=folded)
        )
    return condition


def _filter(queryset: QuerySet, *, viewer: Viewer, filters: EntryFilters) -> QuerySet:
    if filters.q.strip():
        queryset = queryset.filter(_text_q(filters.q))
    if filters.field:
        queryset = queryset.filter(field=filters.field)
    if filters.stage:
        queryset = queryset.filter(stage=filters.stage)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.owner_id is not None:
        queryset = queryset.filter(owner_id=filters.owner_id)
    if filters.mine:
        if can_coordinate(viewer):
            queryset = queryset.filter(registered_by_id=viewer.pk)
        else:
            queryset = queryset.filter(owner_id=getattr(viewer, "organization_id", None))
    return queryset.select_related("owner").order_by("-created_at", "-pk")


def seed_list(*, viewer: Viewer, filters: EntryFilters | None = None) -> QuerySet[Seed]:
    filters = filters or EntryFilters()
    seeds = _filter(seeds_visible_to(viewer), viewer=viewer, filters=filters)
    if filters.patent_status:
        seeds = seeds.filter(patent_status=filters.patent_status)
    if filters.willingness in WILLINGNESS_FIELDS:
        seeds = seeds.filter(**{WILLINGNESS_FIELDS[filters.willingness]: True})
    return seeds


def need_list(*, viewer: Viewer, filters: EntryFilters | None = None) -> QuerySet[Need]:
    filters = filters or EntryFilters()
    needs = _filter(needs_visible_to(viewer), viewer=viewer, filters=filters)
    if filters.timing:
        needs = needs.filter(timing=filters.timing)
    return needs


def entry_get(viewer: Viewer, kind: Kind, entry_id: int) -> Seed | Need:
    """One seed or need with what its page shows; 404 when the viewer may not see it."""
    queryset: QuerySet = seeds_visible_to(viewer) if kind == "seed" else needs_visible_to(viewer)
    related = ["owner", "visit__organization", "screened_by", "registered_by"]
    if kind == "need":
        related.append("lead__event")
    entry = queryset.select_related(*related).prefetch_related("audience").filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    return entry


def seed_get(*, viewer: Viewer, seed_id: int) -> Seed:
    seed = entry_get(viewer, "seed", seed_id)
    assert isinstance(seed, Seed)  # noqa: S101 - narrows the type for mypy
    return seed


def need_get(*, viewer: Viewer, need_id: int) -> Need:
    need = entry_get(viewer, "need", need_id)
    assert isinstance(need, Need)  # noqa: S101 - narrows the type for mypy
    return need


def screening_queue(*, viewer: Viewer) -> list[Seed | Need]:
    """Submitted seeds and needs, oldest first, for the coordinators' meeting (nothing for anyone else)."""
    if not can_coordinate(viewer):
        return []
    submitted = Q(status=EntryStatus.SUBMITTED)
    seeds = list(seeds_visible_to(viewer).filter(submitted).select_related("owner", "registered_by"))
    needs = list(needs_visible_to(viewer).filter(submitted).select_related("owner", "registered_by"))
    return sorted([*seeds, *needs], key=lambda e: (e.created_at, e.pk))
