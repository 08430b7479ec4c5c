"""Reads of billing. Everything that depends on who is looking takes `viewer`."""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, QuerySet, Sum
from django.http import Http404

from billing.models import (
    OPEN_INVOICE_STATUSES,
    BankStatement,
    BankStatementLine,
    DocumentType,
    Invoice,
    InvoiceRun,
    MatchState,
    Payment,
)
from billing.permissions import can_manage_billing, can_see_own_invoices
from members.models import Organization, User

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


# -- payments and statements (staff only) ---------------------------------------------------------------


def payment_list(*, viewer: Viewer, unallocated: bool = False, organization_id: int | None = None) -> QuerySet[Payment]:
    """`unallocated`: money not yet applied to an invoice, leaving out deposits staff set aside as not a
    member payment."""
    if not can_manage_billing(viewer):
        return Payment.objects.none()
    queryset = Payment.objects.select_related("organization", "statement_line")
    if unallocated:
        queryset = queryset.filter(amount_allocated__lt=F("amount")).exclude(statement_line__state=MatchState.IGNORED)
    if organization_id is not None:
        queryset = queryset.filter(organization_id=organization_id)
    return queryset


def payment_get(*, viewer: Viewer, pk: int) -> Payment:
    payment = payment_list(viewer=viewer).filter(pk=pk).first()
    if payment is None:
        raise Http404
    return payment


def organization_credit(organization: Organization) -> int:
    """Money the organisation paid that no invoice took: its credit with the association."""
    total = Payment.objects.filter(organization=organization).aggregate(
        credit=Sum(F("amount") - F("amount_allocated"))
    )["credit"]
    return int(total or 0)


def open_invoices_of(organization_id: int) -> QuerySet[Invoice]:
    """Issued invoices of the organisation that still wait for money, oldest first: what a payment can pay."""
    return open_invoices_of_many([organization_id])


def open_invoices_of_many(organization_ids: Iterable[int]) -> QuerySet[Invoice]:
    return Invoice.objects.filter(
        organization_id__in=list(organization_ids), document_type=DocumentType.INVOICE,
        status__in=OPEN_INVOICE_STATUSES,
    ).order_by("issued_on", "sequence", "pk")  # fmt: skip


def bank_statement_list(*, viewer: Viewer) -> QuerySet[BankStatement]:
    if not can_manage_billing(viewer):
        return BankStatement.objects.none()
    return BankStatement.objects.select_related("imported_by")


def bank_statement_get(*, viewer: Viewer, pk: int) -> BankStatement:
    statement = bank_statement_list(viewer=viewer).filter(pk=pk).first()
    if statement is None:
        raise Http404
    return statement


def deposit_list(*, viewer: Viewer, state: str | None = None) -> QuerySet[BankStatementLine]:
    if not can_manage_billing(viewer):
        return BankStatementLine.objects.none()
    queryset = BankStatementLine.objects.select_related("statement", "payment__organization")
    if state:
        queryset = queryset.filter(state=state)
    return queryset.order_by("transaction_on", "statement_id", "line_number")


def deposit_get(*, viewer: Viewer, pk: int) -> BankStatementLine:
    line = deposit_list(viewer=viewer).filter(pk=pk).first()
    if line is None:
        raise Http404
    return line
