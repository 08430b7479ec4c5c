"""Seed and need pages: the lists, registering and editing an entry, its page, withdrawing it, the user's own
entries, a need from an exhibition lead, and the coordinators' screening table.

Firms' users and internal users only (evaluators get a 403); an entry the viewer may not see answers 404.
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
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusternet.core.exceptions import ApplicationError
from clusternet.core.forms import add_service_error
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedHttpRequest
from events.models import ExhibitionLead, Visit
from matching.forms.entries import (
    EntryForm,
    NeedFilterForm,
    NeedForm,
    ScreeningFormSet,
    SeedFilterForm,
    SeedForm,
)
from matching.models import EntryStatus, Need, Seed
from matching.permissions import can_coordinate, can_edit_entry, can_use_matching
from matching.selectors import entries as selectors
from matching.services import entries as services
from members.selectors import organization_chosen, organizations_matching

PAGE_SIZE = 50

View = Callable[..., HttpResponse]


def matching_only(view: View) -> View:
    """Signed in, and an internal user or a firm's user (403 for anyone else)."""

    @wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require(can_use_matching(request.user))
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def _organization_choices(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The htmx answer to a search in the owner organisation box of the coordinators' form."""
    query = request.GET.get("q", "")
    context = {"organizations": organizations_matching(query), "query": query, "field_name": "owner"}
    return render(request, "_organization_choices.html", context)


def _query_without_page(request: AuthenticatedHttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# -- lists ---------------------------------------------------------------------------------------------------


def _entry_list(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    form_class = SeedFilterForm if kind == "seed" else NeedFilterForm
    form = form_class(request.GET or None)
    filters = selectors.EntryFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.EntryFilters(
            q=data["q"],
            field=data["field"],
            stage=data["stage"],
            status=data["status"],
            mine=data["mine"],
            patent_status=data.get("patent_status", ""),
            willingness=data.get("willingness", ""),
            timing=data.get("timing", ""),
        )
    entries = (
        selectors.seed_list(viewer=request.user, filters=filters)
        if kind == "seed"
        else selectors.need_list(viewer=request.user, filters=filters)
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"kind": kind, "form": form, "page": page, "query": _query_without_page(request)}
    return render(request, "matching/entry_list.html", context)


@matching_only
def seed_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _entry_list(request, "seed")


@matching_only
def need_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _entry_list(request, "need")


@matching_only
def my_entries(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A firm's own seeds and needs in every status, with the coordinators' questions; for coordinators, the
    entries they registered."""
    mine = selectors.EntryFilters(mine=True)
    context = {
        "seeds": selectors.seed_list(viewer=request.user, filters=mine),
        "needs": selectors.need_list(viewer=request.user, filters=mine),
    }
    return render(request, "matching/entry_mine.html", context)


# -- create and edit -----------------------------------------------------------------------------------------


def _visit(request: AuthenticatedHttpRequest, source: Any) -> Visit | None:
    """The visit the entry is registered from (coordinators only; ?visit= from the visit's page)."""
    value = source.get("visit", "")
    if not can_coordinate(request.user) or not value.isdigit():
        return None
    return Visit.objects.select_related("organization").filter(pk=int(value)).first()


def _entry_create(request: AuthenticatedHttpRequest, kind: str, *, lead: ExhibitionLead | None = None) -> HttpResponse:
    if request.method == "GET" and request.htmx and "q" in request.GET:
        return _organization_choices(request)
    data = request.POST if request.method == "POST" else None
    source = data or request.GET
    visit = _visit(request, source)
    owner = None
    if can_coordinate(request.user):
        owner = organization_chosen(source.get("owner"))
        if owner is None and visit is not None:
            owner = visit.organization
        if owner is None and lead is not None and lead.contact is not None:
            owner = lead.contact.organization
    initial: dict[str, Any] = {"owner": owner}
    if lead is not None:
        initial.update({"title": lead.interest[:200], "description": lead.interest})
    form: EntryForm = (SeedForm if kind == "seed" else NeedForm)(data, user=request.user, initial=initial)
    if data is not None and form.is_valid():
        entry_data = form.entry_data()
        if visit is not None:
            entry_data["visit"] = visit
        arguments = {
            "actor": request.user,
            "owner": form.chosen_owner(),
            "data": entry_data,
            "audience": form.chosen_audience(),
            "accept": form.cleaned_data.get("accept", False),
        }
        try:
            if lead is not None:
                entry: Seed | Need = services.need_from_lead(lead=lead, **arguments)
            elif kind == "seed":
                entry = services.seed_create(**arguments)
            else:
                entry = services.need_create(**arguments)
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            if entry.status == EntryStatus.ACTIVE:
                messages.success(request, _("The entry was registered and is active for matching."))
            else:
                messages.success(request, _("The entry was registered; the coordinators will screen it."))
            return redirect(f"{kind}-detail", entry.pk)
    context = {"kind": kind, "form": form, "owner": owner, "visit": visit, "lead": lead}
    return render(request, "matching/entry_form.html", context)


@matching_only
def seed_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _entry_create(request, "seed")


@matching_only
def need_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _entry_create(request, "need")


@matching_only
def need_from_lead(request: AuthenticatedHttpRequest, lead_id: int) -> HttpResponse:
    """A need registered from a visitor met at an exhibition booth (coordinators and staff)."""
    require(can_coordinate(request.user))
    lead = get_object_or_404(ExhibitionLead.objects.select_related("contact__organization", "event"), pk=lead_id)
    return _entry_create(request, "need", lead=lead)


def _entry_edit(request: AuthenticatedHttpRequest, kind: str, entry_id: int) -> HttpResponse:
    if request.method == "GET" and request.htmx and "q" in request.GET:
        return _organization_choices(request)
    entry = selectors.entry_get(request.user, "seed" if kind == "seed" else "need", entry_id)
    require(can_edit_entry(request.user, entry))
    data = request.POST if request.method == "POST" else None
    form: EntryForm = (SeedForm if kind == "seed" else NeedForm)(data, user=request.user, entry=entry)
    if data is not None and form.is_valid():
        entry_data = form.entry_data()
        if "owner" in form.fields:
            entry_data["owner"] = form.chosen_owner()
        try:
            if isinstance(entry, Seed):
                services.seed_update(actor=request.user, seed=entry, data=entry_data, audience=form.chosen_audience())
            else:
                services.need_update(actor=request.user, need=entry, data=entry_data, audience=form.chosen_audience())
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The entry was saved."))
            return redirect(f"{kind}-detail", entry.pk)
    owner = form["owner"].value() if "owner" in form.fields else None
    owner_organization = organization_chosen(owner) if owner else entry.owner
    context = {"kind": kind, "form": form, "entry": entry, "owner": owner_organization}
    return render(request, "matching/entry_form.html", context)


@matching_only
def seed_edit(request: AuthenticatedHttpRequest, seed_id: int) -> HttpResponse:
    return _entry_edit(request, "seed", seed_id)


@matching_only
def need_edit(request: AuthenticatedHttpRequest, need_id: int) -> HttpResponse:
    return _entry_edit(request, "need", need_id)


# -- detail and withdraw -------------------------------------------------------------------------------------


def _entry_detail(request: AuthenticatedHttpRequest, kind: str, entry_id: int) -> HttpResponse:
    entry = selectors.entry_get(request.user, "seed" if kind == "seed" else "need", entry_id)
    internal = can_coordinate(request.user)
    own = entry.owner_id == request.user.organization_id
    context = {
        "kind": kind,
        "entry": entry,
        "internal": internal,
        # The coordinators' question or reason is for the owner and the coordinators.
        "show_note": internal or own,
        "can_edit": can_edit_entry(request.user, entry) and (internal or entry.status in services.EDITABLE_STATUSES),
        "can_withdraw": can_edit_entry(request.user, entry)
        and entry.status not in (EntryStatus.WITHDRAWN, EntryStatus.DECLINED),
    }
    return render(request, "matching/entry_detail.html", context)


@matching_only
def seed_detail(request: AuthenticatedHttpRequest, seed_id: int) -> HttpResponse:
    return _entry_detail(request, "seed", seed_id)


@matching_only
def need_detail(request: AuthenticatedHttpRequest, need_id: int) -> HttpResponse:
    return _entry_detail(request, "need", need_id)


def _entry_withdraw(request: AuthenticatedHttpRequest, kind: str, entry_id: int) -> HttpResponse:
    entry = selectors.entry_get(request.user, "seed" if kind == "seed" else "need", entry_id)
    require(can_edit_entry(request.user, entry))
    try:
        services.entry_withdraw(actor=request.user, entry=entry)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The entry was withdrawn from matching."))
    return redirect(f"{kind}-detail", entry.pk)


@require_POST
@matching_only
def seed_withdraw(request: AuthenticatedHttpRequest, seed_id: int) -> HttpResponse:
    return _entry_withdraw(request, "seed", seed_id)


@require_POST
@matching_only
def need_withdraw(request: AuthenticatedHttpRequest, need_id: int) -> HttpResponse:
    return _entry_withdraw(request, "need", need_id)


# -- screening -----------------------------------------------------------------------------------------------


@matching_only
def screening_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The coordinators' meeting: every submitted entry in a row with a decision and a note, saved at once.
    Rows left at "later" stay in the queue."""
    require(can_coordinate(request.user))
    queue = selectors.screening_queue(viewer=request.user)
    by_key = {("seed" if isinstance(e, Seed) else "need", e.pk): e for e in queue}
    initial = [{"kind": kind, "entry_id": pk} for kind, pk in by_key]
    formset = ScreeningFormSet(request.POST or None, initial=initial, prefix="screen")
    if request.method == "POST" and formset.is_valid():
        decisions: list[services.Decision] = []
        rows: list[int] = []
        for index, row in enumerate(formset.cleaned_data):
            # An entry screened meanwhile by someone else is no longer in the queue: its row is skipped.
            entry = by_key.get((str(row.get("kind")), int(row.get("entry_id") or 0)))
            if entry is not None and row.get("decision"):
                decisions.append((entry, row["decision"], row["note"]))
                rows.append(index)
        try:
            screened = services.entries_screen(actor=request.user, decisions=decisions)
        except ApplicationError as error:
            if "entry" in error.extra:
                formset.forms[rows[error.extra["entry"]]].add_error("note", error.message)
            else:
                messages.error(request, error.message)
        else:
            messages.success(request, _("%(count)s entries screened.") % {"count": len(screened)})
            return redirect("screening-queue")
    rows_shown = []
    for form in formset.forms:
        entry_id = str(form["entry_id"].value() or "")
        entry = by_key.get((form["kind"].value(), int(entry_id))) if entry_id.isdigit() else None
        if entry is not None:
            rows_shown.append((entry, form))
    return render(request, "matching/screening_queue.html", {"rows": rows_shown, "formset": formset})
