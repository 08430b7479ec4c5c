"""Writes to exhibitions: the member firms sharing the joint booth, and the leads collected there."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from clusternet.core.exceptions import ApplicationError
from clusternet.core.text import search_key
from events.models import Event, EventKind, ExhibitionLead, Exhibitor
from members import services as members
from members.models import Contact, Organization, OrganizationKind, User

LEAD_FIELDS = ["exhibitor", "name", "organization_name", "email", "phone", "interest"]


def _require_exhibition(event: Event) -> None:
    if event.kind != EventKind.EXHIBITION:
        raise ApplicationError(_("Exhibitors and leads belong to exhibitions only."))


@transaction.atomic
def exhibitor_add(
    *, actor: User | None, event: Event, organization: Organization | None, exhibit: str = ""
) -> Exhibitor:
    _require_exhibition(event)
    if organization is None:
        raise ApplicationError(_("Choose the organisation sharing the booth."), extra={"field": "organization"})
    Event.objects.select_for_update().filter(pk=event.pk).first()
    if Exhibitor.objects.filter(event=event, organization=organization).exists():
        raise ApplicationError(
            _("%(organization)s already shares this booth.") % {"organization": organization.name},
            extra={"field": "organization"},
        )
    return Exhibitor.objects.create(event=event, organization=organization, exhibit=exhibit.strip())


@transaction.atomic
def exhibitor_remove(*, actor: User | None, exhibitor: Exhibitor) -> None:
    """The leads met at this firm's booth stay with the exhibition, without the booth."""
    exhibitor.delete()


@transaction.atomic
def lead_create(*, actor: User | None, event: Event, data: dict[str, Any]) -> ExhibitionLead:
    _require_exhibition(event)
    lead = ExhibitionLead(event=event, collected_by=actor)
    for field, value in data.items():
        if field not in LEAD_FIELDS:
            raise ApplicationError(_("Unknown field: %(field)s") % {"field": field})
        setattr(lead, field, value.strip() if isinstance(value, str) else value)
    if not lead.name:
        raise ApplicationError(_("Give the visitor's name."), extra={"field": "name"})
    if not lead.organization_name:
        raise ApplicationError(_("Give the visitor's organisation."), extra={"field": "organization_name"})
    if not lead.interest:
        raise ApplicationError(_("Say what the visitor is interested in."), extra={"field": "interest"})
    if lead.exhibitor is not None and lead.exhibitor.event_id != event.pk:
        raise ApplicationError(_("That firm does not share this booth."), extra={"field": "exhibitor"})
    lead.full_clean(exclude=["event", "exhibitor", "collected_by", "contact"])
    lead.save()
    return lead


def organization_for_lead(lead: ExhibitionLead) -> Organization | None:
    """The register's organisation with the lead's organisation name, widths and kana folded."""
    key = search_key(lead.organization_name)
    if not key:
        return None
    candidates = Organization.objects.filter(search_key__startswith=key).order_by("pk")
    return next((o for o in candidates if search_key(o.name) == key), None)


@transaction.atomic
def lead_contact_create(
    *,
    actor: User | None,
    lead: ExhibitionLead,
    name_kana: str = "",
    organization_kind: str = "",
    organization_name_kana: str = "",
) -> Contact:
    """Puts the lead into the register as a contact, creating the organisation when it is not there yet.

    The kana and kind are asked only for what the lead lacks: a new organisation needs both.
    """
    lead = ExhibitionLead.objects.select_for_update().get(pk=lead.pk)
    if lead.contact_id is not None:
        raise ApplicationError(_("This lead is already a contact in the register."))
    organization = organization_for_lead(lead)
    if organization is None:
        if organization_kind not in OrganizationKind.values:
            raise ApplicationError(
                _("Choose the kind of organisation: it is not in the register yet."),
                extra={"field": "organization_kind"},
            )
        if not organization_name_kana.strip():
            raise ApplicationError(
                _("Give the organisation's name in kana: it is not in the register yet."),
                extra={"field": "organization_name_kana"},
            )
        organization = members.organization_create(
            actor=actor,
            data={"kind": organization_kind, "name": lead.organization_name, "name_kana": organization_name_kana},
        )
    contact = members.contact_create(
        actor=actor,
        organization=organization,
        data={"name": lead.name, "name_kana": name_kana, "email": lead.email, "phone": lead.phone},
    )
    lead.contact = contact
    lead.save(update_fields=["contact", "updated_at"])
    return contact
