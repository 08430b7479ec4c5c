"""Billing's entries on an organisation's timeline: invoices and credit notes issued, payments received.

Registered from BillingConfig.ready(); two queries whatever the organisation's history."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from billing.models import Invoice, Payment
from members.models import Organization, User
from members.permissions import can_see_private_data
from members.timeline import TimelineEntry


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else ""


def billing_timeline_entries(organization: Organization, viewer: User) -> Iterable[TimelineEntry]:
    if not can_see_private_data(viewer, organization):
        return
    documents = (
        Invoice.objects.filter(organization=organization, number__isnull=False)
        .select_related("credit_note_for", "created_by")
        .order_by("issued_on", "pk")
    )
    for document in documents:
        amount = f"¥{document.total:,}"
        if document.is_credit_note:
            original = document.credit_note_for.number if document.credit_note_for else ""
            title = _("Credit note %(number)s for invoice %(invoice)s") % {
                "number": document.number,
                "invoice": original,
            }
            detail = amount
        else:
            title = _("Invoice %(number)s issued") % {"number": document.number}
            detail = f"{amount} · {document.get_status_display()}"
        yield TimelineEntry(
            date=document.issued_on or document.created_at.date(), category=_("Invoices"), title=title, detail=detail,
            actor=_name(document.created_by),
        )  # fmt: skip
    for payment in Payment.objects.filter(organization=organization).select_related("recorded_by"):
        yield TimelineEntry(
            date=payment.received_on,
            category=_("Payments"),
            title=_("Payment of ¥%(amount)s received") % {"amount": f"{payment.amount:,}"},
            detail=" · ".join(part for part in (payment.payer_name, payment.get_method_display()) if part),
            actor=_name(payment.recorded_by),
        )
