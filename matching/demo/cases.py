"""Demo matching cases: about 25 cases over the last three fiscal years, with the valley of death the funnel
is about — most cases that reach a prototype stop before it is commercialised, a few reach first sales.

Loaded through the case services on top of the member demo (and linked to the seeds and needs demo where its
entries exist), so every case has its dated, attributed moves. Reproducible: a fixed random seed.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from billing.fiscal import fiscal_year_bounds, fiscal_year_of
from matching.models import CaseStage, EntryStatus, MatchingCase, Need, Seed, TechField
from matching.services.cases import case_create, case_move, case_update_amounts
from members.demo import MEMBER_FIRM_NAME
from members.models import Membership, MembershipStatus, Organization, OrganizationKind, User

SEED = 20260405
S = CaseStage
F = TechField


@dataclass(frozen=True)
class CasePlan:
    years_ago: int  # 0: the current fiscal year
    title: str
    field: str
    furthest: str
    drop_reason: str = ""
    deal_value: int | None = None
    subsidy_amount: int | None = None


PLANS = [
    # Two years ago: the year has run its course; the valley shows clearly.
    CasePlan(
        2,
        "樹脂ギアの軽量化と搬送装置への採用",
        F.MANUFACTURING,
        S.FIRST_SALES,
        deal_value=18_000_000,
        subsidy_amount=5_000_000,
    ),
    CasePlan(2, "画像検査AIの食品ラインへの導入", F.IT_ELECTRONICS, S.COMMERCIALISED, deal_value=6_000_000),
    CasePlan(
        2,
        "廃熱回収ユニットの共同開発",
        F.ENVIRONMENT_ENERGY,
        S.PROTOTYPE,
        "量産コストが販売価格に見合わない",
        subsidy_amount=3_000_000,
    ),
    CasePlan(2, "生分解性緩衝材の試作", F.MATERIALS_CHEMISTRY, S.PROTOTYPE, "販路が見つからない"),
    CasePlan(2, "医療用チューブの精密成形", F.BIO_MEDICAL, S.PROTOTYPE, "薬機法対応の負担が大きい"),
    CasePlan(2, "発酵残さの飼料化", F.FOOD_AGRICULTURE, S.JOINT_DEVELOPMENT, "共同研究の予算が確保できない"),
    CasePlan(2, "振動センサーの無線化", F.IT_ELECTRONICS, S.MEETING_HELD, "求める精度と技術が合わない"),
    CasePlan(2, "切削油の再生装置", F.ENVIRONMENT_ENERGY, S.INTRODUCED, "先方の担当者が異動した"),
    CasePlan(2, "アルミ鋳物の薄肉化", F.MANUFACTURING, S.PROTOTYPE),
    # Last year.
    CasePlan(
        1, "小型ロボットハンドの量産化", F.MANUFACTURING, S.FIRST_SALES, deal_value=8_000_000, subsidy_amount=2_000_000
    ),
    CasePlan(
        1, "省エネ型乾燥炉の試作", F.ENVIRONMENT_ENERGY, S.PROTOTYPE, "量産設備への投資が重い", subsidy_amount=4_000_000
    ),
    CasePlan(1, "抗菌コーティングの評価", F.MATERIALS_CHEMISTRY, S.PROTOTYPE, "顧客の評価試験で不合格"),
    CasePlan(1, "農業用ドローンの散布制御", F.FOOD_AGRICULTURE, S.PROTOTYPE),
    CasePlan(1, "リハビリ機器の遠隔モニタリング", F.BIO_MEDICAL, S.JOINT_DEVELOPMENT, subsidy_amount=1_500_000),
    CasePlan(1, "基板実装の外観検査", F.IT_ELECTRONICS, S.JOINT_DEVELOPMENT, "知的財産の扱いで折り合わない"),
    CasePlan(1, "炭素繊維端材の再利用", F.MATERIALS_CHEMISTRY, S.MEETING_HELD, "社内の優先度が下がった"),
    CasePlan(1, "金型の長寿命化処理", F.MANUFACTURING, S.MEETING_HELD),
    CasePlan(1, "工場の電力見える化", F.ENVIRONMENT_ENERGY, S.COMMERCIALISED, deal_value=3_000_000),
    # This year: still moving.
    CasePlan(0, "精密板金の自動溶接", F.MANUFACTURING, S.PROTOTYPE),
    CasePlan(0, "食品工場の異物検知", F.FOOD_AGRICULTURE, S.JOINT_DEVELOPMENT),
    CasePlan(0, "軽量断熱パネルの共同研究", F.MATERIALS_CHEMISTRY, S.JOINT_DEVELOPMENT),
    CasePlan(0, "歩行解析センサーの臨床評価", F.BIO_MEDICAL, S.MEETING_HELD),
    CasePlan(0, "設備保全の予知システム", F.IT_ELECTRONICS, S.MEETING_HELD),
    CasePlan(0, "水素混焼バーナーの検討", F.ENVIRONMENT_ENERGY, S.INTRODUCED),
    CasePlan(0, "樹脂リサイクル材の品質安定化", F.MATERIALS_CHEMISTRY, S.INTRODUCED, "先方の事業方針が変わった"),
]


def _organizations() -> list[Organization]:
    """Member firms and universities, the member demo's firm first so its page has cases."""
    active = Membership.objects.filter(organization=OuterRef("pk"), status=MembershipStatus.ACTIVE)
    kinds = [OrganizationKind.FIRM, OrganizationKind.UNIVERSITY]
    organizations = list(Organization.objects.filter(Exists(active), kind__in=kinds).order_by("pk"))
    organizations.sort(key=lambda o: o.name != MEMBER_FIRM_NAME)
    return organizations


def _entry_pairs() -> list[tuple[Seed, Need]]:
    """Active seeds and needs of the seeds-and-needs demo, paired when their owners differ."""
    seeds = list(Seed.objects.filter(status=EntryStatus.ACTIVE).select_related("owner").order_by("pk"))
    needs = list(Need.objects.filter(status=EntryStatus.ACTIVE).select_related("owner").order_by("pk"))
    pairs = []
    for seed, need in zip(seeds, needs, strict=False):
        if seed.owner_id != need.owner_id:
            pairs.append((seed, need))
    return pairs


def _move_dates(rng: random.Random, start: datetime.date, end: datetime.date, count: int) -> list[datetime.date]:
    """`count` dates from `start` to `end`, in order: the moves of one case."""
    span = max(0, (end - start).days)
    return sorted(start + datetime.timedelta(days=rng.randint(0, span)) for _ in range(count))


def cases_demo_present() -> bool:
    return MatchingCase.objects.exists()


@transaction.atomic
def load_cases(*, today: datetime.date | None = None) -> int:
    """Loads the demo cases on top of the member demo (its "coordinator" and "staff" users coordinate) and
    answers how many were created; none when cases exist already, so it never writes into a database in use."""
    if cases_demo_present():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
    coordinator = User.objects.get(username="coordinator")
    staff = User.objects.get(username="staff")
    organizations = _organizations()
    pairs = _entry_pairs()
    current = fiscal_year_of(today)
    created = 0
    for index, plan in enumerate(PLANS):
        first, last = fiscal_year_bounds(current - plan.years_ago)
        # Introductions fall in the first half of their year, and well before today.
        latest = min(first + datetime.timedelta(days=180), today - datetime.timedelta(days=14))
        opened_on = first + datetime.timedelta(days=rng.randint(0, max(0, (latest - first).days)))
        seed, need = pairs[index] if index < len(pairs) and index % 3 == 0 else (None, None)
        if seed is not None and need is not None:
            parties = [seed.owner, need.owner]
        elif index % 6 == 0:
            # The demo member firm is a party to every sixth case.
            parties = [organizations[0], rng.choice(organizations[1:])]
        else:
            parties = rng.sample(organizations, 2)
        actor = coordinator if rng.random() < 0.7 else staff
        case = case_create(
            actor=actor,
            title=plan.title,
            field=seed.field if seed is not None else plan.field,
            organizations=parties,
            coordinator=actor,
            opened_on=opened_on,
            seed=seed,
            need=need,
        )
        stages = [s for s in S.pipeline() if 0 < S.rank(s) <= S.rank(plan.furthest)]
        # A case that stopped long ago stopped within its own year; one still open moved until recently.
        end = min(last, today) if plan.drop_reason or plan.years_ago else today
        dates = _move_dates(rng, opened_on, end, len(stages) + (1 if plan.drop_reason else 0))
        for stage, moved_on in zip(stages, dates, strict=False):
            case = case_move(actor=actor, case=case, to_stage=stage, moved_on=moved_on)
        if plan.drop_reason:
            case = case_move(
                actor=actor, case=case, to_stage=S.DROPPED, moved_on=dates[-1], drop_reason=plan.drop_reason
            )
        if plan.deal_value is not None or plan.subsidy_amount is not None:
            case_update_amounts(actor=actor, case=case, deal_value=plan.deal_value, subsidy_amount=plan.subsidy_amount)
        created += 1
    return created
