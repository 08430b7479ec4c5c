"""The yearly invoicing from the browser: pick the year, preview who is billed and why, start, watch it run."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing import selectors
from billing.fiscal import fiscal_year_of, today
from billing.forms.invoices import RunForm
from billing.permissions import can_manage_billing
from billing.services.runs import fee_charges, invoice_run_start, validate_fiscal_year
from clusternet.core.exceptions import ApplicationError
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedHttpRequest


@login_required
def invoice_run_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_manage_billing(request.user))
    context = {
        "runs": selectors.invoice_run_list(viewer=request.user)[:20],
        "form": RunForm(initial={"fiscal_year": fiscal_year_of(today())}),
    }
    return render(request, "billing/run_list.html", context)


@login_required
def invoice_run_preview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who the run would bill today, how much and why; writes nothing."""
    require(can_manage_billing(request.user))
    form = RunForm(request.GET)
    try:
        year = validate_fiscal_year(form.cleaned_data["fiscal_year"] if form.is_valid() else None)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("invoice-run-list")
    charges, warnings = fee_charges(fiscal_year=year, as_of=today())
    to_bill = [charge for charge in charges if not charge.already_invoiced]
    context = {
        "fiscal_year": year,
        "charges": charges,
        "warnings": warnings,
        "to_bill_count": len(to_bill),
        "to_bill_total": sum(charge.fee for charge in to_bill),
        "existing_count": len(charges) - len(to_bill),
    }
    return render(request, "billing/run_preview.html", context)


@login_required
@require_POST
def invoice_run_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_manage_billing(request.user))
    form = RunForm(request.POST)
    try:
        run = invoice_run_start(
            actor=request.user, fiscal_year=form.cleaned_data["fiscal_year"] if form.is_valid() else None
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("invoice-run-list")
    messages.success(request, _("The invoicing run has started."))
    return redirect("invoice-run-detail", run_id=run.pk)


@login_required
def invoice_run_detail(request: AuthenticatedHttpRequest, run_id: int) -> HttpResponse:
    """The run's progress; htmx polls the progress part of this page until the run ends."""
    require(can_manage_billing(request.user))
    run = selectors.invoice_run_get(viewer=request.user, pk=run_id)
    template = "billing/_run_progress.html" if request.htmx else "billing/run_detail.html"
    return render(request, template, {"run": run})
