"""Invoice documents: what the PDFs say, the font they carry, storing once, mailing once, resending, the run's ZIP."""

import datetime
import io
import zipfile

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from pypdf import PdfReader

from billing import pdf
from billing.models import Invoice, InvoiceMailing, InvoiceRun, InvoiceStatus
from billing.services.documents import (
    invoice_pdf_open,
    invoice_pdf_store,
    invoice_receipt_pdf,
    invoice_resend,
    invoice_run_zip,
    invoices_documents_send,
    receipt_available,
)
from billing.services.invoices import (
    InvoiceSpec,
    LineSpec,
    billing_settings_update,
    credit_note_issue,
    invoice_draft_create,
    invoice_for_reference,
    invoices_issue_new,
)
from billing.tasks import invoices_documents_send_task
from clusternet.core.exceptions import ApplicationError
from tests.billing.payments_helper import pay
from tests.factories import ContactFactory, OrganizationFactory, UserFactory, invoice_issued

pytestmark = pytest.mark.django_db

REGISTRATION_NUMBER = "T9234567890123"
BANK_ACCOUNT = "多摩信用金庫 立川支店 普通 1234567\n口座名義 シヤ）タマサンギヨウクラスタ-キヨウカイ"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def billing_settings():
    return billing_settings_update(
        actor=None,
        data={
            "issuer_name": "一般社団法人 多摩産業クラスター協会",
            "issuer_postal_code": "190-0012",
            "issuer_address": "東京都立川市曙町2-34-7",
            "issuer_phone": "042-000-0000",
            "registration_number": REGISTRATION_NUMBER,
            "bank_account": BANK_ACCOUNT,
        },
    )


def text_of(content: bytes) -> str:
    """The PDF's text with all whitespace removed (extraction spaces CJK text unpredictably)."""
    reader = PdfReader(io.BytesIO(content))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def organization_with_billing_contact(name: str = "株式会社多摩精密", email: str | None = "keiri@tama.example.jp"):
    organization = OrganizationFactory(name=name, postal_code="192-0001", address_line="戸吹町1-2-3")
    ContactFactory(
        organization=organization, name="経理 花子", is_billing_contact=True, department="総務部", email=email or ""
    )
    return organization


def mixed_invoice(organization=None) -> Invoice:
    organization = organization or organization_with_billing_contact()
    return invoice_for_reference(
        actor=None,
        organization=organization,
        reference=f"mixed:{organization.pk}",
        lines=[
            LineSpec("2026年度 年会費", 70_000),
            LineSpec("技術評価手数料", 100_000, 1, "standard_10"),
            LineSpec("交流会 飲食代", 3_000, 2, "reduced_8"),
        ],
    )


def test_invoice_pdf_says_what_a_japanese_invoice_must():
    invoice = mixed_invoice()

    text = text_of(pdf.invoice_pdf(invoice))

    assert "請求書" in text
    assert invoice.number in text
    assert "株式会社多摩精密" in text
    assert "総務部御中" in text
    assert "〒192-0001" in text
    assert "東京都八王子市戸吹町1-2-3" in text
    assert "一般社団法人多摩産業クラスター協会" in text
    assert f"登録番号{REGISTRATION_NUMBER}" in text
    # Totals per rate: 10% on ¥100,000 is ¥10,000; 8% on ¥6,000 is ¥480; the fee carries none.
    assert "10%対象¥100,000¥10,000" in text
    assert "8%対象（※軽減税率）¥6,000¥480" in text
    assert "不課税¥70,000" in text
    assert "合計¥186,480" in text
    assert "ご請求金額（税込）¥186,480" in text
    assert "お振込先" in text
    assert "多摩信用金庫立川支店普通1234567" in text
    assert "会費は消費税の課税対象外です。" in text
    assert "※8%" in text


def test_the_font_is_embedded_as_an_ipaex_gothic_subset():
    reader = PdfReader(io.BytesIO(pdf.invoice_pdf(invoice_issued())))

    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts
    for font in (fonts[name].get_object() for name in fonts):
        base_font = str(font["/BaseFont"])
        prefix, _plus, family = base_font.lstrip("/").partition("+")
        assert family == "IPAexGothic" and len(prefix) == 6 and prefix.isupper()
        embedded = font["/FontDescriptor"]["/FontFile2"].get_object()
        assert len(embedded.get_data()) > 1000
        # A subset: a small part of the 5 MB font file.
        assert len(embedded.get_data()) < 500_000


def test_no_consumption_tax_sentence_only_when_a_line_is_outside_its_scope():
    organization = organization_with_billing_contact()
    taxable = invoice_for_reference(
        actor=None,
        organization=organization,
        reference="eval:1",
        lines=[LineSpec("技術評価", 100_000, 1, "standard_10")],
    )

    assert "会費は消費税の課税対象外です。" not in text_of(pdf.invoice_pdf(taxable))
    assert "会費は消費税の課税対象外です。" in text_of(pdf.invoice_pdf(invoice_issued(organization)))


def test_the_recipient_is_the_snapshot_taken_at_issue_not_the_organisation_today():
    invoice = mixed_invoice()
    invoice.organization.name = "株式会社新社名"
    invoice.organization.save()

    text = text_of(pdf.invoice_pdf(Invoice.objects.get(pk=invoice.pk)))

    assert "株式会社多摩精密" in text
    assert "新社名" not in text


def test_a_credit_note_names_the_invoice_it_credits():
    invoice = mixed_invoice()
    note = credit_note_issue(
        actor=None, invoice=invoice, reason="数量の誤り", lines=[LineSpec("交流会 飲食代", 3_000, 1, "reduced_8")]
    )

    text = text_of(pdf.invoice_pdf(note))

    assert "適格返還請求書" in text
    assert note.number in text
    assert f"対象の請求書：No.{invoice.number}" in text
    assert "返金・値引き額（税込）¥3,240" in text
    assert "理由：数量の誤り" in text
    assert "お振込先" not in text


def test_a_credit_note_of_an_unregistered_issuer_is_not_called_qualified():
    billing_settings_update(actor=None, data={"registration_number": ""})
    note = credit_note_issue(actor=None, invoice=invoice_issued(), reason="取消")

    text = text_of(pdf.invoice_pdf(note))

    assert "返還請求書" in text
    assert "適格" not in text
    assert "登録番号" not in text


def test_a_long_invoice_flows_onto_further_pages():
    organization = organization_with_billing_contact()
    lines = [LineSpec(f"研修講座 第{i}回 受講料（オンライン・アーカイブ配信を含む）", 5_000) for i in range(1, 81)]
    invoice = invoice_for_reference(actor=None, organization=organization, reference="courses", lines=lines)

    reader = PdfReader(io.BytesIO(pdf.invoice_pdf(invoice)))

    assert len(reader.pages) >= 3
    pages = ["".join(page.extract_text().split()) for page in reader.pages]
    assert "第1回" in pages[0]
    assert all("品目" in page and "（続き）" in page for page in pages[1:])
    assert "第80回" in pages[-1] and "合計¥400,000" in pages[-1]
    assert f"1/{len(pages)}" in pages[0]


def test_long_descriptions_wrap_the_japanese_way():
    text = "高精度マイクロ切削加工によるセンサー部品の評価一式、報告書（英文・和文）作成を含む。" * 3

    lines = pdf.wrap(text, 120, 9)

    assert "".join(lines) == text
    assert all(pdf.width_of(line, 9) <= 120 + pdf.width_of("。", 9) for line in lines)
    # 禁則: no line starts with closing punctuation or ends with an opening bracket.
    assert not any(line[0] in pdf.NO_LINE_START for line in lines[1:])
    assert not any(line[-1] in pdf.NO_LINE_END for line in lines)
    # A Latin word is not cut in two.
    assert "Micro-Machining" in pdf.wrap("評価あいう" * 5 + "Micro-Machining", 120, 9)[-1]


def test_a_receipt_for_the_amount_paid_dated_the_last_payment():
    invoice = mixed_invoice()
    assert not receipt_available(invoice)
    pay(invoice, 100_000, received_on=datetime.date(2026, 6, 1))
    pay(invoice, 50_000, received_on=datetime.date(2026, 6, 15))
    invoice.refresh_from_db()

    text = text_of(invoice_receipt_pdf(invoice=invoice))

    assert "領収書" in text
    assert f"R-{invoice.number}" in text
    assert "¥150,000-" in text
    assert "2026年6月15日" in text
    assert "但し2026年度年会費他として" in text
    assert "上記正に領収いたしました。" in text
    assert f"登録番号{REGISTRATION_NUMBER}" in text
    assert "株式会社多摩精密" in text and "御中" in text


def test_no_receipt_while_nothing_is_paid():
    with translation.override("en"), pytest.raises(ApplicationError, match="no receipt"):
        invoice_receipt_pdf(invoice=invoice_issued())


def test_the_pdf_is_stored_once_and_counted_for_its_run():
    organization = organization_with_billing_contact()
    run = InvoiceRun.objects.create(fiscal_year=2026, as_of=datetime.date(2026, 4, 1))
    spec = InvoiceSpec(organization=organization, lines=[LineSpec("年会費", 70_000)], reference="fee:1")
    [invoice], _existing = invoices_issue_new(actor=None, specs=[spec], fiscal_year=2026, run=run)

    invoice_pdf_store(invoice=invoice)
    stored = Invoice.objects.get(pk=invoice.pk)
    invoice_pdf_store(invoice=stored)
    invoice_pdf_store(invoice=Invoice.objects.get(pk=invoice.pk))

    assert stored.pdf.name == f"invoices/{datetime.date.today():%Y}/{invoice.number}.pdf"
    assert stored.pdf.read().startswith(b"%PDF")
    run.refresh_from_db()
    assert run.rendered_count == 1


def test_a_draft_has_no_stored_pdf_but_a_preview():
    organization = organization_with_billing_contact()
    draft = invoice_draft_create(actor=None, organization=organization, lines=[LineSpec("認証マーク使用料", 60_000)])

    with translation.override("en"), pytest.raises(ApplicationError):
        invoice_pdf_store(invoice=draft)
    file, filename = invoice_pdf_open(invoice=draft)

    text = text_of(file.read())
    assert "請求書（下書き）" in text and "株式会社多摩精密" in text
    assert filename == f"draft-{draft.pk}.pdf"
    assert not Invoice.objects.get(pk=draft.pk).pdf


def test_invoices_are_mailed_once_even_when_the_task_runs_twice():
    invoice = mixed_invoice()

    invoices_documents_send_task.delay([invoice.pk])
    invoices_documents_send_task.delay([invoice.pk])

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["keiri@tama.example.jp"]
    assert "請求書送付のご案内" in message.subject and invoice.number in message.subject
    assert "経理 花子 様" in message.body and "¥186,480" in message.body
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (f"{invoice.number}.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    invoice.refresh_from_db()
    assert invoice.mailed_at is not None and invoice.pdf
    mailing = InvoiceMailing.objects.get(invoice=invoice)
    assert (mailing.recipients, mailing.is_resend, mailing.sent_by) == ("keiri@tama.example.jp", False, None)


def test_without_a_billing_contact_email_nothing_is_mailed_or_recorded():
    no_email = invoice_issued(organization_with_billing_contact(email=None))
    no_contact = invoice_issued(OrganizationFactory())
    ContactFactory(organization=no_contact.organization)  # a contact, but not for billing

    assert invoices_documents_send(invoice_ids=[no_email.pk, no_contact.pk]) == 0

    assert mail.outbox == []
    assert not InvoiceMailing.objects.exists()
    for invoice in Invoice.objects.filter(pk__in=[no_email.pk, no_contact.pk]):
        assert invoice.mailed_at is None
        assert invoice.pdf  # stored all the same, ready to download


def test_erased_billing_contacts_and_void_invoices_get_no_mail():
    invoice = invoice_issued(organization_with_billing_contact())
    invoice.organization.contacts.update(erased_at=datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC))
    voided = invoice_issued(organization_with_billing_contact(name="株式会社取消"))
    credit_note_issue(actor=None, invoice=voided, reason="取消")

    assert invoices_documents_send(invoice_ids=[invoice.pk, voided.pk]) == 0
    assert mail.outbox == []
    assert Invoice.objects.get(pk=voided.pk).status == InvoiceStatus.VOID


def test_a_chunk_is_sent_with_a_constant_number_of_reads():
    def queries_for(count: int) -> int:
        ids = [mixed_invoice(organization_with_billing_contact(name=f"株式会社{count}-{i}")).pk for i in range(count)]
        with CaptureQueriesContext(connection) as captured:
            assert invoices_documents_send(invoice_ids=ids) == count
        return len(captured)

    small, large = queries_for(2), queries_for(6)

    per_invoice = (large - small) / 4
    # Per invoice: savepoint, row lock, mailing row, pdf + mailed_at update, release; lines, organisation and
    # contacts are read once per chunk.
    assert per_invoice <= 5
    assert small - 2 * per_invoice <= 3


def test_a_resend_mails_again_and_is_recorded():
    invoice = mixed_invoice()
    invoices_documents_send(invoice_ids=[invoice.pk])
    staff = UserFactory()

    mailing = invoice_resend(actor=staff, invoice=invoice)

    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject.startswith("【再送】")
    assert mail.outbox[1].attachments[0][2] == "application/pdf"
    assert (mailing.is_resend, mailing.sent_by, mailing.recipients) == (True, staff, "keiri@tama.example.jp")
    assert InvoiceMailing.objects.filter(invoice=invoice).count() == 2


def test_a_resend_reaches_an_invoice_never_mailed_and_marks_it_mailed():
    invoice = invoice_issued(OrganizationFactory())
    invoices_documents_send(invoice_ids=[invoice.pk])
    ContactFactory(organization=invoice.organization, is_billing_contact=True, email="new@example.jp")

    invoice_resend(actor=UserFactory(), invoice=invoice)

    assert mail.outbox[0].to == ["new@example.jp"]
    assert Invoice.objects.get(pk=invoice.pk).mailed_at is not None


def a_draft() -> Invoice:
    return invoice_draft_create(actor=None, organization=OrganizationFactory(), lines=[LineSpec("認証", 60_000)])


def a_void_invoice() -> Invoice:
    invoice = invoice_issued(organization_with_billing_contact())
    credit_note_issue(actor=None, invoice=invoice, reason="取消")
    return invoice


def an_invoice_without_billing_email() -> Invoice:
    return invoice_issued(organization_with_billing_contact(email=None))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (a_draft, "A draft cannot be sent"),
        (a_void_invoice, "is void"),
        (an_invoice_without_billing_email, "has no billing contact with an email address"),
    ],
)
def test_a_resend_is_refused_with_a_clear_message(make, message):
    invoice = make()

    with translation.override("en"), pytest.raises(ApplicationError, match=message):
        invoice_resend(actor=UserFactory(), invoice=Invoice.objects.get(pk=invoice.pk))
    assert mail.outbox == []
    assert not InvoiceMailing.objects.exists()


def test_the_run_zip_holds_one_pdf_per_invoice_of_the_run():
    run = InvoiceRun.objects.create(fiscal_year=2026, as_of=datetime.date(2026, 4, 1))
    names = ["株式会社多摩精密", "相模原/電機 株式会社", "八王子工業"]
    specs = [
        InvoiceSpec(organization=OrganizationFactory(name=name), lines=[LineSpec("年会費", 70_000)], reference=f"f:{n}")
        for n, name in enumerate(names)
    ]
    invoices, _existing = invoices_issue_new(actor=None, specs=specs, fiscal_year=2026, run=run)
    invoice_pdf_store(invoice=invoices[0])
    invoice_issued()  # not of the run

    with invoice_run_zip(run=run) as archive, zipfile.ZipFile(archive) as bundle:
        entries = bundle.namelist()
        contents = [bundle.read(name) for name in entries]

    assert entries == [
        f"{invoices[0].number}_株式会社多摩精密.pdf",
        f"{invoices[1].number}_相模原_電機 株式会社.pdf",
        f"{invoices[2].number}_八王子工業.pdf",
    ]
    assert all(content.startswith(b"%PDF") for content in contents)
    assert all(invoice.number in text_of(content) for invoice, content in zip(invoices, contents, strict=True))
    run.refresh_from_db()
    assert run.rendered_count == 3
