"""Demo matching session: a matching fair three weeks ahead with about 40 member organisations taking part,
8 slots of 20 minutes, 12 tables, 3 coordinators (the demo's coordinator, staff and administrator) with some
unavailable slots, and about 150 meeting requests in mixed states — most accepted, some awaiting an answer,
declined, withdrawn or expired, a few added by the coordinators, some needing a coordinator present.

Everything goes through the events and session services, as staff and the firms would have done it; only the
expired requests are back-dated (they were made before the demo existed), then expired by the hourly job.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from events.models import EventKind
from events.services.events import event_create, event_publish
from matching.models import MatchingSession, MeetingRequest, ParticipantStatus, SessionParticipant
from matching.services import sessions as services
from members.demo import MEMBER_FIRM_NAME
from members.models import Contact, Membership, MembershipStatus, Organization, OrganizationKind, User

SEED = 20261201
TITLE = "多摩ものづくりマッチング会 2026冬"
PARTICIPANTS = 40
REQUESTS = 150
PURPOSES = [
    "自社の加工技術を紹介し、試作の協力先を探したい",
    "軽量化の共同開発について相談したい",
    "検査工程の自動化について情報交換したい",
    "新製品の量産先を探している",
    "大学との共同研究の進め方を伺いたい",
    "補助金を使った共同開発の可能性を話したい",
    "素材の代替について技術的な意見を聞きたい",
    "販路の紹介をお願いしたい",
]
PROFILES = [
    "精密切削と5軸加工が得意です。試作1個から対応します。",
    "樹脂の射出成形。金属部品の樹脂化の相談を歓迎します。",
    "画像検査装置の開発。検査の自動化を一緒に進める企業を探しています。",
    "表面処理とめっき。新しい素材への処理を試したい方を募集。",
    "組込みソフトとIoT。ものづくり企業のデータ活用を支援します。",
    "",
]


@dataclass(frozen=True)
class SessionsDemoResult:
    session: int
    participants: int
    requests: dict[str, int]


def sessions_demo_present() -> bool:
    return MatchingSession.objects.exists()


def _organizations() -> list[Organization]:
    """Active member firms and universities, the member demo's firm first so its login sees the session."""
    active = Membership.objects.filter(organization=OuterRef("pk"), status=MembershipStatus.ACTIVE)
    kinds = [OrganizationKind.FIRM, OrganizationKind.UNIVERSITY]
    organizations = list(Organization.objects.filter(Exists(active), kind__in=kinds).order_by("pk"))
    organizations.sort(key=lambda o: o.name != MEMBER_FIRM_NAME)
    return organizations[:PARTICIPANTS]


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_default_timezone())


def _session(staff: User, today: datetime.date) -> MatchingSession:
    day = today + datetime.timedelta(days=21)
    event = event_create(
        actor=staff,
        data={
            "kind": EventKind.MATCHING_FAIR,
            "title": TITLE,
            "description": "会員企業どうしが事前に申し込んだ相手と20分ずつ面談します。コーディネーターが同席します。",
            "is_public": False,
            "registration_opens_at": _at(today - datetime.timedelta(days=10), 10),
        },
        sessions=[{"starts_at": _at(day, 13), "ends_at": _at(day, 17), "venue": "立川市 産業支援センター 大会議室"}],
        organisers=[staff],
    )
    event = event_publish(actor=staff, event=event)
    session = services.session_create(
        actor=staff,
        event=event,
        table_count=12,
        request_deadline=_at(day - datetime.timedelta(days=7), 17),
        response_days=5,
        min_meetings=1,
    )
    services.session_slots_generate(
        actor=staff, session=session, first_starts_at=_at(day, 13, 30), minutes=20, break_minutes=5, count=8
    )
    return session


def _participants(
    rng: random.Random, staff: User, session: MatchingSession, organizations: list[Organization]
) -> list[SessionParticipant]:
    contacts: dict[int, Contact] = {}
    for contact in Contact.objects.filter(organization__in=organizations, erased_at__isnull=True).order_by("pk"):
        contacts.setdefault(contact.organization_id, contact)
    participants = []
    for index, organization in enumerate(organizations):
        # A few invited firms have not answered and two said no; everyone else (the demo firm first) comes.
        status = ParticipantStatus.PARTICIPATING
        if index >= len(organizations) - 3:
            status = ParticipantStatus.INVITED
        elif index in (5, 11):
            status = ParticipantStatus.DECLINED
        unavailable = sorted(rng.sample(range(8), rng.choice([0, 0, 0, 1, 2])))
        participants.append(
            services.participant_add(
                actor=staff,
                session=session,
                organization=organization,
                contact=contacts.get(organization.pk),
                status=status,
                unavailable_slots=unavailable,
                profile=rng.choice(PROFILES),
            )
        )
    return participants


def _requests(
    rng: random.Random, staff: User, session: MatchingSession, coming: list[SessionParticipant]
) -> list[MeetingRequest]:
    """About REQUESTS requests between distinct pairs; the demo firm both asks and is asked."""
    pairs: set[frozenset[int]] = set()
    made: list[MeetingRequest] = []
    by_pk = {p.pk: p for p in coming}
    demo_firm = coming[0]
    wanted = [(demo_firm.pk, other.pk) for other in coming[1:4]] + [(other.pk, demo_firm.pk) for other in coming[4:7]]
    while len(wanted) < REQUESTS * 2:
        a, b = rng.sample(coming, 2)
        wanted.append((a.pk, b.pk))
    for requester_id, requested_id in wanted:
        if len(made) >= REQUESTS:
            break
        pair = frozenset((requester_id, requested_id))
        if pair in pairs:
            continue
        pairs.add(pair)
        priority = rng.choices([1, 2, 3], weights=[3, 4, 3])[0]
        needs_coordinator = rng.random() < 0.15
        purpose = rng.choice(PURPOSES)
        if len(made) % 15 == 14:
            made.append(
                services.meeting_add_by_coordinator(
                    actor=staff,
                    session=session,
                    a=by_pk[requester_id],
                    b=by_pk[requested_id],
                    priority=priority,
                    needs_coordinator=needs_coordinator,
                    purpose=purpose,
                )
            )
            continue
        made.append(
            services.meeting_request_create(
                actor=staff,
                session=session,
                requester=by_pk[requester_id],
                requested=by_pk[requested_id],
                priority=priority,
                purpose=purpose,
                needs_coordinator=needs_coordinator,
            )
        )
    return made


def _answer(rng: random.Random, staff: User, requests: list[MeetingRequest]) -> list[MeetingRequest]:
    """Most accepted, some declined or withdrawn, some left waiting; returns those to expire."""
    to_expire = []
    for request in requests:
        if request.added_by_coordinator:
            continue
        roll = rng.random()
        if roll < 0.72:
            services.meeting_request_answer(actor=staff, request=request, accept=True)
        elif roll < 0.79:
            services.meeting_request_answer(actor=staff, request=request, accept=False)
        elif roll < 0.83:
            services.meeting_request_withdraw(actor=staff, request=request)
        elif roll < 0.88:
            to_expire.append(request)
    return to_expire


@transaction.atomic
def load_sessions(*, today: datetime.date | None = None) -> SessionsDemoResult | None:
    """Loads the demo session on top of the member demo; nothing when a session exists already, so it never
    writes into a database in use."""
    if sessions_demo_present():
        return None
    today = today or timezone.localdate()
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
    staff = User.objects.get(username="staff")
    session = _session(staff, today)
    for username, unavailable in (("coordinator", [0]), ("staff", [6, 7]), ("admin", [3])):
        services.coordinator_add(
            actor=staff, session=session, user=User.objects.get(username=username), unavailable_slots=unavailable
        )
    participants = _participants(rng, staff, session, _organizations())
    services.session_open_requests(actor=staff, session=session)
    coming = [p for p in participants if p.status == ParticipantStatus.PARTICIPATING]
    requests = _requests(rng, staff, session, coming)
    to_expire = _answer(rng, staff, requests)
    # Made before the demo existed: their time to answer ran out yesterday, and the hourly job expires them.
    yesterday = timezone.now() - datetime.timedelta(days=1)
    MeetingRequest.objects.filter(pk__in=[r.pk for r in to_expire]).update(expires_at=yesterday)
    services.meeting_requests_expire()
    counts: dict[str, int] = {}
    for status in session.requests.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return SessionsDemoResult(session=session.pk, participants=len(participants), requests=counts)
