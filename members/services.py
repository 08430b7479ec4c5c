"""Writes to the member register. Every change runs here: web pages, the API, imports and commands alike."""

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusternet.core.exceptions import ApplicationError
from clusternet.core.services import apply_fields
from clusternet.core.text import normalize_kana, search_key
from members.models import (
    OPEN_MEMBERSHIP_STATUSES,
    AssociationSettings,
    Contact,
    FeeTier,
    Membership,
    MembershipStatus,
    MembershipTransition,
    Organization,
    OrganizationKind,
    Role,
    User,
)

S = MembershipStatus

# The membership life cycle: which status may follow which.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    S.APPLICATION: {S.APPROVED, S.REJECTED},
    S.APPROVED: {S.ACTIVE, S.WITHDRAWN},
    S.ACTIVE: {S.SUSPENDED, S.WITHDRAWN},
    S.SUSPENDED: {S.ACTIVE, S.WITHDRAWN},
    S.WITHDRAWN: set(),
    S.REJECTED: set(),
}
REASON_REQUIRED = {S.REJECTED, S.WITHDRAWN, S.SUSPENDED}

ORGANIZATION_FIELDS = [
    "kind", "name", "name_kana", "corporate_number", "import_key", "postal_code", "prefecture", "city",
    "address_line", "capital", "employees", "industry", "founded_year", "website", "business_description",
    "technologies", "listed_in_directory", "public_address", "public_figures", "public_description",
]  # fmt: skip
CONTACT_FIELDS = [
    "name", "name_kana", "department", "title", "email", "phone", "is_billing_contact", "consent_purposes",
]  # fmt: skip


def _apply_organization_fields(organization: Organization, data: dict[str, Any]) -> None:
    apply_fields(organization, data, ORGANIZATION_FIELDS)
    organization_derive_fields(organization)


def organization_derive_fields(organization: Organization) -> None:
    """The fields every write keeps consistent: full-width kana, NULL for empty keys, the search key."""
    organization.name_kana = normalize_kana(organization.name_kana)
    # An empty corporate number or import key must not collide with other empty ones.
    organization.corporate_number = organization.corporate_number or None
    organization.import_key = organization.import_key or None
    organization.search_key = search_key(organization.name, organization.name_kana)


@transaction.atomic
def organization_create(*, actor: User | None, data: dict[str, Any]) -> Organization:
    """Validates every field (corporate number check digit, uniqueness, ranges) before saving."""
    organization = Organization()
    _apply_organization_fields(organization, data)
    organization.full_clean()
    organization._history_user = actor  # type: ignore[attr-defined]
    organization.save()
    return organization


@transaction.atomic
def organization_update(*, actor: User | None, organization: Organization, data: dict[str, Any]) -> Organization:
    _apply_organization_fields(organization, data)
    organization.full_clean()
    organization._history_user = actor  # type: ignore[attr-defined]
    organization.save()
    return organization


def _contact_save(contact: Contact, data: dict[str, Any], *, consent: bool) -> Contact:
    """Applies the fields, records consent once, and hands the billing role over if this contact takes it."""
    apply_fields(contact, data, CONTACT_FIELDS)
    contact.name_kana = normalize_kana(contact.name_kana)
    if consent and contact.consent_given_at is None:
        contact.consent_given_at = timezone.now()
    # The one-billing-contact constraint is settled below, by taking the role from the previous holder.
    contact.full_clean(exclude=["is_billing_contact"])
    if contact.is_billing_contact:
        Contact.objects.filter(organization=contact.organization_id, is_billing_contact=True).exclude(
            pk=contact.pk
        ).update(is_billing_contact=False)
    contact.save()
    return contact


@transaction.atomic
def contact_create(
    *, actor: User | None, organization: Organization, data: dict[str, Any], consent: bool = False
) -> Contact:
    """Adds a person; making them the billing contact takes that role from whoever had it."""
    return _contact_save(Contact(organization=organization), data, consent=consent)


@transaction.atomic
def contact_update(*, actor: User | None, contact: Contact, data: dict[str, Any], consent: bool = False) -> Contact:
    """Changes a person's details; `consent` records today as the date they agreed, if not recorded yet."""
    if contact.erased_at:
        raise ApplicationError(_("This contact was erased and can no longer be edited."))
    return _contact_save(contact, data, consent=consent)


@transaction.atomic
def contact_erase(*, actor: User | None, contact: Contact) -> Contact:
    """Erases a person's data on request. Issued documents keep their own snapshot and are untouched."""
    if contact.erased_at:
        return contact
    contact.name = _("(erased)")
    for field in ("name_kana", "department", "title", "email", "phone", "consent_purposes"):
        setattr(contact, field, "")
    contact.is_billing_contact = False
    contact.consent_given_at = None
    contact.erased_at = timezone.now()
    contact.save()
    return contact


def _record_transition(
    *,
    membership: Membership,
    from_status: str,
    to_status: str,
    effective_on: datetime.date,
    actor: User | None,
    reason: str = "",
) -> MembershipTransition:
    return MembershipTransition.objects.create(
        membership=membership,
        from_status=from_status,
        to_status=to_status,
        effective_on=effective_on,
        actor=actor,
        reason=reason,
    )


@transaction.atomic
def membership_apply(
    *,
    actor: User | None,
    organization: Organization,
    applied_on: datetime.date | None = None,
    applicant_contact: Contact | None = None,
) -> Membership:
    """Opens an application; refused while the organisation has a current membership."""
    Organization.objects.select_for_update().get(pk=organization.pk)
    if organization.memberships.filter(status__in=OPEN_MEMBERSHIP_STATUSES).exists():
        raise ApplicationError(_("This organisation already has a current membership."))
    applied_on = applied_on or timezone.localdate()
    membership = Membership(
        organization=organization, status=S.APPLICATION, applied_on=applied_on, applicant_contact=applicant_contact
    )
    membership._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        raise ApplicationError(_("This organisation already has a current membership.")) from None
    _record_transition(
        membership=membership, from_status="", to_status=S.APPLICATION, effective_on=applied_on, actor=actor
    )
    return membership


@transaction.atomic
def membership_transition(
    *,
    actor: User | None,
    membership: Membership,
    to_status: str,
    effective_on: datetime.date | None = None,
    reason: str = "",
) -> Membership:
    """Moves a membership one step along its life cycle, dated and attributed.

    Refuses steps the life cycle does not allow (withdrawn → active), a missing reason where one is
    needed, and dates before the previous step. Applicants hear of approval or rejection by mail.
    """
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    from_status = membership.status
    if to_status not in S.values:
        raise ApplicationError(_("Unknown membership status: %(status)s") % {"status": to_status})
    if to_status not in ALLOWED_TRANSITIONS[from_status]:
        raise ApplicationError(
            _("A membership cannot go from “%(from)s” to “%(to)s”.")
            % {"from": S(from_status).label, "to": S(to_status).label}
        )
    reason = reason.strip()
    if to_status in REASON_REQUIRED and not reason:
        raise ApplicationError(_("Please give a reason."), extra={"field": "reason"})
    effective_on = effective_on or timezone.localdate()
    last = membership.transitions.order_by("-effective_on", "-recorded_at").first()
    if last and effective_on < last.effective_on:
        raise ApplicationError(
            _("The date cannot be before the previous step (%(date)s).") % {"date": last.effective_on.isoformat()},
            extra={"field": "effective_on"},
        )

    membership.status = to_status
    if to_status == S.ACTIVE and membership.joined_on is None:
        membership.joined_on = effective_on
    elif to_status == S.WITHDRAWN:
        membership.withdrawn_on = effective_on
        membership.withdrawal_reason = reason
    elif to_status == S.REJECTED:
        membership.rejection_reason = reason
    membership._history_user = actor  # type: ignore[attr-defined]
    membership._change_reason = reason  # type: ignore[attr-defined]
    membership.save()
    transition = _record_transition(
        membership=membership,
        from_status=from_status,
        to_status=to_status,
        effective_on=effective_on,
        actor=actor,
        reason=reason,
    )
    if to_status in (S.APPROVED, S.REJECTED):
        from members.tasks import membership_decision_notify_task

        transaction.on_commit(lambda: membership_decision_notify_task.delay(transition.pk))
    return membership


@transaction.atomic
def membership_fee_override(
    *, actor: User | None, membership: Membership, amount: int | None, reason: str = ""
) -> Membership:
    """Sets (or, with amount None, removes) a recorded annual fee that replaces the tier's."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    reason = reason.strip()
    if amount is not None and amount < 0:
        raise ApplicationError(_("The fee cannot be negative."), extra={"field": "amount"})
    if amount is not None and not reason:
        raise ApplicationError(_("An override needs a reason."), extra={"field": "reason"})
    membership.fee_override_amount = amount
    membership.fee_override_reason = reason if amount is not None else ""
    membership._history_user = actor  # type: ignore[attr-defined]
    membership._change_reason = reason or _("Override removed")  # type: ignore[attr-defined]
    membership.save()
    return membership


@transaction.atomic
def join_application_submit(
    *, organization_data: dict[str, Any], contact_data: dict[str, Any], consent: bool
) -> Membership:
    """The public join form: the organisation (found by corporate number, else new), its applicant, and
    an application in the staff review queue. The applicant is told by mail that it arrived."""
    if not consent:
        raise ApplicationError(_("Please agree to how we use your data."), extra={"field": "consent"})
    corporate_number = organization_data.get("corporate_number")
    organization = Organization.objects.filter(corporate_number=corporate_number).first() if corporate_number else None
    if organization is None:
        organization = organization_create(actor=None, data=organization_data)
    contact = contact_create(
        actor=None, organization=organization, data={**contact_data, "is_billing_contact": True}, consent=True
    )
    membership = membership_apply(actor=None, organization=organization, applicant_contact=contact)
    from members.tasks import join_application_acknowledge_task

    transaction.on_commit(lambda: join_application_acknowledge_task.delay(membership.pk))
    return membership


FEE_TIER_FIELDS = [
    "name", "organization_kind", "capital_min", "capital_max", "employees_min", "employees_max", "annual_fee",
    "priority", "is_active",
]  # fmt: skip


@transaction.atomic
def fee_tier_save(*, actor: User | None, tier: FeeTier | None = None, data: dict[str, Any]) -> FeeTier:
    """Creates a tier (tier=None) or changes one; the history keeps every earlier version."""
    tier = tier or FeeTier()
    apply_fields(tier, data, FEE_TIER_FIELDS)
    tier.full_clean()
    tier._history_user = actor  # type: ignore[attr-defined]
    tier.save()
    return tier


@transaction.atomic
def association_settings_update(*, actor: User | None, data: dict[str, Any]) -> AssociationSettings:
    settings, _created = AssociationSettings.objects.select_for_update().get_or_create(pk=1)
    for field in ("fiscal_year_start_month", "proration_policy"):
        if field in data:
            setattr(settings, field, data[field])
    settings.full_clean()
    settings._history_user = actor  # type: ignore[attr-defined]
    settings.save()
    return settings


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    organization: Organization | None = None,
    email: str = "",
    language: str = "ja",
) -> User:
    if role not in Role.values:
        raise ApplicationError(
            _("Unknown role “%(role)s”; choose one of %(roles)s.") % {"role": role, "roles": ", ".join(Role.values)}
        )
    if role in (Role.MEMBER, Role.BANK) and organization is None:
        raise ApplicationError(_("A member or bank user needs an organisation."))
    if role == Role.BANK and organization is not None and organization.kind != OrganizationKind.FINANCIAL_INSTITUTION:
        raise ApplicationError(_("A bank user belongs to a financial institution."))
    if User.objects.filter(username=username).exists():
        raise ApplicationError(_("The username “%(username)s” is taken.") % {"username": username})
    user = User(
        username=username,
        email=email,
        role=role,
        organization=organization if role in (Role.MEMBER, Role.BANK) else None,
        language=language,
        is_staff=role == Role.ADMINISTRATOR,
        is_superuser=role == Role.ADMINISTRATOR,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user
