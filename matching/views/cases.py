"""Matching-case pages (staff and coordinators only): the list, open a case (from a recommended pair too), a
case with its history and its move and drop forms, edit it, the pipeline by stage, the funnel of a fiscal
year and its Excel export.

Anyone else gets a 403 page saying that cases are internal, rather than the generic one.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusternet.core.exceptions import ApplicationError
from clusternet.core.forms import add_service_error
from clusternet.core.types import AuthenticatedHttpRequest
from matching.forms.cases import CaseDropForm, CaseFilterForm, CaseForm, CaseMoveForm, FunnelYearForm
from matching.models import CaseStage, Need, Seed
from matching.permissions import can_coordinate
from matching.reports import case_funnel, case_funnel_xlsx
from matching.selectors import cases as selectors
from matching.selectors.visibility import needs_visible_to, seeds_visible_to
from matching.services import cases as services

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

View = Callable[..., HttpResponse]


def cases_only(view: View) -> View:
    """Signed-in staff and coordinators only; everyone else is told why (403)."""

    @wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_coordinate(request.user):
            return render(
                request, "matching/case_forbidden.html", {"message": selectors.INTERNAL_ONLY_MESSAGE}, status=403
            )
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def _filters(form: CaseFilterForm) -> selectors.CaseFilters:
    if not form.is_valid():
        return selectors.CaseFilters()
    data = form.cleaned_data
    return selectors.CaseFilters(
        stage=data.get("stage") or None,
        coordinator_id=data["coordinator"].pk if data["coordinator"] else None,
        field=data["field"] or None,
        fiscal_year=data["fiscal_year"],
        text=data["q"],
    )


def _query_without_page(request: AuthenticatedHttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@cases_only
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    filters = _filters(form)
    # ?organization= comes from an organisation's page ("its cases").
    if (organization_id := request.GET.get("organization", "")).isdigit():
        filters = selectors.CaseFilters(**{**filters.__dict__, "organization_id": int(organization_id)})
    cases = selectors.case_list(viewer=request.user, filters=filters)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "matching/case_list.html", {"form": form, "page": page, "query": _query_without_page(request)}
    )


def _prefill(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    """What the recommender's "open a case" link says: the seed and need, their owners as the parties."""
    seed: Seed | None = None
    need: Need | None = None
    if (seed_id := request.GET.get("seed", "")).isdigit():
        seed = seeds_visible_to(request.user).select_related("owner").filter(pk=int(seed_id)).first()
    if (need_id := request.GET.get("need", "")).isdigit():
        need = needs_visible_to(request.user).select_related("owner").filter(pk=int(need_id)).first()
    initial: dict[str, Any] = {"coordinator": request.user, "seed": seed, "need": need}
    entries = [entry for entry in (seed, need) if entry is not None]
    if entries:
        initial["organizations"] = list(dict.fromkeys(entry.owner for entry in entries))
        initial["title"] = " × ".join(entry.title for entry in entries)[:200]
        initial["field"] = entries[0].field
    return initial


@cases_only
def case_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = CaseForm(data, viewer=request.user, initial=_prefill(request) if data is None else None)
    if data is not None and form.is_valid():
        try:
            case = services.case_create(
                actor=request.user,
                organizations=list(form.cleaned_data["organizations"]),
                **form.case_data(),
            )
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The case was opened."))
            return redirect("case-detail", case_id=case.pk)
    return render(request, "matching/case_form.html", {"form": form}, status=400 if form.errors else 200)


def _detail(
    request: AuthenticatedHttpRequest,
    case_id: int,
    *,
    move_form: CaseMoveForm | None = None,
    drop_form: CaseDropForm | None = None,
    status: int = 200,
) -> HttpResponse:
    case = selectors.case_get(viewer=request.user, pk=case_id)
    finished = case.stage in services.FINISHED_STAGES
    context = {
        "case": case,
        "finished": finished,
        "move_form": None if finished else move_form or CaseMoveForm(case=case, prefix="move"),
        "drop_form": None if finished else drop_form or CaseDropForm(prefix="drop"),
        "meetings": case.meetings.select_related("session__event", "slot").order_by("slot__starts_at"),
    }
    return render(request, "matching/case_detail.html", context, status=status)


@cases_only
def case_detail(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    return _detail(request, case_id)


@cases_only
@require_POST
def case_move(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """The move form (prefix "move") or the drop form (prefix "drop") of the case page."""
    case = selectors.case_get(viewer=request.user, pk=case_id)
    dropping = "drop-drop_reason" in request.POST
    form: CaseMoveForm | CaseDropForm
    if dropping:
        form = CaseDropForm(request.POST, prefix="drop")
    else:
        form = CaseMoveForm(request.POST, prefix="move", case=case)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.case_move(
                actor=request.user,
                case=case,
                to_stage=CaseStage.DROPPED if dropping else data["to_stage"],
                moved_on=data["moved_on"],
                note="" if dropping else data["note"],
                drop_reason=data["drop_reason"] if dropping else "",
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The case was dropped.") if dropping else _("The case was moved."))
            return redirect("case-detail", case_id=case.pk)
    if isinstance(form, CaseDropForm):
        return _detail(request, case_id, drop_form=form, status=400)
    return _detail(request, case_id, move_form=form, status=400)


@cases_only
def case_edit(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get(viewer=request.user, pk=case_id)
    data = request.POST if request.method == "POST" else None
    form = CaseForm(data, viewer=request.user, instance=case)
    if data is not None and form.is_valid():
        try:
            # Both or neither: an amount refused leaves the rest of the form unsaved too.
            with transaction.atomic():
                services.case_update(
                    actor=request.user,
                    case=case,
                    data=form.case_data(),
                    organizations=list(form.cleaned_data["organizations"]),
                )
                services.case_update_amounts(
                    actor=request.user,
                    case=case,
                    deal_value=form.cleaned_data["deal_value"],
                    subsidy_amount=form.cleaned_data["subsidy_amount"],
                )
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The case was saved."))
            return redirect("case-detail", case_id=case.pk)
    context = {"form": form, "case": case}
    return render(request, "matching/case_form.html", context, status=400 if form.errors else 200)


@cases_only
def pipeline(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None, with_stage=False)
    group_by = "field" if request.GET.get("group") == "field" else "coordinator"
    board = selectors.pipeline(viewer=request.user, filters=_filters(form), group_by=group_by)
    query = request.GET.copy()
    query.pop("group", None)
    context = {
        "form": form,
        "board": board,
        "group_by": group_by,
        "query": query.urlencode(),
        "stages": [column.label for column in board.columns],
        "cards_per_column": selectors.PIPELINE_CARDS,
    }
    return render(request, "matching/pipeline.html", context)


@cases_only
def case_funnel_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = FunnelYearForm(request.GET)
    if not form.is_valid():
        return render(request, "matching/funnel.html", {"form": form}, status=400)
    funnel = case_funnel(fiscal_year=form.year())
    # The year the page shows, picked in the form even when none was asked for.
    form = FunnelYearForm(initial={"fiscal_year": funnel.fiscal_year})
    return render(request, "matching/funnel.html", {"form": form, "funnel": funnel})


@cases_only
def case_funnel_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = FunnelYearForm(request.GET)
    if not form.is_valid():
        return render(request, "matching/funnel.html", {"form": form}, status=400)
    funnel = case_funnel(fiscal_year=form.year())
    response = HttpResponse(case_funnel_xlsx(funnel), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="case-funnel-{funnel.fiscal_year}.xlsx"'
    return response
