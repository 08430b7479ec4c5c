"""Invoice pages: the list (staff: all; member and bank users: their own), the invoice, drafts, credit notes."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing import selectors
from billing.forms.invoices import (
    CorrectionForm,
    CreditNoteForm,
    InvoiceDraftForm,
    InvoiceFilterForm,
    InvoiceLineFormSet,
)
from billing.models import Invoice
from billing.permissions import can_edit_billing_settings, can_manage_billing, can_see_own_invoices
from billing.reminders import invoice_reminders
from billing.services import invoices as services
from clusternet.core.exceptions import ApplicationError
from clusternet.core.forms import add_service_error
from clusternet.core.permissions import require
from clusternet.core.text import search_key
from clusternet.core.types import AuthenticatedHttpRequest

PAGE_SIZE = 50


@login_required
def invoice_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_manage_billing(request.user) or can_see_own_invoices(request.user))
    form = InvoiceFilterForm(request.GET or None)
    invoices = selectors.invoice_list(viewer=request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["fiscal_year"]:
            invoices = invoices.filter(fiscal_year=data["fiscal_year"])
        if data["status"]:
            invoices = invoices.filter(status=data["status"])
        if data["q"]:
            invoices = invoices.filter(
                Q(number__icontains=data["q"]) | Q(organization__search_key__contains=search_key(data["q"]))
            )
    page = Paginator(invoices.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "staff": can_manage_billing(request.user),
        "can_edit_settings": can_edit_billing_settings(request.user),
    }
    return render(request, "billing/invoice_list.html", context)


@login_required
def invoice_detail(request: AuthenticatedHttpRequest, invoice_id: int) -> HttpResponse:
    invoice = selectors.invoice_get(viewer=request.user, pk=invoice_id)
    staff = can_manage_billing(request.user)
    context = {
        "invoice": invoice,
        "lines": invoice.lines.all(),
        "staff": staff,
        "credit_notes": invoice.credit_notes.all(),
        "replacements": invoice.replacements.all(),
        "allocations": invoice.allocations.select_related("payment", "allocated_by") if staff else [],
        "mailings": invoice.mailings.select_related("sent_by") if staff else [],
        "reminders": invoice_reminders(invoice) if staff else [],
        "credit_form": CreditNoteForm(prefix="credit"),
        "correction_form": CorrectionForm(prefix="correct", initial={"tax_category": "out_of_scope"}),
    }
    return render(request, "billing/invoice_detail.html", context)


@login_required
def invoice_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_manage_billing(request.user))
    form = InvoiceDraftForm(request.POST or None, initial={"organization": request.GET.get("organization")})
    lines = InvoiceLineFormSet(request.POST or None, prefix="lines")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        specs = [line_form.line() for line_form in lines if line_form.has_changed() and line_form.cleaned_data]
        try:
            invoice = services.invoice_draft_create(
                actor=request.user,
                organization=form.cleaned_data["organization"],
                lines=specs,
                note=form.cleaned_data["note"],
            )
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The draft was saved. Check it, then issue it."))
            return redirect("invoice-detail", invoice_id=invoice.pk)
    return render(request, "billing/invoice_form.html", {"form": form, "lines": lines})


def _act(
    request: AuthenticatedHttpRequest, invoice_id: int, action: Callable[[Invoice], Invoice], success: str
) -> HttpResponse:
    """Runs one service on the invoice and comes back to it (or to its replacement) with the outcome."""
    require(can_manage_billing(request.user))
    invoice = selectors.invoice_get(viewer=request.user, pk=invoice_id)
    try:
        result = action(invoice)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("invoice-detail", invoice_id=invoice.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("invoice-detail", invoice_id=invoice.pk)
    messages.success(request, success)
    # A credit note is shown on the invoice it credits.
    return redirect("invoice-detail", invoice_id=invoice.pk if result.is_credit_note else result.pk)


@login_required
@require_POST
def invoice_issue(request: AuthenticatedHttpRequest, invoice_id: int) -> HttpResponse:
    return _act(
        request, invoice_id, lambda invoice: services.invoice_issue(actor=request.user, invoice=invoice),
        _("The invoice was issued."),
    )  # fmt: skip


@login_required
@require_POST
def invoice_void(request: AuthenticatedHttpRequest, invoice_id: int) -> HttpResponse:
    return _act(
        request, invoice_id, lambda invoice: services.invoice_void_draft(actor=request.user, invoice=invoice),
        _("The draft was voided."),
    )  # fmt: skip


def _form_error(form: CreditNoteForm | CorrectionForm) -> ApplicationError:
    return ApplicationError(" ".join(str(message) for errors in form.errors.values() for message in errors))


@login_required
@require_POST
def invoice_credit(request: AuthenticatedHttpRequest, invoice_id: int) -> HttpResponse:
    form = CreditNoteForm(request.POST, prefix="credit")

    def credit(invoice: Invoice) -> Invoice:
        if not form.is_valid():
            raise _form_error(form)
        return services.credit_note_issue(
            actor=request.user, invoice=invoice, reason=form.cleaned_data["reason"], lines=form.lines()
        )

    return _act(request, invoice_id, credit, _("The credit note was issued."))


@login_required
@require_POST
def invoice_correct(request: AuthenticatedHttpRequest, invoice_id: int) -> HttpResponse:
    form = CorrectionForm(request.POST, prefix="correct")

    def correct(invoice: Invoice) -> Invoice:
        if not form.is_valid():
            raise _form_error(form)
        _credit_note, replacement = services.invoice_correct(
            actor=request.user, invoice=invoice, lines=form.lines(), reason=form.cleaned_data["reason"]
        )
        return replacement

    return _act(request, invoice_id, correct, _("The invoice was credited and a corrected invoice issued."))
