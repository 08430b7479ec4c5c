"""The billing report of a fiscal year on a small data set whose every figure is worked out by hand."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from billing.fiscal import fiscal_year_of, today
from billing.reports import billing_report, billing_report_xlsx, report_fiscal_year, report_fiscal_years
from billing.services.invoices import (
    InvoiceSpec,
    LineSpec,
    credit_note_issue,
    invoice_draft_create,
    invoice_void_draft,
    invoices_issue_new,
)
from clusternet.core.exceptions import ApplicationError
from members.models import OrganizationKind
from tests.billing.payments_helper import pay
from tests.factories import FeeTierFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 12, 31)


def days_before(days: int) -> datetime.date:
    return AS_OF - datetime.timedelta(days=days)


def issue(organization, amount, *, due_on, tier=None, fiscal_year=2026, tax_category="out_of_scope", ref=""):
    spec = InvoiceSpec(
        organization=organization,
        lines=[LineSpec("年会費" if tier else "製品認証審査", amount, 1, tax_category)],
        reference=ref or f"report-test:{organization.pk}:{fiscal_year}",
        fee_tier=tier,
        due_on=due_on,
    )
    issued_on = datetime.date(fiscal_year, 5, 1)
    created, _existing = invoices_issue_new(actor=None, specs=[spec], fiscal_year=fiscal_year, issued_on=issued_on)
    return created[0]


@pytest.fixture
def data_set():
    """FY2026, aging as of 2026-12-31:

    A firm, 中小企業, ¥70,000 paid in full             (due 2026-05-31)
    B firm, 中小企業, ¥70,000, ¥30,000 paid            (10 days overdue)
    C university, 大学, ¥30,000 unpaid                 (45 days overdue)
    D firm, no tier, ¥110,000 (10% tax), ¥55,000 credited (not yet due)
    F firm, 中小企業, ¥70,000 unpaid                   (121 days overdue)
    G university, 大学, ¥30,000 unpaid                 (exactly 90 days overdue)
    H firm, 中小企業, ¥70,000 credited in full         (counted, for nothing)
    Not counted: an FY2025 invoice, the credit notes, a draft and a draft voided before issue.
    """
    sme = FeeTierFactory(name="中小企業", priority=20)
    university = FeeTierFactory(name="大学", organization_kind=OrganizationKind.UNIVERSITY, priority=30)
    firms = {key: OrganizationFactory(name=f"株式会社{key}") for key in "ABDFH"}
    universities = {key: OrganizationFactory(name=f"{key}大学", kind=OrganizationKind.UNIVERSITY) for key in "CG"}

    a = issue(firms["A"], 70_000, due_on=datetime.date(2026, 5, 31), tier=sme)
    pay(a, 70_000)
    b = issue(firms["B"], 70_000, due_on=days_before(10), tier=sme)
    pay(b, 30_000)
    c = issue(universities["C"], 30_000, due_on=days_before(45), tier=university)
    d = issue(firms["D"], 100_000, due_on=AS_OF + datetime.timedelta(days=10), tax_category="standard_10")
    credit_note_issue(actor=None, invoice=d, reason="値引き", lines=[LineSpec("値引き", 50_000, 1, "standard_10")])
    f = issue(firms["F"], 70_000, due_on=days_before(121), tier=sme)
    g = issue(universities["G"], 30_000, due_on=days_before(90), tier=university)
    h = issue(firms["H"], 70_000, due_on=days_before(30), tier=sme)
    credit_note_issue(actor=None, invoice=h, reason="退会済み")

    issue(firms["A"], 70_000, due_on=datetime.date(2025, 5, 31), tier=sme, fiscal_year=2025)
    invoice_draft_create(actor=None, organization=firms["B"], lines=[LineSpec("講習会", 5_000)])
    voided = invoice_draft_create(actor=None, organization=firms["F"], lines=[LineSpec("講習会", 5_000)])
    invoice_void_draft(actor=None, invoice=voided)
    return {"sme": sme, "university": university, "b": b, "c": c, "d": d, "f": f, "g": g}


def test_summary_figures(data_set):
    report = billing_report(fiscal_year=2026, as_of=AS_OF)
    s = report.summary

    assert (s.invoice_count, s.paid_count, s.unpaid_count) == (7, 1, 5)
    # 70,000 × 4 + 30,000 × 2 + 110,000 − 55,000 − 70,000 (H credited in full)
    assert s.invoiced == 325_000
    assert s.paid == 100_000
    assert s.outstanding == 225_000
    assert s.collection_rate == 30.8  # 100,000 / 325,000
    assert (report.start, report.end) == (datetime.date(2026, 4, 1), datetime.date(2027, 3, 31))


def test_figures_by_fee_tier_with_untiered_invoices_under_other_services(data_set):
    with translation.override("en"):
        report = billing_report(fiscal_year=2026, as_of=AS_OF)

    rows = [(r.label, r.invoice_count, r.invoiced, r.paid, r.outstanding, r.collection_rate) for r in report.by_tier]
    assert rows == [
        ("中小企業", 4, 210_000, 100_000, 110_000, 47.6),
        ("大学", 2, 60_000, 0, 60_000, 0.0),
        ("Other services", 1, 55_000, 0, 55_000, 0.0),
    ]
    assert [r.key for r in report.by_tier] == [data_set["sme"].pk, data_set["university"].pk, None]


def test_figures_by_organisation_kind(data_set):
    with translation.override("en"):
        report = billing_report(fiscal_year=2026, as_of=AS_OF)

    rows = [(r.label, r.invoice_count, r.invoiced, r.paid, r.collection_rate) for r in report.by_kind]
    assert rows == [
        ("Firm", 5, 265_000, 100_000, 37.7),
        ("University / research institute", 2, 60_000, 0, 0.0),
    ]


def test_aging_of_unpaid_invoices_adds_up_to_the_outstanding_amount(data_set):
    report = billing_report(fiscal_year=2026, as_of=AS_OF)

    assert [(b.key, b.count, b.amount) for b in report.aging] == [
        ("not_due", 1, 55_000),
        ("days_1_30", 1, 40_000),  # B: what is left after the partial payment
        ("days_31_60", 1, 30_000),
        ("days_61_90", 1, 30_000),  # G, 90 days to the day
        ("over_90", 1, 70_000),
    ]
    assert sum(b.amount for b in report.aging) == report.summary.outstanding


def test_aging_bucket_edges():
    organization = OrganizationFactory()
    issue(organization, 1_000, due_on=AS_OF, ref="edge:0")  # due today: not overdue yet
    issue(organization, 2_000, due_on=days_before(1), ref="edge:1")
    issue(organization, 3_000, due_on=days_before(30), ref="edge:30")
    issue(organization, 4_000, due_on=days_before(31), ref="edge:31")
    issue(organization, 5_000, due_on=days_before(91), ref="edge:91")

    aging = billing_report(fiscal_year=2026, as_of=AS_OF).aging

    assert [(b.count, b.amount) for b in aging] == [(1, 1_000), (2, 5_000), (1, 4_000), (0, 0), (1, 5_000)]


def test_a_year_without_invoices_reports_zeros_and_no_rate():
    report = billing_report(fiscal_year=2020, as_of=AS_OF)

    assert (report.summary.invoice_count, report.summary.invoiced, report.summary.collection_rate) == (0, 0, None)
    assert report.by_tier == [] and report.by_kind == []
    assert [b.count for b in report.aging] == [0] * 5


def test_excel_workbook_has_every_sheet_and_the_figures(data_set):
    with translation.override("en"):
        report = billing_report(fiscal_year=2026, as_of=AS_OF)
        workbook = load_workbook(io.BytesIO(billing_report_xlsx(report)))

    assert workbook.sheetnames == ["Summary", "By fee tier", "By organisation kind", "Aging", "Unpaid invoices"]
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True)}
    assert summary["Fiscal year"] == 2026
    assert summary["Invoiced (yen)"] == 325_000
    assert summary["Paid (yen)"] == 100_000
    assert summary["Outstanding (yen)"] == 225_000
    assert summary["Collection rate (%)"] == 30.8
    assert workbook["Summary"]["B8"].number_format == "#,##0"

    tiers = list(workbook["By fee tier"].iter_rows(values_only=True))
    assert tiers[0] == ("Fee tier", "Invoices", "Invoiced (yen)", "Paid (yen)", "Outstanding (yen)",
                        "Collection rate (%)")  # fmt: skip
    assert tiers[1] == ("中小企業", 4, 210_000, 100_000, 110_000, 47.6)
    assert tiers[3] == ("Other services", 1, 55_000, 0, 55_000, 0)

    kinds = list(workbook["By organisation kind"].iter_rows(values_only=True))
    assert kinds[1][:3] == ("Firm", 5, 265_000)

    aging = list(workbook["Aging"].iter_rows(values_only=True))
    assert aging[1:] == [
        ("Not yet due", 1, 55_000),
        ("1–30 days overdue", 1, 40_000),
        ("31–60 days overdue", 1, 30_000),
        ("61–90 days overdue", 1, 30_000),
        ("Over 90 days overdue", 1, 70_000),
    ]

    unpaid = list(workbook["Unpaid invoices"].iter_rows(values_only=True))
    assert unpaid[0] == ("Invoice number", "Organisation", "Amount due (yen)", "Due date", "Days overdue")
    f, b = data_set["f"], data_set["b"]
    assert unpaid[1] == (f.number, "株式会社F", 70_000, datetime.datetime(2026, 9, 1), 121)  # longest overdue first
    assert (b.number, "株式会社B", 40_000, 10) in [(r[0], r[1], r[2], r[4]) for r in unpaid]
    assert len(unpaid) == 1 + 5


def test_sheet_names_and_labels_follow_the_language(data_set):
    with translation.override("ja"):
        report = billing_report(fiscal_year=2026, as_of=AS_OF)
        workbook = load_workbook(io.BytesIO(billing_report_xlsx(report)))

    assert workbook.sheetnames == ["概要", "会費区分ごと", "種別ごと", "延滞日数別", "未入金の請求書"]
    assert workbook["会費区分ごと"]["A4"].value == "その他のサービス"


def test_queries_stay_constant_as_invoices_grow():
    tier = FeeTierFactory()

    def queries(count: int) -> tuple[int, int]:
        for i in range(count):
            organization = OrganizationFactory()
            invoice = issue(organization, 70_000, due_on=days_before(i), tier=tier if i % 2 else None)
            if i % 3 == 0:
                pay(invoice, 10_000)
        with CaptureQueriesContext(connection) as report_queries:
            report = billing_report(fiscal_year=2026, as_of=AS_OF)
        with CaptureQueriesContext(connection) as export_queries:
            billing_report_xlsx(report)
        return len(report_queries), len(export_queries)

    small = queries(3)
    assert small == queries(20)
    assert small[0] <= 5


def test_fiscal_year_must_be_a_year_from_2000_to_next_year():
    current = fiscal_year_of(today())
    assert report_fiscal_year("2000") == 2000
    assert report_fiscal_year(str(current + 1)) == current + 1
    assert report_fiscal_years()[0] == current + 1 and report_fiscal_years()[-1] == 2000
    for bad in ["1999", str(current + 2), "abc", "2026.5", "", "-2026"]:
        with translation.override("en"), pytest.raises(ApplicationError, match="Unknown fiscal year"):
            report_fiscal_year(bad)
