"""Payment and statement services: recording, allocating, short payments, credit, imports and the queue.

Every refusal leaves the database as it was: the tests count rows before and after.
"""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import translation

from billing.models import (
    Allocation,
    BankStatement,
    BankStatementLine,
    Invoice,
    InvoiceStatus,
    MatchState,
    PayerAlias,
    Payment,
)
from billing.selectors import organization_credit, payment_list
from billing.services.invoices import LineSpec, billing_settings_update, credit_note_issue, invoice_draft_create
from billing.services.payments import payment_accept_short, payment_allocate, payment_record
from billing.services.statements import bank_statement_import, deposit_ignore, deposit_match
from clusternet.core.exceptions import ApplicationError
from tests.billing.zengin import Entry, zengin_file
from tests.factories import OrganizationFactory, UserFactory, invoice_issued

pytestmark = pytest.mark.django_db
RECEIVED = datetime.date(2026, 5, 20)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def staff():
    return UserFactory(username="keiri")


def snapshot():
    """Everything a payment or an import may write."""
    return (
        Payment.objects.count(), Allocation.objects.count(), BankStatement.objects.count(),
        BankStatementLine.objects.count(), PayerAlias.objects.count(), Payment.history.count(),
        Allocation.history.count(), sorted(Invoice.objects.values_list("pk", "status", "amount_paid")),
    )  # fmt: skip


def refused(action, *, match):
    before = snapshot()
    with pytest.raises(ApplicationError) as caught:
        action()
    assert match in caught.value.message
    assert snapshot() == before
    return caught.value.message


def record(organization, amount, *, staff=None):
    return payment_record(
        actor=staff, organization=organization, received_on=RECEIVED, amount=amount, payer_name="", method="cash"
    )


# -- recording -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "message"),
    [(-5000, "An amount cannot be negative (¥-5,000)."), (0, "An amount must be more than ¥0."),
     (12.5, "An amount is a whole number of yen.")],
)  # fmt: skip
def test_negative_zero_and_fractional_amounts_are_refused(member_org, staff, amount, message):
    refused(lambda: record(member_org, amount, staff=staff), match=message)


def test_a_payment_is_recorded_with_its_history(member_org, staff):
    payment = record(member_org, 70000, staff=staff)
    assert (payment.payer_name, payment.amount, payment.unallocated) == ("株式会社多摩精密", 70000, 70000)
    assert payment.history.get().history_user == staff


def test_future_dates_and_unknown_methods_are_refused(member_org, staff):
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    refused(
        lambda: payment_record(actor=staff, organization=member_org, received_on=tomorrow, amount=1, payer_name="",
                               method="bank_transfer"),
        match="future",
    )  # fmt: skip
    refused(
        lambda: payment_record(actor=staff, organization=member_org, received_on=RECEIVED, amount=1, payer_name="",
                               method="bitcoin"),
        match="Unknown payment method",
    )  # fmt: skip


# -- allocating -------------------------------------------------------------------------------------------------


def test_partial_payment_makes_the_invoice_partially_paid(member_org, staff):
    invoice = invoice_issued(member_org, 70000)
    payment = record(member_org, 30000, staff=staff)
    [allocation] = payment_allocate(actor=staff, payment=payment, allocations=[(invoice, 30000)])
    invoice.refresh_from_db()
    payment.refresh_from_db()
    assert (invoice.status, invoice.amount_paid, invoice.balance) == (InvoiceStatus.PARTIALLY_PAID, 30000, 40000)
    assert payment.unallocated == 0
    assert allocation.history.get().history_user == staff
    assert invoice.history.first().history_user == staff


def test_overpayment_leaves_a_credit_and_is_never_applied_silently(member_org, staff):
    invoice = invoice_issued(member_org, 70000)
    later = invoice_issued(member_org, 5500, tag="event")
    payment = record(member_org, 80000, staff=staff)
    payment_allocate(actor=staff, payment=payment, allocations=[(invoice, 70000)])
    payment.refresh_from_db()
    later.refresh_from_db()
    assert payment.unallocated == 10000
    assert organization_credit(member_org) == 10000
    assert later.status == InvoiceStatus.ISSUED and later.amount_paid == 0
    assert list(payment_list(viewer=staff, unallocated=True)) == [payment]


def test_allocating_more_than_the_payment_is_refused(member_org, staff):
    first, second = invoice_issued(member_org, 70000, tag="a"), invoice_issued(member_org, 70000, tag="b")
    payment = record(member_org, 100000, staff=staff)
    refused(
        lambda: payment_allocate(actor=staff, payment=payment, allocations=[(first, 70000), (second, 40000)]),
        match="Allocating ¥110,000 is more than the ¥100,000 of this payment not yet allocated.",
    )


def test_allocating_more_than_the_invoice_balance_is_refused(member_org, staff):
    invoice = invoice_issued(member_org, 70000)
    payment = record(member_org, 100000, staff=staff)
    refused(
        lambda: payment_allocate(actor=staff, payment=payment, allocations=[(invoice, 70001)]),
        match="¥70,001 is more than the ¥70,000 still owed on invoice",
    )


def test_negative_allocation_is_refused(member_org, staff):
    invoice = invoice_issued(member_org, 70000)
    payment = record(member_org, 70000, staff=staff)
    refused(lambda: payment_allocate(actor=staff, payment=payment, allocations=[(invoice, -1)]), match="negative")


def test_draft_void_paid_credit_note_and_foreign_invoices_are_refused(member_org, other_org, staff):
    payment = record(member_org, 100000, staff=staff)
    draft = invoice_draft_create(actor=staff, organization=member_org, lines=[LineSpec("講習会", 5000)])
    refused(lambda: payment_allocate(actor=staff, payment=payment, allocations=[(draft, 5000)]), match="is a draft")
    credited = invoice_issued(member_org, 5000, tag="credited")
    note = credit_note_issue(actor=staff, invoice=credited, reason="二重請求")
    refused(lambda: payment_allocate(actor=staff, payment=payment, allocations=[(note, 10)]), match="credit note")
    credited.refresh_from_db()
    refused(lambda: payment_allocate(actor=staff, payment=payment, allocations=[(credited, 10)]), match="void")
    foreign = invoice_issued(other_org, 5000)
    refused(
        lambda: payment_allocate(actor=staff, payment=payment, allocations=[(foreign, 5000)]),
        match="another organisation than the payment's",
    )
    paid = invoice_issued(member_org, 5000, tag="paid")
    payment_allocate(actor=staff, payment=payment, allocations=[(paid, 5000)])
    refused(lambda: payment_allocate(actor=staff, payment=payment, allocations=[(paid, 1)]), match="paid already")


def test_a_payment_without_organisation_takes_it_from_the_invoice(member_org, staff):
    invoice = invoice_issued(member_org, 70000)
    payment = payment_record(
        actor=staff, organization=None, received_on=RECEIVED, amount=70000, payer_name="ﾀﾏｾｲﾐﾂ", method="cash"
    )
    payment_allocate(actor=staff, payment=payment, allocations=[(invoice, 70000)])
    payment.refresh_from_db()
    assert payment.organization == member_org


# -- short payments ------------------------------------------------------------------------------------------------


def test_short_payment_within_tolerance_is_accepted_by_staff_as_a_bank_fee(member_org, staff):
    invoice = invoice_issued(member_org, 70000)
    payment = record(member_org, 69340, staff=staff)
    allocation = payment_accept_short(actor=staff, payment=payment, invoice=invoice)
    assert (allocation.amount, allocation.bank_fee, allocation.automatic) == (69340, 660, False)
    invoice.refresh_from_db()
    payment.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.amount_paid == 70000
    assert payment.amount_allocated == 69340 and payment.unallocated == 0


def test_short_payment_beyond_tolerance_is_refused(member_org, staff):
    billing_settings_update(actor=None, data={"short_payment_tolerance": 440})
    invoice = invoice_issued(member_org, 70000)
    payment = record(member_org, 69340, staff=staff)
    message = refused(lambda: payment_accept_short(actor=staff, payment=payment, invoice=invoice), match="¥660 short")
    assert "¥440" in message


def test_a_bank_fee_after_a_partial_allocation(member_org, staff):
    invoice = invoice_issued(member_org, 70000)
    payment = record(member_org, 69560, staff=staff)
    payment_allocate(actor=staff, payment=payment, allocations=[(invoice, 69560)])
    allocation = payment_accept_short(actor=staff, payment=payment, invoice=invoice)
    assert (allocation.amount, allocation.bank_fee) == (0, 440)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID


def test_nothing_short_is_not_a_bank_fee(member_org, staff):
    invoice = invoice_issued(member_org, 70000)
    payment = record(member_org, 70000, staff=staff)
    refused(lambda: payment_accept_short(actor=staff, payment=payment, invoice=invoice), match="Nothing is short")


# -- statements ------------------------------------------------------------------------------------------------


def test_reimporting_the_same_file_creates_nothing(member_org, staff):
    invoice_issued(member_org, 70000)
    content = zengin_file([Entry(70000, "ｶ)ﾀﾏｾｲﾐﾂ"), Entry(1000, "ﾌﾒｲ")])
    first = bank_statement_import(actor=staff, filename="a.txt", content=content)
    assert not getattr(first, "already_imported", False)
    before = snapshot()
    again = bank_statement_import(actor=staff, filename="a-copy.txt", content=content)
    assert again.pk == first.pk and again.already_imported
    assert snapshot() == before


def test_an_overlapping_file_skips_deposits_already_imported(member_org, staff):
    invoice_issued(member_org, 70000)
    monday = [Entry(70000, "ｶ)ﾀﾏｾｲﾐﾂ", inquiry_number=101), Entry(1000, "ﾌﾒｲ", inquiry_number=102)]
    tuesday = [*monday, Entry(2000, "ﾌﾒｲ", inquiry_number=103)]
    bank_statement_import(actor=staff, filename="mon.txt", content=zengin_file(monday))
    statement = bank_statement_import(
        actor=staff, filename="tue.txt", content=zengin_file(tuesday, created_on=datetime.date(2026, 5, 22))
    )
    assert (statement.line_count, statement.duplicate_count, statement.new_count) == (3, 2, 1)
    assert Payment.objects.count() == 3
    assert statement.lines.get().amount == 2000


def test_overlapping_csv_files_are_recognised_by_digest_including_repeated_identical_deposits(staff):
    monday = "2026/05/18,5000,ﾔﾏﾀﾞ\n2026/05/18,5000,ﾔﾏﾀﾞ\n"
    tuesday = monday + "2026/05/19,5000,ﾔﾏﾀﾞ\n"
    bank_statement_import(actor=staff, filename="mon.csv", content=monday.encode())
    statement = bank_statement_import(actor=staff, filename="tue.csv", content=tuesday.encode())
    assert (statement.duplicate_count, statement.new_count) == (2, 1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (zengin_file([Entry(70000, "ﾀﾏ")], line_breaks=False)[:-30], "truncated"),
        (zengin_file([Entry(70000, "ｶ)ﾀﾏｾｲﾐﾂ")]).decode("cp932").encode("utf-8"), "UTF-8"),
        (zengin_file([Entry(70000, "ﾀﾏ")]).replace(b"000000070000", b"000000070001"), "trailer record 3"),
        ("2026/05/20,-70000,ﾀﾏ\n".encode(), "Row 1: the amount -70000 is negative"),
        (b"this is not a bank file\n", "The file holds no deposits."),
        (b"2026/05/20,70000,TAMA\n20260521;1000;HINO\n", "Row 2: expected three columns"),
        (b"103" + b"x" * 60, "The file ends in the middle of record 1"),
    ],
    ids=["truncated", "utf8", "trailer-mismatch", "negative-csv", "not-a-bank-file", "malformed-csv", "malformed"],
)
def test_a_bad_file_is_refused_whole_and_nothing_is_written(member_org, staff, content, message):
    invoice_issued(member_org, 70000)
    refused(lambda: bank_statement_import(actor=staff, filename="bad.txt", content=content), match=message)


def test_import_counts_and_statement_fields(member_org, staff):
    invoice_issued(member_org, 70000)
    entries = [Entry(70000, "ｶ)ﾀﾏｾｲﾐﾂ"), Entry(1000, "ﾌﾒｲ"), Entry(500, "ﾃｽｳﾘﾖｳ", withdrawal=True)]
    content = zengin_file(entries, kind="03")
    statement = bank_statement_import(actor=staff, filename="meisai.txt", content=content)
    assert statement.file_format == "zengin" and statement.filename == "meisai.txt"
    assert (statement.line_count, statement.total_amount, statement.new_count) == (2, 71000, 2)
    assert (statement.auto_allocated_count, statement.queued_count, statement.duplicate_count) == (1, 1, 0)
    assert statement.imported_by == staff and "1234567" in statement.account
    assert [h.history_user for h in BankStatementLine.history.all()] == [staff, staff]


def test_deposit_match_with_a_short_payment_accepted(member_org, staff):
    invoice = invoice_issued(member_org, 70000)
    statement = bank_statement_import(actor=staff, filename="a.txt", content=zengin_file([Entry(69340, "ｶ)ﾀﾏｾｲﾐﾂ")]))
    line = statement.lines.get()
    assert line.state == MatchState.QUEUED
    assert line.suggestions == [{"invoice": invoice.pk, "reasons": ["kana", "short_payment"]}]
    deposit_match(actor=staff, line=line, organization=member_org, allocations=[(invoice, 69340)], bank_fee_for=invoice)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert Allocation.objects.get(invoice=invoice).bank_fee == 660


def test_deposit_match_without_allocation_keeps_the_money_as_credit(member_org, staff):
    statement = bank_statement_import(actor=staff, filename="a.txt", content=zengin_file([Entry(9000, "ﾀﾏｾｲﾐﾂ")]))
    deposit_match(actor=staff, line=statement.lines.get(), organization=member_org, allocations=[])
    assert organization_credit(member_org) == 9000


def test_deposit_match_refuses_another_organisations_invoice_and_a_line_dealt_with(member_org, other_org, staff):
    foreign = invoice_issued(other_org, 9000)
    statement = bank_statement_import(actor=staff, filename="a.txt", content=zengin_file([Entry(9000, "ﾌﾒｲ")]))
    line = statement.lines.get()
    refused(
        lambda: deposit_match(actor=staff, line=line, organization=member_org, allocations=[(foreign, 9000)]),
        match="another organisation",
    )
    deposit_ignore(actor=staff, line=line, reason="仕入先からの返金")
    refused(
        lambda: deposit_match(actor=staff, line=line, organization=other_org, allocations=[(foreign, 9000)]),
        match="dealt with already",
    )


def test_ignored_deposits_leave_the_queue_and_the_unallocated_list(staff):
    statement = bank_statement_import(actor=staff, filename="a.txt", content=zengin_file([Entry(120, "ﾘｿｸ")]))
    line = statement.lines.get()
    refused(lambda: deposit_ignore(actor=staff, line=line, reason=" "), match="Say why")
    deposit_ignore(actor=staff, line=line, reason="預金利息")
    line.refresh_from_db()
    assert line.state == MatchState.IGNORED and "預金利息" in line.payment.note
    assert list(payment_list(viewer=staff, unallocated=True)) == []
    assert line.history.first().history_user == staff


def test_staff_and_anyone_else_see_payments_differently(member_org, users):
    record(member_org, 1000)
    assert payment_list(viewer=users["secretariat"]).count() == 1
    assert payment_list(viewer=users["member"]).count() == 0
    assert organization_credit(OrganizationFactory()) == 0


@pytest.mark.django_db(transaction=True)
def test_two_overlapping_files_imported_at_the_same_moment(member_org):
    """Each thread its own connection; the import lock makes the second skip what the first imported."""
    invoice_issued(member_org, 70000)
    shared = [Entry(70000, "ｶ)ﾀﾏｾｲﾐﾂ", inquiry_number=1), Entry(1000, "ﾌﾒｲ", inquiry_number=2)]
    files = [zengin_file([*shared, Entry(2000, "ﾌﾒｲ", inquiry_number=3)]), zengin_file(shared)]
    start, errors = threading.Barrier(2), []

    def worker(content):
        try:
            start.wait()
            bank_statement_import(actor=None, filename="x.txt", content=content)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(content,)) for content in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Payment.objects.count() == 3
    # Whichever came second found the two shared deposits imported.
    assert sorted(BankStatement.objects.values_list("duplicate_count", flat=True)) == [0, 2]
    assert Allocation.objects.count() == 1


def test_allocating_a_queued_deposit_from_its_payment_resolves_it_and_remembers_the_payer(member_org, staff):
    invoice = invoice_issued(member_org, 70000)
    statement = bank_statement_import(actor=staff, filename="a.txt", content=zengin_file([Entry(70000, "ﾀﾏ ｹｲﾘ")]))
    line = statement.lines.get()
    payment_allocate(actor=staff, payment=line.payment, allocations=[(invoice, 70000)])
    line.refresh_from_db()
    assert line.state == MatchState.MATCHED
    assert PayerAlias.objects.get(payer_key="タマケイリ").organization == member_org
