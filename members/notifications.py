"""Mails to applicants. Sent once per event: the guard is a timestamp set in the same transaction."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from members.models import Contact, Membership, MembershipTransition


def _recipient(membership: Membership) -> Contact | None:
    contact = membership.applicant_contact
    if contact is None or contact.erased_at or not contact.email:
        contact = membership.organization.contacts.active().filter(is_billing_contact=True).exclude(email="").first()
    return contact


def _send(template: str, contact: Contact, context: dict[str, object]) -> None:
    # Contacts have no language of their own yet: the association's working language.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"members/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"members/email/{template}.txt", context)
    send_mail(subject, body, None, [contact.email])


@transaction.atomic
def membership_decision_notify(*, transition_id: int) -> bool:
    """Tells the applicant their application was approved or rejected. Returns whether a mail went out."""
    transition = (
        MembershipTransition.objects.select_for_update(of=("self",))
        .select_related("membership__organization", "membership__applicant_contact")
        .get(pk=transition_id)
    )
    if transition.notified_at is not None:
        return False
    contact = _recipient(transition.membership)
    if contact is None:
        return False
    template = "application_approved" if transition.to_status == "approved" else "application_rejected"
    _send(template, contact, {"contact": contact, "membership": transition.membership, "transition": transition})
    transition.notified_at = timezone.now()
    transition.save(update_fields=["notified_at"])
    return True


@transaction.atomic
def join_application_acknowledge(*, membership_id: int) -> bool:
    """Confirms to the applicant that their application arrived."""
    transition = (
        MembershipTransition.objects.select_for_update(of=("self",))
        .select_related("membership__organization", "membership__applicant_contact")
        .get(membership_id=membership_id, from_status="", to_status="application")
    )
    if transition.notified_at is not None:
        return False
    contact = _recipient(transition.membership)
    if contact is None:
        return False
    _send("application_received", contact, {"contact": contact, "membership": transition.membership})
    transition.notified_at = timezone.now()
    transition.save(update_fields=["notified_at"])
    return True
