"""Queries per page stay constant as the register grows: each page is requested with 5 and then with 30
organisations (all on one page of 50, so a per-row query would show) and must run the same number of queries.

Speed itself is measured by `benchmarks/run.py`, never here.
"""

import datetime
import difflib
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import MembershipStatus, MembershipTransition, OrganizationKind, Role, User
from tests.factories import ContactFactory, FeeTierFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

SMALL, LARGE = 5, 30
# A spread of statuses so that every branch of the list templates and serializers is rendered.
STATUSES = [
    MembershipStatus.ACTIVE,
    MembershipStatus.APPLICATION,
    MembershipStatus.APPROVED,
    MembershipStatus.SUSPENDED,
    MembershipStatus.WITHDRAWN,
    None,  # no membership at all
]
KINDS = [OrganizationKind.FIRM, OrganizationKind.UNIVERSITY, OrganizationKind.FINANCIAL_INSTITUTION]


@pytest.fixture
def tiers() -> dict[str, Any]:
    return {
        "small": FeeTierFactory(name="中小企業", capital_max=9_999_999_999, priority=20),
        "large": FeeTierFactory(name="大企業", capital_min=10_000_000_000, annual_fee=490_000, priority=10),
        "university": FeeTierFactory(
            name="大学", organization_kind=OrganizationKind.UNIVERSITY, annual_fee=30_000, priority=30
        ),
    }


# Unique names across the calls of one test (factory sequences would do too, but these read well in failures).
_serial = itertools.count()


def add_organizations(count: int) -> None:
    """`count` more listed organisations whose names contain タマ, with contacts and varied memberships."""
    for _ in range(count):
        i = next(_serial)
        status = STATUSES[i % len(STATUSES)]
        organization = OrganizationFactory(
            name=f"多摩テスト工業{i}",
            name_kana=f"タマテストコウギョウ{i}",
            kind=KINDS[i % len(KINDS)],
            capital=[30_000_000, 12_000_000_000, None][i % 3],
        )
        ContactFactory(organization=organization, is_billing_contact=True)
        ContactFactory(organization=organization)
        if status is None:
            continue
        if i % 2:
            # An older, closed membership too: the list shows the newest one.
            MembershipFactory(
                organization=organization,
                status=MembershipStatus.WITHDRAWN,
                applied_on=datetime.date(2015, 1, 1),
                withdrawn_on=datetime.date(2018, 3, 31),
            )
        MembershipFactory(organization=organization, status=status)


def count_queries(request: Callable[[], Any]) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code == 200, response
    return len(captured), [query["sql"] for query in captured.captured_queries]


def assert_same_count_as_data_grows(request: Callable[[], Any], grow: Callable[[], None]) -> None:
    request()  # warm up per-process caches (content types, translations) that are not per-request work
    small, small_sql = count_queries(request)
    grow()
    large, large_sql = count_queries(request)
    diff = difflib.unified_diff(small_sql, large_sql, f"{SMALL} organisations", f"{LARGE} organisations", lineterm="")
    assert large == small, "queries grew with the data:\n" + "\n".join(diff)


def grow_to_large() -> None:
    add_organizations(LARGE - SMALL)


@pytest.fixture
def register(users, tiers) -> None:
    add_organizations(SMALL)


# The API list --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.COORDINATOR, Role.MEMBER, Role.BANK])
@pytest.mark.parametrize("query", ["", "?search=ﾀﾏ", "?status=active&kind=firm", "?ordering=-capital"])
def test_api_organization_list_runs_the_same_queries_for_5_and_30_organisations(register, api_client_for, role, query):
    client = api_client_for(role)
    assert_same_count_as_data_grows(lambda: client.get(f"/api/organizations/{query}"), grow_to_large)


def test_api_organization_list_filtered_by_fee_tier_runs_the_same_queries_for_5_and_30_organisations(
    register, api_client_for, tiers
):
    client = api_client_for(Role.SECRETARIAT)
    url = f"/api/organizations/?tier={tiers['small'].pk}&status=active"
    assert_same_count_as_data_grows(lambda: client.get(url), grow_to_large)


# The staff list page -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.COORDINATOR])
@pytest.mark.parametrize("query", ["", "?search=ﾀﾏ", "?status=active&kind=firm", "?ordering=name"])
def test_staff_organization_list_page_runs_the_same_queries_for_5_and_30_organisations(
    register, client_for, role, query
):
    client = client_for(role)
    assert_same_count_as_data_grows(lambda: client.get(f"/organizations/{query}"), grow_to_large)


def test_staff_organization_list_filtered_by_fee_tier_runs_the_same_queries_for_5_and_30_organisations(
    register, client_for, tiers
):
    client = client_for(Role.SECRETARIAT)
    url = f"/organizations/?tier={tiers['small'].pk}&status=active"
    assert_same_count_as_data_grows(lambda: client.get(url), grow_to_large)


def test_htmx_table_of_the_staff_list_runs_the_same_queries_for_5_and_30_organisations(register, client_for):
    client = client_for(Role.SECRETARIAT)
    assert_same_count_as_data_grows(
        lambda: client.get("/organizations/?search=たま", headers={"HX-Request": "true"}), grow_to_large
    )


# The directory ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.MEMBER, Role.BANK, Role.EVALUATOR, Role.SECRETARIAT])
@pytest.mark.parametrize("query", ["", "?search=タマ", "?kind=firm&prefecture=13"])
def test_directory_page_runs_the_same_queries_for_5_and_30_organisations(register, client_for, role, query):
    client = client_for(role)
    assert_same_count_as_data_grows(lambda: client.get(f"/directory/{query}"), grow_to_large)


# The organisation detail page ----------------------------------------------------------------------------


def _add_history(organization_id: int, years: range) -> None:
    """Contacts and closed memberships with their transitions, all before the fixture's 2020 membership."""
    actor = User.objects.filter(role=Role.SECRETARIAT).first()
    for year in years:
        ContactFactory(organization_id=organization_id)
        old = MembershipFactory(
            organization_id=organization_id,
            status=MembershipStatus.WITHDRAWN,
            applied_on=datetime.date(year, 1, 1),
            withdrawn_on=datetime.date(year, 12, 31),
        )
        for to_status in (MembershipStatus.APPLICATION, MembershipStatus.ACTIVE, MembershipStatus.WITHDRAWN):
            MembershipTransition.objects.create(
                membership=old, to_status=to_status, effective_on=old.applied_on, actor=actor
            )


@pytest.fixture
def detail_register(register, member_org) -> int:
    # Start with one of everything, so that a prefetch that has nothing to fetch (and so skips its query)
    # does not pass for a query that grows.
    _add_history(member_org.pk, range(1990, 1991))
    return member_org.pk


def _grow_history(organization_id: int) -> Callable[[], None]:
    """More of everything the detail page lists for one organisation: contacts, memberships, transitions."""

    def grow() -> None:
        grow_to_large()
        _add_history(organization_id, range(1991, 1991 + LARGE - SMALL))

    return grow


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.ADMINISTRATOR, Role.COORDINATOR, Role.MEMBER])
def test_organisation_detail_page_runs_the_same_queries_however_long_its_history(detail_register, client_for, role):
    """The member user's own organisation, seen in full: its contacts, memberships and timeline grow."""
    client = client_for(role)
    url = f"/organizations/{detail_register}/"
    assert_same_count_as_data_grows(lambda: client.get(url), _grow_history(detail_register))


def test_directory_entry_page_runs_the_same_queries_however_long_the_history(detail_register, client_for):
    """Another member's organisation, seen by the bank user: the published entry only."""
    client = client_for(Role.BANK)
    url = f"/organizations/{detail_register}/"
    assert_same_count_as_data_grows(lambda: client.get(url), _grow_history(detail_register))
