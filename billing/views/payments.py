"""Payment pages (staff): the list, recording a payment with its allocation, and a payment's detail with
allocating what is left and accepting a short payment."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing import selectors
from billing.forms.payments import AllocationForm, PaymentFilterForm, PaymentForm
from billing.models import Invoice, Payment
from billing.permissions import can_manage_billing
from billing.services import payments as services
from billing.services.invoices import billing_settings_get
from clusternet.core.exceptions import ApplicationError
from clusternet.core.forms import add_service_error
from clusternet.core.permissions import require
from clusternet.core.text import search_key
from clusternet.core.types import AuthenticatedHttpRequest
from members.models import Organization
from members.selectors import organizations_matching

PAGE_SIZE = 50


def organization_from(value: str | None) -> Organization | None:
    if not value or not value.isdigit():
        return None
    return Organization.objects.filter(pk=int(value)).first()


def allocation_form_for(
    organization: Organization | None, data: QueryDict | None = None, *, prefix: str = "alloc", **options: Any
) -> AllocationForm:
    invoices = list(selectors.open_invoices_of(organization.pk)) if organization else []
    return AllocationForm(data, invoices=invoices, prefix=prefix, **options)


@login_required
def payment_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_manage_billing(request.user))
    form = PaymentFilterForm(request.GET or None)
    unallocated, organization_id, query = False, None, ""
    if form.is_valid():
        unallocated = form.cleaned_data["unallocated"]
        organization_id = form.cleaned_data["organization"]
        query = form.cleaned_data["q"]
    payments = selectors.payment_list(viewer=request.user, unallocated=unallocated, organization_id=organization_id)
    if query:
        payments = payments.filter(
            Q(organization__search_key__contains=search_key(query)) | Q(payer_name__icontains=query)
        )
    page = Paginator(payments, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    organization = organization_from(str(organization_id)) if organization_id else None
    credit = selectors.organization_credit(organization) if organization else None
    context = {"form": form, "page": page, "query": params.urlencode(), "organization": organization, "credit": credit}
    return render(request, "billing/payments_list.html", context)


@login_required
def payment_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One form: the payment, and how much of it goes to which open invoice of the organisation.

    With htmx, GET ?q= answers the organisations matching a search and GET ?organization= the allocation
    fields for that organisation's open invoices.
    """
    require(can_manage_billing(request.user))
    if request.method == "GET" and request.htmx:
        if "q" in request.GET:
            context: dict[str, Any] = {
                "organizations": organizations_matching(request.GET["q"]), "query": request.GET["q"],
                "choose_url": reverse("payment-create"), "choose_target": "#allocation-fields",
            }  # fmt: skip
            return render(request, "billing/_payments_organization_choices.html", context)
        organization = organization_from(request.GET.get("organization"))
        return render(
            request,
            "billing/_payments_allocation_fields.html",
            {"allocation_form": allocation_form_for(organization), "organization": organization},
        )

    data = request.POST if request.method == "POST" else None
    organization = organization_from((data or request.GET).get("organization"))
    form = PaymentForm(data, initial={"organization": organization})
    allocation_form = allocation_form_for(organization, data)
    # Both forms are validated (not short-circuited) so that all their errors show at once.
    if data is not None and form.is_valid() & allocation_form.is_valid():
        values = form.cleaned_data
        try:
            payment = services.payment_receive(
                actor=request.user, organization=values["organization"], received_on=values["received_on"],
                amount=values["amount"], payer_name=values["payer_name"], method=values["method"],
                note=values["note"], allocations=allocation_form.allocations(),
                bank_fee_for=allocation_form.bank_fee_invoice(),
            )  # fmt: skip
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The payment was recorded."))
            return redirect("payment-detail", payment_id=payment.pk)
    return render(
        request,
        "billing/payments_form.html",
        {"form": form, "allocation_form": allocation_form, "organization": organization},
    )


def short_payment_candidates(payment: Payment, invoices: list[Invoice]) -> list[tuple[Invoice, int]]:
    """Open invoices this payment could settle if staff accept the shortfall as a bank fee, with it."""
    tolerance = billing_settings_get().short_payment_tolerance
    allocated_to = set(payment.allocations.values_list("invoice_id", flat=True))
    candidates = []
    for invoice in invoices:
        shortfall = invoice.balance - min(payment.unallocated, invoice.balance)
        if 0 < shortfall <= tolerance and (payment.unallocated or invoice.pk in allocated_to):
            candidates.append((invoice, shortfall))
    return candidates


@login_required
def payment_detail(request: AuthenticatedHttpRequest, payment_id: int) -> HttpResponse:
    require(can_manage_billing(request.user))
    payment = selectors.payment_get(viewer=request.user, pk=payment_id)
    organization = payment.organization or organization_from(request.GET.get("organization"))
    allocation_form = allocation_form_for(organization)
    context = {
        "payment": payment,
        "organization": organization,
        "allocations": payment.allocations.select_related("invoice", "allocated_by"),
        "allocation_form": allocation_form,
        "short_candidates": short_payment_candidates(payment, allocation_form.invoices) if payment.unallocated else [],
        "credit": selectors.organization_credit(payment.organization) if payment.organization else None,
        "line": getattr(payment, "statement_line", None),
    }
    return render(request, "billing/payments_detail.html", context)


@login_required
@require_POST
def payment_allocate(request: AuthenticatedHttpRequest, payment_id: int) -> HttpResponse:
    require(can_manage_billing(request.user))
    payment = selectors.payment_get(viewer=request.user, pk=payment_id)
    organization = payment.organization or organization_from(request.POST.get("organization"))
    form = allocation_form_for(organization, request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(form.error_text())
        services.payment_allocate(
            actor=request.user, payment=payment, allocations=form.allocations(), bank_fee_for=form.bank_fee_invoice()
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The payment was allocated."))
    return redirect("payment-detail", payment_id=payment.pk)


@login_required
@require_POST
def payment_accept_short(request: AuthenticatedHttpRequest, payment_id: int) -> HttpResponse:
    require(can_manage_billing(request.user))
    payment = selectors.payment_get(viewer=request.user, pk=payment_id)
    invoice = Invoice.objects.filter(pk=request.POST.get("invoice") or 0, organization=payment.organization).first()
    try:
        if invoice is None:
            raise ApplicationError(_("Choose one of the organisation's open invoices."))
        allocation = services.payment_accept_short(actor=request.user, payment=payment, invoice=invoice)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Invoice %(number)s is paid; ¥%(fee)s was recorded as a bank fee.")
            % {"number": invoice, "fee": f"{allocation.bank_fee:,}"},
        )
    return redirect("payment-detail", payment_id=payment.pk)
