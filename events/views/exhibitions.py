"""Exhibition pages for staff and the event's organisers: the firms sharing the booth, and the leads
collected there, entered one after another and turned into contacts of the register."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusternet.core.exceptions import ApplicationError
from clusternet.core.forms import add_service_error
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedHttpRequest
from events.forms.exhibitions import ExhibitorForm, LeadContactForm, LeadForm
from events.models import Event, EventKind
from events.permissions import can_run_event
from events.selectors.events import event_get
from events.services import exhibitions as services
from members.models import Organization
from members.selectors import organizations_matching


def _exhibition(request: AuthenticatedHttpRequest, exhibition_id: int) -> Event:
    event = event_get(viewer=request.user, pk=exhibition_id)
    require(can_run_event(request.user, event))
    if event.kind != EventKind.EXHIBITION:
        raise Http404
    return event


@login_required
def exhibitors(request: AuthenticatedHttpRequest, exhibition_id: int) -> HttpResponse:
    """The booth's firms, and a form to add one found by name or kana (htmx answers the choices)."""
    event = _exhibition(request, exhibition_id)
    query = request.GET.get("q", "").strip()
    organizations = organizations_matching(query)
    if request.method == "GET" and request.htmx and "q" in request.GET:
        return render(request, "_organization_choices.html", {"organizations": organizations, "query": query})
    form = ExhibitorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization = Organization.objects.filter(pk=form.cleaned_data["organization"]).first()
        try:
            exhibitor = services.exhibitor_add(
                actor=request.user, event=event, organization=organization, exhibit=form.cleaned_data["exhibit"]
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("%(organization)s shares the booth.") % {"organization": exhibitor})
            return redirect("exhibition-exhibitors", exhibition_id=event.pk)
    context = {
        "event": event,
        "exhibitors": event.exhibitors.select_related("organization").order_by("organization__name_kana"),
        "form": form,
        "organizations": organizations,
        "query": query,
    }
    return render(request, "events/exhibition_exhibitors.html", context)


@login_required
@require_POST
def exhibitor_remove(request: AuthenticatedHttpRequest, exhibition_id: int, exhibitor_id: int) -> HttpResponse:
    event = _exhibition(request, exhibition_id)
    exhibitor = get_object_or_404(event.exhibitors.select_related("organization"), pk=exhibitor_id)
    services.exhibitor_remove(actor=request.user, exhibitor=exhibitor)
    messages.success(request, _("%(organization)s no longer shares the booth.") % {"organization": exhibitor})
    return redirect("exhibition-exhibitors", exhibition_id=event.pk)


@login_required
def leads(request: AuthenticatedHttpRequest, exhibition_id: int) -> HttpResponse:
    """The leads and a form that comes back empty after each one, keeping the booth chosen last."""
    event = _exhibition(request, exhibition_id)
    booth = request.GET.get("booth", "")
    form = LeadForm(request.POST or None, event=event, initial={"exhibitor": booth if booth.isdigit() else None})
    if request.method == "POST" and form.is_valid():
        try:
            lead = services.lead_create(actor=request.user, event=event, data=form.lead_data())
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Lead %(name)s recorded.") % {"name": lead.name})
            url = reverse("exhibition-leads", args=[event.pk])
            return redirect(f"{url}?booth={lead.exhibitor_id}" if lead.exhibitor_id else url)
    context = {
        "event": event,
        "form": form,
        "leads": event.leads.select_related("exhibitor__organization", "contact__organization"),
    }
    return render(request, "events/exhibition_leads.html", context)


@login_required
def lead_contact(request: AuthenticatedHttpRequest, exhibition_id: int, lead_id: int) -> HttpResponse:
    """Makes the lead a contact of the register, in an organisation found by name or created here."""
    event = _exhibition(request, exhibition_id)
    lead = get_object_or_404(event.leads.select_related("contact__organization"), pk=lead_id)
    organization = services.organization_for_lead(lead)
    data = request.POST if request.method == "POST" else None  # nothing to fill in is still a submission
    form = LeadContactForm(data, new_organization=organization is None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.lead_contact_create(actor=request.user, lead=lead, **form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is now a contact of %(organization)s.")
                % {"name": contact.name, "organization": contact.organization.name},
            )
            return redirect("exhibition-leads", exhibition_id=event.pk)
    context = {"event": event, "lead": lead, "organization": organization, "form": form}
    return render(request, "events/lead_contact_form.html", context)
