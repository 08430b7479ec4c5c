"""Payments: money received, and its allocation to invoices.

An allocation moves money from a payment to an invoice: the payment's `amount_allocated` and the invoice's
`amount_paid` grow by the same amount, under row locks on both. What a payment does not allocate stays on
it as the organisation's credit; nothing applies it silently. A transfer short by a bank fee the payer
deducted can be accepted by staff: the shortfall is recorded on the allocation as `bank_fee` and counts as
paid on the invoice (not on the payment, which only counts money).
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from billing.fiscal import today
from billing.models import (
    Allocation,
    BankStatementLine,
    Invoice,
    InvoiceStatus,
    MatchState,
    PayerAlias,
    Payment,
    PaymentMethod,
)
from billing.services.invoices import billing_settings_get, invoice_money_save
from clusternet.core.exceptions import ApplicationError
from members.models import Organization, User


def _yen(amount: int) -> str:
    return f"¥{amount:,}"


def check_amount(amount: object) -> int:
    """A positive whole number of yen, or a refusal that says what is wrong with it."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ApplicationError(_("An amount is a whole number of yen."), extra={"field": "amount"})
    if amount < 0:
        raise ApplicationError(
            _("An amount cannot be negative (%(amount)s).") % {"amount": _yen(amount)}, extra={"field": "amount"}
        )
    if amount == 0:
        raise ApplicationError(_("An amount must be more than ¥0."), extra={"field": "amount"})
    return amount


@transaction.atomic
def payment_record(
    *,
    actor: User | None,
    organization: Organization | None,
    received_on: datetime.date,
    amount: int,
    payer_name: str,
    method: str,
    note: str = "",
) -> Payment:
    """Records money received. Allocate it with `payment_allocate`; until then it is the organisation's credit."""
    check_amount(amount)
    if method not in PaymentMethod.values:
        raise ApplicationError(_("Unknown payment method: %(method)s") % {"method": method}, extra={"field": "method"})
    if received_on > today():
        raise ApplicationError(_("A payment cannot be received in the future."), extra={"field": "received_on"})
    payer_name = payer_name.strip() or (organization.name if organization else "")
    if not payer_name:
        raise ApplicationError(_("Say who paid: an organisation or a payer name."), extra={"field": "payer_name"})
    payment = Payment(
        organization=organization, received_on=received_on, amount=amount, payer_name=payer_name[:200],
        method=method, note=note, recorded_by=actor,
    )  # fmt: skip
    payment._history_user = actor  # type: ignore[attr-defined]
    payment.save()
    return payment


def _check_open_invoice(invoice: Invoice) -> None:
    if invoice.is_credit_note:
        raise ApplicationError(
            _("%(number)s is a credit note; payments are allocated to invoices.") % {"number": invoice}
        )
    if invoice.status == InvoiceStatus.DRAFT:
        raise ApplicationError(_("Invoice %(number)s is a draft; issue it first.") % {"number": invoice})
    if invoice.status == InvoiceStatus.VOID:
        raise ApplicationError(_("Invoice %(number)s is void.") % {"number": invoice})
    if invoice.status == InvoiceStatus.PAID:
        raise ApplicationError(_("Invoice %(number)s is paid already.") % {"number": invoice})


def _allocate_locked(
    *,
    actor: User | None,
    payment: Payment,
    invoices: dict[int, Invoice],
    amounts: dict[int, int],
    fee_invoice_id: int | None,
    automatic: bool,
) -> list[Allocation]:
    """Checks and writes allocations of a payment and invoices the caller has locked."""
    organization_id = payment.organization_id
    for invoice_id, amount in amounts.items():
        invoice = invoices[invoice_id]
        _check_open_invoice(invoice)
        if organization_id is None:
            organization_id = invoice.organization_id
        elif invoice.organization_id != organization_id:
            raise ApplicationError(
                _("Invoice %(number)s is addressed to %(recipient)s, another organisation than the payment's.")
                % {"number": invoice, "recipient": invoice.recipient_name or invoice.organization_id}
            )
        if amount > invoice.balance:
            raise ApplicationError(
                _("%(amount)s is more than the %(balance)s still owed on invoice %(number)s.")
                % {"amount": _yen(amount), "balance": _yen(invoice.balance), "number": invoice},
                extra={"field": "amount"},
            )
    total = sum(amounts.values())
    if total > payment.unallocated:
        raise ApplicationError(
            _("Allocating %(amount)s is more than the %(unallocated)s of this payment not yet allocated.")
            % {"amount": _yen(total), "unallocated": _yen(payment.unallocated)},
            extra={"field": "amount"},
        )
    fee = 0
    if fee_invoice_id is not None:
        fee = invoices[fee_invoice_id].balance - amounts[fee_invoice_id]
        tolerance = billing_settings_get().short_payment_tolerance
        if fee <= 0:
            raise ApplicationError(_("Nothing is short on invoice %(number)s.") % {"number": invoices[fee_invoice_id]})
        if fee > tolerance:
            raise ApplicationError(
                _(
                    "Invoice %(number)s would stay %(shortfall)s short, more than the %(tolerance)s that can be "
                    "accepted as a bank fee. Allocate the payment as a partial payment instead."
                )
                % {"number": invoices[fee_invoice_id], "shortfall": _yen(fee), "tolerance": _yen(tolerance)}
            )

    created = []
    for invoice_id, amount in amounts.items():
        invoice = invoices[invoice_id]
        bank_fee = fee if invoice_id == fee_invoice_id else 0
        allocation = Allocation(
            payment=payment, invoice=invoice, amount=amount, bank_fee=bank_fee, automatic=automatic,
            allocated_by=actor,
        )  # fmt: skip
        allocation._history_user = actor  # type: ignore[attr-defined]
        allocation.save()
        created.append(allocation)
        invoice.amount_paid += amount + bank_fee
        invoice_money_save(actor=actor, invoice=invoice)
    payment.amount_allocated += total
    payment.organization_id = organization_id
    payment._history_user = actor  # type: ignore[attr-defined]
    payment.save(update_fields=["amount_allocated", "organization", "updated_at"])
    deposit_resolve(actor=actor, payment=payment)
    return created


def deposit_resolve(*, actor: User | None, payment: Payment) -> None:
    """A payment from a bank deposit that waited for staff now has its organisation: the deposit leaves the
    queue as matched by staff, and its payer name is remembered as the organisation's alias, so that the
    next statement matches it by itself. Whether staff used the queue or the payment's own page."""
    line = BankStatementLine.objects.select_for_update().filter(payment=payment, state=MatchState.QUEUED).first()
    if line is None or payment.organization_id is None:
        return
    line.state = MatchState.MATCHED
    line._history_user = actor  # type: ignore[attr-defined]
    line.save(update_fields=["state"])
    if line.payer_key:
        PayerAlias.objects.update_or_create(
            payer_key=line.payer_key, defaults={"organization_id": payment.organization_id, "created_by": actor}
        )


def _lock(payment: Payment, invoice_ids: Sequence[int]) -> tuple[Payment, dict[int, Invoice]]:
    """The payment, then its invoices in id order: one order everywhere, so two allocations cannot deadlock."""
    locked_payment = Payment.objects.select_for_update().get(pk=payment.pk)
    invoices = Invoice.objects.select_for_update().filter(pk__in=sorted(set(invoice_ids))).order_by("pk")
    return locked_payment, {invoice.pk: invoice for invoice in invoices}


@transaction.atomic
def payment_allocate(
    *,
    actor: User | None,
    payment: Payment,
    allocations: Sequence[tuple[Invoice, int]],
    bank_fee_for: Invoice | None = None,
    automatic: bool = False,
) -> list[Allocation]:
    """Applies parts of a payment to open invoices of its organisation (which it takes from the invoices when
    the payment has none yet). Refuses, changing nothing, more than the payment has unallocated, more than
    an invoice's balance, a draft, void or paid invoice, a credit note, and another organisation's invoice.

    `bank_fee_for`: one of the invoices whose balance left after this allocation is accepted as a bank fee
    (at most BillingSettings.short_payment_tolerance); that invoice becomes paid.
    """
    if not allocations:
        raise ApplicationError(_("Choose at least one invoice and an amount."))
    amounts: dict[int, int] = defaultdict(int)
    for invoice, amount in allocations:
        amounts[invoice.pk] += check_amount(amount)
    if bank_fee_for is not None and bank_fee_for.pk not in amounts:
        raise ApplicationError(_("The bank fee can only be accepted on an invoice the payment is allocated to."))
    payment, invoices = _lock(payment, list(amounts))
    return _allocate_locked(
        actor=actor, payment=payment, invoices=invoices, amounts=dict(amounts),
        fee_invoice_id=bank_fee_for.pk if bank_fee_for else None, automatic=automatic,
    )  # fmt: skip


@transaction.atomic
def payment_accept_short(*, actor: User | None, payment: Payment, invoice: Invoice) -> Allocation:
    """Staff accept that the payment settles the invoice although it is short by a bank fee.

    What the payment still has goes to the invoice, and the shortfall, if within the configured tolerance,
    is recorded as a bank fee: the invoice becomes paid. Never done automatically.
    """
    payment, invoices = _lock(payment, [invoice.pk])
    invoice = invoices[invoice.pk]
    amount = min(payment.unallocated, max(invoice.balance, 0))
    if amount == 0 and not payment.allocations.filter(invoice=invoice).exists():
        raise ApplicationError(
            _("This payment has nothing left to allocate to invoice %(number)s.") % {"number": invoice}
        )
    allocations = _allocate_locked(
        actor=actor, payment=payment, invoices=invoices, amounts={invoice.pk: amount}, fee_invoice_id=invoice.pk,
        automatic=False,
    )  # fmt: skip
    return allocations[0]


@transaction.atomic
def payment_receive(
    *,
    actor: User | None,
    organization: Organization | None,
    received_on: datetime.date,
    amount: int,
    payer_name: str,
    method: str,
    note: str = "",
    allocations: Sequence[tuple[Invoice, int]] = (),
    bank_fee_for: Invoice | None = None,
) -> Payment:
    """Records a payment and allocates it in one step (the payment form, the API): both or neither."""
    payment = payment_record(
        actor=actor, organization=organization, received_on=received_on, amount=amount, payer_name=payer_name,
        method=method, note=note,
    )  # fmt: skip
    if allocations:
        payment_allocate(actor=actor, payment=payment, allocations=allocations, bank_fee_for=bank_fee_for)
        payment.refresh_from_db()
    return payment
