"""Pages of reminders, reports and settings: the reminders sent, the billing report of a fiscal year and its
Excel export, the billing settings, and the audit log of invoices, payments and allocations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from billing.audit import billing_audit_log
from billing.fiscal import fiscal_year_of, today
from billing.forms.reports import AuditFilterForm, BillingSettingsForm
from billing.permissions import can_edit_billing_settings, can_manage_billing
from billing.reminders import payment_reminder_list as reminder_list_selector
from billing.reports import billing_report as billing_report_selector
from billing.reports import billing_report_xlsx, report_fiscal_year, report_fiscal_years
from billing.services.invoices import billing_settings_get, billing_settings_update
from clusternet.core.exceptions import ApplicationError
from clusternet.core.forms import add_service_error
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedHttpRequest

PAGE_SIZE = 50


@login_required
def payment_reminder_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_manage_billing(request.user))
    page = Paginator(reminder_list_selector(viewer=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "query": "", "can_edit_settings": can_edit_billing_settings(request.user)}
    return render(request, "billing/reports_reminder_list.html", context)


def _bad_year(request: AuthenticatedHttpRequest, error: ApplicationError) -> HttpResponse:
    """The report page with the refusal instead of figures: the picker stays, so the user can choose again."""
    context = {"error": error.message, "years": report_fiscal_years(), "selected": fiscal_year_of(today())}
    return render(request, "billing/reports_report.html", context, status=400)


@login_required
def billing_report(request: AuthenticatedHttpRequest, fiscal_year: str | None = None) -> HttpResponse:
    """The report of the year in the path, or of the picker's `?fiscal_year=`, or of the current fiscal year."""
    require(can_manage_billing(request.user))
    asked = fiscal_year if fiscal_year is not None else request.GET.get("fiscal_year")
    try:
        year = report_fiscal_year(asked if asked is not None else fiscal_year_of(today()))
    except ApplicationError as error:
        return _bad_year(request, error)
    context = {"report": billing_report_selector(fiscal_year=year), "years": report_fiscal_years(), "selected": year}
    return render(request, "billing/reports_report.html", context)


@login_required
def billing_report_export(request: AuthenticatedHttpRequest, fiscal_year: str) -> HttpResponse:
    require(can_manage_billing(request.user))
    try:
        year = report_fiscal_year(fiscal_year)
    except ApplicationError as error:
        return _bad_year(request, error)
    content = billing_report_xlsx(billing_report_selector(fiscal_year=year))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="billing-report-{year}.xlsx"'
    return response


@login_required
def billing_settings_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_edit_billing_settings(request.user))
    current = billing_settings_get()
    form = BillingSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            billing_settings_update(actor=request.user, data=form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The billing settings were saved."))
            return redirect("billing-settings")
    history = current.history.select_related("history_user")[:10]
    return render(request, "billing/reports_settings_form.html", {"form": form, "history": history})


@login_required
def billing_audit(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_manage_billing(request.user))
    form = AuditFilterForm(request.GET or None)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    log = billing_audit_log(viewer=request.user, kind=kind or None)
    page = Paginator(log, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "billing/reports_audit.html", {"form": form, "page": page, "query": query.urlencode()})
