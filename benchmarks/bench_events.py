"""Events, visits and reminders at scale (issue 4): the event list, an organisation's timeline, the reminder job.

At the default scale of 10,000 it loads (bulk_create, deterministic) what the issue names: 1,000 events with
one session each, 50,000 registrations and 20,000 company visits over 2,000 organisations; other scales load
proportionally (scale / 10,000 of each). Of the registrations, 10,000 are confirmed places at 20 events that
start tomorrow, so that exactly 10,000 upcoming-event reminders (the 1-day one) are due; no other event starts
within the next 9 days, no follow-up is open and nobody checked in during the last 15 days, so nothing else is.

Visits, and the registrations made for an organisation, are skewed towards a few firms (as a cluster's
regulars are): the organisation with the most visits is the timeline measured, beside one with a single visit.

Figures:
- the event list (`/events/`, upcoming first, 50 per page, and all events): median and p95 of ROUNDS requests
  by a signed-in secretariat user through the full middleware stack, and the queries of one request;
- the organisation page with its timeline (visits, follow-ups, events attended; billing's entries too, though
  this data has no invoices): the same, plus its queries for the organisation with one visit;
- the activity report over five years (all the visits and events), page and Excel download: the same;
- `event_reminders_run()`: the first run (claims and mails the 10,000), and a second run that mails nothing.
  Mail goes to Django's in-memory backend (the test settings): the job's own work, without a mail server.

Runnable through benchmarks/run.py (`--only events`).
"""

import datetime
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable

from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import (
    CheckIn,
    Event,
    EventKind,
    EventSession,
    EventStatus,
    FollowUp,
    FollowUpStatus,
    OutcomeCategory,
    Registration,
    RegistrationStatus,
    Reminder,
    Visit,
)
from members.models import Membership, MembershipStatus, Organization, OrganizationKind, Role, User

ROUNDS = 30
WARMUP = 3
BATCH = 5_000
FULL_SCALE = 10_000
# The figures at FULL_SCALE.
EVENTS, REGISTRATIONS, VISITS, ORGANIZATIONS, DUE_REMINDERS = 1_000, 50_000, 20_000, 2_000, 10_000
REMINDER_EVENTS = 20
COORDINATORS = 12
# Visits and registrations pick organisation int(n * random() ** SKEW): the first few get most of them.
SKEW = 1.5

Figure = tuple[str, float, str]


def _scaled(count: int, scale: int) -> int:
    return max(1, round(count * scale / FULL_SCALE))


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_default_timezone())


def _pick(rng: random.Random, items: list) -> object:  # type: ignore[type-arg]
    return items[int(len(items) * rng.random() ** SKEW)]


def _organizations(count: int) -> list[Organization]:
    organizations = Organization.objects.bulk_create(
        Organization(
            kind=OrganizationKind.FIRM, name=f"多摩訪問工業{n:05d}株式会社", name_kana=f"タマホウモンコウギョウ{n:05d}",
            prefecture="13", city="八王子市", address_line=f"{n}-1", postal_code="192-0001",
            search_key=f"多摩訪問工業{n:05d}",
        )
        for n in range(count)
    )  # fmt: skip
    Membership.objects.bulk_create(
        Membership(
            organization=o, status=MembershipStatus.ACTIVE,
            applied_on=datetime.date(2020, 4, 1), joined_on=datetime.date(2020, 5, 1),
        )
        for o in organizations
        if o.pk % 10 < 7  # seven in ten are members
    )  # fmt: skip
    return organizations


def _events(rng: random.Random, count: int, reminder_events: int, staff: User) -> list[Event]:
    """`reminder_events` start tomorrow; the others from two years ago to half a year ahead, outside the
    reminder and survey windows (16 days ago to 9 days ahead)."""
    today = timezone.localdate()
    events = []
    for n in range(count):
        if n < reminder_events:
            day = today + datetime.timedelta(days=1)
        else:
            offset = rng.choice([rng.randint(-730, -16), rng.randint(-730, -16), rng.randint(10, 180)])
            day = today + datetime.timedelta(days=offset)
        starts = _at(day, rng.choice([10, 14, 18]))
        events.append(
            Event(
                kind=rng.choice(EventKind.values), title=f"技術セミナー 第{n}回", description="講演と交流会。" * 5,
                status=EventStatus.PUBLISHED, capacity=rng.choice([None, 30, 50, 100, 600]),
                member_price=rng.choice([0, 0, 3_000]), non_member_price=rng.choice([0, 5_000]),
                starts_at=starts, ends_at=starts + datetime.timedelta(hours=2), created_by=staff,
            )
        )  # fmt: skip
    events = Event.objects.bulk_create(events)
    EventSession.objects.bulk_create(
        EventSession(event=e, starts_at=e.starts_at, ends_at=e.ends_at, venue="八王子市 産業振興センター 第1会議室")
        for e in events
    )
    return events


def _registrations(
    rng: random.Random, events: list[Event], organizations: list[Organization], total: int, due: int
) -> None:
    """`due` confirmed places at the first REMINDER_EVENTS events, the rest spread over the others; check-ins
    for four in five confirmed places at events that are over."""
    now = timezone.now()
    sessions = dict(EventSession.objects.values_list("event_id", "pk"))
    reminder_events, others = events[:REMINDER_EVENTS], events[REMINDER_EVENTS:]
    statuses = [RegistrationStatus.CONFIRMED] * 17 + [RegistrationStatus.CANCELLED, RegistrationStatus.WAITLISTED]
    statuses.append(RegistrationStatus.PENDING)
    for start in range(0, total, BATCH):
        batch = []
        for n in range(start, min(start + BATCH, total)):
            if n < due:
                event, status = reminder_events[n % len(reminder_events)], RegistrationStatus.CONFIRMED
            else:
                event, status = rng.choice(others), rng.choice(statuses)
            organization = _pick(rng, organizations) if rng.random() < 0.6 else None
            email = f"p{n}@example.jp"
            batch.append(
                Registration(
                    event=event, status=status, organization=organization, name=f"参加 太郎{n}",
                    name_kana=f"サンカ タロウ{n}", email=email, person_key=email,
                    organization_name=organization.name if organization else "個人参加",
                    confirmed_at=now - datetime.timedelta(days=30) if status == RegistrationStatus.CONFIRMED else None,
                )
            )  # fmt: skip
        registrations = Registration.objects.bulk_create(batch)
        CheckIn.objects.bulk_create(
            CheckIn(registration=r, session_id=sessions[r.event_id], method=CheckIn.Method.LIST)
            for r in registrations
            if r.status == RegistrationStatus.CONFIRMED and r.event.ends_at < now and rng.random() < 0.8
        )


def _visits(rng: random.Random, organizations: list[Organization], count: int, coordinators: list[User]) -> None:
    """Visits over the last five years, one or two coordinators each, 0–2 outcomes; a follow-up (done) on
    every third."""
    today = timezone.localdate()
    # The runner's flush emptied the defaults the migration made: the same five again.
    categories = OutcomeCategory.objects.bulk_create(
        OutcomeCategory(name=name, position=10 * n)
        for n, name in enumerate(
            ["課題解決支援", "助成金等活用支援", "産学連携", "受発注支援・企業間マッチング", "メディア紹介"], start=1
        )
    )
    through_visitors, through_outcomes = Visit.visitors.through, Visit.outcomes.through
    for start in range(0, count, BATCH):
        visits = Visit.objects.bulk_create(
            Visit(
                visited_on=today - datetime.timedelta(days=rng.randint(1, 5 * 365)),
                organization=_pick(rng, organizations), purpose="技術課題のヒアリング",
                heard_technology="精密切削と表面処理。", heard_management="後継者の育成が課題。",
                heard_needs="樹脂部品の軽量化と、塗膜がはがれる問題を解決したい。", recorded_by=coordinators[0],
            )
            for _ in range(start, min(start + BATCH, count))
        )  # fmt: skip
        through_visitors.objects.bulk_create(
            through_visitors(visit_id=v.pk, user_id=u.pk)
            for v in visits
            for u in rng.sample(coordinators, rng.choice([1, 1, 2]))
        )
        through_outcomes.objects.bulk_create(
            through_outcomes(visit_id=v.pk, outcomecategory_id=c.pk)
            for v in visits
            for c in rng.sample(categories, rng.choice([0, 1, 1, 2]))
        )
        FollowUp.objects.bulk_create(
            FollowUp(
                visit=v, organization_id=v.organization_id, description="大学の研究室を紹介する",
                owner=rng.choice(coordinators), due_on=v.visited_on + datetime.timedelta(days=14),
                status=FollowUpStatus.DONE, done_on=v.visited_on + datetime.timedelta(days=10),
            )
            for v in visits[::3]
        )  # fmt: skip


def _fetch(client: Client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")


def _queries(client: Client, url: str) -> int:
    _fetch(client, url)  # per-process caches are not per-request work
    with CaptureQueriesContext(connection) as captured:
        _fetch(client, url)
    return len(captured)


def _timings_ms(client: Client, url: str) -> list[float]:
    for _ in range(WARMUP):
        _fetch(client, url)
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        _fetch(client, url)
        times.append((time.perf_counter() - started) * 1000)
    return times


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def _page(label: str, client: Client, url: str) -> list[Figure]:
    times = _timings_ms(client, url)
    return [
        (f"{label}: median", statistics.median(times), "ms"),
        (f"{label}: p95", _p95(times), "ms"),
        (f"{label}: queries", _queries(client, url), "queries"),
    ]


def _timed(function: Callable[[], dict[str, int]]) -> tuple[dict[str, int], float, int]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - started
    return result, elapsed, len(queries)


def run(scale: int = FULL_SCALE) -> list[Figure]:
    from events.services.reminders import event_reminders_run

    rng = random.Random(4)
    started = time.perf_counter()
    staff = User.objects.create_user("bench-staff", "bench-staff@example.jp", "pw", role=Role.SECRETARIAT)
    coordinators = [
        User.objects.create_user(
            f"coordinator{n}", f"coordinator{n}@example.jp", "pw", role=Role.COORDINATOR,
            first_name=f"コーディネーター{n}", last_name="多摩",
        )
        for n in range(COORDINATORS)
    ]  # fmt: skip
    organizations = _organizations(_scaled(ORGANIZATIONS, scale))
    events = _events(rng, _scaled(EVENTS, scale), REMINDER_EVENTS, staff)
    due = _scaled(DUE_REMINDERS, scale)
    _registrations(rng, events, organizations, _scaled(REGISTRATIONS, scale), due)
    _visits(rng, organizations, _scaled(VISITS, scale), coordinators)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # fresh statistics, as autovacuum would have gathered on a live system
    load_time = time.perf_counter() - started

    visit_counts = Counter(Visit.objects.values_list("organization_id", flat=True))
    busiest, busiest_visits = visit_counts.most_common(1)[0]
    quiet, quiet_visits = visit_counts.most_common()[-1]
    busiest_registrations = Registration.objects.filter(organization_id=busiest).count()

    client = Client()
    client.force_login(staff, backend="members.backends.UsernameOrEmailBackend")
    event_list = reverse("event-list")
    timeline = reverse("organization-detail", kwargs={"organization_id": busiest})
    report, export = reverse("activity-report"), reverse("activity-report-export")
    today = timezone.localdate()
    five_years_ago = today.replace(year=today.year - 5)

    figures: list[Figure] = [
        ("data: events (one session each)", Event.objects.count(), "events"),
        ("data: registrations", Registration.objects.count(), "registrations"),
        ("data: check-ins", CheckIn.objects.count(), "check-ins"),
        ("data: visits", Visit.objects.count(), f"over {len(organizations):,} organisations"),
        ("data: load time (bulk_create)", load_time, "s"),
        *_page("event list, upcoming (default)", client, event_list),
        *_page("event list, all events", client, f"{event_list}?when=all"),
        (
            "timeline: the busiest organisation",
            busiest_visits,
            f"visits, {busiest_registrations:,} registrations",
        ),
        *_page("organisation page with timeline", client, timeline),
        (
            f"organisation page with timeline: queries for an organisation with {quiet_visits} visit(s)",
            _queries(client, reverse("organization-detail", kwargs={"organization_id": quiet})),
            "queries",
        ),
        # The activity report over the five years of visits and the two and a half of events: every row counted.
        *_page("activity report page, five years", client, f"{report}?start={five_years_ago}&end={today}"),
        *_page("activity report Excel, five years", client, f"{export}?start={five_years_ago}&end={today}"),
    ]

    mail.outbox = []
    sent, first, first_queries = _timed(event_reminders_run)
    mails = len(mail.outbox)
    again, second, second_queries = _timed(event_reminders_run)
    mails_again = len(mail.outbox) - mails
    recipients = Counter(message.to[0] for message in mail.outbox)
    figures += [
        (f"reminder job, {due:,} due reminders: first run", first, "s"),
        ("first run: reminders mailed", sum(sent.values()), f"of {due:,}"),
        ("first run: mails in the outbox", mails, "mails"),
        ("first run: throughput", mails / first if first else 0, "mails/s"),
        ("first run: queries", first_queries, "queries"),
        ("first run: reminder rows", Reminder.objects.count(), "rows"),
        ("second run the same day", second, "s"),
        ("second run: reminders mailed", sum(again.values()) + mails_again, "mails"),
        ("second run: queries", second_queries, "queries"),
        ("recipients mailed twice", sum(1 for n in recipients.values() if n > 1), "recipients"),
    ]
    return figures
