"""Invoices and credit notes: drafting, issuing with a gapless number, crediting and correcting.

Every path that issues goes through `invoices_issue_new`, which holds the row lock of the fiscal year's
number sequence while it checks what already exists and numbers what it creates. That lock is what makes
two runs at once, or a run and an event's billing, unable to bill the same item twice or skip a number.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Case, CharField, F, PositiveIntegerField, Value, When
from django.utils import translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from billing.fiscal import fiscal_year_of, today
from billing.models import (
    TAX_RATES,
    Allocation,
    BillingSettings,
    DocumentSequence,
    DocumentType,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceRun,
    InvoiceStatus,
    Payment,
    TaxCategory,
    TaxRounding,
)
from clusternet.core.exceptions import ApplicationError
from clusternet.core.services import apply_fields
from members.models import Contact, FeeTier, Organization, User
from members.prefectures import prefecture_label

BILLING_SETTINGS_FIELDS = [
    "issuer_name", "issuer_postal_code", "issuer_address", "issuer_phone", "registration_number", "bank_account",
    "tax_rounding", "payment_terms_days", "reminder_steps", "short_payment_tolerance",
]  # fmt: skip


def billing_settings_get() -> BillingSettings:
    settings, _created = BillingSettings.objects.get_or_create(pk=1)
    return settings


@transaction.atomic
def billing_settings_update(*, actor: User | None, data: dict[str, Any]) -> BillingSettings:
    settings = billing_settings_get()
    apply_fields(settings, data, BILLING_SETTINGS_FIELDS)
    steps = settings.reminder_steps
    if not isinstance(steps, list) or not all(isinstance(s, int) and 0 < s <= 365 for s in steps):
        raise ApplicationError(_("Reminder steps are whole numbers of days between 1 and 365."))
    settings.reminder_steps = sorted(set(steps))
    settings.full_clean()
    settings._history_user = actor  # type: ignore[attr-defined]
    settings.save()
    return settings


@dataclass(frozen=True)
class LineSpec:
    description: str
    unit_price: int
    quantity: int = 1
    tax_category: str = TaxCategory.OUT_OF_SCOPE


@dataclass(frozen=True)
class InvoiceSpec:
    """Everything needed to issue one invoice; `reference` names what is billed (see Invoice.reference)."""

    organization: Organization
    lines: Sequence[LineSpec]
    reference: str = ""
    kind: str = InvoiceKind.SERVICE
    fiscal_year: int | None = None
    due_on: datetime.date | None = None
    note: str = ""
    fee_tier: FeeTier | None = None
    fee_basis: str = ""
    # A correction: the invoice this one replaces (same billed item, issued after a full credit note).
    replaces: Invoice | None = None


@dataclass(frozen=True)
class Totals:
    subtotal: int
    tax_total: int
    summary: list[dict[str, Any]]

    @property
    def total(self) -> int:
        return self.subtotal + self.tax_total


def _round_tax(numerator: int, rounding: str) -> int:
    """numerator / 100 rounded as configured; integers only, so no binary fractions creep in."""
    if rounding == TaxRounding.CEILING:
        return -(-numerator // 100)
    if rounding == TaxRounding.HALF_UP:
        return (numerator + 50) // 100
    return numerator // 100


def validate_lines(lines: Sequence[LineSpec]) -> None:
    if not lines:
        raise ApplicationError(_("An invoice needs at least one line."))
    for line in lines:
        if not line.description.strip():
            raise ApplicationError(_("Every line needs a description."))
        if line.unit_price < 0:
            raise ApplicationError(_("Amounts cannot be negative."))
        if line.quantity < 1:
            raise ApplicationError(_("A quantity is at least 1."))
        if line.tax_category not in TaxCategory.values:
            raise ApplicationError(_("Unknown tax category: %(category)s") % {"category": line.tax_category})


def totals_for(lines: Iterable[LineSpec], rounding: str) -> Totals:
    """Totals per tax category, the tax rounded once per rate for the whole invoice (インボイス制度)."""
    bases: dict[str, int] = {}
    for line in lines:
        bases[line.tax_category] = bases.get(line.tax_category, 0) + line.quantity * line.unit_price
    summary: list[dict[str, Any]] = []
    for category in TaxCategory.values:
        if category in bases:
            tax = _round_tax(bases[category] * TAX_RATES.get(category, 0), rounding)
            summary.append({"category": category, "base": bases[category], "tax": tax})
    return Totals(subtotal=sum(s["base"] for s in summary), tax_total=sum(s["tax"] for s in summary), summary=summary)


def format_number(document_type: str, fiscal_year: int, sequence: int) -> str:
    prefix = "C" if document_type == DocumentType.CREDIT_NOTE else ""
    return f"{prefix}{fiscal_year}-{sequence:05d}"


def _lock_sequence(document_type: str, fiscal_year: int) -> DocumentSequence:
    """The sequence row, locked until the transaction ends; created first without racing a concurrent creator."""
    DocumentSequence.objects.bulk_create(
        [DocumentSequence(document_type=document_type, fiscal_year=fiscal_year)], ignore_conflicts=True
    )
    return DocumentSequence.objects.select_for_update().get(document_type=document_type, fiscal_year=fiscal_year)


def _take_numbers(sequence: DocumentSequence, count: int) -> range:
    first = sequence.last_number + 1
    sequence.last_number += count
    sequence.save(update_fields=["last_number"])
    return range(first, first + count)


def _billing_contact(organization: Organization) -> Contact | None:
    prefetched = getattr(organization, "billing_contacts", None)
    if prefetched is not None:
        return prefetched[0] if prefetched else None
    return Contact.objects.active().filter(organization=organization, is_billing_contact=True).first()


def recipient_snapshot(organization: Organization) -> dict[str, str]:
    contact = _billing_contact(organization)
    with translation.override("ja"):  # an address on a Japanese invoice, whoever issues it
        prefecture = prefecture_label(organization.prefecture)
    address = "".join([prefecture, organization.city, organization.address_line])
    return {
        "recipient_name": organization.name,
        "recipient_department": contact.department if contact else "",
        "recipient_postal_code": organization.postal_code,
        "recipient_address": address,
    }


def issuer_snapshot(settings: BillingSettings) -> dict[str, str]:
    return {
        "issuer_name": settings.issuer_name,
        "issuer_postal_code": settings.issuer_postal_code,
        "issuer_address": settings.issuer_address,
        "issuer_phone": settings.issuer_phone,
        "registration_number": settings.registration_number,
        "bank_account": settings.bank_account,
    }


def _line_rows(invoice: Invoice, lines: Sequence[LineSpec]) -> list[InvoiceLine]:
    return [
        InvoiceLine(
            invoice=invoice,
            position=position,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=line.quantity * line.unit_price,
            tax_category=line.tax_category,
        )
        for position, line in enumerate(lines, start=1)
    ]


def _apply_totals(invoice: Invoice, totals: Totals) -> None:
    invoice.subtotal, invoice.tax_total, invoice.total = totals.subtotal, totals.tax_total, totals.total
    invoice.tax_summary = totals.summary


def _stamp_issue(invoice: Invoice, *, number: int, issued_on: datetime.date, settings: BillingSettings) -> None:
    """Number, date, due date and the recipient and issuer as they are today: what an issued invoice freezes."""
    invoice.status = InvoiceStatus.ISSUED
    invoice.sequence = number
    invoice.number = format_number(invoice.document_type, invoice.fiscal_year, number)
    invoice.issued_on = issued_on
    invoice.due_on = invoice.due_on or issued_on + datetime.timedelta(days=settings.payment_terms_days)
    for name, value in {**recipient_snapshot(invoice.organization), **issuer_snapshot(settings)}.items():
        setattr(invoice, name, value)


@transaction.atomic
def invoices_issue_new(
    *,
    actor: User | None,
    specs: Sequence[InvoiceSpec],
    fiscal_year: int,
    issued_on: datetime.date | None = None,
    run: InvoiceRun | None = None,
) -> tuple[list[Invoice], list[Invoice]]:
    """Issues an invoice for every spec whose billed item has none yet; returns (created, already existing).

    All specs belong to `fiscal_year`. Safe under concurrency: see the module docstring.
    """
    issued_on = issued_on or today()
    settings = billing_settings_get()
    for spec in specs:
        validate_lines(spec.lines)
        if sum(line.quantity * line.unit_price for line in spec.lines) == 0:
            raise ApplicationError(_("An invoice for nothing is not issued."))
    sequence = _lock_sequence(DocumentType.INVOICE, fiscal_year)
    references = [spec.reference for spec in specs if spec.reference and not spec.replaces]
    existing = list(
        Invoice.objects.filter(
            reference__in=references, document_type=DocumentType.INVOICE, replaces__isnull=True
        ).select_related("organization")
    )
    seen = {invoice.reference for invoice in existing}
    to_create = []
    for spec in specs:
        if spec.reference and not spec.replaces:
            if spec.reference in seen:
                continue
            seen.add(spec.reference)
        to_create.append(spec)
    if not to_create:
        return [], existing

    invoices = []
    for spec in to_create:
        invoice = Invoice(
            organization=spec.organization,
            document_type=DocumentType.INVOICE,
            kind=spec.kind,
            fiscal_year=fiscal_year,
            reference=spec.reference,
            replaces=spec.replaces,
            status=InvoiceStatus.DRAFT,
            due_on=spec.due_on,
            note=spec.note,
            fee_tier=spec.fee_tier,
            fee_basis=spec.fee_basis,
            run=run,
            created_by=actor,
        )
        _apply_totals(invoice, totals_for(spec.lines, settings.tax_rounding))
        invoices.append(invoice)
    numbers = _take_numbers(sequence, len(invoices))
    for invoice, number in zip(invoices, numbers, strict=True):
        _stamp_issue(invoice, number=number, issued_on=issued_on, settings=settings)
    # The database lets lines in only while an invoice is a draft: insert the stamped invoices as drafts,
    # add their lines, then issue them all in one UPDATE (bulk_update's per-field CASE was most of a run).
    for invoice in invoices:
        invoice.status, invoice.number, invoice.sequence = InvoiceStatus.DRAFT, None, None
    invoices = Invoice.objects.bulk_create(invoices)
    # History as for a single invoice: drafted, then issued (two bulk inserts instead of a row each).
    Invoice.history.bulk_history_create(invoices, default_user=actor)
    lines = [row for invoice, spec in zip(invoices, to_create, strict=True) for row in _line_rows(invoice, spec.lines)]
    bulk_create_with_history(lines, InvoiceLine, default_user=actor)
    for invoice, number in zip(invoices, numbers, strict=True):
        invoice.status, invoice.sequence = InvoiceStatus.ISSUED, number
        invoice.number = format_number(invoice.document_type, fiscal_year, number)
    Invoice.objects.filter(pk__in=[invoice.pk for invoice in invoices]).update(
        status=InvoiceStatus.ISSUED,
        sequence=Case(*[When(pk=i.pk, then=Value(i.sequence)) for i in invoices], output_field=PositiveIntegerField()),
        number=Case(*[When(pk=i.pk, then=Value(i.number)) for i in invoices], output_field=CharField()),
    )
    Invoice.history.bulk_history_create(invoices, update=True, default_user=actor)
    return invoices, existing


def invoice_for_reference(
    *,
    actor: User | None,
    organization: Organization,
    reference: str,
    lines: Sequence[LineSpec],
    kind: str = InvoiceKind.SERVICE,
    due_on: datetime.date | None = None,
    note: str = "",
) -> Invoice:
    """The billing service other apps call (event fees, evaluations): one issued invoice per billed item.

    Billing the same reference again returns the invoice already issued for it.
    """
    if not reference:
        raise ApplicationError(_("Say what is billed: a reference is required."))
    spec = InvoiceSpec(organization=organization, lines=lines, reference=reference, kind=kind, due_on=due_on, note=note)
    created, existing = invoices_issue_new(actor=actor, specs=[spec], fiscal_year=fiscal_year_of(today()))
    return (created or existing)[0]


# -- drafts -----------------------------------------------------------------------------------------


def _require_draft(invoice: Invoice) -> None:
    if invoice.status != InvoiceStatus.DRAFT:
        raise ApplicationError(_("Invoice %(number)s has been issued and cannot be changed.") % {"number": invoice})


@transaction.atomic
def invoice_draft_create(
    *, actor: User | None, organization: Organization, lines: Sequence[LineSpec], note: str = "",
    due_on: datetime.date | None = None,
) -> Invoice:  # fmt: skip
    """A service invoice (a certification-mark licence, a course) drafted by staff, issued later."""
    validate_lines(lines)
    settings = billing_settings_get()
    invoice = Invoice(
        organization=organization, kind=InvoiceKind.SERVICE, fiscal_year=fiscal_year_of(today()), note=note,
        due_on=due_on, created_by=actor,
    )  # fmt: skip
    _apply_totals(invoice, totals_for(lines, settings.tax_rounding))
    invoice._history_user = actor  # type: ignore[attr-defined]
    invoice.save()
    InvoiceLine.objects.bulk_create(_line_rows(invoice, lines))
    return invoice


@transaction.atomic
def invoice_draft_update(
    *, actor: User | None, invoice: Invoice, lines: Sequence[LineSpec], note: str,
    due_on: datetime.date | None = None,
) -> Invoice:  # fmt: skip
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    _require_draft(invoice)
    validate_lines(lines)
    invoice.lines.all().delete()
    InvoiceLine.objects.bulk_create(_line_rows(invoice, lines))
    _apply_totals(invoice, totals_for(lines, billing_settings_get().tax_rounding))
    invoice.note, invoice.due_on = note, due_on
    invoice._history_user = actor  # type: ignore[attr-defined]
    invoice.save()
    return invoice


@transaction.atomic
def invoice_issue(*, actor: User | None, invoice: Invoice, issued_on: datetime.date | None = None) -> Invoice:
    """Gives a draft its number; from here on it is frozen."""
    invoice = Invoice.objects.select_for_update().select_related("organization").get(pk=invoice.pk)
    _require_draft(invoice)
    if invoice.total == 0:
        raise ApplicationError(_("An invoice for nothing is not issued."))
    issued_on = issued_on or today()
    invoice.fiscal_year = fiscal_year_of(issued_on)
    settings = billing_settings_get()
    sequence = _lock_sequence(DocumentType.INVOICE, invoice.fiscal_year)
    _stamp_issue(invoice, number=_take_numbers(sequence, 1)[0], issued_on=issued_on, settings=settings)
    invoice._history_user = actor  # type: ignore[attr-defined]
    invoice.save()
    return invoice


@transaction.atomic
def invoice_void_draft(*, actor: User | None, invoice: Invoice) -> Invoice:
    """A draft that will not be sent. It never had a number, so numbering stays gapless."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    _require_draft(invoice)
    invoice.status = InvoiceStatus.VOID
    invoice._history_user = actor  # type: ignore[attr-defined]
    invoice.save(update_fields=["status", "updated_at"])
    return invoice


# -- money moving on an issued invoice ---------------------------------------------------------------------


def invoice_status_for(invoice: Invoice) -> str:
    """The status that follows from what was credited and paid."""
    if invoice.status == InvoiceStatus.DRAFT or invoice.is_credit_note:
        return invoice.status
    due = invoice.total - invoice.amount_credited
    if due == 0:
        return InvoiceStatus.VOID
    if invoice.amount_paid >= due:
        return InvoiceStatus.PAID
    if invoice.amount_paid > 0:
        return InvoiceStatus.PARTIALLY_PAID
    return InvoiceStatus.ISSUED


def invoice_money_save(*, actor: User | None, invoice: Invoice) -> None:
    """Saves a locked invoice whose paid or credited amount the caller changed, with the status that follows."""
    invoice.status = invoice_status_for(invoice)
    invoice._history_user = actor  # type: ignore[attr-defined]
    invoice.save(update_fields=["status", "amount_paid", "amount_credited", "updated_at"])


def _release_overpayment(*, actor: User | None, invoice: Invoice) -> None:
    """After a credit, money paid beyond what is still due goes back to its payments, newest first, as credit."""
    excess = invoice.amount_paid - (invoice.total - invoice.amount_credited)
    if excess <= 0:
        return
    allocations = invoice.allocations.select_related("payment").order_by("-created_at", "-id")
    for allocation in allocations:
        if excess <= 0:
            break
        if allocation.amount <= 0:
            continue
        take = min(excess, allocation.amount)
        payment = Payment.objects.select_for_update().get(pk=allocation.payment_id)
        reversal = Allocation(payment=payment, invoice=invoice, amount=-take, allocated_by=actor)
        reversal._history_user = actor  # type: ignore[attr-defined]
        reversal.save()
        Payment.objects.filter(pk=payment.pk).update(amount_allocated=F("amount_allocated") - take)
        invoice.amount_paid -= take
        excess -= take


def _remaining_lines(invoice: Invoice) -> list[LineSpec]:
    """The lines that credit everything still uncredited: the invoice's own, or one line for what is left."""
    lines = [
        LineSpec(line.description, line.unit_price, line.quantity, line.tax_category) for line in invoice.lines.all()
    ]
    if invoice.amount_credited == 0:
        return lines
    categories = {line.tax_category for line in lines}
    if len(categories) > 1 or TAX_RATES.get(next(iter(categories)), 0):
        # What is left of a taxed or mixed invoice cannot be split back into net and tax reliably.
        raise ApplicationError(_("Part of this invoice was already credited: give the lines to credit."))
    with translation.override("ja"):
        description = _("Remainder of invoice %(number)s") % {"number": invoice.number}
    return [LineSpec(description, invoice.total - invoice.amount_credited, 1, categories.pop())]


@transaction.atomic
def credit_note_issue(
    *, actor: User | None, invoice: Invoice, reason: str, lines: Sequence[LineSpec] | None = None
) -> Invoice:
    """A credit note against an issued invoice: all of it (no lines given) or the lines given.

    It may not exceed what the invoice still has uncredited. Money already paid beyond the new amount due
    is released back to its payments and stays as the organisation's credit, never refunded silently.
    """
    invoice = Invoice.objects.select_for_update().select_related("organization").get(pk=invoice.pk)
    if invoice.is_credit_note or invoice.status in (InvoiceStatus.DRAFT, InvoiceStatus.VOID):
        raise ApplicationError(_("Only an issued invoice can be credited."))
    if not reason.strip():
        raise ApplicationError(_("Say why the invoice is credited."))
    settings = billing_settings_get()
    if lines is None:
        lines = _remaining_lines(invoice)
    validate_lines(lines)
    totals = totals_for(lines, settings.tax_rounding)
    remaining = invoice.total - invoice.amount_credited
    if totals.total > remaining:
        raise ApplicationError(
            _("A credit note of ¥%(amount)s is larger than the ¥%(remaining)s left on invoice %(number)s.")
            % {"amount": f"{totals.total:,}", "remaining": f"{remaining:,}", "number": invoice.number}
        )
    if totals.total == 0:
        raise ApplicationError(_("A credit note for nothing is not issued."))
    issued_on = today()
    note = Invoice(
        organization=invoice.organization, document_type=DocumentType.CREDIT_NOTE, kind=invoice.kind,
        fiscal_year=fiscal_year_of(issued_on), credit_note_for=invoice, status=InvoiceStatus.DRAFT,
        note=reason, created_by=actor, due_on=issued_on,
    )  # fmt: skip
    _apply_totals(note, totals)
    note._history_user = actor  # type: ignore[attr-defined]
    note.save()
    InvoiceLine.objects.bulk_create(_line_rows(note, lines))
    sequence = _lock_sequence(DocumentType.CREDIT_NOTE, note.fiscal_year)
    _stamp_issue(note, number=_take_numbers(sequence, 1)[0], issued_on=issued_on, settings=settings)
    note.save()

    invoice.amount_credited += totals.total
    _release_overpayment(actor=actor, invoice=invoice)
    invoice_money_save(actor=actor, invoice=invoice)
    return note


@transaction.atomic
def invoice_correct(
    *, actor: User | None, invoice: Invoice, lines: Sequence[LineSpec], reason: str
) -> tuple[Invoice, Invoice]:
    """The way to fix an issued invoice: credit all of it, then issue a new one that says it replaces it."""
    credit_note = credit_note_issue(actor=actor, invoice=invoice, reason=reason)
    validate_lines(lines)
    with translation.override("ja"):
        note = _("Replaces invoice %(number)s.") % {"number": invoice.number}
    # The replacement keeps the billed item's reference, so the item still counts as billed.
    spec = InvoiceSpec(
        organization=invoice.organization, lines=lines, reference=invoice.reference, kind=invoice.kind,
        note=note, fee_tier=invoice.fee_tier, fee_basis=invoice.fee_basis, replaces=invoice,
    )  # fmt: skip
    created, _existing = invoices_issue_new(actor=actor, specs=[spec], fiscal_year=invoice.fiscal_year)
    return credit_note, created[0]
