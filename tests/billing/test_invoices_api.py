"""Invoices and the yearly run through the API: status codes, bodies, refusals that change nothing."""

import pytest

from billing.models import Invoice, InvoiceRun
from tests.billing.test_runs import SCENARIO, load_scenario
from tests.factories import invoice_issued

pytestmark = pytest.mark.django_db


def test_run_is_accepted_runs_in_celery_and_reports_its_counts(api_client_for, django_capture_on_commit_callbacks):
    load_scenario()
    api = api_client_for("secretariat")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/billing/runs/", {"fiscal_year": 2026, "with_pdfs": False}, format="json")
    assert response.status_code == 202
    run_id = response.json()["id"]
    body = api.get(f"/api/billing/runs/{run_id}/").json()
    assert body["status"] == "finished"
    assert body["progress_percent"] == 100
    # The run bills up to today; members who joined after today's date in the scenario wait for a later run.
    assert body["created_count"] == Invoice.objects.count() > 0
    assert body["existing_count"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        again = api.post("/api/billing/runs/", {"fiscal_year": 2026, "with_pdfs": False}, format="json").json()
    again = api.get(f"/api/billing/runs/{again['id']}/").json()
    assert (again["created_count"], again["existing_count"]) == (0, body["created_count"])


@pytest.mark.parametrize("year", [1999, "twenty", None, 3000])
def test_unknown_fiscal_year_is_a_400_with_a_message_and_no_run(api_client_for, year):
    response = api_client_for("secretariat").post("/api/billing/runs/", {"fiscal_year": year}, format="json")
    assert response.status_code == 400
    assert "fiscal year" in str(response.json()).lower() or "年度" in str(response.json())
    assert InvoiceRun.objects.count() == 0


def test_preview_lists_fees_and_reasons_without_writing(api_client_for):
    load_scenario()
    body = api_client_for("administrator").get("/api/billing/runs/preview/?fiscal_year=2026").json()
    fees = {charge["organization_name"]: charge["fee"] for charge in body["charges"]}
    assert fees["株式会社多摩精密"] == 70000
    assert fees["相模原電機株式会社"] == 490000
    assert "有限会社府中工業" in fees and "株式会社多摩市役所" not in fees
    assert body["to_bill_total"] == sum(charge["fee"] for charge in body["charges"])
    assert Invoice.objects.count() == 0 and InvoiceRun.objects.count() == 0


def test_member_sees_own_invoices_and_gets_404_for_another_organisations(api_client_for, member_org, other_org):
    own = invoice_issued(member_org, 70000)
    other = invoice_issued(other_org, 490000)
    api = api_client_for("member")
    listed = api.get("/api/invoices/").json()["results"]
    assert [row["number"] for row in listed] == [own.number]
    assert api.get(f"/api/invoices/{own.pk}/").json()["lines"][0]["amount"] == 70000
    assert api.get(f"/api/invoices/{other.pk}/").status_code == 404


def test_credit_note_larger_than_the_invoice_is_refused_and_nothing_changes(api_client_for, other_org):
    invoice = invoice_issued(other_org, 70000)
    api = api_client_for("secretariat")
    url = f"/api/invoices/{invoice.pk}/credit-notes/"
    lines = [{"description": "取消", "unit_price": 80000}]
    response = api.post(url, {"reason": "誤り", "lines": lines}, format="json")
    assert response.status_code == 400
    assert "¥70,000" in str(response.json())
    assert Invoice.objects.count() == 1

    response = api.post(url, {"reason": "退会"}, format="json")
    assert response.status_code == 201
    assert response.json()["credit_note_for"] == invoice.pk and response.json()["total"] == 70000
    assert api.get(f"/api/invoices/{invoice.pk}/").json()["status"] == "void"


def test_negative_credit_line_is_refused(api_client_for, other_org):
    invoice = invoice_issued(other_org, 70000)
    lines = [{"description": "値引き", "unit_price": -5}]
    response = api_client_for("secretariat").post(
        f"/api/invoices/{invoice.pk}/credit-notes/", {"reason": "x", "lines": lines}, format="json"
    )
    assert response.status_code == 400
    assert Invoice.objects.count() == 1


def test_scenario_expected_totals_are_those_of_the_shared_data():
    assert (SCENARIO["expected"]["invoices"], SCENARIO["expected"]["total_yen"]) == (11, 1715832)
