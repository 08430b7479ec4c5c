"""Recording a payment in the tests of reminders, reports and the audit log.

Written against the models and `invoice_money_save` while the payments services are being written; it does
what allocating a payment does to the rows: a payment, an allocation, the invoice's paid amount and status.
"""

import datetime

from django.db import transaction

from billing.models import Allocation, Invoice, Payment
from billing.services.invoices import invoice_money_save


@transaction.atomic
def pay(invoice: Invoice, amount: int, *, received_on: datetime.date | None = None, actor=None) -> Payment:
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    payment = Payment(
        organization=invoice.organization,
        received_on=received_on or datetime.date(2026, 6, 1),
        amount=amount,
        amount_allocated=amount,
        payer_name=invoice.organization.name,
        recorded_by=actor,
    )
    payment._history_user = actor
    payment.save()
    allocation = Allocation(payment=payment, invoice=invoice, amount=amount, allocated_by=actor)
    allocation._history_user = actor
    allocation.save()
    invoice.amount_paid += amount
    invoice_money_save(actor=actor, invoice=invoice)
    return payment
