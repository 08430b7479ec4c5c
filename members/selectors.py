"""Reads of the member register. Everything that depends on who is looking takes `viewer`."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404

from clusternet.core.text import search_key
from members.models import (
    OPEN_MEMBERSHIP_STATUSES,
    AssociationSettings,
    Contact,
    FeeTier,
    Membership,
    MembershipStatus,
    Organization,
    User,
)
from members.permissions import can_see_private_data, is_internal

Viewer = User | AnonymousUser


def _with_current_membership(queryset: QuerySet[Organization]) -> QuerySet[Organization]:
    """Annotates the current membership: the open one if there is one, else the latest closed one."""
    newest = (
        Membership.objects.filter(organization=OuterRef("pk"))
        .annotate(is_open=Case(When(status__in=OPEN_MEMBERSHIP_STATUSES, then=Value(1)), default=Value(0)))
        .order_by("-is_open", "-applied_on", "-id")
    )
    return queryset.annotate(
        current_status=Subquery(newest.values("status")[:1]),
        current_membership_id=Subquery(newest.values("id")[:1]),
        current_fee_override=Subquery(newest.values("fee_override_amount")[:1]),
    )


def directory_q() -> Q:
    """Organisations the directory shows: listed, with an active membership."""
    return Q(listed_in_directory=True, current_status=MembershipStatus.ACTIVE)


def organization_list(*, viewer: Viewer) -> QuerySet[Organization]:
    """Internal users see every organisation; everyone else the directory plus their own organisation.

    Pages and the API narrow it with members.filters.OrganizationFilter, which reports bad filter input.
    """
    queryset = _with_current_membership(Organization.objects.all())
    if not viewer.is_authenticated:
        return queryset.none()
    if not is_internal(viewer):
        own = Q(pk=viewer.organization_id) if viewer.organization_id else Q(pk__in=[])
        queryset = queryset.filter(directory_q() | own)
    return queryset


def directory_list(*, viewer: Viewer) -> QuerySet[Organization]:
    """The member directory: the same for every viewer, published sections only."""
    if not viewer.is_authenticated:
        return Organization.objects.none()
    return _with_current_membership(Organization.objects.all()).filter(directory_q())


def organization_get(*, viewer: Viewer, organization_id: int) -> Organization:
    """The organisation if the viewer may see it at all (404 otherwise, never 403)."""
    try:
        return organization_list(viewer=viewer).get(pk=organization_id)
    except Organization.DoesNotExist:
        raise Http404 from None


def organization_get_private(*, viewer: Viewer, organization_id: int) -> Organization:
    """The organisation if the viewer may see its private data (contacts, memberships)."""
    organization = organization_get(viewer=viewer, organization_id=organization_id)
    if not can_see_private_data(viewer, organization):
        raise Http404
    return organization


def contact_list(*, viewer: Viewer, organization: Organization) -> QuerySet[Contact]:
    if not can_see_private_data(viewer, organization):
        return Contact.objects.none()
    return organization.contacts.active()


def contact_get(*, viewer: Viewer, organization: Organization, contact_id: int) -> Contact:
    try:
        return contact_list(viewer=viewer, organization=organization).get(pk=contact_id)
    except Contact.DoesNotExist:
        raise Http404 from None


def contact_export_data(*, contact: Contact) -> dict[str, Any]:
    """Everything held about a person, for a disclosure request under the personal-information law."""
    return {
        "organization": contact.organization.name,
        "name": contact.name,
        "name_kana": contact.name_kana,
        "department": contact.department,
        "title": contact.title,
        "email": contact.email,
        "phone": contact.phone,
        "is_billing_contact": contact.is_billing_contact,
        "consent_given_at": contact.consent_given_at.isoformat() if contact.consent_given_at else None,
        "consent_purposes": contact.consent_purposes,
        "created_at": contact.created_at.isoformat(),
        "updated_at": contact.updated_at.isoformat(),
    }


def membership_list(
    *, viewer: Viewer, organization_id: int | None = None, status: str | None = None
) -> QuerySet[Membership]:
    queryset = Membership.objects.select_related("organization")
    if not viewer.is_authenticated:
        return queryset.none()
    if not is_internal(viewer):
        queryset = queryset.filter(organization_id=viewer.organization_id or -1)
    if organization_id is not None:
        queryset = queryset.filter(organization_id=organization_id)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def membership_get(*, viewer: Viewer, membership_id: int) -> Membership:
    try:
        return membership_list(viewer=viewer).get(pk=membership_id)
    except Membership.DoesNotExist:
        raise Http404 from None


def membership_current(*, organization: Organization) -> Membership | None:
    return organization.memberships.filter(status__in=OPEN_MEMBERSHIP_STATUSES).first()


def application_queue() -> QuerySet[Membership]:
    return (
        Membership.objects.filter(status=MembershipStatus.APPLICATION)
        .select_related("organization", "applicant_contact")
        .order_by("applied_on", "id")
    )


def fee_tier_list() -> QuerySet[FeeTier]:
    return FeeTier.objects.all()


def association_settings_get() -> AssociationSettings:
    settings, _created = AssociationSettings.objects.get_or_create(pk=1)
    return settings


def organization_chosen(value: object) -> Organization | None:
    """The organisation a search box's radio choice names (its id as submitted), or None for nothing valid."""
    text = str(value or "")
    return Organization.objects.filter(pk=int(text)).first() if text.isdigit() else None


def organizations_matching(query: str, limit: int = 15) -> QuerySet[Organization]:
    """Organisations whose name or kana contains the query, width and kana insensitive (the register's key): the
    choices of the organisation search boxes of the payment, visit, roster and exhibitor forms."""
    key = search_key(query)
    if not key:
        return Organization.objects.none()
    return Organization.objects.filter(search_key__contains=key).order_by("name_kana", "pk")[:limit]
