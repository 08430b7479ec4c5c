"""Recording and allocating a payment in the tests of reminders, reports, the timeline and the audit log,
through the payments services, as staff would."""

import datetime

from billing.models import Invoice, Payment, PaymentMethod
from billing.services.payments import payment_allocate, payment_record


def pay(invoice: Invoice, amount: int, *, received_on: datetime.date | None = None, actor=None) -> Payment:
    payment = payment_record(
        actor=actor,
        organization=invoice.organization,
        received_on=received_on or datetime.date(2026, 6, 1),
        amount=amount,
        payer_name=invoice.organization.name,
        method=PaymentMethod.BANK_TRANSFER,
    )
    payment_allocate(actor=actor, payment=payment, allocations=[(invoice, amount)])
    return payment
