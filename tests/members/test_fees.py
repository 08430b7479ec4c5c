import json
from pathlib import Path

import pytest

from members.fees import fee_tier_for, membership_fee_quote
from members.models import FeeTier, OrganizationKind
from tests.factories import FeeTierFactory, MembershipFactory

SCENARIO = Path(__file__).resolve().parents[1] / "data" / "billing_scenario.json"


def _tiers() -> list[FeeTier]:
    """The association's tiers as in the billing scenario (tests/data), built in memory (no database needed)."""
    rows = [
        ("中小企業", "firm", None, 9_999_999_999, 70_000, 20),
        ("大企業", "firm", 10_000_000_000, None, 490_000, 10),
        ("大学・研究機関", "university", None, None, 30_000, 30),
        ("自治体・商工会議所", "municipality", None, None, 0, 30),
        ("金融機関", "financial_institution", None, None, 70_000, 30),
    ]
    return [
        FeeTier(pk=i, name=n, organization_kind=k, capital_min=lo, capital_max=hi, annual_fee=fee, priority=p)
        for i, (n, k, lo, hi, fee, p) in enumerate(rows, start=1)
    ]


@pytest.mark.parametrize(
    ("kind", "capital", "employees", "expected_tier"),
    [
        ("firm", 30_000_000, 20, "中小企業"),
        ("firm", 9_999_999_999, None, "中小企業"),  # one yen under the boundary
        ("firm", 10_000_000_000, None, "大企業"),  # exactly ¥10 billion is large: bounds are inclusive
        ("firm", 12_000_000_000, 3000, "大企業"),
        ("firm", None, None, "中小企業"),  # unknown capital counts as the smallest: the rule open below ...
        ("university", None, None, "大学・研究機関"),  # ... and an open rule ignores it
        ("municipality", None, 10, "自治体・商工会議所"),
        ("financial_institution", 5_000_000_000, None, "金融機関"),
        ("individual", None, None, None),  # no rule for the kind
    ],
)
def test_tier_derivation_table(kind, capital, employees, expected_tier):
    tier = fee_tier_for(kind=kind, capital=capital, employees=employees, tiers=_tiers())
    assert (tier.name if tier else None) == expected_tier


def test_missing_capital_never_satisfies_a_rule_with_a_minimum():
    tiers = [
        FeeTier(pk=1, name="大企業", organization_kind="firm", capital_min=10**10, annual_fee=490_000, priority=10),
        FeeTier(pk=9, name="その他企業", organization_kind="firm", annual_fee=50_000, priority=90),
    ]
    tier = fee_tier_for(kind="firm", capital=None, employees=None, tiers=tiers)
    assert tier is not None and tier.name == "その他企業"


def test_lowest_priority_number_wins_and_ties_go_to_the_older_rule():
    tiers = [
        FeeTier(pk=1, name="A", organization_kind="firm", annual_fee=1, priority=50),
        FeeTier(pk=2, name="B", organization_kind="firm", annual_fee=2, priority=10),
        FeeTier(pk=3, name="C", organization_kind="firm", annual_fee=3, priority=10),
    ]
    assert fee_tier_for(kind="firm", capital=1, employees=1, tiers=tiers).name == "B"


def test_employee_range_is_inclusive_and_inactive_rules_are_ignored():
    tiers = [
        FeeTier(pk=1, name="small", organization_kind="firm", employees_max=300, annual_fee=1, priority=10),
        FeeTier(pk=2, name="big", organization_kind="firm", employees_min=301, annual_fee=2, priority=10),
        FeeTier(pk=3, name="retired", organization_kind="firm", annual_fee=3, priority=1, is_active=False),
    ]
    assert fee_tier_for(kind="firm", capital=None, employees=300, tiers=tiers).name == "small"
    assert fee_tier_for(kind="firm", capital=None, employees=301, tiers=tiers).name == "big"


@pytest.mark.django_db
def test_recorded_override_replaces_the_tier_fee():
    tier = FeeTierFactory(organization_kind=OrganizationKind.FIRM, annual_fee=70_000)
    membership = MembershipFactory(fee_override_amount=35_000, fee_override_reason="創業3年以内の特例")
    quote = membership_fee_quote(membership, [tier])
    assert (quote.tier, quote.annual_fee, quote.overridden) == (tier, 35_000, True)
    assert quote.override_reason == "創業3年以内の特例"


def test_billing_scenario_tiers_match_the_shared_data():
    """Our table above is the scenario's, so billing's scenario tests and these agree."""
    scenario = json.loads(SCENARIO.read_text())
    assert [(t["name"], t["annual_fee"], t["priority"]) for t in scenario["fee_tiers"]] == [
        (t.name, t.annual_fee, t.priority) for t in _tiers()
    ]
