"""Bank statements: importing a file, reconciling its deposits, and staff deciding the rest.

An import is one transaction: either the whole file is read, its new deposits become statement lines and
payments and are reconciled, or (a bad file) nothing is written. The same file again (same SHA-256) returns
the statement already imported; a deposit already imported from an overlapping file (same dedupe key) is
skipped and counted.
"""

import datetime
import hashlib
from collections import Counter
from collections.abc import Sequence

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from billing.fiscal import today
from billing.models import (
    OPEN_INVOICE_STATUSES,
    Allocation,
    BankStatement,
    BankStatementLine,
    Invoice,
    MatchState,
    Payment,
    PaymentMethod,
)
from billing.reconciliation import Decision, Matcher, matcher_load, payer_key
from billing.services.invoices import billing_settings_get, invoice_status_for
from billing.services.payments import deposit_resolve, payment_allocate
from billing.statements import Deposit, ParsedStatement, StatementError, parse_statement
from clusternet.core.exceptions import ApplicationError
from members.models import Organization, User

BATCH_SIZE = 1000


def dedupe_key(deposit: Deposit, occurrence: int) -> str:
    """The bank's reference (照会番号) with the account, date and amount; a digest when there is none.

    `occurrence` tells apart identical deposits (same day, amount and payer) within one file, so that a file
    overlapping it later has the same keys for the same deposits.
    """
    if deposit.inquiry_number and deposit.account is not None:
        return (f"z:{deposit.account.key}:{deposit.inquiry_number}:{deposit.transaction_on:%Y%m%d}:{deposit.amount}")[
            :80
        ]
    text = f"{deposit.transaction_on:%Y%m%d}|{deposit.amount}|{payer_key(deposit.payer_name) or deposit.payer_name}"
    return "d:" + hashlib.sha256(f"{text}|{occurrence}".encode()).hexdigest()


def _keys_for(deposits: Sequence[Deposit]) -> list[str]:
    seen: Counter[tuple[datetime.date, int, str]] = Counter()
    keys = []
    for deposit in deposits:
        identity = (deposit.transaction_on, deposit.amount, deposit.payer_name)
        keys.append(dedupe_key(deposit, seen[identity]))
        seen[identity] += 1
    return keys


# Any constant: the key of the PostgreSQL advisory lock that lets one import run at a time.
IMPORT_LOCK_KEY = 0x5A454E47  # "ZENG"


def _lock_imports() -> None:
    """Imports run one after another (until the transaction ends): a file imported at the same moment as
    the same file, or as an overlapping one, then sees the other's deposits and skips them instead of
    failing on the unique dedupe key. Imports are rare and take seconds, so waiting costs nothing."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


def _parse(content: bytes) -> ParsedStatement:
    try:
        return parse_statement(content, today=today())
    except StatementError as error:
        raise ApplicationError(error.message, extra={"field": "file"}) from None


@transaction.atomic
def bank_statement_import(*, actor: User | None, filename: str, content: bytes) -> BankStatement:
    """Imports a Zengin or CSV file and reconciles its new deposits. Rejects a bad file whole.

    Importing the same file again returns the statement of the first import, with `already_imported` set on
    it and nothing written.
    """
    sha256 = hashlib.sha256(content).hexdigest()
    _lock_imports()
    existing = BankStatement.objects.filter(sha256=sha256).first()
    if existing is not None:
        existing.already_imported = True  # type: ignore[attr-defined]
        return existing
    parsed = _parse(content)
    statement = BankStatement(
        file_format=parsed.file_format, filename=filename[:200], sha256=sha256, account=parsed.account_label[:200],
        line_count=len(parsed.deposits), total_amount=parsed.total_amount, imported_by=actor,
    )  # fmt: skip
    statement.save()

    keys = _keys_for(parsed.deposits)
    known = set(BankStatementLine.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))
    new: list[tuple[Deposit, str]] = []
    for deposit, key in zip(parsed.deposits, keys, strict=True):
        if key not in known:
            known.add(key)  # the same reference twice in one file is one deposit
            new.append((deposit, key))
    statement.duplicate_count = len(parsed.deposits) - len(new)
    statement.new_count = len(new)

    payments = [_payment_for(deposit, actor) for deposit, _key in new]
    lines = [
        _line_for(deposit, key=key, statement=statement, payment=payment)
        for (deposit, key), payment in zip(new, payments, strict=True)
    ]
    # Decided before anything is written, so that payments and lines are inserted once, as they end up.
    allocations, invoices = _reconcile(actor=actor, lines=lines, payments=payments)
    bulk_create_with_history(payments, Payment, batch_size=BATCH_SIZE, default_user=actor)
    bulk_create_with_history(lines, BankStatementLine, batch_size=BATCH_SIZE, default_user=actor)
    bulk_create_with_history(allocations, Allocation, batch_size=BATCH_SIZE, default_user=actor)
    _invoices_paid_save(actor=actor, invoices=invoices)
    statement.auto_allocated_count = len(allocations)
    statement.queued_count = len(lines) - len(allocations)
    statement.save(update_fields=["duplicate_count", "new_count", "auto_allocated_count", "queued_count"])
    return statement


def _payment_for(deposit: Deposit, actor: User | None) -> Payment:
    """A deposit's payment: whose it is stays open until it is matched."""
    note = _("Bank deposit, reference %(reference)s") % {"reference": deposit.inquiry_number}
    return Payment(
        received_on=deposit.transaction_on, amount=deposit.amount, payer_name=deposit.payer_name[:200],
        method=PaymentMethod.BANK_TRANSFER, recorded_by=actor, note=note if deposit.inquiry_number else "",
    )  # fmt: skip


def _line_for(deposit: Deposit, *, key: str, statement: BankStatement, payment: Payment) -> BankStatementLine:
    return BankStatementLine(
        statement=statement, line_number=deposit.line_number, transaction_on=deposit.transaction_on,
        amount=deposit.amount, payer_name=deposit.payer_name[:200], payer_key=payer_key(deposit.payer_name)[:200],
        remitter_code=deposit.remitter_code[:20], edi_info=deposit.edi_info[:40], dedupe_key=key, payment=payment,
        state=MatchState.QUEUED,
    )  # fmt: skip


def _reconcile(
    *, actor: User | None, lines: Sequence[BankStatementLine], payments: Sequence[Payment]
) -> tuple[list[Allocation], list[Invoice]]:
    """Decides every new deposit (see billing.reconciliation): sets the lines' state and suggestions and the
    automatically allocated payments' organisation and allocated amount; returns the allocations to insert
    and the invoices to update.

    The invoices to allocate to are locked and checked again: one paid by hand since the matcher read it no
    longer fits, and its deposit stays queued.
    """
    matcher = matcher_load(tolerance=billing_settings_get().short_payment_tolerance)
    planned: list[tuple[BankStatementLine, Payment, int]] = []
    for line, payment in zip(lines, payments, strict=True):
        decision = _decide(matcher, line)
        line.suggestions = decision.suggestions
        if decision.invoice is not None:
            planned.append((line, payment, decision.invoice.id))
    if not planned:
        return [], []
    ids = sorted({invoice_id for _line, _payment, invoice_id in planned})
    invoices = {
        invoice.pk: invoice for invoice in Invoice.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }
    now = timezone.now()
    allocations: list[Allocation] = []
    changed: dict[int, Invoice] = {}
    for line, payment, invoice_id in planned:
        invoice = invoices.get(invoice_id)
        if invoice is None or invoice.status not in OPEN_INVOICE_STATUSES or invoice.balance != payment.amount:
            continue
        invoice.amount_paid += payment.amount
        invoice.status = invoice_status_for(invoice)
        invoice.updated_at = now
        changed[invoice.pk] = invoice
        payment.amount_allocated = payment.amount
        payment.organization_id = invoice.organization_id
        line.state = MatchState.AUTO
        allocations.append(
            Allocation(payment=payment, invoice=invoice, amount=payment.amount, automatic=True, allocated_by=actor)
        )
    return allocations, list(changed.values())


def _invoices_paid_save(*, actor: User | None, invoices: Sequence[Invoice]) -> None:
    """Writes the paid amount and status of many locked invoices in one statement, with their history.

    Django's bulk_update writes one CASE branch per row, which PostgreSQL evaluates for every row: quadratic,
    ten seconds for 10,000 invoices. An UPDATE joined to the new values as arrays is linear.
    """
    if not invoices:
        return
    if connection.vendor != "postgresql":  # the SQLite demo: few rows
        bulk_update_with_history(invoices, Invoice, ["amount_paid", "status", "updated_at"], default_user=actor)
        return
    table = connection.ops.quote_name(Invoice._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS invoice SET amount_paid = paid.amount_paid, status = paid.status, updated_at = %s "  # noqa: S608
            "FROM unnest(%s::bigint[], %s::bigint[], %s::varchar[]) AS paid(id, amount_paid, status) "
            "WHERE invoice.id = paid.id",
            [
                timezone.now(),
                [invoice.pk for invoice in invoices],
                [invoice.amount_paid for invoice in invoices],
                [invoice.status for invoice in invoices],
            ],
        )
    Invoice.history.bulk_history_create(invoices, batch_size=BATCH_SIZE, update=True, default_user=actor)


def _decide(matcher: Matcher, line: BankStatementLine) -> Decision:
    return matcher.decide(
        amount=line.amount, key=line.payer_key, texts=(line.remitter_code, line.edi_info, line.payer_name)
    )


# -- staff decisions ---------------------------------------------------------------------------------------


def _lock_queued(line: BankStatementLine) -> BankStatementLine:
    line = BankStatementLine.objects.select_for_update().get(pk=line.pk)
    if line.state != MatchState.QUEUED:
        raise ApplicationError(
            _("This deposit was dealt with already (%(state)s).") % {"state": line.get_state_display()}
        )
    return line


@transaction.atomic
def deposit_match(
    *,
    actor: User | None,
    line: BankStatementLine,
    organization: Organization,
    allocations: Sequence[tuple[Invoice, int]],
    bank_fee_for: Invoice | None = None,
) -> BankStatementLine:
    """Staff say whose a queued deposit is and, optionally, which invoices it pays (the rest stays as the
    organisation's credit). The payer name is remembered as the organisation's alias: the next statement
    matches it by itself."""
    line = _lock_queued(line)
    payment = Payment.objects.select_for_update(of=("self",)).get(statement_line=line)
    if payment.organization_id not in (None, organization.pk):
        raise ApplicationError(_("This deposit was recorded for another organisation."))
    if payment.organization_id is None:
        payment.organization = organization
        payment._history_user = actor  # type: ignore[attr-defined]
        payment.save(update_fields=["organization", "updated_at"])
    if allocations:
        # Allocating a queued deposit's payment resolves the deposit (see payments.deposit_resolve).
        payment_allocate(actor=actor, payment=payment, allocations=allocations, bank_fee_for=bank_fee_for)
    else:
        deposit_resolve(actor=actor, payment=payment)
    line.refresh_from_db(fields=["state"])
    return line


@transaction.atomic
def deposit_ignore(*, actor: User | None, line: BankStatementLine, reason: str) -> BankStatementLine:
    """A deposit that is not a member's payment (a refund, interest): it leaves the queue; its payment stays
    on record, with the reason, and belongs to no organisation."""
    if not reason.strip():
        raise ApplicationError(_("Say why this deposit is not a member payment."), extra={"field": "reason"})
    line = _lock_queued(line)
    payment = Payment.objects.select_for_update(of=("self",)).get(statement_line=line)
    payment.note = "\n".join(part for part in (payment.note, reason.strip()) if part)
    payment._history_user = actor  # type: ignore[attr-defined]
    payment.save(update_fields=["note", "updated_at"])
    line.state = MatchState.IGNORED
    line._history_user = actor  # type: ignore[attr-defined]
    line.save(update_fields=["state"])
    return line
