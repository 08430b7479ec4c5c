"""The organisation list at scale: the API page and the staff page, timed and query-counted.

Loads `scale` organisations (bulk_create, deterministic) with contacts, memberships of varied statuses
(a fifth with an older, closed membership too) and the association's five fee tiers, then requests
each page ROUNDS times in-process through Django's full middleware stack (no network, no WSGI server)
and reports the median and 95th percentile. The query count of each page is taken at 100 organisations
and at `scale`: it must be the same (tests/members/test_query_counts.py enforces that on every run).
"""

import datetime
import random
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from clusternet.core.text import search_key
from members.models import (
    Contact,
    FeeTier,
    Membership,
    MembershipStatus,
    Organization,
    OrganizationKind,
    Role,
    User,
)
from members.validators import corporate_number_check_digit

ROUNDS = 50
WARMUP = 5
SMALL_SCALE = 100
BATCH = 2_000
# Half-width katakana, as staff paste it from old bank files; folds to タマ (多摩, 玉川 ... about 1 row in 6).
SEARCH = "ﾀﾏ"

PLACES = [
    ("多摩", "タマ"), ("多摩", "タマ"), ("玉川", "タマガワ"), ("八王子", "ハチオウジ"), ("相模原", "サガミハラ"),
    ("町田", "マチダ"), ("日野", "ヒノ"), ("立川", "タチカワ"), ("府中", "フチュウ"), ("調布", "チョウフ"),
    ("青梅", "オウメ"), ("厚木", "アツギ"), ("川崎", "カワサキ"), ("横浜", "ヨコハマ"), ("大和", "ヤマト"),
    ("座間", "ザマ"), ("昭島", "アキシマ"), ("国立", "クニタチ"),
]  # fmt: skip
FIRM_WORDS = [
    ("精密", "セイミツ"), ("電機", "デンキ"), ("工業", "コウギョウ"), ("製作所", "セイサクショ"), ("技研", "ギケン"),
    ("化学", "カガク"), ("機械", "キカイ"), ("光学", "コウガク"), ("電子", "デンシ"), ("金属", "キンゾク"),
    ("システム", "システム"), ("ソフト", "ソフト"), ("樹脂", "ジュシ"), ("計測", "ケイソク"),
]  # fmt: skip
OTHER_KINDS = {
    OrganizationKind.UNIVERSITY: ("工科大学", "コウカダイガク"),
    OrganizationKind.MUNICIPALITY: ("商工会議所", "ショウコウカイギショ"),
    OrganizationKind.FINANCIAL_INSTITUTION: ("信用金庫", "シンヨウキンコ"),
    OrganizationKind.SUPPORT_ORGANIZATION: ("産業振興センター", "サンギョウシンコウセンター"),
}
FAMILY = [("山田", "ヤマダ"), ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ")]
GIVEN = [("太郎", "タロウ"), ("花子", "ハナコ"), ("健", "ケン"), ("美咲", "ミサキ"), ("誠", "マコト")]
# Weights of each organisation's newest membership; None: never applied.
STATUS_WEIGHTS: dict[str | None, int] = {
    MembershipStatus.ACTIVE: 55,
    MembershipStatus.APPLICATION: 8,
    MembershipStatus.APPROVED: 4,
    MembershipStatus.SUSPENDED: 5,
    MembershipStatus.WITHDRAWN: 12,
    MembershipStatus.REJECTED: 3,
    None: 13,
}
KIND_WEIGHTS = {
    OrganizationKind.FIRM: 85,
    OrganizationKind.UNIVERSITY: 4,
    OrganizationKind.MUNICIPALITY: 3,
    OrganizationKind.FINANCIAL_INSTITUTION: 3,
    OrganizationKind.SUPPORT_ORGANIZATION: 2,
    OrganizationKind.INDIVIDUAL: 3,
}


def _corporate_number(n: int) -> str:
    base = f"{n:012d}"
    return f"{corporate_number_check_digit(base)}{base}"


def _date(rng: random.Random, first_year: int, last_year: int) -> datetime.date:
    start = datetime.date(first_year, 1, 1)
    return start + datetime.timedelta(days=rng.randrange((datetime.date(last_year, 12, 31) - start).days))


def _organization(rng: random.Random, i: int) -> Organization:
    kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
    place, place_kana = rng.choice(PLACES)
    if kind == OrganizationKind.FIRM:
        word, word_kana = rng.choice(FIRM_WORDS)
        name, kana = f"株式会社{place}{word}", f"{place_kana}{word_kana}"
        capital = rng.choice([None, *(10**k * rng.randint(1, 9) for k in range(6, 11))])
        employees = rng.choice([None, rng.randint(1, 30), rng.randint(30, 300), rng.randint(300, 5000)])
    elif kind == OrganizationKind.INDIVIDUAL:
        (family, family_kana), (given, given_kana) = rng.choice(FAMILY), rng.choice(GIVEN)
        name, kana = f"{family} {given}（{place}）", f"{family_kana} {given_kana}"
        capital, employees = None, None
    else:
        word, word_kana = OTHER_KINDS[kind]
        name, kana = f"{place}{word}", f"{place_kana}{word_kana}"
        capital, employees = None, rng.randint(10, 2000)
    return Organization(
        kind=kind,
        name=name,
        name_kana=kana,
        search_key=search_key(name, kana),  # as the services maintain it
        corporate_number=_corporate_number(1_000_000 + i) if kind != OrganizationKind.INDIVIDUAL else None,
        postal_code=f"{rng.randint(100, 299)}-{rng.randint(0, 9999):04d}",
        prefecture=rng.choices(["13", "14", "11", "19"], weights=[60, 30, 7, 3])[0],
        city=f"{place}市",
        address_line=f"{rng.randint(1, 9)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}",
        capital=capital,
        employees=employees,
        industry=rng.choice(["製造業", "情報通信業", "卸売業", "学術研究", ""]),
        founded_year=rng.randint(1900, 2023),
        business_description="精密部品の設計・製造。" * rng.randint(1, 5),
        technologies="切削加工、表面処理、画像計測",
        listed_in_directory=rng.random() < 0.9,
        public_figures=rng.random() < 0.3,
    )


def _memberships(rng: random.Random, organization: Organization) -> Iterator[Membership]:
    status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
    if status is None:
        return
    applied_on = _date(rng, 2012, 2024)
    if rng.random() < 0.2:
        # An earlier membership, closed before the newest one was applied for.
        earlier = _date(rng, 2000, 2008)
        yield Membership(
            organization=organization,
            status=MembershipStatus.WITHDRAWN,
            applied_on=earlier,
            joined_on=earlier + datetime.timedelta(days=30),
            withdrawn_on=_date(rng, 2009, 2011),
            withdrawal_reason="事業縮小のため",
        )
    joined = status in (MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED, MembershipStatus.WITHDRAWN)
    override = status == MembershipStatus.ACTIVE and rng.random() < 0.02
    yield Membership(
        organization=organization,
        status=status,
        applied_on=applied_on,
        joined_on=applied_on + datetime.timedelta(days=30) if joined else None,
        withdrawn_on=applied_on + datetime.timedelta(days=900) if status == MembershipStatus.WITHDRAWN else None,
        rejection_reason="要件を満たさないため" if status == MembershipStatus.REJECTED else "",
        fee_override_amount=35_000 if override else None,
        fee_override_reason="創業支援の特例" if override else "",
    )


def _contacts(rng: random.Random, organization: Organization) -> Iterator[Contact]:
    for n in range(rng.randint(1, 3)):
        (family, family_kana), (given, given_kana) = rng.choice(FAMILY), rng.choice(GIVEN)
        yield Contact(
            organization=organization,
            name=f"{family} {given}",
            name_kana=f"{family_kana} {given_kana}",
            department="総務部",
            email=f"c{organization.pk}-{n}@example.jp",
            phone="042-000-0000",
            is_billing_contact=n == 0,  # at most one per organisation (a database constraint)
        )


def load_organizations(first: int, last: int) -> None:
    """Organisations number first..last-1 (deterministic), with their memberships and contacts."""
    rng = random.Random(first)
    for start in range(first, last, BATCH):
        organizations = Organization.objects.bulk_create(
            [_organization(rng, i) for i in range(start, min(start + BATCH, last))]
        )
        Membership.objects.bulk_create(m for o in organizations for m in _memberships(rng, o))
        Contact.objects.bulk_create(c for o in organizations for c in _contacts(rng, o))
    with connection.cursor() as cursor:
        # Fresh statistics, as autovacuum would have gathered on a live system.
        cursor.execute("VACUUM ANALYZE")


def load_fee_tiers() -> dict[str, FeeTier]:
    """The association's tiers (the same rules as shared/data/billing-dev)."""
    rows = [
        ("中小企業", OrganizationKind.FIRM, None, 9_999_999_999, 70_000, 20),
        ("大企業", OrganizationKind.FIRM, 10_000_000_000, None, 490_000, 10),
        ("大学・研究機関", OrganizationKind.UNIVERSITY, None, None, 30_000, 30),
        ("自治体・商工会議所", OrganizationKind.MUNICIPALITY, None, None, 0, 30),
        ("金融機関", OrganizationKind.FINANCIAL_INSTITUTION, None, None, 70_000, 30),
    ]
    tiers = FeeTier.objects.bulk_create(
        FeeTier(name=n, organization_kind=k, capital_min=lo, capital_max=hi, annual_fee=fee, priority=p)
        for n, k, lo, hi, fee, p in rows
    )
    return {tier.name: tier for tier in tiers}


@dataclass
class Page:
    label: str
    url: str
    get: Callable[[str], object]


def pages(small_tier_id: int) -> list[Page]:
    staff = User.objects.create_user("bench-staff", "bench-staff@example.jp", "pw", role=Role.SECRETARIAT)
    # The staff page with its session cookie, as a browser sends it.
    browser = Client()
    browser.force_login(staff, backend="members.backends.UsernameOrEmailBackend")
    # The API with a token, as an external client sends it.
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff).key}")
    return [
        Page(f"API list, 50 rows, search '{SEARCH}'", f"/api/organizations/?limit=50&search={SEARCH}", api.get),
        Page("API list, 50 rows, no search", "/api/organizations/?limit=50", api.get),
        Page(f"staff list page, search '{SEARCH}'", f"/organizations/?search={SEARCH}", browser.get),
        Page(
            "staff list page, filter tier + status",
            f"/organizations/?tier={small_tier_id}&status={MembershipStatus.ACTIVE}",
            browser.get,
        ),
    ]


def _fetch(page: Page) -> None:
    response = page.get(page.url)
    status = getattr(response, "status_code", None)
    if status != 200:
        raise RuntimeError(f"{page.url} answered {status}")


def query_count(page: Page) -> int:
    _fetch(page)  # per-process caches are not per-request work
    with CaptureQueriesContext(connection) as captured:
        _fetch(page)
    return len(captured)


def timings_ms(page: Page) -> list[float]:
    for _ in range(WARMUP):
        _fetch(page)
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        _fetch(page)
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def run(scale: int) -> list[tuple[str, float, str]]:
    tiers = load_fee_tiers()
    checked = pages(tiers["中小企業"].pk)
    small = min(SMALL_SCALE, scale)
    load_organizations(0, small)
    small_counts = [query_count(page) for page in checked]
    load_organizations(small, scale)

    figures: list[tuple[str, float, str]] = []
    for page, small_count in zip(checked, small_counts, strict=True):
        times = timings_ms(page)
        count = query_count(page)
        figures += [
            (f"{page.label}: median", statistics.median(times), "ms"),
            (f"{page.label}: p95", p95(times), "ms"),
        ]
        if small < scale:
            figures.append((f"{page.label}: queries at {small:,} organisations", small_count, "queries"))
        figures.append((f"{page.label}: queries at {scale:,} organisations", count, "queries"))
        if count != small_count:
            figures.append((f"{page.label}: QUERIES GREW WITH THE DATA", count - small_count, "queries"))
    matches = Organization.objects.filter(search_key__contains=search_key(SEARCH)).count()
    figures.append((f"organisations matching '{SEARCH}'", matches, f"of {scale:,}"))
    return figures
