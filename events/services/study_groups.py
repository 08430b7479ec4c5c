"""Writes to study groups (研究会): the group, its roster, its meetings (events), attendance and its fee."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from billing.models import DocumentType, Invoice, InvoiceKind, TaxCategory
from billing.services.invoices import LineSpec, invoice_for_reference
from clusternet.core.exceptions import ApplicationError
from clusternet.core.services import apply_fields
from events.models import (
    CheckIn,
    Event,
    EventKind,
    Registration,
    RegistrationStatus,
    StudyGroup,
    StudyGroupMember,
    StudyGroupRole,
    person_key_for,
)
from events.selectors.study_groups import meeting_registrations_by_contact, meeting_roster, require_meeting
from events.services.events import event_create, event_publish
from members.models import Contact, Organization, User

STUDY_GROUP_FIELDS = ["name", "description", "participation_fee", "is_active"]


def _apply(group: StudyGroup, data: dict[str, Any]) -> None:
    apply_fields(group, data, STUDY_GROUP_FIELDS)
    group.name = (group.name or "").strip()
    if not group.name:
        raise ApplicationError(_("Give the study group a name."), extra={"field": "name"})


@transaction.atomic
def study_group_create(*, actor: User | None, data: dict[str, Any]) -> StudyGroup:
    group = StudyGroup()
    _apply(group, data)
    group.full_clean()
    group._history_user = actor  # type: ignore[attr-defined]
    group.save()
    return group


@transaction.atomic
def study_group_update(*, actor: User | None, group: StudyGroup, data: dict[str, Any]) -> StudyGroup:
    group = StudyGroup.objects.select_for_update().get(pk=group.pk)
    _apply(group, data)
    group.full_clean()
    group._history_user = actor  # type: ignore[attr-defined]
    group.save()
    return group


# -- roster ------------------------------------------------------------------------------------------------


def current_seats(group: StudyGroup, on: datetime.date | None = None) -> Q:
    """Seats on the roster on a day: not left, or leaving after that day."""
    on = on or timezone.localdate()
    return Q(study_group=group) & (Q(left_on__isnull=True) | Q(left_on__gt=on))


@transaction.atomic
def study_group_member_add(
    *, actor: User | None, group: StudyGroup, contact: Contact | None, role: str | None
) -> StudyGroupMember:
    """Puts a person of the register on the roster. Someone who had left takes their seat again."""
    if contact is None:
        raise ApplicationError(_("Choose a person from the register."), extra={"field": "contact"})
    if not role or role not in StudyGroupRole.values:
        raise ApplicationError(_("Choose a role."), extra={"field": "role"})
    if contact.erased_at:
        raise ApplicationError(_("This contact was erased."), extra={"field": "contact"})
    group = StudyGroup.objects.select_for_update().get(pk=group.pk)
    seat = StudyGroupMember.objects.filter(study_group=group, contact=contact).first()
    if seat is not None and seat.left_on is None:
        raise ApplicationError(
            _("%(name)s is already on the roster of this study group.") % {"name": contact.name},
            extra={"field": "contact"},
        )
    if seat is not None:
        seat.left_on, seat.role = None, role
        seat.save(update_fields=["left_on", "role", "updated_at"])
        return seat
    return StudyGroupMember.objects.create(study_group=group, contact=contact, role=role)


@transaction.atomic
def study_group_member_leave(
    *, actor: User | None, seat: StudyGroupMember, left_on: datetime.date | None = None
) -> StudyGroupMember:
    seat = StudyGroupMember.objects.select_for_update().select_related("contact").get(pk=seat.pk)
    if seat.left_on is not None:
        raise ApplicationError(_("%(name)s has already left this study group.") % {"name": seat.contact.name})
    seat.left_on = left_on or timezone.localdate()
    seat.save(update_fields=["left_on", "updated_at"])
    return seat


# -- meetings and attendance -------------------------------------------------------------------------------


@transaction.atomic
def study_group_meeting_create(
    *, actor: User | None, group: StudyGroup, title: str, session: dict[str, Any], is_public: bool = False
) -> Event:
    """A meeting is an event of kind study group, free, published at once (the roster is invited, not sold)."""
    if not group.is_active:
        raise ApplicationError(_("This study group is no longer active; reactivate it to add a meeting."))
    event = event_create(
        actor=actor,
        data={
            "kind": EventKind.STUDY_GROUP,
            "title": title,
            "study_group": group,
            "is_public": is_public,
            "member_price": 0,
            "non_member_price": 0,
        },
        sessions=[session],
    )
    return event_publish(actor=actor, event=event)


@transaction.atomic
def study_group_attendance_record(
    *, actor: User | None, meeting: Event, present: Iterable[StudyGroupMember]
) -> list[StudyGroupMember]:
    """Makes the meeting's check-ins match who was present among its roster; returns those present.

    A person present without a registration gets a confirmed free one from the register's contact, then a
    check-in at every session of the meeting; a person unticked loses those check-ins (not the registration).
    """
    require_meeting(meeting)
    meeting = Event.objects.select_for_update().get(pk=meeting.pk)
    roster = {seat.pk: seat for seat in meeting_roster(meeting)}
    present_ids = {seat.pk for seat in present}
    if present_ids - roster.keys():
        raise ApplicationError(_("Only people on the study group's roster can be marked present."))
    sessions = list(meeting.sessions.all())
    contacts = [seat.contact for seat in roster.values()]
    registrations = meeting_registrations_by_contact(meeting, contacts)
    now = timezone.now()
    check_ins = []
    for seat_id in present_ids:
        contact = roster[seat_id].contact
        registration = registrations.get(contact.pk)
        if registration is None:
            registration = Registration(
                event=meeting, status=RegistrationStatus.CONFIRMED, price=0, contact=contact,
                organization=contact.organization, name=contact.name, name_kana=contact.name_kana or contact.name,
                email=contact.email, organization_name=contact.organization.name, is_member=True,
                person_key=person_key_for(contact.email, contact.pk), registered_by=actor, confirmed_at=now,
            )  # fmt: skip
            registration._history_user = actor  # type: ignore[attr-defined]
            registration.save()
        check_ins += [
            CheckIn(registration=registration, session=session, method=CheckIn.Method.LIST, checked_in_by=actor)
            for session in sessions
        ]
    CheckIn.objects.bulk_create(check_ins, ignore_conflicts=True)
    absent = [
        registrations[seat.contact_id].pk
        for pk, seat in roster.items()
        if pk not in present_ids and seat.contact_id in registrations
    ]
    CheckIn.objects.filter(registration__in=absent, session__in=sessions).delete()
    return [roster[pk] for pk in present_ids]


# -- participation fee -------------------------------------------------------------------------------------


def fee_reference(group: StudyGroup, fiscal_year: int, organization: Organization) -> str:
    return f"study-group:{group.pk}:{fiscal_year}:{organization.pk}"


@dataclass(frozen=True)
class FeeInvoicing:
    invoiced: list[Invoice]
    already_invoiced: list[Organization]


@transaction.atomic
def study_group_fee_invoice(*, actor: User | None, group: StudyGroup, fiscal_year: int) -> FeeInvoicing:
    """Invoices the fiscal year's participation fee to each organisation with a current committee member.

    Once per organisation and year: the reference names both, and billing issues one invoice per reference.
    """
    if not group.participation_fee:
        raise ApplicationError(_("This study group has no participation fee to invoice."))
    if not 2000 <= fiscal_year <= 2100:
        raise ApplicationError(_("Give a fiscal year such as 2026."), extra={"field": "fiscal_year"})
    organizations = list(
        Organization.objects.filter(
            pk__in=StudyGroupMember.objects.filter(
                current_seats(group), role=StudyGroupRole.COMMITTEE, contact__erased_at__isnull=True
            ).values("contact__organization")
        ).order_by("name_kana", "pk")
    )
    if not organizations:
        raise ApplicationError(_("No organisation has a current committee member to invoice."))
    references = {fee_reference(group, fiscal_year, organization): organization for organization in organizations}
    billed = set(
        Invoice.objects.filter(
            reference__in=references, document_type=DocumentType.INVOICE, replaces__isnull=True
        ).values_list("reference", flat=True)
    )
    with translation.override("ja"):  # a line on a Japanese invoice, whoever issues it
        description = _("%(group)s participation fee, fiscal year %(year)s") % {
            "group": group.name, "year": fiscal_year,
        }  # fmt: skip
    invoiced = [
        invoice_for_reference(
            actor=actor,
            organization=organization,
            reference=reference,
            kind=InvoiceKind.SERVICE,
            lines=[LineSpec(description, group.participation_fee, 1, TaxCategory.STANDARD)],
        )
        for reference, organization in references.items()
        if reference not in billed
    ]
    return FeeInvoicing(invoiced=invoiced, already_invoiced=[references[r] for r in sorted(billed)])
