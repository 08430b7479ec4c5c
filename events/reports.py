"""The activity report of a period: company visits by outcome category and by who went, and events by kind
with registrations, attendance and no-shows; and the same as an Excel workbook.

Every figure comes from an aggregate query, so the report costs the same few queries however many visits,
events and registrations the period holds.

- A visit counts once in each of its outcome categories, so the category counts may add up to more than the
  visits. Categories are the ones in use, in their order, plus retired ones that have visits in the period.
- The table by person has one row per internal user (staff or coordinator) among a visit's visitors; a visit
  made by two of them counts in both rows. Partner organisations' people without an account are not rows.
- Events are the published ones whose first session starts in the period (drafts were never held, cancelled
  events did not take place). Registrations are the confirmed ones; attended means checked in at one session
  at least; a no-show is a confirmed registration without any check-in at an event that has ended.
"""

import datetime
import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from events.models import (
    CheckIn,
    Event,
    EventKind,
    EventStatus,
    OutcomeCategory,
    Registration,
    RegistrationStatus,
    Visit,
)
from members.models import STAFF_ROLES, Role

INTERNAL_ROLES = [*STAFF_ROLES, Role.COORDINATOR]


@dataclass(frozen=True)
class CategoryColumn:
    pk: int
    label: str
    is_active: bool


@dataclass(frozen=True)
class VisitorRow:
    name: str
    counts: list[int]  # one per column of VisitReport.categories
    visits: int


@dataclass(frozen=True)
class VisitReport:
    start: datetime.date
    end: datetime.date
    categories: list[CategoryColumn]
    category_counts: list[int]
    visit_count: int
    organization_count: int
    by_visitor: list[VisitorRow]


@dataclass(frozen=True)
class KindRow:
    label: str
    kind: str | None
    events: int
    registrations: int
    attended: int
    no_shows: int
    ended_registrations: int  # the confirmed registrations of events already over: the no-show rate's base

    @property
    def no_show_rate(self) -> float | None:
        """Percent of the ended events' confirmed registrations that never checked in; None when there are none."""
        if not self.ended_registrations:
            return None
        return round(self.no_shows * 100 / self.ended_registrations, 1)


@dataclass(frozen=True)
class EventReport:
    start: datetime.date
    end: datetime.date
    as_of: datetime.datetime
    by_kind: list[KindRow]
    total: KindRow


def _name(first_name: str, last_name: str, username: str) -> str:
    # As User.get_full_name() would say it, from the values of an aggregate row.
    return f"{last_name} {first_name}".strip() or username


def visit_report(*, start: datetime.date, end: datetime.date) -> VisitReport:
    """Visits from `start` to `end` (both included), in four aggregate queries."""
    visits = Visit.objects.filter(visited_on__gte=start, visited_on__lte=end)
    in_period = Q(visits__visited_on__gte=start, visits__visited_on__lte=end)
    categories = [
        category
        for category in OutcomeCategory.objects.annotate(count=Count("visits", filter=in_period)).order_by(
            "position", "pk"
        )
        if category.is_active or category.count
    ]
    summary = visits.aggregate(visits=Count("pk"), organizations=Count("organization", distinct=True))

    people = visits.filter(visitors__role__in=INTERNAL_ROLES)
    totals = people.values("visitors", "visitors__first_name", "visitors__last_name", "visitors__username").annotate(
        count=Count("pk")
    )
    # Grouped by person and category, each row of the join is one (visit, person, category): no double count.
    per_category = {
        (row["visitors"], row["outcomes"]): row["count"]
        for row in people.filter(outcomes__isnull=False).values("visitors", "outcomes").annotate(count=Count("pk"))
    }
    rows = sorted(
        totals,
        key=lambda row: (row["visitors__last_name"], row["visitors__first_name"], row["visitors__username"]),
    )
    by_visitor = [
        VisitorRow(
            name=_name(row["visitors__first_name"], row["visitors__last_name"], row["visitors__username"]),
            counts=[per_category.get((row["visitors"], category.pk), 0) for category in categories],
            visits=row["count"],
        )
        for row in rows
    ]
    return VisitReport(
        start=start,
        end=end,
        categories=[CategoryColumn(pk=c.pk, label=c.label, is_active=c.is_active) for c in categories],
        category_counts=[c.count for c in categories],
        visit_count=summary["visits"],
        organization_count=summary["organizations"],
        by_visitor=by_visitor,
    )


def period_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The period as a half-open range of instants: from midnight of `start` to midnight after `end`, in Tokyo."""
    zone = timezone.get_default_timezone()
    first = datetime.datetime.combine(start, datetime.time(), tzinfo=zone)
    after = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), tzinfo=zone)
    return first, after


def event_report(*, start: datetime.date, end: datetime.date, as_of: datetime.datetime | None = None) -> EventReport:
    """Events whose first session starts from `start` to `end`, by kind, in two aggregate queries.

    `as_of` (now by default) decides which events have ended, and so which registrations can be no-shows.
    """
    as_of = as_of or timezone.now()
    first, after = period_bounds(start, end)
    events = Event.objects.filter(status=EventStatus.PUBLISHED, starts_at__gte=first, starts_at__lt=after)
    event_counts = {row["kind"]: row["count"] for row in events.values("kind").annotate(count=Count("pk"))}

    checked_in = Exists(CheckIn.objects.filter(registration=OuterRef("pk")))
    ended = Q(event__ends_at__lt=as_of)
    registration_rows = {
        row["event__kind"]: row
        for row in Registration.objects.filter(event__in=events, status=RegistrationStatus.CONFIRMED)
        .values("event__kind")
        .annotate(
            registrations=Count("pk"),
            attended=Count("pk", filter=checked_in),
            ended_registrations=Count("pk", filter=ended),
            no_shows=Count("pk", filter=ended & ~Q(checked_in)),
        )
    }

    def row_for(kind: EventKind) -> KindRow:
        row: Mapping[str, Any] = registration_rows.get(kind.value, {})
        return KindRow(
            label=str(kind.label),
            kind=kind.value,
            events=event_counts.get(kind.value, 0),
            registrations=row.get("registrations", 0),
            attended=row.get("attended", 0),
            no_shows=row.get("no_shows", 0),
            ended_registrations=row.get("ended_registrations", 0),
        )

    by_kind = [row_for(kind) for kind in EventKind]
    total = KindRow(
        label=_("Total, all kinds"),
        kind=None,
        events=sum(row.events for row in by_kind),
        registrations=sum(row.registrations for row in by_kind),
        attended=sum(row.attended for row in by_kind),
        no_shows=sum(row.no_shows for row in by_kind),
        ended_registrations=sum(row.ended_registrations for row in by_kind),
    )
    return EventReport(start=start, end=end, as_of=as_of, by_kind=by_kind, total=total)


# -- Excel -------------------------------------------------------------------------------------------------

NUMBER = "#,##0"
PERCENT = "0.0"
DATE = "yyyy-mm-dd"
NO_RATE = "—"


def _header(sheet: Worksheet, titles: list[str]) -> None:
    sheet.append(titles)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for index, title in enumerate(titles, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(sheet.column_dimensions[letter].width or 0, 12, len(title) * 2 + 2)


def _numbers(sheet: Worksheet, first_column: int) -> None:
    for cell in sheet[sheet.max_row][first_column - 1 :]:
        cell.number_format = NUMBER


def activity_report_xlsx(visits: VisitReport, events: EventReport) -> bytes:
    """One workbook: the period, visits by category, visits by person, events by kind."""
    workbook = Workbook()
    del workbook["Sheet"]  # the empty sheet every new workbook starts with

    period = workbook.create_sheet(_("Period"))
    local_as_of = timezone.localtime(events.as_of).replace(tzinfo=None)  # Excel has no time zones
    for label, value, number_format in [
        (_("From"), visits.start, DATE),
        (_("To"), visits.end, DATE),
        (_("No-shows counted as of"), local_as_of, "yyyy-mm-dd hh:mm"),
    ]:
        period.append([label, value])
        period.cell(row=period.max_row, column=2).number_format = number_format
    period.column_dimensions["A"].width = 28
    period.column_dimensions["B"].width = 18

    by_category = workbook.create_sheet(_("Visits by outcome"))
    _header(by_category, [*(c.label for c in visits.categories), _("Number of visits"), _("Firms visited")])
    by_category.append([*visits.category_counts, visits.visit_count, visits.organization_count])
    _numbers(by_category, 1)

    by_visitor = workbook.create_sheet(_("Visits by person"))
    _header(by_visitor, [_("Who went"), *(c.label for c in visits.categories), _("Number of visits")])
    for row in visits.by_visitor:
        by_visitor.append([row.name, *row.counts, row.visits])
        _numbers(by_visitor, 2)
    by_visitor.column_dimensions["A"].width = 24

    by_kind = workbook.create_sheet(_("Events by kind"))
    _header(
        by_kind,
        [
            _("Kind"),
            _("Number of events"),
            _("Confirmed registrations"),
            _("Attended"),
            _("No-shows"),
            _("No-show rate (%)"),
        ],
    )
    for kind_row in [*events.by_kind, events.total]:
        rate = kind_row.no_show_rate
        by_kind.append(
            [kind_row.label, kind_row.events, kind_row.registrations, kind_row.attended, kind_row.no_shows,
             NO_RATE if rate is None else rate],
        )  # fmt: skip
        _numbers(by_kind, 2)
        by_kind.cell(row=by_kind.max_row, column=6).number_format = PERCENT
    for cell in by_kind[by_kind.max_row]:
        cell.font = Font(bold=True)
    by_kind.column_dimensions["A"].width = 30

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
