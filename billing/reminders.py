"""Reads of payment reminders: what the daily job sent (the sending is billing.services.reminders).

Kept beside billing/selectors.py rather than in it, because that module belongs to the invoices work."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from billing.models import Invoice, PaymentReminder
from billing.permissions import can_manage_billing
from members.models import User


def payment_reminder_list(*, viewer: User | AnonymousUser) -> QuerySet[PaymentReminder]:
    """Every reminder, newest first, for staff; nothing for anyone else."""
    if not can_manage_billing(viewer):
        return PaymentReminder.objects.none()
    return PaymentReminder.objects.select_related("invoice__organization").order_by("-created_at", "-id")


def invoice_reminders(invoice: Invoice) -> QuerySet[PaymentReminder]:
    """One invoice's reminders by step, for its detail page; the caller has already checked the viewer may
    see the invoice. A row without `sent_at` is claimed but not mailed (no billing address yet, or paid)."""
    return PaymentReminder.objects.filter(invoice=invoice).order_by("step_days")
