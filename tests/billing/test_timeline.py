"""Billing's entries on the organisation's timeline."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from billing.services.invoices import credit_note_issue
from billing.timeline import billing_timeline_entries
from members.timeline import organization_timeline
from tests.billing.payments_helper import pay
from tests.factories import invoice_issued

pytestmark = pytest.mark.django_db


def test_invoices_credit_notes_and_payments_appear_with_amount_and_status(users, member_org):
    invoice = invoice_issued(member_org, 70_000, tag="a")
    second = invoice_issued(member_org, 30_000, tag="b")
    pay(invoice, 70_000, actor=users["secretariat"])
    note = credit_note_issue(actor=users["secretariat"], invoice=second, reason="重複")

    with translation.override("en"):
        entries = organization_timeline(viewer=users["secretariat"], organization=member_org)

    billing = {(e.category, e.title, e.detail) for e in entries if e.category in ("Invoices", "Payments")}
    assert billing == {
        ("Invoices", f"Invoice {invoice.number} issued", "¥70,000 · Paid"),
        ("Invoices", f"Invoice {second.number} issued", "¥30,000 · Void"),
        ("Invoices", f"Credit note {note.number} for invoice {second.number}", "¥30,000"),
        ("Payments", "Payment of ¥70,000 received", f"{member_org.name} · Bank transfer"),
    }


def test_the_organisations_own_member_user_sees_them_and_others_do_not(users, member_org, bank_org):
    invoice_issued(member_org, 70_000)

    assert len(list(billing_timeline_entries(member_org, users["member"]))) == 1
    assert list(billing_timeline_entries(member_org, users["bank"])) == []
    assert list(billing_timeline_entries(member_org, users["evaluator"])) == []


def test_two_queries_however_long_the_history(users, member_org):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            list(billing_timeline_entries(member_org, users["secretariat"]))
        return len(captured.captured_queries)

    invoice_issued(member_org, 1_000, tag="first")
    few = queries()
    for i in range(8):
        pay(invoice_issued(member_org, 2_000, tag=str(i)), 1_000)
    assert queries() == few == 2
