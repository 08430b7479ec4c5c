"""Objects the permission matrix (tests/test_permissions.py) needs for the matching URLs: one function per
area, each returning the URL kwargs it names, merged into the matrix's `objects` fixture."""

from members.models import Organization
from tests.factories import OrganizationFactory
from tests.matching.factories import NeedFactory, SeedFactory


def entries_objects(other: Organization | None = None) -> dict[str, int]:
    """An active seed and an active need of `other` (an organisation that is neither the member's nor the
    bank user's), both visible to all members: member and bank users may read them, not edit them."""
    owner = other or OrganizationFactory(name="相模原電機株式会社", name_kana="サガミハラデンキ")
    return {
        "seed_id": SeedFactory(owner=owner).pk,
        "need_id": NeedFactory(owner=owner).pk,
    }
