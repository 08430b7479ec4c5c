"""Bank statement pages (staff): upload, a statement's deposits, and the reconciliation queue where staff
decide the deposits the matcher left to them. In the queue, htmx swaps one deposit at a time: choosing
another organisation, confirming a match or setting a deposit aside happen in place."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from billing import reconciliation, selectors
from billing.forms.payments import AllocationForm, DepositIgnoreForm, StatementUploadForm
from billing.models import BankStatementLine, Invoice, MatchState, PayerAlias
from billing.permissions import can_manage_billing
from billing.services import statements as services
from billing.views.payments import allocation_form_for, organization_from
from clusternet.core.exceptions import ApplicationError
from clusternet.core.forms import add_service_error
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedHttpRequest
from members.models import Organization
from members.selectors import organizations_matching

LINES_PER_PAGE = 100
QUEUE_PAGE_SIZE = 25
REASON_LABELS = {
    reconciliation.REASON_NUMBER: gettext_lazy("invoice number in the transfer"),
    reconciliation.REASON_ALIAS: gettext_lazy("payer name matched before"),
    reconciliation.REASON_KANA: gettext_lazy("payer name is the organisation's kana"),
    reconciliation.REASON_EXACT: gettext_lazy("amount equals the balance"),
    reconciliation.REASON_SHORT: gettext_lazy("short by a bank fee?"),
    reconciliation.REASON_SUM: gettext_lazy("adds up with other open invoices"),
    reconciliation.REASON_AMOUNT_ONLY: gettext_lazy("amount only"),
}


@login_required
def bank_statement_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_manage_billing(request.user))
    form = StatementUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            statement = services.bank_statement_import(actor=request.user, filename=upload.name, content=upload.read())
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            if getattr(statement, "already_imported", False):
                messages.info(
                    request,
                    _("This file was imported on %(date)s already; nothing was added.")
                    % {"date": date_format(statement.imported_at, "DATETIME_FORMAT")},
                )
            else:
                counts = {
                    "new": statement.new_count, "auto": statement.auto_allocated_count,
                    "queued": statement.queued_count, "duplicates": statement.duplicate_count,
                }  # fmt: skip
                messages.success(
                    request,
                    _(
                        "Imported %(new)s new deposits: %(auto)s matched automatically, %(queued)s left for you to "
                        "decide; %(duplicates)s were imported before and skipped."
                    )
                    % counts,
                )
            return redirect("bank-statement-detail", statement_id=statement.pk)
    context = {"form": form, "statements": selectors.bank_statement_list(viewer=request.user)[:20]}
    return render(request, "billing/payments_statement_upload.html", context, status=400 if form.errors else 200)


@login_required
def bank_statement_detail(request: AuthenticatedHttpRequest, statement_id: int) -> HttpResponse:
    require(can_manage_billing(request.user))
    statement = selectors.bank_statement_get(viewer=request.user, pk=statement_id)
    state = request.GET.get("state", "")
    lines = statement.lines.select_related("payment__organization").order_by("line_number")
    if state in MatchState.values:
        lines = lines.filter(state=state)
    page = Paginator(lines, LINES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"statement": statement, "page": page, "state": state, "states": MatchState.choices,
               "query": f"state={state}" if state else ""}  # fmt: skip
    return render(request, "billing/payments_statement_detail.html", context)


def _suggested_invoices(lines: list[BankStatementLine]) -> dict[int, Invoice]:
    ids = {suggestion["invoice"] for line in lines for suggestion in line.suggestions}
    return {invoice.pk: invoice for invoice in Invoice.objects.filter(pk__in=ids).select_related("organization")}


def _aliases(lines: list[BankStatementLine]) -> dict[str, Organization]:
    keys = {line.payer_key for line in lines if line.payer_key}
    return {
        alias.payer_key: alias.organization
        for alias in PayerAlias.objects.filter(payer_key__in=keys).select_related("organization")
    }


def _open_invoices(invoices: dict[int, Invoice], aliases: dict[str, Organization]) -> dict[int, list[Invoice]]:
    """Open invoices of every organisation a page of the queue may show a form for, in one query."""
    organization_ids = {invoice.organization_id for invoice in invoices.values()}
    organization_ids |= {organization.pk for organization in aliases.values()}
    grouped: dict[int, list[Invoice]] = {pk: [] for pk in organization_ids}
    for invoice in selectors.open_invoices_of_many(organization_ids):
        grouped[invoice.organization_id].append(invoice)
    return grouped


def _preselection(suggestions: list[dict[str, Any]], organization: Organization | None) -> tuple[list[int], int | None]:
    """The invoices to tick in the form, and the one to take a bank fee, when the suggestions leave no doubt:
    one exact fit, else one set that adds up, else one short fit. Several fits tick nothing: staff choose."""
    mine = [s for s in suggestions if s["invoice"].organization == organization]

    def having(reason: str) -> list[int]:
        return [s["invoice"].pk for s in mine if reason in s["codes"]]

    exact, sums, short = (
        having(reconciliation.REASON_EXACT),
        having(reconciliation.REASON_SUM),
        having(reconciliation.REASON_SHORT),
    )
    if exact:
        return (exact, None) if len(exact) == 1 else ([], None)
    if sums:
        return sums, None
    if len(short) == 1:
        return short, short[0]
    return [], None


def _row_context(
    line: BankStatementLine,
    invoices: dict[int, Invoice],
    aliases: dict[str, Organization],
    open_invoices: dict[int, list[Invoice]] | None = None,
    *,
    organization: Organization | None = None,
    data: QueryDict | None = None,
    error: str = "",
    search: str | None = None,
) -> dict[str, Any]:
    """What one deposit of the queue shows: its suggestions with their reasons, the organisations they point
    at, and a match form for the chosen one (the first suggested, unless staff chose another)."""
    suggestions = []
    candidates: list[Organization] = []
    for suggestion in line.suggestions:
        invoice = invoices.get(suggestion["invoice"])
        if invoice is None:
            continue
        labels = [REASON_LABELS.get(reason, reason) for reason in suggestion["reasons"]]
        suggestions.append({"invoice": invoice, "reasons": labels, "codes": suggestion["reasons"]})
        if invoice.organization not in candidates:
            candidates.append(invoice.organization)
    alias = aliases.get(line.payer_key)
    if alias is not None and alias not in candidates:
        candidates.append(alias)
    organization = organization or (candidates[0] if candidates else None)
    if organization is not None and organization not in candidates:
        candidates.append(organization)
    ticked, fee_for = _preselection(suggestions, organization)
    if organization is not None and open_invoices is not None and organization.pk in open_invoices:
        payable = open_invoices[organization.pk]
    else:
        payable = list(selectors.open_invoices_of(organization.pk)) if organization else []
    allocation_form = AllocationForm(
        data, invoices=payable, prefix=f"d{line.pk}", amount=line.amount,
        suggested=ticked, fee_for=fee_for,
    )  # fmt: skip
    return {
        "line": line,
        "suggestions": suggestions,
        "candidates": candidates,
        "organization": organization,
        "allocation_form": allocation_form,
        "ignore_form": DepositIgnoreForm(prefix=f"i{line.pk}"),
        "error": error,
        "search": search,
        "found": organizations_matching(search) if search else [],
    }


def _row(request: AuthenticatedHttpRequest, line: BankStatementLine, **options: Any) -> HttpResponse:
    context = _row_context(line, _suggested_invoices([line]), _aliases([line]), **options)
    return render(request, "billing/_payments_deposit_row.html", context)


@login_required
def reconciliation_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_manage_billing(request.user))
    queued = selectors.deposit_list(viewer=request.user, state=MatchState.QUEUED)
    page = Paginator(queued, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    lines = list(page)
    invoices, aliases = _suggested_invoices(lines), _aliases(lines)
    open_invoices = _open_invoices(invoices, aliases)
    rows = [_row_context(line, invoices, aliases, open_invoices) for line in lines]
    return render(request, "billing/payments_queue.html", {"page": page, "rows": rows, "query": ""})


@login_required
def deposit_match(request: AuthenticatedHttpRequest, line_id: int) -> HttpResponse:
    """GET: the deposit's row for another organisation (?organization=) or with a search (?q=), for htmx.
    POST: staff confirm the match; the row becomes a done row (htmx) or the queue shows the outcome."""
    require(can_manage_billing(request.user))
    line = selectors.deposit_get(viewer=request.user, pk=line_id)
    if line.state != MatchState.QUEUED:
        return render(request, "billing/_payments_deposit_done.html", {"line": line})
    if request.method != "POST":
        return _row(request, line, organization=organization_from(request.GET.get("organization")),
                    search=request.GET.get("q"))  # fmt: skip
    organization = organization_from(request.POST.get("organization"))
    form = allocation_form_for(organization, request.POST, prefix=f"d{line.pk}")
    try:
        if organization is None:
            raise ApplicationError(_("Choose the organisation that paid."))
        if not form.is_valid():
            raise ApplicationError(form.error_text())
        services.deposit_match(
            actor=request.user, line=line, organization=organization, allocations=form.allocations(),
            bank_fee_for=form.bank_fee_invoice(),
        )  # fmt: skip
    except ApplicationError as error:
        if request.htmx:
            return _row(request, line, organization=organization, data=request.POST, error=error.message)
        messages.error(request, error.message)
        return redirect("reconciliation-queue")
    line.refresh_from_db()
    if request.htmx:
        return render(request, "billing/_payments_deposit_done.html", {"line": line, "organization": organization})
    messages.success(request, _("The deposit was matched to %(organization)s.") % {"organization": organization})
    return redirect("reconciliation-queue")


@login_required
@require_POST
def deposit_ignore(request: AuthenticatedHttpRequest, line_id: int) -> HttpResponse:
    require(can_manage_billing(request.user))
    line = selectors.deposit_get(viewer=request.user, pk=line_id)
    form = DepositIgnoreForm(request.POST, prefix=f"i{line.pk}")
    try:
        services.deposit_ignore(
            actor=request.user, line=line, reason=form.cleaned_data["reason"] if form.is_valid() else ""
        )
    except ApplicationError as error:
        if request.htmx:
            return _row(request, line, error=error.message)
        messages.error(request, error.message)
        return redirect("reconciliation-queue")
    line.refresh_from_db()
    if request.htmx:
        return render(request, "billing/_payments_deposit_done.html", {"line": line})
    messages.success(request, _("The deposit was set aside."))
    return redirect("reconciliation-queue")
