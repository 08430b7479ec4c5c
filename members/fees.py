"""Fee-tier derivation: pure functions over a list of tiers, so a page or a billing run loads the tiers once."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from members.models import FeeTier, Membership, Organization


def _within(value: int | None, low: int | None, high: int | None) -> bool:
    if low is None and high is None:
        return True
    if value is None:
        # An unknown figure counts as the smallest: it satisfies a rule open below (the billing
        # scenario: a firm of unknown capital pays the SME fee), never one with a minimum.
        return low is None
    return (low is None or value >= low) and (high is None or value <= high)


def tier_matches(tier: FeeTier, *, kind: str, capital: int | None, employees: int | None) -> bool:
    return (
        tier.organization_kind == kind
        and _within(capital, tier.capital_min, tier.capital_max)
        and _within(employees, tier.employees_min, tier.employees_max)
    )


def fee_tier_for(*, kind: str, capital: int | None, employees: int | None, tiers: Iterable[FeeTier]) -> FeeTier | None:
    """The matching active tier with the lowest priority number (then the oldest rule), or None."""
    candidates = [t for t in tiers if t.is_active and tier_matches(t, kind=kind, capital=capital, employees=employees)]
    return min(candidates, key=lambda t: (t.priority, t.pk), default=None)


def _range_q(field: str, low: int | None, high: int | None) -> Q:
    if low is None and high is None:
        return Q()
    if low is not None:
        q = Q(**{f"{field}__gte": low})
        return q & Q(**{f"{field}__lte": high}) if high is not None else q
    # Open below: an unknown figure matches too, as in _within.
    return Q(**{f"{field}__lte": high}) | Q(**{f"{field}__isnull": True})


def tier_q(tier: FeeTier, prefix: str = "") -> Q:
    """The same match as tier_matches, as a database filter on organisations."""
    return (
        Q(**{f"{prefix}kind": tier.organization_kind})
        & _range_q(f"{prefix}capital", tier.capital_min, tier.capital_max)
        & _range_q(f"{prefix}employees", tier.employees_min, tier.employees_max)
    )


def organizations_in_tier_q(tier: FeeTier, tiers: Iterable[FeeTier]) -> Q:
    """Organisations whose derived tier is `tier`: they match it and no rule that outranks it."""
    q = tier_q(tier)
    for other in tiers:
        if other.is_active and other.pk != tier.pk and (other.priority, other.pk) < (tier.priority, tier.pk):
            q &= ~tier_q(other)
    return q


@dataclass(frozen=True)
class FeeQuote:
    """What a member pays per year, and why."""

    tier: FeeTier | None
    annual_fee: int | None
    overridden: bool
    override_reason: str = ""


def organization_fee_tier(organization: Organization, tiers: Iterable[FeeTier]) -> FeeTier | None:
    return fee_tier_for(
        kind=organization.kind, capital=organization.capital, employees=organization.employees, tiers=tiers
    )


def membership_fee_quote(membership: Membership, tiers: Iterable[FeeTier]) -> FeeQuote:
    tier = organization_fee_tier(membership.organization, tiers)
    if membership.fee_override_amount is not None:
        return FeeQuote(
            tier=tier,
            annual_fee=membership.fee_override_amount,
            overridden=True,
            override_reason=membership.fee_override_reason,
        )
    return FeeQuote(tier=tier, annual_fee=tier.annual_fee if tier else None, overridden=False)
