"""Demo data of the events app for README command 1: the secretariat's everyday work on top of the member demo.

Loaded after `members.demo` into a database with no events or visits yet: company visits of the last six
months with their follow-ups and the visit plan, an upcoming seminar motivated by two of those visits, a full
café with a waiting list, a draft training course, a factory tour held three weeks ago with its check-ins and
survey, a study group with its roster and meetings, and an exhibition with its booth firms and leads.

Everything a live flow exists for goes through the events services, so seats, waiting lists, invoices and
history rows are what the secretariat would have produced. Past steps a service refuses today (registering
for an event already held) are written with the models, each with a comment. Choices come from a seeded
random.Random over the register in primary-key order, so the same member demo gives the same events demo.
"""

import datetime
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from events.models import (
    CheckIn,
    Event,
    EventKind,
    ExhibitionLead,
    FollowUp,
    FollowUpStatus,
    OutcomeCategory,
    Registration,
    RegistrationStatus,
    Reminder,
    ReminderPurpose,
    StudyGroup,
    StudyGroupRole,
    SurveyResponse,
    Visit,
    VisitPlan,
    VisitPlanStatus,
    VisitSource,
    person_key_for,
)
from events.services.events import event_create, event_publish
from events.services.exhibitions import exhibitor_add, lead_contact_create, lead_create
from events.services.registrations import (
    Registrant,
    registration_cancel,
    registration_check_in,
    registration_confirm_email,
    registration_create,
)
from events.services.study_groups import (
    study_group_attendance_record,
    study_group_create,
    study_group_fee_invoice,
    study_group_meeting_create,
    study_group_member_add,
)
from events.services.surveys import survey_submit
from events.services.visits import follow_up_set_status, visit_create, visit_plan_create, visit_plan_transition
from members.demo import DEMO_LOGINS, MEMBER_FIRM_NAME
from members.models import Contact, Membership, MembershipStatus, Organization, OrganizationKind, Role, User
from members.services import contact_create, organization_create

SEED = 2004  # any constant keeps the demo reproducible
TOKYO = ZoneInfo("Asia/Tokyo")
VISITS = 30
STUDY_GROUP_NAME = "精密加工研究会"
# The association's own entry in the register: a study group's roster holds contacts, so the staff user
# sits on it as the secretariat through a contact here (users have no contact of their own).
ASSOCIATION = {
    "kind": OrganizationKind.SUPPORT_ORGANIZATION,
    "name": "一般社団法人多摩ものづくりクラスター",
    "name_kana": "タマモノヅクリクラスター",
    "listed_in_directory": False,
    "website": "https://www.clusternet.example.jp/",
}
SECRETARIAT_CONTACT = {"name": "中村 千尋", "name_kana": "ナカムラ チヒロ", "title": "事務局員"}

# Default outcome categories (events/migrations/0002) and how often field reports name them: matching first,
# then media introductions.
MATCHING, MEDIA, PROBLEM, SUBSIDY, ACADEMIA = (
    "受発注支援・企業間マッチング", "メディア紹介", "課題解決支援", "助成金等活用支援", "産学連携",
)  # fmt: skip
OUTCOME_WEIGHTS = {MATCHING: 40, MEDIA: 26, PROBLEM: 12, SUBSIDY: 12, ACADEMIA: 8}


@dataclass(frozen=True)
class Story:
    """What a visit heard and promised; the firm's own technologies open the technology note."""

    outcome: str
    purpose: str
    technology: str
    management: str
    seeds: str
    needs: str
    follow_up: str


STORIES: dict[str, list[Story]] = {
    MATCHING: [
        Story(
            MATCHING,
            "新規取引先開拓の相談",
            "試作1個から量産まで社内一貫で対応できる。",
            "売上の6割が大手1社向けで、取引先の分散が課題。",
            "短納期（最短3日）の試作対応力。",
            "医療機器・半導体製造装置分野の新規取引先を探している。",
            "医療機器分野の会員企業2社を紹介する",
        ),
        Story(
            MATCHING,
            "協力工場の紹介依頼",
            "加工はできるが表面処理（硬質アルマイト・無電解ニッケル）は外注。",
            "外注先の廃業が相次ぎ、納期が読めなくなっている。",
            "小ロットの精密部品を安定した品質で出せる。",
            "表面処理を引き受けてくれる協力工場を近隣で探している。",
            "表面処理の会員企業を紹介し、面談を設定する",
        ),
        Story(
            MATCHING,
            "展示会出展後のフォロー",
            "検査工程まで自社で持ち、三次元測定機で全数検査している。",
            "営業担当が1名で、引合いへの対応が追いつかない。",
            "測定データ付きでの納品。",
            "展示会で名刺交換した装置メーカーとの商談を進めたい。",
            "装置メーカーの購買担当との面談に同行する",
        ),
        Story(
            MATCHING,
            "共同受注の打診",
            "板金から溶接、塗装、組立まで対応できる。",
            "単品加工では価格競争に巻き込まれやすい。",
            "ユニット組立までまとめて請け負える体制。",
            "切削加工の会員企業と組んで、装置ユニットを共同で受注したい。",
            "共同受注グループの打合せを設定する",
        ),
    ],
    MEDIA: [
        Story(
            MEDIA,
            "新製品の紹介",
            "自社製品の小型検査装置を開発し、昨年から販売している。",
            "自社製品の認知度が低く、販路が広がらない。",
            "現場で持ち運べる小型の外観検査装置。",
            "業界紙や地元紙で新製品を紹介してほしい。",
            "日刊工業新聞の記者に新製品を紹介する",
        ),
        Story(
            MEDIA,
            "受賞の報告",
            "長年の熟練技能をマニュアル化し、若手に引き継いでいる。",
            "採用難。ものづくりに関心のある若手に会社を知ってもらいたい。",
            "技能伝承の社内プログラム。",
            "技能伝承の取組みを地元メディアで取り上げてほしい。",
            "地元ケーブルテレビの番組担当に取材を打診する",
        ),
        Story(
            MEDIA,
            "会報誌の取材",
            "創業以来の精密研削の技術で、航空機部品の認証を取得した。",
            "認証取得後の受注拡大をどう進めるか検討中。",
            "航空機部品の品質保証体制（JIS Q 9100）。",
            "会報誌・ウェブサイトで認証取得を発信したい。",
            "会報誌の会員紹介コーナーに掲載する",
        ),
    ],
    PROBLEM: [
        Story(
            PROBLEM,
            "生産現場の課題ヒアリング",
            "古い汎用機と新しいNC機が混在している。",
            "設備の稼働状況が見えず、段取り替えの待ち時間が多い。",
            "多品種少量の段取りノウハウ。",
            "IoTで工場の稼働状況を見える化したいが、何から始めればよいかわからない。",
            "IoT導入事例の資料を送り、セミナーを案内する",
        ),
        Story(
            PROBLEM,
            "生産管理の相談",
            "受注生産で、工程表は紙とホワイトボードで管理している。",
            "納期遅れが増え、残業が常態化している。",
            "熟練者の段取り判断。",
            "生産管理を見える化し、稼働データを取りたい。小さく始められるIoTの事例を知りたい。",
            "専門家派遣（生産管理）の申込みを支援する",
        ),
        Story(
            PROBLEM,
            "事業承継の相談",
            "三代目への承継を控え、技術の棚卸しを進めている。",
            "後継者への事業承継を3年後に予定。株式の移転と金融機関との調整が課題。",
            "地域で唯一の大型旋盤加工。",
            "事業承継の専門家に相談したい。",
            "事業承継・引継ぎ支援センターを紹介する",
        ),
    ],
    SUBSIDY: [
        Story(
            SUBSIDY,
            "設備投資の相談",
            "5軸加工機の導入で工程集約を計画している。",
            "原材料と電気代の高騰で利益率が低下している。",
            "工程集約による短納期化。",
            "ものづくり補助金を使って新しい加工機を導入したい。",
            "ものづくり補助金の公募要領を送り、申請書の相談日を設定する",
        ),
        Story(
            SUBSIDY,
            "省エネ設備の相談",
            "コンプレッサと空調の更新時期を迎えている。",
            "電気代が前年比3割増。",
            "省エネ診断の結果を持っている。",
            "省エネ設備の更新に使える助成金を知りたい。",
            "都の省エネ設備導入助成の説明会を案内する",
        ),
    ],
    ACADEMIA: [
        Story(
            ACADEMIA,
            "共同研究の相談",
            "難削材の高能率加工に取り組んでいる。",
            "評価設備がなく、加工面の品質を数値で示せない。",
            "独自の工具経路の工夫。",
            "大学と共同で加工面の評価（表面粗さ・残留応力）をしたい。",
            "産学連携センターのコーディネータと面談を設定する",
        ),
        Story(
            ACADEMIA,
            "インターンシップの相談",
            "社内に設計・解析のできる技術者が少ない。",
            "若手技術者の育成と採用。",
            "実機を使った実習ができる現場。",
            "工学部の学生をインターンシップで受け入れたい。",
            "大学のキャリアセンターに受入れの相談を伝える",
        ),
    ],
}
# The two visits that motivated the IoT seminar are the first two of the problem-solving stories.
IOT_STORIES = STORIES[PROBLEM][:2]
# Reasons given when a visit goes without follow-ups, and when a follow-up is cancelled.
CANCEL_NOTE = "先方の方針変更により不要となった"


@dataclass
class EventsDemoResult:
    events: Counter[str]
    registrations: Counter[str]
    visits: int
    follow_ups: Counter[str]
    overdue_follow_ups: int
    visit_plans: Counter[str]
    study_groups: int
    leads: int


def events_demo_present() -> bool:
    """True once any event or visit exists: the loader never writes into a database already in use."""
    return Event.objects.exists() or Visit.objects.exists() or StudyGroup.objects.exists()


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TOKYO)


def _user(role: str) -> User:
    username = next(login.username for login in DEMO_LOGINS if login.role == role)
    return User.objects.get(username=username)


class _Loader:
    def __init__(self, *, today: datetime.date) -> None:
        self.today = today
        self.rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
        self.staff = _user(Role.SECRETARIAT)
        self.coordinator = _user(Role.COORDINATOR)
        self.bank = _user(Role.BANK)
        active = Membership.objects.filter(organization=OuterRef("pk"), status=MembershipStatus.ACTIVE)
        firms = Organization.objects.filter(kind=OrganizationKind.FIRM).order_by("pk")
        self.member_firms = list(firms.filter(Exists(active)))
        self.prospects = list(firms.exclude(Exists(active)))
        self.member_firm = Organization.objects.get(name=MEMBER_FIRM_NAME)
        live = Contact.objects.filter(erased_at__isnull=True).select_related("organization").order_by("pk")
        self.member_contacts = [c for c in live.filter(organization__in=self.member_firms) if c.email]
        self.university_contacts = list(live.filter(organization__kind=OrganizationKind.UNIVERSITY))
        self.municipality_contacts = list(live.filter(organization__kind=OrganizationKind.MUNICIPALITY))
        self.outcomes = {c.name: c for c in OutcomeCategory.objects.filter(is_active=True)}

    def days(self, n: int) -> datetime.date:
        return self.today + datetime.timedelta(days=n)

    def contacts(self, count: int, *, first: Sequence[Contact] = ()) -> list[Contact]:
        """`count` distinct member contacts, those in `first` first, the rest drawn at random."""
        rest = [c for c in self.member_contacts if c not in first]
        chosen = [*first, *self.rng.sample(rest, min(len(rest), max(0, count - len(first))))]
        return chosen[:count]

    # -- visits, follow-ups and the visit plan -------------------------------------------------------------

    def visit(
        self,
        *,
        on: datetime.date,
        organization: Organization | None,
        story: Story,
        plan: VisitPlan | None = None,
        new_organization: dict[str, str] | None = None,
    ) -> Visit:
        recorder = self.coordinator if self.rng.random() < 0.65 else self.staff
        visitors = [recorder]
        if self.rng.random() < 0.2:
            visitors.append(self.bank)
        other = ""
        if self.municipality_contacts and self.rng.random() < 0.2:
            person = self.rng.choice(self.municipality_contacts)
            other = f"{person.organization.name}{person.department} {person.name}"
        outcomes = [story.outcome]
        if self.rng.random() < 0.3:
            extra = self.rng.choices(list(OUTCOME_WEIGHTS), weights=list(OUTCOME_WEIGHTS.values()))[0]
            if extra != story.outcome:
                outcomes.append(extra)
        technologies = organization.technologies if organization else ""
        technology = f"{technologies}が強み。{story.technology}" if technologies else story.technology
        # A follow-up is due two weeks after the visit; its status is set by `follow_ups_settle`.
        due_on = on + datetime.timedelta(days=14)
        follow_ups = [{"description": story.follow_up, "owner": self.coordinator, "due_on": due_on}]
        return visit_create(
            actor=recorder,
            data={
                "visited_on": on,
                "organization": organization,
                "purpose": story.purpose,
                "other_visitors": other,
                "heard_technology": technology,
                "heard_management": story.management,
                "heard_seeds": story.seeds,
                "heard_needs": story.needs,
            },
            visitors=visitors,
            outcomes=[self.outcomes[name] for name in outcomes if name in self.outcomes],
            follow_ups=follow_ups,
            new_organization=new_organization,
            plan=plan,
        )

    def visits(self) -> tuple[list[Visit], list[Visit]]:
        """About 30 visits over the last six months; returns them and the two that motivated the IoT seminar."""
        # The three latest are recent enough for their follow-ups to be open and not yet due.
        recent = [self.days(-3), self.days(-6), self.days(-10)]
        dates = recent + sorted((self.days(-self.rng.randint(15, 180)) for _ in range(VISITS - 3)), reverse=True)
        targets = self.member_firms + self.prospects[: max(1, len(self.prospects) // 2)]
        names = list(OUTCOME_WEIGHTS)
        iot: list[Visit] = []
        visits: list[Visit] = []
        plans = self.plans()
        for index, on in enumerate(dates):
            if index in (4, 9):  # the IoT needs heard a month or two before the seminar was planned
                story = IOT_STORIES[len(iot)]
            else:
                outcome = self.rng.choices(names, weights=list(OUTCOME_WEIGHTS.values()))[0]
                story = self.rng.choice(STORIES[outcome])
            plan = plans.pop() if index in (2, 12, 20) and plans else None
            if plan is not None:
                visit = self.visit(on=on, organization=plan.organization, story=story, plan=plan)
            elif index == 15:
                # A firm met for the first time, put into the register from the visit form.
                prospect = {
                    "name": "合同会社さがみ金型工房",
                    "name_kana": "サガミカナガタコウボウ",
                    "kind": OrganizationKind.FIRM,
                }
                visit = self.visit(on=on, organization=None, story=story, new_organization=prospect)
            else:
                visit = self.visit(on=on, organization=self.rng.choice(targets), story=story)
            visits.append(visit)
            if index in (4, 9):
                iot.append(visit)
        self.follow_ups_settle(visits)
        return visits, iot

    def follow_ups_settle(self, visits: list[Visit]) -> None:
        """Follow-ups due before today are mostly done; two stay open past their due date (overdue)."""
        overdue_left = 2
        for follow_up in FollowUp.objects.filter(visit__in=visits).order_by("-due_on", "pk"):
            if follow_up.due_on >= self.today:
                continue  # still open and not yet due
            if overdue_left and follow_up.due_on >= self.days(-30):
                overdue_left -= 1
                self.follow_up_reminders_sent(follow_up, overdue=True)
                continue
            if self.rng.random() < 0.1:
                follow_up_set_status(actor=self.coordinator, follow_up=follow_up, status=FollowUpStatus.CANCELLED)
            else:
                done_on = min(self.today, follow_up.due_on - datetime.timedelta(days=self.rng.randint(0, 7)))
                follow_up_set_status(
                    actor=self.coordinator, follow_up=follow_up, status=FollowUpStatus.DONE, done_on=done_on
                )

    def follow_up_reminders_sent(self, follow_up: FollowUp, *, overdue: bool) -> None:
        # History of the daily job (08:00 Tokyo) before the demo was loaded, written as sent so the job's
        # first run does not mail these again and the reminder list shows what went out.
        rows = [(ReminderPurpose.FOLLOW_UP_DUE, 3, follow_up.due_on - datetime.timedelta(days=3))]
        if overdue:
            rows.append((ReminderPurpose.FOLLOW_UP_OVERDUE, 1, follow_up.due_on + datetime.timedelta(days=1)))
        Reminder.objects.bulk_create(
            Reminder(purpose=purpose, offset_days=offset, follow_up=follow_up, recipient=self.coordinator.email,
                     language=self.coordinator.language, sent_at=_at(day, 8))
            for purpose, offset, day in rows
        )  # fmt: skip

    def plans(self) -> list[VisitPlan]:
        """The target list: two planned, one approved, one dropped; returns three approved ones to visit."""
        pool = self.prospects or self.member_firms
        picks = self.rng.sample(pool, min(len(pool), 7))
        tips = [
            (VisitSource.NEWSPAPER, f"日刊工業新聞 {self.days(-12):%-m月%-d日}付",
             "新工場の建設を発表。設備投資と人材確保の支援ニーズがありそう。"),
            (VisitSource.REFERRAL, "会員企業（株式会社多摩精密）の紹介",
             "会員企業の協力工場。後継者が戻り、新分野への展開を考えている。"),
            (VisitSource.BANK, f"{self.bank.organization} 法人営業部",
             "メイン行からの情報。医療機器分野への参入を検討中。"),
            (VisitSource.NEWSPAPER, "日本経済新聞 地域経済面", "新製品が県の優良製品に認定された。"),
            (VisitSource.BANK, f"{self.bank.organization} 融資部",
             "設備投資の資金相談あり。補助金の活用も勧めたい。"),
            (VisitSource.REFERRAL, "市産業振興課の紹介", "創業3年目のスタートアップ。試作先を探している。"),
            (VisitSource.SURVEY, "会員アンケート（自由記述）", "取引先の海外移転で受注が減少。"),
        ]  # fmt: skip
        made = [
            visit_plan_create(
                actor=self.coordinator,
                data={"organization": organization, "reason": reason, "source": source, "source_detail": detail},
            )
            for organization, (source, detail, reason) in zip(picks, tips, strict=False)
        ]
        # Decided at the steering committee (運営委員会): the first two wait for the next meeting.
        to_visit = []
        for index, plan in enumerate(made):
            if index == 2:
                visit_plan_transition(
                    actor=self.staff, plan=plan, to_status=VisitPlanStatus.APPROVED, approved_on=self.days(-10)
                )
            elif index == 3:
                visit_plan_transition(
                    actor=self.staff, plan=plan, to_status=VisitPlanStatus.DROPPED,
                    reason="既に別の支援機関が伴走支援中のため",
                )  # fmt: skip
            elif index > 3:  # approved half a year ago and visited since
                to_visit.append(
                    visit_plan_transition(
                        actor=self.staff, plan=plan, to_status=VisitPlanStatus.APPROVED, approved_on=self.days(-185)
                    )
                )
        return to_visit

    # -- events --------------------------------------------------------------------------------------------

    def seminar(self, motivating_visits: list[Visit]) -> Event:
        """In ten days, public, members free and non-members ¥3,000; 15 members and one non-member registered."""
        day = self.days(10)
        event = event_create(
            actor=self.staff,
            data={
                "kind": EventKind.SEMINAR,
                "title": "小さく始める工場IoT ―稼働の見える化 実践事例セミナー―",
                "description": (
                    "会員企業の訪問で多く寄せられた「設備の稼働状況を見える化したい」という声に応えて開催します。"
                    "後付けセンサーと表計算ソフトから始めた会員企業2社の事例紹介と、導入費用・補助金の解説。"
                ),
                "is_public": True,
                "capacity": 40,
                "registration_opens_at": _at(self.days(-21), 10),
                "registration_closes_at": _at(self.days(8), 17),
                "cancellation_deadline": _at(self.days(7), 17),
                "member_price": 0,
                "non_member_price": 3000,
            },
            sessions=[
                {
                    "starts_at": _at(day, 14),
                    "ends_at": _at(day, 16, 30),
                    "venue": "八王子市学園都市センター 第1セミナー室",
                }
            ],
            organisers=[self.coordinator],
            motivating_visits=motivating_visits,
        )
        event = event_publish(actor=self.staff, event=event)
        firm_contacts = [c for c in self.member_contacts if c.organization_id == self.member_firm.pk][:1]
        registrations = [
            registration_create(actor=self.staff, event=event, registrant=Registrant(contact=contact))
            for contact in self.contacts(16, first=firm_contacts)
        ]
        registration_cancel(actor=self.staff, registration=registrations[-1])  # a schedule clash, said by phone
        # The non-member applies on the public page and uses the link mailed to them: a seat and an invoice.
        outsider = self.prospects[0] if self.prospects else None
        pending = registration_create(
            actor=None,
            event=event,
            registrant=Registrant(
                name="北村 浩二",
                name_kana="キタムラ コウジ",
                email="k.kitamura@hibari-seiko.example.jp",
                organization_name=outsider.name if outsider else "株式会社ひばり精工",
            ),
        )
        registration_confirm_email(token=pending.token)
        return event

    def cafe(self) -> Event:
        """Next week, eight seats all taken and two people on the waiting list."""
        day = self.days(6)
        event = event_create(
            actor=self.staff,
            data={
                "kind": EventKind.CAFE,
                "title": "ものづくりカフェ 若手技術者の交流会",
                "description": "入社5年目までの技術者が、自社の仕事と悩みを持ち寄る少人数の交流会です。",
                "is_public": False,
                "capacity": 8,
                "has_waiting_list": True,
                "registration_opens_at": _at(self.days(-14), 10),
                "cancellation_deadline": _at(self.days(4), 17),
            },
            sessions=[
                {"starts_at": _at(day, 18), "ends_at": _at(day, 20), "venue": "立川市女性総合センター 第3会議室"}
            ],
            organisers=[self.staff],
        )
        event = event_publish(actor=self.staff, event=event)
        for contact in self.contacts(10):
            registration_create(actor=self.staff, event=event, registrant=Registrant(contact=contact))
        return event

    def training_course(self) -> Event:
        """A draft course of five weekly evenings, still being planned."""
        first = self.days(35)
        parts = ["QC七つ道具", "工程能力と管理図", "なぜなぜ分析", "測定と不確かさ", "改善発表"]
        return event_create(
            actor=self.staff,
            data={
                "kind": EventKind.TRAINING_COURSE,
                "title": "品質管理基礎講座（全5回）",
                "description": "若手・中堅の品質担当者向け。毎週木曜夜、全5回。",
                "capacity": 20,
                "member_price": 15000,
                "non_member_price": 30000,
            },
            sessions=[
                {
                    "title": f"第{n}回 {part}",
                    "starts_at": _at(first + datetime.timedelta(weeks=n - 1), 18, 30),
                    "ends_at": _at(first + datetime.timedelta(weeks=n - 1), 20, 30),
                    "venue": "東京都立多摩職業能力開発センター 研修室2",
                }
                for n, part in enumerate(parts, start=1)
            ],
            organisers=[self.staff, self.coordinator],
        )

    def factory_tour(self) -> Event:
        """Held three weeks ago at the member firm: 12 registered, 10 came, 5 answered the survey."""
        day = self.days(-21)
        event = event_create(
            actor=self.staff,
            data={
                "kind": EventKind.TOUR,
                "title": f"工場見学会：{self.member_firm.name} 本社工場",
                "description": "5軸加工と全数検査のラインを見学し、品質保証の取組みを伺います。",
                "is_public": False,
                "capacity": 15,
                "registration_opens_at": _at(self.days(-50), 10),
                "registration_closes_at": _at(self.days(-24), 17),
            },
            sessions=[
                {
                    "starts_at": _at(day, 13, 30),
                    "ends_at": _at(day, 16),
                    "venue": f"{self.member_firm.name} 本社工場（{self.member_firm.city}）",
                }
            ],
            organisers=[self.coordinator],
        )
        event = event_publish(actor=self.staff, event=event)
        session = event.sessions.get()
        others = [c for c in self.member_contacts if c.organization_id != self.member_firm.pk]
        registrations = []
        for contact in self.rng.sample(others, min(12, len(others))):
            registered_at = _at(self.days(-self.rng.randint(25, 48)), self.rng.randint(9, 17))
            # Registration closed weeks ago, so the service would refuse these now: written as they were then.
            registration = Registration(
                event=event, status=RegistrationStatus.CONFIRMED, organization=contact.organization, contact=contact,
                name=contact.name, name_kana=contact.name_kana or contact.name, email=contact.email,
                organization_name=contact.organization.name, is_member=True, price=0,
                person_key=person_key_for(contact.email, contact.pk), registered_by=self.staff,
                confirmed_at=registered_at,
            )  # fmt: skip
            registration._history_user = self.staff  # type: ignore[attr-defined]
            registration.save()
            registrations.append(registration)
        attended = registrations[2:]  # the first two did not come
        for registration in attended:
            registration_check_in(actor=self.staff, registration=registration, session=session,
                                  method=CheckIn.Method.LIST)  # fmt: skip
        # The reception desk's times: the check-ins were stamped now, the tour was three weeks ago.
        CheckIn.objects.filter(session=session).update(checked_in_at=_at(day, 13, 20))
        comments = [
            (5, "全数検査の仕組みが具体的で、自社でもすぐ試せそうです。"),
            (4, "5軸加工の段取りの工夫が参考になりました。質疑の時間がもう少しあるとよかった。"),
            (5, ""),
            (3, "駐車場の案内がわかりにくかったです。"),
            (4, "次回は表面処理の工場も見学したい。"),
        ]
        for registration, (rating, comment) in zip(attended, comments, strict=False):
            survey_submit(actor=None, registration=registration, rating=rating, comment=comment)
        SurveyResponse.objects.filter(registration__event=event).update(submitted_at=_at(self.days(-19), 12))
        # The reminder job's mails before and after the tour, as sent (see follow_up_reminders_sent).
        rows = [(ReminderPurpose.EVENT_UPCOMING, days, r, _at(day - datetime.timedelta(days=days), 8))
                for days in (7, 1) for r in registrations]  # fmt: skip
        rows += [(ReminderPurpose.SURVEY, 1, r, _at(self.days(-20), 8)) for r in attended]
        Reminder.objects.bulk_create(
            Reminder(purpose=purpose, offset_days=offset, registration=r, recipient=r.email, language=r.language,
                     sent_at=sent_at)
            for purpose, offset, r, sent_at in rows
        )  # fmt: skip
        return event

    def study_group(self) -> StudyGroup:
        """精密加工研究会: a university chair, committee members, a municipal observer, the secretariat."""
        group = study_group_create(
            actor=self.staff,
            data={
                "name": STUDY_GROUP_NAME,
                "description": "難削材・微細加工の技術課題を会員企業と大学で持ち寄り、年4〜5回の例会で議論します。",
                "participation_fee": 30000,
            },
        )
        association = organization_create(actor=self.staff, data=ASSOCIATION)
        secretariat = contact_create(
            actor=self.staff, organization=association, data={**SECRETARIAT_CONTACT, "email": self.staff.email}
        )
        firm_contacts = [c for c in self.member_contacts if c.organization_id == self.member_firm.pk][:1]
        committee: list[Contact] = []
        for contact in [*firm_contacts, *self.rng.sample(self.member_contacts, min(12, len(self.member_contacts)))]:
            if contact.organization_id not in {c.organization_id for c in committee}:
                committee.append(contact)
        seats = []
        chair = next((c for c in self.university_contacts if c.department == "産学連携センター"), None)
        if chair or self.university_contacts:
            seats.append((chair or self.university_contacts[0], StudyGroupRole.CHAIR))
        seats += [(contact, StudyGroupRole.COMMITTEE) for contact in committee[:5]]
        if self.municipality_contacts:
            seats.append((self.municipality_contacts[0], StudyGroupRole.OBSERVER))
        seats.append((secretariat, StudyGroupRole.SECRETARIAT))
        roster = [
            study_group_member_add(actor=self.staff, group=group, contact=contact, role=role) for contact, role in seats
        ]
        meetings = [
            (-70, "第1回例会 チタン合金の高能率切削", "秋川工科大学 産学連携センター セミナー室"),
            (-14, "第2回例会 微細穴加工の最新動向と事例", f"{self.member_firm.name} 本社 会議室"),
            (28, "第3回例会 加工面の評価技術（表面粗さ・残留応力）", "八王子市学園都市センター 第2セミナー室"),
        ]
        for offset, title, venue in meetings:
            day = self.days(offset)
            meeting = study_group_meeting_create(
                actor=self.staff, group=group, title=f"{STUDY_GROUP_NAME} {title}",
                session={"starts_at": _at(day, 15), "ends_at": _at(day, 17), "venue": venue},
            )  # fmt: skip
            if offset < 0:
                absent = self.rng.randrange(1, len(roster) - 1)  # one committee member sent apologies
                present = [seat for i, seat in enumerate(roster) if i != absent]
                study_group_attendance_record(actor=self.staff, meeting=meeting, present=present)
        study_group_fee_invoice(actor=self.staff, group=group, fiscal_year=_fiscal_year(self.today))
        return group

    def exhibition(self) -> Event:
        """A trade show six weeks ago: three member firms at the joint booth, five leads, one now a contact."""
        first = self.days(-45)
        event = event_create(
            actor=self.staff,
            data={
                "kind": EventKind.EXHIBITION,
                "title": "首都圏ものづくり技術展 クラスター共同ブース",
                "description": "会員企業3社と共同ブースで出展。来場者の名刺と関心事項を記録しました。",
                "is_public": False,
            },
            sessions=[
                {
                    "title": f"{n}日目",
                    "starts_at": _at(first + datetime.timedelta(days=n - 1), 10),
                    "ends_at": _at(first + datetime.timedelta(days=n - 1), 17),
                    "venue": "パシフィコ横浜 展示ホールB",
                }
                for n in (1, 2, 3)
            ],
            organisers=[self.staff, self.coordinator],
        )
        event = event_publish(actor=self.staff, event=event)
        firms = [self.member_firm, *[f for f in self.rng.sample(self.member_firms, min(5, len(self.member_firms)))
                                     if f != self.member_firm]][:3]  # fmt: skip
        exhibits = ["5軸加工による医療用インプラント試作品", "小型外観検査装置（実機デモ）", "難削材の切削サンプル"]
        exhibitors = [
            exhibitor_add(actor=self.staff, event=event, organization=firm, exhibit=exhibit)
            for firm, exhibit in zip(firms, exhibits, strict=False)
        ]
        leads = [
            ("岡田 恭平", "株式会社湘南メディカルデバイス", "okada@shonan-md.example.jp", "045-555-0134",
             "整形外科用インプラントの試作先を探している。チタン合金、月20個程度。", 0),
            ("森本 彩花", "横浜ロボティクス株式会社", "a.morimoto@yokohama-robotics.example.jp", "",
             "協働ロボットのハンド部品。アルミの短納期試作。", 0),
            ("Daniel Weber", "Weber Präzision GmbH", "d.weber@weber-praezision.example.de", "",
             "Inspection systems for small precision parts; asked for an English brochure.", 1),
            ("石井 大輔", "京浜光学株式会社", "ishii@keihin-kogaku.example.jp", "044-555-0188",
             "検査装置の光学系の共同開発。", 1),
            ("小林 舞", "神奈川県産業技術センター", "", "046-555-0101",
             "難削材の加工データを研究会で共有できないか。", 2),
        ]  # fmt: skip
        made = []
        for index, (name, organization_name, email, phone, interest, booth) in enumerate(leads):
            collector = self.staff if index % 2 == 0 else self.coordinator
            made.append(
                lead_create(
                    actor=collector,
                    event=event,
                    data={
                        "exhibitor": exhibitors[booth % len(exhibitors)],
                        "name": name,
                        "organization_name": organization_name,
                        "email": email,
                        "phone": phone,
                        "interest": interest,
                    },
                )
            )
        lead_contact_create(
            actor=self.staff, lead=made[0], name_kana="オカダ キョウヘイ", organization_kind=OrganizationKind.FIRM,
            organization_name_kana="ショウナンメディカルデバイス",
        )  # fmt: skip
        return event


def _fiscal_year(day: datetime.date) -> int:
    """The demo's association starts its year in April (members.demo)."""
    return day.year if day.month >= 4 else day.year - 1


@transaction.atomic
def events_demo_load(*, today: datetime.date | None = None) -> EventsDemoResult:
    """Loads the events demo on top of the member demo, in one transaction.

    The caller checks that the member demo is there and `events_demo_present()` is not; this refuses nothing
    itself except what the services refuse.
    """
    loader = _Loader(today=today or timezone.localdate())
    _visits, iot = loader.visits()
    loader.seminar(iot)
    loader.cafe()
    loader.training_course()
    loader.factory_tour()
    loader.study_group()
    loader.exhibition()
    open_follow_ups = FollowUp.objects.filter(status=FollowUpStatus.OPEN)
    return EventsDemoResult(
        events=Counter(Event.objects.values_list("kind", flat=True)),
        registrations=Counter(Registration.objects.values_list("status", flat=True)),
        visits=Visit.objects.count(),
        follow_ups=Counter(FollowUp.objects.values_list("status", flat=True)),
        overdue_follow_ups=open_follow_ups.filter(due_on__lt=loader.today).count(),
        visit_plans=Counter(VisitPlan.objects.values_list("status", flat=True)),
        study_groups=StudyGroup.objects.count(),
        leads=ExhibitionLead.objects.count(),
    )
