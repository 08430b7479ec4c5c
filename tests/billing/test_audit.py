"""The billing audit log: invoices, payments and allocations together, who changed what, newest first."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from billing.audit import billing_audit_log
from billing.services.invoices import InvoiceSpec, LineSpec, credit_note_issue, invoices_issue_new
from tests.billing.payments_helper import pay
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def issue_many(actor, count: int, tag: str = ""):
    specs = [
        InvoiceSpec(organization=OrganizationFactory(), lines=[LineSpec("年会費", 70_000)], reference=f"audit{tag}:{i}")
        for i in range(count)
    ]
    created, _existing = invoices_issue_new(actor=actor, specs=specs, fiscal_year=2026)
    return created


def test_a_payment_shows_as_payment_allocation_and_the_invoice_change_with_the_acting_user(users):
    staff = users["secretariat"]
    (invoice,) = issue_many(staff, 1)
    pay(invoice, 70_000, actor=staff)

    with translation.override("en"):
        entries = list(billing_audit_log(viewer=staff)[0:10])
        actions = [e.action for e in entries]

    assert actions == ["Changed", "Changed", "Recorded", "Recorded", "Changed", "Recorded"]
    assert [(e.kind, e.history_type) for e in entries] == [
        ("payment", "~"),  # allocated
        ("invoice", "~"),  # paid
        ("allocation", "+"),
        ("payment", "+"),
        ("invoice", "~"),  # issued
        ("invoice", "+"),  # drafted
    ]
    assert all(e.who == staff for e in entries)
    allocated, paid, allocation, payment, issued, drafted = entries
    assert ("allocated", "0", "70,000") in {(c.field, c.old, c.new) for c in allocated.changes}
    assert {(c.field, c.old, c.new) for c in paid.changes} == {("paid", "0", "70,000"), ("status", "Issued", "Paid")}
    assert paid.subject == f"{invoice.number} · {invoice.organization.name}"
    assert allocation.subject == f"¥70,000 from payment #{payment.object_id} to invoice {invoice.number}"
    assert payment.subject.startswith("¥70,000 · ")
    assert ("number", "—", invoice.number) in {(c.field, c.old, c.new) for c in issued.changes}
    assert drafted.changes == []


def test_bulk_issued_invoices_carry_the_user_who_ran_it(users):
    admin = users["administrator"]
    issue_many(admin, 3)

    entries = list(billing_audit_log(viewer=admin, kind="invoice")[0:50])

    assert len(entries) == 6  # drafted and issued, in bulk
    assert {e.who for e in entries} == {admin}


def test_a_credit_note_shows_what_it_changed_on_the_invoice(users):
    staff = users["secretariat"]
    (invoice,) = issue_many(staff, 1)
    credit_note_issue(actor=staff, invoice=invoice, reason="二重請求")

    with translation.override("en"):
        entries = list(billing_audit_log(viewer=staff, kind="invoice")[0:1])

    assert {(c.field, c.old, c.new) for c in entries[0].changes} == {
        ("credited", "0", "70,000"),
        ("status", "Issued", "Void"),
    }


def test_one_kind_alone(users):
    staff = users["secretariat"]
    (invoice,) = issue_many(staff, 1)
    pay(invoice, 10_000, actor=staff)

    assert [(e.kind, e.history_type) for e in billing_audit_log(viewer=staff, kind="payment")[0:10]] == [
        ("payment", "~"),
        ("payment", "+"),
    ]
    assert billing_audit_log(viewer=staff, kind="allocation").count() == 1


@pytest.mark.parametrize("role", ["coordinator", "member", "bank", "evaluator"])
def test_only_staff_read_the_log(users, role):
    issue_many(users["secretariat"], 1)
    log = billing_audit_log(viewer=users[role])
    assert log.count() == 0 and list(log[0:10]) == []


def test_a_page_costs_the_same_queries_however_long_the_history(users):
    staff = users["secretariat"]

    def page_queries(count: int, tag: str) -> int:
        for invoice in issue_many(staff, count, tag):
            pay(invoice, 1_000, actor=staff)
        with CaptureQueriesContext(connection) as captured:
            page = Paginator(billing_audit_log(viewer=staff), 25).get_page(1)
            assert len(list(page)) == 25
        return len(captured.captured_queries)

    assert page_queries(5, "a") == page_queries(40, "b")
