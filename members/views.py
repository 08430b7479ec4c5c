"""Server-rendered pages of the member register, calling the same selectors and services as the API."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusternet.core.exceptions import ApplicationError
from clusternet.core.forms import add_service_error
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedHttpRequest
from members import exports, selectors, services
from members.fees import membership_fee_quote, organization_fee_tier
from members.filters import OrganizationFilter
from members.forms import (
    AssociationSettingsForm,
    ContactForm,
    FeeOverrideForm,
    FeeTierForm,
    JoinContactForm,
    JoinOrganizationForm,
    MembershipTransitionForm,
    OrganizationForm,
)
from members.models import Contact, FeeTier, Membership, Organization, Role
from members.permissions import (
    can_edit_fee_tiers,
    can_edit_organization,
    can_manage_register,
    can_see_private_data,
    is_internal,
)
from members.services import ALLOWED_TRANSITIONS
from members.timeline import organization_timeline

PAGE_SIZE = 50


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if is_internal(user):
        return redirect("organization-list")
    if user.role in (Role.MEMBER, Role.BANK):
        return redirect("portal")
    return redirect("directory")


def _filtered_organizations(request: AuthenticatedHttpRequest) -> tuple[OrganizationFilter, QuerySet[Organization]]:
    filterset = OrganizationFilter(request.GET or None, selectors.organization_list(viewer=request.user))
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    return filterset, queryset


@login_required
def organization_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(is_internal(request.user))
    filterset, queryset = _filtered_organizations(request)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    tiers = list(FeeTier.objects.filter(is_active=True))
    rows = [(organization, organization_fee_tier(organization, tiers)) for organization in page]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": filterset, "page": page, "rows": rows, "query": query.urlencode()}
    # htmx asks for the table alone while the user types in the search box.
    template = "members/_organization_table.html" if request.htmx else "members/organization_list.html"
    return render(request, template, context)


@login_required
def organization_export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponseBase:
    require(can_manage_register(request.user))
    _filterset, queryset = _filtered_organizations(request)
    return exports.organization_export_response(queryset, fmt=fmt)


@login_required
def organization_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_manage_register(request.user))
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(actor=request.user, data=form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The organisation was registered."))
            return redirect("organization-detail", organization.pk)
    return render(request, "members/organization_form.html", {"form": form})


@login_required
def organization_detail(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    organization = selectors.organization_get(viewer=request.user, organization_id=organization_id)
    if not can_see_private_data(request.user, organization):
        return render(request, "members/directory_entry.html", {"organization": organization})
    tiers = list(FeeTier.objects.filter(is_active=True))
    memberships = list(organization.memberships.prefetch_related("transitions__actor"))
    current = next((m for m in memberships if m.is_current), None)
    context = {
        "organization": organization,
        "contacts": selectors.contact_list(viewer=request.user, organization=organization),
        "memberships": memberships,
        "current": current,
        "fee_quote": membership_fee_quote(current, tiers) if current else None,
        "tier": organization_fee_tier(organization, tiers),
        "timeline": organization_timeline(viewer=request.user, organization=organization),
        "can_edit": can_edit_organization(request.user, organization),
        "can_manage": can_manage_register(request.user),
        "transition_form": MembershipTransitionForm(),
        "next_statuses": sorted(ALLOWED_TRANSITIONS[current.status]) if current else [],
        "override_form": FeeOverrideForm(
            initial={"amount": current.fee_override_amount, "reason": current.fee_override_reason}
        )
        if current
        else None,
    }
    return render(request, "members/organization_detail.html", context)


@login_required
def organization_edit(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    organization = selectors.organization_get(viewer=request.user, organization_id=organization_id)
    require(can_edit_organization(request.user, organization))
    staff = can_manage_register(request.user)
    form = OrganizationForm(request.POST or None, instance=organization, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(actor=request.user, organization=organization, data=form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The profile was saved."))
            return redirect("organization-detail", organization.pk)
    return render(request, "members/organization_form.html", {"form": form, "organization": organization})


def _private_organization(
    request: AuthenticatedHttpRequest, organization_id: int, *, edit: bool = False
) -> Organization:
    organization = selectors.organization_get_private(viewer=request.user, organization_id=organization_id)
    if edit and not can_edit_organization(request.user, organization):
        raise PermissionDenied
    return organization


def _contact_form_page(
    request: AuthenticatedHttpRequest, organization: Organization, contact: Contact | None
) -> HttpResponse:
    """Add (contact=None) or edit a contact; the consent box records the date the person agreed."""
    initial = {"consent": contact is not None and contact.consent_given_at is not None}
    form = ContactForm(request.POST or None, instance=contact, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "consent"}
        consent = form.cleaned_data["consent"]
        try:
            if contact is None:
                services.contact_create(actor=request.user, organization=organization, data=data, consent=consent)
            else:
                services.contact_update(actor=request.user, contact=contact, data=data, consent=consent)
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The contact was saved."))
            return redirect("organization-detail", organization.pk)
    context = {"form": form, "organization": organization, "contact": contact}
    return render(request, "members/contact_form.html", context)


@login_required
def contact_create(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    organization = _private_organization(request, organization_id, edit=True)
    return _contact_form_page(request, organization, None)


@login_required
def contact_edit(request: AuthenticatedHttpRequest, organization_id: int, contact_id: int) -> HttpResponse:
    organization = _private_organization(request, organization_id, edit=True)
    contact = selectors.contact_get(viewer=request.user, organization=organization, contact_id=contact_id)
    return _contact_form_page(request, organization, contact)


@login_required
def contact_export(request: AuthenticatedHttpRequest, organization_id: int, contact_id: int) -> HttpResponse:
    organization = _private_organization(request, organization_id)
    contact = selectors.contact_get(viewer=request.user, organization=organization, contact_id=contact_id)
    body = json.dumps(selectors.contact_export_data(contact=contact), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="contact-{contact.pk}.json"'
    return response


@login_required
@require_POST
def contact_erase(request: AuthenticatedHttpRequest, organization_id: int, contact_id: int) -> HttpResponse:
    require(can_manage_register(request.user))
    organization = _private_organization(request, organization_id)
    contact = selectors.contact_get(viewer=request.user, organization=organization, contact_id=contact_id)
    services.contact_erase(actor=request.user, contact=contact)
    messages.success(request, _("The contact's personal data were erased."))
    return redirect("organization-detail", organization.pk)


@login_required
@require_POST
def membership_apply(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    require(can_manage_register(request.user))
    organization = _private_organization(request, organization_id)
    try:
        services.membership_apply(actor=request.user, organization=organization)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("An application was opened."))
    return redirect("organization-detail", organization.pk)


def _membership_for_staff(request: AuthenticatedHttpRequest, membership_id: int) -> Membership:
    require(can_manage_register(request.user))
    return selectors.membership_get(viewer=request.user, membership_id=membership_id)


def _back(request: AuthenticatedHttpRequest, membership: Membership) -> HttpResponse:
    next_url = request.POST.get("next", "")
    if next_url == reverse("application-queue"):
        return redirect(next_url)
    return redirect("organization-detail", membership.organization_id)


@login_required
@require_POST
def membership_transition(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    membership = _membership_for_staff(request, membership_id)
    form = MembershipTransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid status and date."))
        return _back(request, membership)
    try:
        membership = services.membership_transition(actor=request.user, membership=membership, **form.cleaned_data)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(organization)s: the membership is now “%(status)s”.")
            % {"organization": membership.organization.name, "status": membership.get_status_display()},
        )
    return _back(request, membership)


@login_required
@require_POST
def membership_fee_override(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    membership = _membership_for_staff(request, membership_id)
    form = FeeOverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the fee as a whole number of yen, 0 or more."))
        return _back(request, membership)
    try:
        services.membership_fee_override(actor=request.user, membership=membership, **form.cleaned_data)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The fee override was recorded."))
    return _back(request, membership)


@login_required
def application_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_manage_register(request.user))
    return render(request, "members/application_queue.html", {"applications": selectors.application_queue()})


def join(request: HttpRequest) -> HttpResponse:
    """The public join application form."""
    organization_form = JoinOrganizationForm(request.POST or None, prefix="org")
    contact_form = JoinContactForm(request.POST or None, prefix="contact")
    if request.method == "POST" and organization_form.is_valid() and contact_form.is_valid():
        contact_data = {k: v for k, v in contact_form.cleaned_data.items() if k != "consent"}
        try:
            services.join_application_submit(
                organization_data=organization_form.cleaned_data,
                contact_data=contact_data,
                consent=contact_form.cleaned_data["consent"],
            )
        except (ApplicationError, ValidationError) as error:
            add_service_error(organization_form, error)
        else:
            return redirect("join-thanks")
    context = {"organization_form": organization_form, "contact_form": contact_form}
    return render(request, "members/join.html", context)


def join_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "members/join_thanks.html")


@login_required
def portal(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A member user's home: their organisation's profile, contacts and membership."""
    if request.user.organization_id is None:
        return redirect("directory")
    organization = selectors.organization_get_private(viewer=request.user, organization_id=request.user.organization_id)
    context = {
        "organization": organization,
        "contacts": selectors.contact_list(viewer=request.user, organization=organization),
        "memberships": selectors.membership_list(viewer=request.user, organization_id=organization.pk),
    }
    return render(request, "members/portal.html", context)


@login_required
def directory(request: AuthenticatedHttpRequest) -> HttpResponse:
    filterset = OrganizationFilter(request.GET or None, selectors.directory_list(viewer=request.user))
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "members/directory.html", {"filter": filterset, "page": page, "query": query.urlencode()})


@login_required
def fee_tier_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(is_internal(request.user))
    context = {
        "tiers": selectors.fee_tier_list(),
        "settings": selectors.association_settings_get(),
        "can_edit": can_edit_fee_tiers(request.user),
    }
    return render(request, "members/fee_tier_list.html", context)


@login_required
def fee_tier_edit(request: AuthenticatedHttpRequest, tier_id: int | None = None) -> HttpResponse:
    require(can_edit_fee_tiers(request.user))
    tier = get_object_or_404(FeeTier, pk=tier_id) if tier_id else None
    form = FeeTierForm(request.POST or None, instance=tier)
    if request.method == "POST" and form.is_valid():
        try:
            services.fee_tier_save(actor=request.user, tier=tier, data=form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The fee tier was saved."))
            return redirect("fee-tier-list")
    history = tier.history.select_related("history_user")[:20] if tier else []
    return render(request, "members/fee_tier_form.html", {"form": form, "tier": tier, "history": history})


@login_required
def association_settings_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_edit_fee_tiers(request.user))
    current = selectors.association_settings_get()
    form = AssociationSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.association_settings_update(actor=request.user, data=form.cleaned_data)
        messages.success(request, _("The settings were saved."))
        return redirect("fee-tier-list")
    return render(request, "members/settings_form.html", {"form": form})


@login_required
@require_POST
def language_set(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Stores the signed-in user's language, so mails and pages follow it everywhere."""
    language = request.POST.get("language", "")
    if language in dict(request.user._meta.get_field("language").choices or []):
        request.user.language = language
        request.user.save(update_fields=["language"])
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("home")
