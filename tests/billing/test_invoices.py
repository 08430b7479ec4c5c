"""Invoice services: numbering, tax per rate, the frozen issued invoice, credit notes and corrections."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction

from billing.models import DocumentType, Invoice, InvoiceLine, InvoiceStatus, Payment, TaxRounding
from billing.services.invoices import (
    LineSpec,
    billing_settings_update,
    credit_note_issue,
    invoice_correct,
    invoice_draft_create,
    invoice_draft_update,
    invoice_for_reference,
    invoice_issue,
    invoice_money_save,
    invoice_void_draft,
    totals_for,
)
from clusternet.core.exceptions import ApplicationError
from tests.factories import ContactFactory, OrganizationFactory, invoice_issued

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_tax_is_rounded_once_per_rate_for_the_whole_invoice():
    lines = [
        LineSpec("評価", 333, 1, "standard_10"),
        LineSpec("評価", 333, 1, "standard_10"),
        LineSpec("弁当", 105, 1, "reduced_8"),
        LineSpec("会費", 70000),
    ]
    totals = totals_for(lines, TaxRounding.FLOOR)
    # 666 × 10% = 66.6 → 66 once, not 33 + 33 rounded per line; 105 × 8% = 8.4 → 8.
    assert totals.summary == [
        {"category": "out_of_scope", "base": 70000, "tax": 0},
        {"category": "standard_10", "base": 666, "tax": 66},
        {"category": "reduced_8", "base": 105, "tax": 8},
    ]
    assert (totals.subtotal, totals.tax_total, totals.total) == (70771, 74, 70845)
    assert totals_for(lines, TaxRounding.HALF_UP).tax_total == 67 + 8
    assert totals_for(lines, TaxRounding.CEILING).tax_total == 67 + 9


def test_issue_snapshots_recipient_and_issuer_and_numbers_in_sequence():
    billing_settings_update(
        actor=None,
        data={
            "issuer_name": "多摩産業ネットワーク",
            "registration_number": "T3000012010001",
            "bank_account": "多摩信金",
        },
    )
    organization = OrganizationFactory(name="株式会社多摩精密", prefecture="13", city="八王子市", address_line="1-2-3")
    ContactFactory(organization=organization, is_billing_contact=True, department="総務部")
    first = invoice_issued(organization, 70000, tag="a")
    second = invoice_issued(organization, 10000, tag="b")
    assert (first.number, second.number) == (f"{first.fiscal_year}-00001", f"{first.fiscal_year}-00002")
    assert first.recipient_name == "株式会社多摩精密"
    assert first.recipient_department == "総務部"
    assert first.recipient_address == "東京都八王子市1-2-3"
    assert first.recipient_honorific == "御中"
    assert (first.issuer_name, first.registration_number) == ("多摩産業ネットワーク", "T3000012010001")
    assert first.due_on == first.issued_on + datetime.timedelta(days=30)
    # The snapshot does not follow later edits of the organisation.
    organization.name = "多摩精密ホールディングス株式会社"
    organization.save()
    first.refresh_from_db()
    assert first.recipient_name == "株式会社多摩精密"


def test_billing_the_same_reference_twice_returns_the_existing_invoice():
    organization = OrganizationFactory()
    lines = [LineSpec("セミナー参加費", 5000, 2, "standard_10")]
    first = invoice_for_reference(actor=None, organization=organization, reference="event-registration:7", lines=lines)
    again = invoice_for_reference(actor=None, organization=organization, reference="event-registration:7", lines=lines)
    assert again.pk == first.pk
    assert first.total == 11000
    assert Invoice.objects.count() == 1


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([LineSpec("値引き", -1000)], "Amounts cannot be negative."),
        ([], "at least one line"),
        ([LineSpec(" ", 1000)], "description"),
        ([LineSpec("会費", 1000, 1, "standard_5")], "Unknown tax category"),
        ([LineSpec("会費", 0)], "for nothing"),
    ],
)
def test_bad_lines_are_refused_and_nothing_is_written(lines, message):
    with pytest.raises(ApplicationError, match=message):
        invoice_for_reference(actor=None, organization=OrganizationFactory(), reference="x:1", lines=lines)
    assert Invoice.objects.count() == 0


def test_registration_number_check_digit_is_validated():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        billing_settings_update(actor=None, data={"registration_number": "T1234567890123"})


def test_draft_gets_its_number_only_when_issued_and_a_voided_draft_leaves_no_gap():
    organization = OrganizationFactory()
    draft = invoice_draft_create(
        actor=None, organization=organization, lines=[LineSpec("認証マーク使用料", 60000, 1, "standard_10")]
    )
    assert draft.number is None and draft.total == 66000
    voided = invoice_draft_create(actor=None, organization=organization, lines=[LineSpec("誤り", 1000)])
    invoice_void_draft(actor=None, invoice=voided)
    draft = invoice_draft_update(
        actor=None, invoice=draft, lines=[LineSpec("認証マーク使用料", 60000, 2, "standard_10")], note=""
    )
    issued = invoice_issue(actor=None, invoice=draft)
    assert issued.number.endswith("-00001") and issued.total == 132000
    with pytest.raises(ApplicationError, match="has been issued"):
        invoice_draft_update(actor=None, invoice=issued, lines=[LineSpec("x", 1)], note="")


def test_the_database_refuses_to_change_an_issued_invoice():
    invoice = invoice_issued(OrganizationFactory(), 70000)
    for change in ({"total": 1, "subtotal": 1}, {"number": "2026-99999"}, {"recipient_name": "別の会社"}):
        with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic():
            Invoice.objects.filter(pk=invoice.pk).update(**change)
    with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic():
        InvoiceLine.objects.filter(invoice=invoice).update(unit_price=1, amount=1)
    with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic():
        InvoiceLine.objects.create(invoice=invoice, description="追加", unit_price=1, amount=1)
    with pytest.raises(DatabaseError, match="cannot be deleted"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM billing_invoice WHERE id = %s", [invoice.pk])
    invoice.refresh_from_db()
    assert (invoice.total, invoice.recipient_name, invoice.lines.count()) == (70000, invoice.organization.name, 1)


def test_partial_credit_note_reduces_what_is_due_and_full_credit_voids():
    invoice = invoice_issued(OrganizationFactory(), 70000)
    note = credit_note_issue(actor=None, invoice=invoice, reason="値引き", lines=[LineSpec("値引き", 20000)])
    invoice.refresh_from_db()
    assert note.document_type == DocumentType.CREDIT_NOTE and note.number.startswith("C")
    assert note.credit_note_for == invoice and note.total == 20000
    assert (invoice.amount_credited, invoice.balance, invoice.status) == (20000, 50000, InvoiceStatus.ISSUED)
    credit_note_issue(actor=None, invoice=invoice, reason="退会")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.VOID and invoice.balance == 0


def test_credit_note_larger_than_its_invoice_is_refused():
    invoice = invoice_issued(OrganizationFactory(), 70000)
    with pytest.raises(ApplicationError, match="larger than the ¥70,000 left"):
        credit_note_issue(actor=None, invoice=invoice, reason="誤り", lines=[LineSpec("取消", 70001)])
    assert Invoice.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.amount_credited == 0


def test_crediting_a_paid_invoice_leaves_the_money_as_credit_on_the_organisation():
    invoice = invoice_issued(OrganizationFactory(), 70000)
    payment = Payment.objects.create(
        organization=invoice.organization, received_on=datetime.date(2026, 5, 1), amount=70000
    )
    invoice.allocations.create(payment=payment, amount=70000)
    Payment.objects.filter(pk=payment.pk).update(amount_allocated=70000)
    invoice.amount_paid = 70000
    invoice_money_save(actor=None, invoice=invoice)
    assert invoice.status == InvoiceStatus.PAID

    credit_note_issue(actor=None, invoice=invoice, reason="特例適用", lines=[LineSpec("特例による減額", 35000)])
    invoice.refresh_from_db()
    payment.refresh_from_db()
    assert (invoice.amount_paid, invoice.status) == (35000, InvoiceStatus.PAID)
    assert payment.unallocated == 35000
    assert list(invoice.allocations.values_list("amount", flat=True)) == [70000, -35000]


def test_correction_is_a_full_credit_note_and_a_new_invoice_for_the_same_item():
    invoice = invoice_issued(OrganizationFactory(), 70000, reference="membership-fee:2026:1")
    credit_note, replacement = invoice_correct(
        actor=None, invoice=invoice, lines=[LineSpec("2026年度 年会費", 35000)], reason="会費区分の誤り"
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.VOID and credit_note.total == 70000
    assert replacement.replaces == invoice and replacement.reference == invoice.reference
    assert replacement.total == 35000 and replacement.status == InvoiceStatus.ISSUED
    assert replacement.number != invoice.number
    # The item still counts as billed: billing it again returns the original.
    again = invoice_for_reference(
        actor=None, organization=invoice.organization, reference=invoice.reference, lines=[LineSpec("x", 1)]
    )
    assert again.pk == invoice.pk


def test_changes_are_in_the_audit_history_with_the_actor(users):
    staff = users["secretariat"]
    draft = invoice_draft_create(
        actor=staff, organization=OrganizationFactory(), lines=[LineSpec("講習会", 8000, 1, "standard_10")]
    )
    invoice = invoice_issue(actor=staff, invoice=draft)
    credit_note_issue(actor=staff, invoice=invoice, reason="欠席")
    history = list(invoice.history.order_by("history_date").values_list("status", "history_user"))
    assert history == [("draft", staff.pk), ("issued", staff.pk), ("void", staff.pk)]
