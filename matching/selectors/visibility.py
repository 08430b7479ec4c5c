"""Who may see which seed or need: the one rule every list, detail page, API and the recommender go through.

- Staff and coordinators see every entry.
- Member and bank users see their own organisation's entries in any status, and other organisations'
  active entries whose visibility is all members, or named organisations including theirs.
- Anyone else sees nothing.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from matching.models import EntryStatus, Need, Seed, Visibility
from matching.permissions import can_coordinate, can_use_matching
from members.models import User

Viewer = User | AnonymousUser


def _visible(queryset: QuerySet, *, viewer: Viewer) -> QuerySet:
    if can_coordinate(viewer):
        return queryset
    if not can_use_matching(viewer):
        return queryset.none()
    organization_id = getattr(viewer, "organization_id", None)
    named = Exists(queryset.model.audience.through.objects.filter(**{
        f"{queryset.model._meta.model_name}_id": OuterRef("pk"), "organization_id": organization_id,
    }))  # fmt: skip
    others = Q(status=EntryStatus.ACTIVE) & (
        Q(visibility=Visibility.MEMBERS) | (Q(visibility=Visibility.NAMED) & named)
    )
    return queryset.filter(Q(owner_id=organization_id) | others)


def seeds_visible_to(viewer: Viewer) -> QuerySet[Seed]:
    return _visible(Seed.objects.all(), viewer=viewer)


def needs_visible_to(viewer: Viewer) -> QuerySet[Need]:
    return _visible(Need.objects.all(), viewer=viewer)
