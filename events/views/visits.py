"""Company visit pages (staff and coordinators only): log and edit a visit, the list, a visit with its
follow-up actions, the follow-up list, a coordinator's own work, the visit plan and the outcome categories.

Anyone else gets a 403 page saying that visit records are internal, rather than the generic one.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusternet.core.exceptions import ApplicationError
from clusternet.core.forms import add_service_error
from clusternet.core.permissions import require
from clusternet.core.text import search_key
from clusternet.core.types import AuthenticatedHttpRequest
from events.forms.visits import (
    FollowUpFilterForm,
    FollowUpForm,
    FollowUpFormSet,
    FollowUpStatusForm,
    OutcomeCategoryForm,
    VisitFilterForm,
    VisitForm,
    VisitPlanDecisionForm,
    VisitPlanFilterForm,
    VisitPlanForm,
    filled_rows,
)
from events.models import FollowUpStatus, OutcomeCategory, VisitPlanStatus
from events.permissions import (
    can_approve_visit_plans,
    can_edit_visit,
    can_manage_events,
    can_see_visits,
    can_update_follow_up,
)
from events.selectors import visits as selectors
from events.services import visits as services
from members.selectors import organization_chosen, organizations_matching

PAGE_SIZE = 50

View = Callable[..., HttpResponse]


def visits_only(view: View) -> View:
    """Signed-in staff and coordinators only; everyone else is told why (403)."""

    @wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_see_visits(request.user):
            return render(
                request, "events/visit_forbidden.html", {"message": selectors.INTERNAL_ONLY_MESSAGE}, status=403
            )
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def _organization_choices(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The htmx answer to a search in the organisation box of the visit and plan forms."""
    query = request.GET.get("q", "")
    context = {"organizations": organizations_matching(query), "query": query}
    return render(request, "_organization_choices.html", context)


def _next_url(request: AuthenticatedHttpRequest, default: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _query_without_page(request: AuthenticatedHttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# -- visits ------------------------------------------------------------------------------------------------


@visits_only
def visit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = VisitFilterForm(request.GET or None)
    # ?organization= comes from an organisation's page ("its visits").
    organization_id = request.GET.get("organization", "")
    filters = selectors.VisitFilters(organization_id=int(organization_id) if organization_id.isdigit() else None)
    query = ""
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.VisitFilters(
            date_from=data["date_from"],
            date_to=data["date_to"],
            organization_id=filters.organization_id,
            outcome_id=data["outcome"].pk if data["outcome"] else None,
            visitor_id=data["coordinator"].pk if data["coordinator"] else None,
        )
        query = data["q"]
    visits = selectors.visit_list(viewer=request.user, filters=filters)
    if query:
        visits = visits.filter(organization__search_key__contains=search_key(query))
    page = Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": _query_without_page(request),
        "staff": can_manage_events(request.user),
    }
    return render(request, "events/visit_list.html", context)


def _apply_service_error(form: VisitForm, formset: Any, error: ApplicationError | ValidationError) -> None:
    """Shows a refusal beside the follow-up row it concerns, or on the visit form."""
    if isinstance(error, ApplicationError) and "follow_up" in error.extra:
        row = formset.forms[error.extra["follow_up"]]
        field = error.extra.get("field")
        row.add_error(field if field in row.fields else None, error.message)
    else:
        add_service_error(form, error)


@visits_only
def visit_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One form: the visit, who went, what was heard, outcomes and follow-up actions.

    With htmx, GET ?q= answers the organisations matching a search. ?plan= logs the visit of an approved plan,
    ?organization= starts from an organisation's page.
    """
    if request.method == "GET" and request.htmx and "q" in request.GET:
        return _organization_choices(request)
    data = request.POST if request.method == "POST" else None
    source = data or request.GET
    plan = None
    if (plan_id := source.get("plan", "")).isdigit():
        plan = selectors.visit_plan_list(viewer=request.user).filter(pk=int(plan_id)).first()
    organization = organization_chosen(source.get("organization")) or (plan.organization if plan else None)
    form = VisitForm(data, initial={"organization": organization, "plan": plan, "visitors": [request.user]})
    formset = FollowUpFormSet(data, prefix="follow_ups")
    if data is not None and form.is_valid() & formset.is_valid():
        rows = filled_rows(formset)
        try:
            visit = services.visit_create(
                actor=request.user,
                data=form.visit_data(),
                visitors=list(form.cleaned_data["visitors"]),
                outcomes=list(form.cleaned_data["outcomes"]),
                follow_ups=[row for _index, row in rows],
                new_organization=form.new_organization(),
                plan=form.cleaned_data["plan"],
            )
        except ApplicationError as error:
            if "follow_up" in error.extra:
                error.extra["follow_up"] = rows[error.extra["follow_up"]][0]
            _apply_service_error(form, formset, error)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The visit was logged."))
            return redirect("visit-detail", visit_id=visit.pk)
    context = {"form": form, "formset": formset, "organization": organization, "plan": plan}
    return render(request, "events/visit_form.html", context)


@visits_only
def visit_detail(request: AuthenticatedHttpRequest, visit_id: int) -> HttpResponse:
    visit = selectors.visit_get(viewer=request.user, pk=visit_id)
    follow_ups = list(selectors.follow_up_list(viewer=request.user, visit=visit))
    context = {
        "visit": visit,
        "follow_ups": [(f, can_update_follow_up(request.user, f)) for f in follow_ups],
        "can_edit": can_edit_visit(request.user, visit),
        "follow_up_form": FollowUpForm(prefix="follow_up"),
        "today": timezone.localdate(),
    }
    return render(request, "events/visit_detail.html", context)


@visits_only
def visit_edit(request: AuthenticatedHttpRequest, visit_id: int) -> HttpResponse:
    visit = selectors.visit_get(viewer=request.user, pk=visit_id)
    require(can_edit_visit(request.user, visit))
    if request.method == "GET" and request.htmx and "q" in request.GET:
        return _organization_choices(request)
    data = request.POST if request.method == "POST" else None
    organization = organization_chosen(data.get("organization")) if data else visit.organization
    form = VisitForm(
        data,
        instance=visit,
        initial={"visitors": list(visit.visitors.all()), "outcomes": list(visit.outcomes.all())},
    )
    if data is not None and form.is_valid():
        try:
            services.visit_update(
                actor=request.user,
                visit=visit,
                data=form.visit_data(),
                visitors=list(form.cleaned_data["visitors"]),
                outcomes=list(form.cleaned_data["outcomes"]),
            )
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The visit was saved."))
            return redirect("visit-detail", visit_id=visit.pk)
    context = {"form": form, "formset": None, "organization": organization, "visit": visit}
    return render(request, "events/visit_form.html", context)


# -- follow-up actions -------------------------------------------------------------------------------------


@visits_only
def follow_up_create(request: AuthenticatedHttpRequest, visit_id: int) -> HttpResponse:
    """Adds a follow-up action to a visit; anyone who sees visits may, as on the visit form."""
    visit = selectors.visit_get(viewer=request.user, pk=visit_id)
    form = FollowUpForm(request.POST or None, prefix="follow_up")
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_create(actor=request.user, visit=visit, data=form.follow_up_data())
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The follow-up action was added."))
            return redirect("visit-detail", visit_id=visit.pk)
    return render(request, "events/follow_up_form.html", {"visit": visit, "form": form})


@visits_only
def follow_up_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = FollowUpFilterForm(request.GET or None)
    show = (form.cleaned_data["show"] if form.is_valid() else "") or "mine"
    if show == "mine":
        follow_ups = selectors.follow_up_list(viewer=request.user, owner=request.user, status=FollowUpStatus.OPEN)
    elif show == "open":
        follow_ups = selectors.follow_up_list(viewer=request.user, status=FollowUpStatus.OPEN)
    elif show == "overdue":
        follow_ups = selectors.follow_up_list(viewer=request.user, overdue=True)
    else:
        follow_ups = selectors.follow_up_list(viewer=request.user)
    page = Paginator(follow_ups, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(f, can_update_follow_up(request.user, f)) for f in page]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "show": show,
        "query": _query_without_page(request),
        "today": timezone.localdate(),
    }
    return render(request, "events/follow_up_list.html", context)


@visits_only
@require_POST
def follow_up_status(request: AuthenticatedHttpRequest, follow_up_id: int) -> HttpResponse:
    follow_up = selectors.follow_up_get(viewer=request.user, pk=follow_up_id)
    require(can_update_follow_up(request.user, follow_up))
    form = FollowUpStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the new status."))
    else:
        try:
            services.follow_up_set_status(
                actor=request.user,
                follow_up=follow_up,
                status=form.cleaned_data["status"],
                done_on=form.cleaned_data["done_on"],
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The follow-up action was updated."))
    return redirect(_next_url(request, reverse("visit-detail", kwargs={"visit_id": follow_up.visit_id})))


@visits_only
def coordinator_work(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The viewer's own visits and open follow-up actions, overdue ones first."""
    visits = selectors.coordinator_visits(viewer=request.user)
    page = Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page"))
    follow_ups = selectors.follow_up_list(viewer=request.user, owner=request.user, status=FollowUpStatus.OPEN)
    context = {
        "page": page,
        # The viewer owns each of them, so may update each.
        "follow_up_rows": [(follow_up, True) for follow_up in follow_ups],
        "today": timezone.localdate(),
        "query": "",
    }
    return render(request, "events/coordinator_work.html", context)


# -- visit planning ----------------------------------------------------------------------------------------


@visits_only
def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = VisitPlanFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    plans = selectors.visit_plan_list(viewer=request.user, status=status or None)
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": _query_without_page(request),
        "can_decide": can_approve_visit_plans(request.user),
        "decision_form": VisitPlanDecisionForm(),
        "today": timezone.localdate(),
        "approved": VisitPlanStatus.APPROVED,
        "open_statuses": [VisitPlanStatus.PLANNED, VisitPlanStatus.APPROVED],
    }
    return render(request, "events/plan_list.html", context)


@visits_only
def plan_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Any staff member or coordinator proposes a firm to visit; the steering committee decides later."""
    if request.method == "GET" and request.htmx and "q" in request.GET:
        return _organization_choices(request)
    data = request.POST if request.method == "POST" else None
    organization = organization_chosen((data or request.GET).get("organization"))
    form = VisitPlanForm(data, initial={"organization": organization})
    if data is not None and form.is_valid():
        try:
            services.visit_plan_create(actor=request.user, data=form.plan_data())
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The organisation was added to the visit plan."))
            return redirect("visit-plan-list")
    return render(request, "events/plan_form.html", {"form": form, "organization": organization})


@visits_only
@require_POST
def plan_decide(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.visit_plan_get(viewer=request.user, pk=plan_id)
    require(can_approve_visit_plans(request.user))
    form = VisitPlanDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the decision."))
    else:
        try:
            services.visit_plan_transition(
                actor=request.user,
                plan=plan,
                to_status=form.cleaned_data["to_status"],
                approved_on=form.cleaned_data["approved_on"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The decision was recorded."))
    return redirect(_next_url(request, reverse("visit-plan-list")))


# -- outcome categories ------------------------------------------------------------------------------------


@visits_only
def outcome_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Staff add, rename, reorder and retire the outcome categories a visit can have."""
    require(can_manage_events(request.user))
    form = OutcomeCategoryForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_category_create(actor=request.user, data=form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The outcome category was added."))
            return redirect("outcome-category-list")
    categories = selectors.outcome_categories()
    return render(request, "events/outcome_list.html", {"form": form, "categories": categories})


@visits_only
def outcome_edit(request: AuthenticatedHttpRequest, outcome_category_id: int) -> HttpResponse:
    require(can_manage_events(request.user))
    category = get_object_or_404(OutcomeCategory, pk=outcome_category_id)
    form = OutcomeCategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_category_update(actor=request.user, category=category, data=form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The outcome category was saved."))
            return redirect("outcome-category-list")
    return render(request, "events/outcome_form.html", {"form": form, "category": category})


@visits_only
@require_POST
def outcome_move(request: AuthenticatedHttpRequest, outcome_category_id: int) -> HttpResponse:
    require(can_manage_events(request.user))
    category = get_object_or_404(OutcomeCategory, pk=outcome_category_id)
    services.outcome_category_move(actor=request.user, category=category, up=request.POST.get("direction") == "up")
    return redirect("outcome-category-list")
