"""A small activity to report on, with its figures worked out by hand, for the report's tests.

The period runs from 40 days ago to 20 days ahead, so some of its events have ended and some have not.
"""

import datetime
from dataclasses import dataclass
from html.parser import HTMLParser

from django.utils import timezone

from events.models import CheckIn, Event, EventKind, EventSession, EventStatus, OutcomeCategory, RegistrationStatus
from members.models import Role
from tests.events.factories import EventFactory, RegistrationFactory, VisitFactory
from tests.factories import OrganizationFactory, UserFactory

# The default categories, in their order (events/migrations/0002), then the retired one the scenario adds.
DEFAULT_CATEGORIES = ["課題解決支援", "助成金等活用支援", "産学連携", "受発注支援・企業間マッチング", "メディア紹介"]
RETIRED_WITH_VISITS = "展示会出展支援"
RETIRED_WITHOUT_VISITS = "旧分類"


@dataclass
class Scenario:
    start: datetime.date
    end: datetime.date
    suzuki: object
    takahashi: object


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_default_timezone())


def _event(kind: str, starts: datetime.datetime, status: str = EventStatus.PUBLISHED) -> Event:
    return EventFactory(kind=kind, status=status, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2))


def _registrations(event: Event, *, checked_in: int = 0, no_check_in: int = 0, status: str = "") -> list:
    made = []
    for n in range(checked_in + no_check_in):
        registration = RegistrationFactory(event=event, status=status or RegistrationStatus.CONFIRMED)
        if n < checked_in:
            CheckIn.objects.create(registration=registration, session=event.sessions.first(), method="list")
        made.append(registration)
    return made


def build_scenario() -> Scenario:
    """Six visits and seven events around a 61-day period; the tests list the figures it must give."""
    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=40), today + datetime.timedelta(days=20)
    category = {c.name: c for c in OutcomeCategory.objects.all()}
    category[RETIRED_WITH_VISITS] = OutcomeCategory.objects.create(
        name=RETIRED_WITH_VISITS, name_en="Trade-fair support", position=60, is_active=False
    )
    category[RETIRED_WITHOUT_VISITS] = OutcomeCategory.objects.create(
        name=RETIRED_WITHOUT_VISITS, position=70, is_active=False
    )
    suzuki = UserFactory(role=Role.COORDINATOR, first_name="一郎", last_name="鈴木")
    takahashi = UserFactory(role=Role.SECRETARIAT, first_name="花子", last_name="高橋")
    banker = UserFactory(role=Role.BANK, organization=OrganizationFactory(), first_name="銀行", last_name="担当")
    firm_a, firm_b, firm_c, firm_d = (OrganizationFactory() for _ in range(4))

    def visit(day, organization, visitors, outcomes):
        made = VisitFactory(visited_on=day, organization=organization)
        made.visitors.set(visitors)
        made.outcomes.set([category[name] for name in outcomes])

    # In the period: 4 visits to 3 firms.
    visit(start, firm_a, [suzuki], ["課題解決支援", "産学連携"])
    visit(start + datetime.timedelta(days=14), firm_a, [suzuki, takahashi], ["受発注支援・企業間マッチング"])
    visit(end, firm_b, [takahashi, banker], ["受発注支援・企業間マッチング", RETIRED_WITH_VISITS])
    visit(start + datetime.timedelta(days=19), firm_c, [], [])  # partners only, no outcome recorded
    # Outside it, by a day.
    visit(start - datetime.timedelta(days=1), firm_d, [suzuki], ["課題解決支援", RETIRED_WITHOUT_VISITS])
    visit(end + datetime.timedelta(days=1), firm_b, [takahashi], ["メディア紹介"])

    # Seminars: one ended 10 days ago (2 attended, one of them at both sessions, 1 no-show, 1 cancelled,
    # 1 waiting), one in 10 days (2 confirmed); a café ended 5 days ago (1 attended, 2 no-shows).
    seminar = _event(EventKind.SEMINAR, at(today - datetime.timedelta(days=10), 14))
    second_session = EventSession.objects.create(
        event=seminar,
        starts_at=at(today - datetime.timedelta(days=9), 14),
        ends_at=at(today - datetime.timedelta(days=9), 16),
    )
    seminar.ends_at = second_session.ends_at
    seminar.save(update_fields=["ends_at"])
    attended = _registrations(seminar, checked_in=2, no_check_in=1)
    CheckIn.objects.create(registration=attended[0], session=second_session, method="qr")
    _registrations(seminar, no_check_in=1, status=RegistrationStatus.CANCELLED)
    _registrations(seminar, no_check_in=1, status=RegistrationStatus.WAITLISTED)
    _registrations(_event(EventKind.SEMINAR, at(today + datetime.timedelta(days=10), 18)), no_check_in=2)
    _registrations(_event(EventKind.CAFE, at(today - datetime.timedelta(days=5), 18)), checked_in=1, no_check_in=2)
    # Not counted: a draft and a cancelled event in the period, a seminar the day before it.
    _registrations(_event(EventKind.TOUR, at(today - datetime.timedelta(days=3), 10), EventStatus.DRAFT), no_check_in=1)
    _event(EventKind.STUDY_GROUP, at(today - datetime.timedelta(days=2), 10), EventStatus.CANCELLED)
    _registrations(_event(EventKind.SEMINAR, at(start - datetime.timedelta(days=1), 23)), no_check_in=3)
    return Scenario(start=start, end=end, suzuki=suzuki, takahashi=takahashi)


class _Tables(HTMLParser):
    """The text of every cell of every table with an id: {id: [[cell, ...], ...]}, header rows included."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id"):
            self._table = dict(attrs)["id"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables
