"""Reads of billing. Everything that depends on who is looking takes `viewer`."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from billing.models import Invoice, InvoiceRun
from billing.permissions import can_manage_billing, can_see_own_invoices
from members.models import User

Viewer = User | AnonymousUser


def invoice_list(*, viewer: Viewer) -> QuerySet[Invoice]:
    """Staff see every invoice; member and bank users their organisation's issued ones; others none."""
    queryset = Invoice.objects.select_related("organization")
    if can_manage_billing(viewer):
        return queryset
    if isinstance(viewer, User) and viewer.organization_id is not None and can_see_own_invoices(viewer):
        return queryset.filter(organization_id=viewer.organization_id, number__isnull=False)
    return queryset.none()


def invoice_get(*, viewer: Viewer, pk: int) -> Invoice:
    """The invoice if the viewer may see it; 404 otherwise, so another organisation's invoices stay unknown."""
    invoice = invoice_list(viewer=viewer).filter(pk=pk).first()
    if invoice is None:
        raise Http404
    return invoice


def invoice_run_list(*, viewer: Viewer) -> QuerySet[InvoiceRun]:
    if not can_manage_billing(viewer):
        return InvoiceRun.objects.none()
    return InvoiceRun.objects.select_related("started_by")


def invoice_run_get(*, viewer: Viewer, pk: int) -> InvoiceRun:
    run = invoice_run_list(viewer=viewer).filter(pk=pk).first()
    if run is None:
        raise Http404
    return run
