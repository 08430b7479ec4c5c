"""The billing report of a fiscal year: invoiced, paid, outstanding and the collection rate, by fee tier and
by organisation kind, the aging of what is unpaid, and the same as an Excel workbook.

Every figure comes from an aggregate query, so the report costs the same few queries however many invoices
the year has. The invoices counted are the fiscal year's issued invoices (credit notes and drafts are not;
a draft voided before issue never existed for the books). What a credit note took back is not invoiced:
an invoice counts for its total minus what was credited, so a fully credited invoice adds nothing to the
amounts, though it is still counted among the invoices issued (it holds a number of the year's sequence).
"""

import datetime
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from billing.fiscal import fiscal_year_bounds, fiscal_year_of, today
from billing.models import OPEN_INVOICE_STATUSES, DocumentType, Invoice, InvoiceStatus
from billing.services.runs import EARLIEST_FISCAL_YEAR, validate_fiscal_year
from members.models import OrganizationKind

# (key, first day overdue, last day overdue); None is open-ended. Days overdue = as_of - due date.
AGING_BUCKETS: list[tuple[str, int | None, int | None]] = [
    ("not_due", None, 0),
    ("days_1_30", 1, 30),
    ("days_31_60", 31, 60),
    ("days_61_90", 61, 90),
    ("over_90", 91, None),
]


def aging_label(key: str) -> str:
    return {
        "not_due": _("Not yet due"),
        "days_1_30": _("1–30 days overdue"),
        "days_31_60": _("31–60 days overdue"),
        "days_61_90": _("61–90 days overdue"),
        "over_90": _("Over 90 days overdue"),
    }[key]


def report_fiscal_year(value: str | int) -> int:
    """The fiscal year asked for, as the yearly run accepts them; ApplicationError for anything else."""
    text = str(value).strip()
    # The run's rule and message, for a year typed into a URL as for one posted to the API.
    return validate_fiscal_year(int(text) if text.isascii() and text.isdigit() else text)


def report_fiscal_years() -> list[int]:
    """The years the picker offers, newest first."""
    return list(range(fiscal_year_of(today()) + 1, EARLIEST_FISCAL_YEAR - 1, -1))


@dataclass(frozen=True)
class Figures:
    label: str
    key: str | int | None
    invoice_count: int
    paid_count: int
    unpaid_count: int
    invoiced: int
    paid: int

    @property
    def outstanding(self) -> int:
        return self.invoiced - self.paid

    @property
    def collection_rate(self) -> float | None:
        """Percent of the invoiced amount that was paid, one decimal; None when nothing was invoiced."""
        return round(self.paid * 100 / self.invoiced, 1) if self.invoiced else None


@dataclass(frozen=True)
class AgingBucket:
    key: str
    label: str
    count: int
    amount: int


@dataclass(frozen=True)
class BillingReport:
    fiscal_year: int
    start: datetime.date
    end: datetime.date
    as_of: datetime.date
    summary: Figures
    by_tier: list[Figures]
    by_kind: list[Figures]
    aging: list[AgingBucket]


def report_invoices(fiscal_year: int) -> QuerySet[Invoice]:
    """The invoices a fiscal year's report counts (see the module docstring)."""
    # Issued means numbered: drafts, and drafts voided before issue, have no number.
    return Invoice.objects.filter(document_type=DocumentType.INVOICE, fiscal_year=fiscal_year, number__isnull=False)


_FIGURES: dict[str, Any] = {
    "invoice_count": Count("pk"),
    "paid_count": Count("pk", filter=Q(status=InvoiceStatus.PAID)),
    "unpaid_count": Count("pk", filter=Q(status__in=OPEN_INVOICE_STATUSES)),
    "invoiced": Coalesce(Sum(F("total") - F("amount_credited")), 0),
    "paid": Coalesce(Sum("amount_paid"), 0),
}


def _figures(label: str, key: str | int | None, row: Mapping[str, Any]) -> Figures:
    # PostgreSQL sums bigints as numeric: back to int yen.
    return Figures(
        label=label,
        key=key,
        invoice_count=row["invoice_count"],
        paid_count=row["paid_count"],
        unpaid_count=row["unpaid_count"],
        invoiced=int(row["invoiced"]),
        paid=int(row["paid"]),
    )


def _aging(invoices: QuerySet[Invoice], as_of: datetime.date) -> list[AgingBucket]:
    balance = F("total") - F("amount_credited") - F("amount_paid")
    aggregates: dict[str, Any] = {}
    for key, first, last in AGING_BUCKETS:
        # Overdue by d days means due on as_of - d: the day ranges turn into due-date ranges.
        condition = Q(status__in=OPEN_INVOICE_STATUSES)
        if first is not None:
            condition &= Q(due_on__lte=as_of - datetime.timedelta(days=first))
        if last is not None:
            condition &= Q(due_on__gte=as_of - datetime.timedelta(days=last))
        aggregates[f"{key}_count"] = Count("pk", filter=condition)
        aggregates[f"{key}_amount"] = Coalesce(Sum(balance, filter=condition), 0)
    row = invoices.aggregate(**aggregates)
    return [
        AgingBucket(key=key, label=aging_label(key), count=row[f"{key}_count"], amount=int(row[f"{key}_amount"]))
        for key, _first, _last in AGING_BUCKETS
    ]


def billing_report(*, fiscal_year: int, as_of: datetime.date | None = None) -> BillingReport:
    """The report's figures in four aggregate queries; aging is as of `as_of` (today in Tokyo by default)."""
    as_of = as_of or today()
    invoices = report_invoices(fiscal_year)
    summary = _figures(_("All invoices"), None, invoices.aggregate(**_FIGURES))

    tier_rows = invoices.values("fee_tier_id", "fee_tier__name", "fee_tier__priority").annotate(**_FIGURES)
    tiers = sorted(tier_rows, key=lambda r: (r["fee_tier_id"] is None, r["fee_tier__priority"] or 0, r["fee_tier_id"]))
    by_tier = [
        _figures(row["fee_tier__name"] or _("Other services"), row["fee_tier_id"], row)
        for row in tiers
    ]  # fmt: skip

    kind_rows = {row["organization__kind"]: row for row in invoices.values("organization__kind").annotate(**_FIGURES)}
    by_kind = [
        _figures(str(kind.label), kind.value, kind_rows[kind.value]) for kind in OrganizationKind if kind in kind_rows
    ]

    start, end = fiscal_year_bounds(fiscal_year)
    return BillingReport(
        fiscal_year=fiscal_year,
        start=start,
        end=end,
        as_of=as_of,
        summary=summary,
        by_tier=by_tier,
        by_kind=by_kind,
        aging=_aging(invoices, as_of),
    )


def unpaid_invoices(*, fiscal_year: int) -> QuerySet[Invoice]:
    """The fiscal year's open invoices, longest overdue first, with their organisation."""
    return (
        report_invoices(fiscal_year)
        .filter(status__in=OPEN_INVOICE_STATUSES)
        .select_related("organization")
        .order_by("due_on", "sequence", "pk")
    )


# -- Excel -------------------------------------------------------------------------------------------------

YEN = "#,##0"
PERCENT = "0.0"


def _header(sheet: Worksheet, titles: list[str]) -> None:
    sheet.append(titles)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, title in enumerate(titles, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(title) * 2 + 2)


def _figure_rows(sheet: Worksheet, first_title: str, rows: list[Figures]) -> None:
    _header(
        sheet,
        [first_title, _("Invoices"), _("Invoiced (yen)"), _("Paid (yen)"), _("Outstanding (yen)"),
         _("Collection rate (%)")],
    )  # fmt: skip
    for figures in rows:
        sheet.append(
            [figures.label, figures.invoice_count, figures.invoiced, figures.paid, figures.outstanding,
             figures.collection_rate],
        )  # fmt: skip
        for cell in sheet[sheet.max_row][2:5]:
            cell.number_format = YEN
        sheet.cell(row=sheet.max_row, column=6).number_format = PERCENT
    sheet.column_dimensions["A"].width = 30


def _unpaid_rows(fiscal_year: int, as_of: datetime.date) -> Iterator[list[object]]:
    for invoice in unpaid_invoices(fiscal_year=fiscal_year).iterator(chunk_size=2000):
        overdue = max(0, (as_of - invoice.due_on).days) if invoice.due_on else 0
        yield [invoice.number, invoice.organization.name, invoice.balance, invoice.due_on, overdue]


def billing_report_xlsx(report: BillingReport) -> bytes:
    """One workbook: summary, by tier, by kind, aging, and every unpaid invoice."""
    workbook = Workbook()
    del workbook["Sheet"]  # the empty sheet every new workbook starts with
    summary = workbook.create_sheet(_("Summary"))
    s = report.summary
    rows: list[tuple[str, object, str | None]] = [
        (_("Fiscal year"), report.fiscal_year, None),
        (_("From"), report.start, None),
        (_("To"), report.end, None),
        (_("Aging as of"), report.as_of, None),
        (_("Invoices"), s.invoice_count, YEN),
        (_("Paid invoices"), s.paid_count, YEN),
        (_("Unpaid invoices"), s.unpaid_count, YEN),
        (_("Invoiced (yen)"), s.invoiced, YEN),
        (_("Paid (yen)"), s.paid, YEN),
        (_("Outstanding (yen)"), s.outstanding, YEN),
        (_("Collection rate (%)"), s.collection_rate, PERCENT),
    ]
    for label, value, number_format in rows:
        summary.append([label, value])
        if number_format:
            summary.cell(row=summary.max_row, column=2).number_format = number_format
        elif isinstance(value, datetime.date):
            summary.cell(row=summary.max_row, column=2).number_format = "yyyy-mm-dd"
    summary.column_dimensions["A"].width = 24
    summary.column_dimensions["B"].width = 16

    _figure_rows(workbook.create_sheet(_("By fee tier")), _("Fee tier"), report.by_tier)
    _figure_rows(workbook.create_sheet(_("By organisation kind")), _("Organisation kind"), report.by_kind)

    aging = workbook.create_sheet(_("Aging"))
    _header(aging, [_("Days overdue"), _("Invoices"), _("Amount due (yen)")])
    for bucket in report.aging:
        aging.append([bucket.label, bucket.count, bucket.amount])
        aging.cell(row=aging.max_row, column=3).number_format = YEN
    aging.column_dimensions["A"].width = 24

    unpaid = workbook.create_sheet(_("Unpaid invoices"))
    _header(unpaid, [_("Invoice number"), _("Organisation"), _("Amount due (yen)"), _("Due date"), _("Days overdue")])
    for row in _unpaid_rows(report.fiscal_year, report.as_of):
        unpaid.append(row)
        unpaid.cell(row=unpaid.max_row, column=3).number_format = YEN
        unpaid.cell(row=unpaid.max_row, column=4).number_format = "yyyy-mm-dd"
    unpaid.column_dimensions["B"].width = 40

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
