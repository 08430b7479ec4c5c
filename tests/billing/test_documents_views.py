"""Document pages and API: who may download which PDF and receipt, the resend action, the run's ZIP."""

import datetime
import io
import zipfile

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from billing.models import Invoice, InvoiceMailing, InvoiceRun
from billing.services.invoices import InvoiceSpec, LineSpec, billing_settings_update, invoices_issue_new
from tests.billing.payments_helper import pay
from tests.factories import ContactFactory, invoice_issued

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    billing_settings_update(
        actor=None, data={"issuer_name": "多摩産業クラスター協会", "bank_account": "多摩信金 普通 1"}
    )


@pytest.fixture
def own_invoice(member_org):
    ContactFactory(organization=member_org, is_billing_contact=True, email="keiri@tama.example.jp")
    return invoice_issued(member_org, 70_000)


@pytest.fixture
def others_invoice(other_org):
    return invoice_issued(other_org, 70_000)


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def text_of(response) -> str:
    reader = PdfReader(io.BytesIO(body_of(response)))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


@pytest.mark.parametrize("prefix", ["", "api-"])
def test_a_member_downloads_the_pdf_of_its_own_invoice(prefix, own_invoice, client_for, api_client_for):
    http = api_client_for("member") if prefix else client_for("member")

    response = http.get(reverse(f"{prefix}invoice-pdf", kwargs={"invoice_id": own_invoice.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{own_invoice.number}.pdf"'
    assert own_invoice.number in text_of(response)
    assert Invoice.objects.get(pk=own_invoice.pk).pdf


@pytest.mark.parametrize("prefix", ["", "api-"])
@pytest.mark.parametrize("name", ["invoice-pdf", "invoice-receipt"])
@pytest.mark.parametrize("role", ["member", "bank"])
def test_another_organisations_documents_answer_404(prefix, name, role, others_invoice, client_for, api_client_for):
    pay(others_invoice, 70_000)
    http = api_client_for(role) if prefix else client_for(role)

    response = http.get(reverse(f"{prefix}{name}", kwargs={"invoice_id": others_invoice.pk}))

    assert response.status_code == 404


@pytest.mark.parametrize("prefix", ["", "api-"])
def test_the_receipt_exists_once_something_is_paid(prefix, own_invoice, client_for, api_client_for):
    http = api_client_for("member") if prefix else client_for("member")
    url = reverse(f"{prefix}invoice-receipt", kwargs={"invoice_id": own_invoice.pk})

    assert http.get(url).status_code == 404
    pay(own_invoice, 30_000, received_on=datetime.date(2026, 6, 1))
    response = http.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response)
    assert "領収書" in text and "¥30,000-" in text and "2026年6月1日" in text


def test_staff_resend_from_the_invoice_page(own_invoice, client_for, users):
    response = client_for("secretariat").post(reverse("invoice-resend", kwargs={"invoice_id": own_invoice.pk}))

    assert response.status_code == 302
    assert response["Location"] == reverse("invoice-detail", kwargs={"invoice_id": own_invoice.pk})
    assert len(mail.outbox) == 1
    mailing = InvoiceMailing.objects.get(invoice=own_invoice)
    assert mailing.is_resend and mailing.sent_by == users["secretariat"]
    page = client_for("secretariat").get(response["Location"])
    assert "keiri@tama.example.jp に再送しました。" in page.content.decode()


def test_a_refused_resend_says_why_on_the_invoice_page(others_invoice, client_for):
    response = client_for("secretariat").post(
        reverse("invoice-resend", kwargs={"invoice_id": others_invoice.pk}), follow=True
    )

    assert "メールアドレスのある請求先担当者が登録されていません" in response.content.decode()
    assert mail.outbox == []


def test_a_member_cannot_resend(own_invoice, client_for, api_client_for):
    url = {"invoice_id": own_invoice.pk}
    assert client_for("member").post(reverse("invoice-resend", kwargs=url)).status_code == 403
    assert api_client_for("member").post(reverse("api-invoice-resend", kwargs=url)).status_code == 403
    assert mail.outbox == []


def test_resend_through_the_api(own_invoice, others_invoice, api_client_for):
    api = api_client_for("administrator")

    response = api.post(reverse("api-invoice-resend", kwargs={"invoice_id": own_invoice.pk}))

    assert response.status_code == 200
    assert response.json()["recipients"] == "keiri@tama.example.jp"
    assert response.json()["is_resend"] is True
    refused = api.post(reverse("api-invoice-resend", kwargs={"invoice_id": others_invoice.pk}))
    assert refused.status_code == 400
    assert "請求先担当者" in refused.json()["detail"]


@pytest.mark.parametrize("prefix", ["", "api-"])
def test_the_run_zip_streams_one_pdf_per_invoice(prefix, member_org, other_org, client_for, api_client_for):
    run = InvoiceRun.objects.create(fiscal_year=2026, as_of=datetime.date(2026, 4, 1))
    specs = [
        InvoiceSpec(organization=organization, lines=[LineSpec("年会費", 70_000)], reference=f"fee:{organization.pk}")
        for organization in (member_org, other_org)
    ]
    invoices, _existing = invoices_issue_new(actor=None, specs=specs, fiscal_year=2026, run=run)
    http = api_client_for("secretariat") if prefix else client_for("secretariat")

    response = http.get(reverse(f"{prefix}invoice-run-zip", kwargs={"run_id": run.pk}))

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert f'filename="invoices-2026-run{run.pk}.zip"' in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(body_of(response))) as bundle:
        assert sorted(bundle.namelist()) == sorted(
            f"{invoice.number}_{invoice.recipient_name}.pdf" for invoice in invoices
        )
