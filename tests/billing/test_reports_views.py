"""The pages and API of reminders, reports and the audit log: content, permissions, bad fiscal years."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from billing.fiscal import fiscal_year_of, today
from billing.services.invoices import billing_settings_update
from billing.services.reminders import payment_reminders_send
from tests.billing.payments_helper import pay
from tests.factories import ContactFactory, OrganizationFactory, invoice_issued

pytestmark = pytest.mark.django_db

# The default start month (April): no association settings are saved in these tests.
CURRENT = fiscal_year_of(today(), start_month=4)
NOT_STAFF = ["coordinator", "member", "bank", "evaluator"]


@pytest.fixture
def invoices(member_org, other_org):
    """Two invoices of the current fiscal year, one half paid; overdue so that the aging shows them."""
    due = today() - datetime.timedelta(days=40)
    first = invoice_issued(member_org, 70_000, due_on=due)
    second = invoice_issued(other_org, 30_000, due_on=due)
    pay(first, 35_000)
    return first, second


def test_report_page_defaults_to_the_current_fiscal_year(client_for, invoices):
    response = client_for("secretariat").get(reverse("billing-report"))

    assert response.status_code == 200
    body = response.content.decode()
    assert f"{CURRENT}年度 請求レポート" in body
    assert "¥100,000" in body  # invoiced
    assert "¥35,000" in body  # paid
    assert "¥65,000" in body  # outstanding
    assert "35.0%" in body
    assert reverse("billing-report-export", kwargs={"fiscal_year": CURRENT}) in body


def test_the_picker_chooses_another_year(client_for, invoices):
    response = client_for("secretariat").get(reverse("billing-report"), {"fiscal_year": CURRENT - 1})

    assert response.status_code == 200
    body = response.content.decode()
    assert f"{CURRENT - 1}年度 請求レポート" in body
    assert "この年度の請求書はありません。" in body
    assert f'<option value="{CURRENT - 1}" selected>' in body


@pytest.mark.parametrize("year", ["abc", "1999", str(CURRENT + 2), "2026x"])
def test_an_unknown_fiscal_year_shows_a_message_not_a_404(client_for, year):
    response = client_for("secretariat").get(reverse("billing-report", kwargs={"fiscal_year": year}))

    assert response.status_code == 400
    body = response.content.decode()
    assert f"{year} は対象外の年度です。2000〜{CURRENT + 1}年度から選んでください。" in body
    assert 'name="fiscal_year"' in body  # the picker, to choose again


def test_an_unknown_fiscal_year_in_the_picker_or_the_export_shows_the_message(client_for):
    client = client_for("administrator")
    picked = client.get(reverse("billing-report"), {"fiscal_year": "next"})
    exported = client.get(reverse("billing-report-export", kwargs={"fiscal_year": "1900"}))

    assert picked.status_code == exported.status_code == 400
    assert "next は対象外の年度です" in picked.content.decode()
    assert "1900 は対象外の年度です" in exported.content.decode()


def test_the_excel_export_downloads_the_workbook(client_for, invoices):
    response = client_for("secretariat").get(reverse("billing-report-export", kwargs={"fiscal_year": CURRENT}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == f'attachment; filename="billing-report-{CURRENT}.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["概要", "会費区分ごと", "種別ごと", "延滞日数別", "未入金の請求書"]
    unpaid = list(workbook["未入金の請求書"].iter_rows(values_only=True))
    assert unpaid[0] == ("請求書番号", "組織", "請求残高（円）", "支払期限", "延滞日数")
    assert sorted((row[2], row[4]) for row in unpaid[1:]) == [(30_000, 40), (35_000, 40)]


@pytest.mark.parametrize("name", ["billing-report", "payment-reminder-list", "billing-audit"])
@pytest.mark.parametrize("role", NOT_STAFF)
def test_only_staff_open_the_pages(client_for, role, name):
    assert client_for(role).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("role", NOT_STAFF)
def test_only_staff_download_the_report(client_for, role):
    url = reverse("billing-report-export", kwargs={"fiscal_year": CURRENT})
    assert client_for(role).get(url).status_code == 403


def test_the_report_api_returns_the_figures(api_client_for, invoices, member_org):
    response = api_client_for("secretariat").get(
        reverse("api-billing-report", kwargs={"fiscal_year": CURRENT}), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    data = response.json()
    assert data["fiscal_year"] == CURRENT
    assert data["as_of"] == today().isoformat()
    assert data["summary"] == {
        "name": "All invoices",
        "invoice_count": 2,
        "paid_count": 0,
        "unpaid_count": 2,
        "invoiced": 100_000,
        "paid": 35_000,
        "outstanding": 65_000,
        "collection_rate": 35.0,
    }
    assert data["by_tier"] == [{**data["summary"], "name": "Other services", "fee_tier": None}]
    assert [(row["kind"], row["invoiced"]) for row in data["by_kind"]] == [("firm", 100_000)]
    assert [(row["bucket"], row["count"], row["amount"]) for row in data["aging"]] == [
        ("not_due", 0, 0),
        ("days_1_30", 0, 0),
        ("days_31_60", 2, 65_000),
        ("days_61_90", 0, 0),
        ("over_90", 0, 0),
    ]


@pytest.mark.parametrize("year", ["abc", "1999", str(CURRENT + 2)])
def test_the_report_api_refuses_an_unknown_fiscal_year(api_client_for, year):
    response = api_client_for("administrator").get(
        reverse("api-billing-report", kwargs={"fiscal_year": year}), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert response.json()["detail"] == (f"Unknown fiscal year: {year}. Choose a year from 2000 to {CURRENT + 1}.")


@pytest.mark.parametrize(("role", "status"), [(None, 401), *[(role, 403) for role in NOT_STAFF]])
def test_the_report_api_is_for_staff(api_client_for, role, status):
    url = reverse("api-billing-report", kwargs={"fiscal_year": CURRENT})
    assert api_client_for(role).get(url).status_code == status


def _overdue_with_contact(i: int):
    organization = OrganizationFactory(name=f"株式会社督促{i}")
    ContactFactory(organization=organization, is_billing_contact=True, email=f"keiri{i}@example.jp")
    return invoice_issued(organization, 10_000 + i, due_on=today() - datetime.timedelta(days=20))


def test_the_reminders_page_lists_what_was_sent(client_for):
    billing_settings_update(actor=None, data={"reminder_steps": [14]})
    sent = _overdue_with_contact(1)
    waiting = invoice_issued(OrganizationFactory(name="株式会社連絡先なし"), 5_000, due_on=sent.due_on)
    payment_reminders_send()

    body = client_for("secretariat").get(reverse("payment-reminder-list")).content.decode()

    assert sent.number in body and "株式会社督促1" in body and "keiri1@example.jp" in body
    assert "支払期限から14日後" in body
    assert waiting.number in body and "メールアドレスのある請求先担当者の登録待ち" in body
    assert "督促：2件" in body


def test_reminders_and_report_pages_cost_the_same_queries_however_many_rows(client_for):
    billing_settings_update(actor=None, data={"reminder_steps": [14]})
    client = client_for("secretariat")

    def queries(count: int, start: int) -> tuple[int, int]:
        for i in range(start, start + count):
            pay(_overdue_with_contact(i), 1_000)
        payment_reminders_send()
        counts = []
        for url in (reverse("payment-reminder-list"), reverse("billing-report")):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured.captured_queries))
        return counts[0], counts[1]

    assert queries(2, 0) == queries(15, 100)


def test_the_audit_page_shows_who_changed_what(client_for, users, invoices):
    first, _second = invoices

    body = client_for("administrator").get(reverse("billing-audit")).content.decode()
    assert first.number in body
    assert "消込" in body and "入金" in body
    assert "35,000" in body

    only_payments = client_for("administrator").get(reverse("billing-audit"), {"kind": "payment"})
    assert first.number not in only_payments.content.decode()


def test_the_audit_page_costs_the_same_queries_however_long_the_history(client_for, users):
    client = client_for("secretariat")

    def queries(count: int, start: int) -> int:
        for i in range(start, start + count):
            pay(invoice_issued(OrganizationFactory(), 1_000 + i), 500, actor=users["secretariat"])
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("billing-audit")).status_code == 200
        return len(captured.captured_queries)

    assert queries(2, 0) == queries(20, 100)
