"""Registrations: taking a seat, the waiting list, cancelling, the invoice for a paid seat, and check-in.

Capacity holds under concurrency because every write that takes or frees a seat first locks the event row
(SELECT ... FOR UPDATE) and only then counts the confirmed registrations: two people asking for the last seat
are served one after the other, and the second sees it taken. Public registrations wait for their email to be
confirmed (`pending`) without holding a seat; the seat is taken when the link is used.

Mails go out after commit through Celery tasks. The seat-freed mail is a `Reminder` row (one per
registration, unique), taken with SKIP LOCKED and stamped `sent_at`, so a task that runs twice mails once.
"""

import datetime
import uuid
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from billing.models import InvoiceKind, InvoiceStatus, TaxCategory
from billing.services.invoices import LineSpec, credit_note_issue, invoice_for_reference
from clusternet.core.exceptions import ApplicationError
from clusternet.core.text import normalize_kana, search_key
from events.models import (
    LIVE_REGISTRATION_STATUSES,
    CheckIn,
    Event,
    EventSession,
    Registration,
    RegistrationStatus,
    Reminder,
    ReminderPurpose,
    person_key_for,
)
from events.permissions import can_run_event
from events.selectors.events import is_member_organization
from events.services.events import registration_window_state
from members.models import Contact, Organization, OrganizationKind, User
from members.services import organization_create
from members.validators import validate_katakana

# How long a public registrant's confirmation link stays valid; an unconfirmed registration then lapses.
CONFIRMATION_VALID_FOR = datetime.timedelta(hours=48)
S = RegistrationStatus


@dataclass(frozen=True)
class Registrant:
    """Who is registered: a contact of the register, or a person typed in."""

    contact: Contact | None = None
    name: str = ""
    name_kana: str = ""
    email: str = ""
    organization: Organization | None = None
    organization_name: str = ""


def _lock_event(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _mail_on_commit(registration: Registration, base_url: str) -> None:
    from events.tasks import registration_mail_task

    registration_id = registration.pk
    transaction.on_commit(lambda: registration_mail_task.delay(registration_id, base_url))


def _seat_for(event: Event) -> str:
    """The status a registration gets now on a locked event: a seat, the waiting list, or a refusal."""
    if event.capacity is None:
        return S.CONFIRMED
    taken = Registration.objects.filter(event=event, status=S.CONFIRMED).count()
    if taken < event.capacity:
        return S.CONFIRMED
    if event.has_waiting_list:
        return S.WAITLISTED
    raise ApplicationError(_("This event is full."), extra={"field": "event"})


def _set_status(registration: Registration, status: str, now: datetime.datetime) -> None:
    registration.status = status
    if status == S.CONFIRMED:
        registration.confirmed_at = now
    elif status == S.WAITLISTED:
        registration.waitlisted_at = now


def _validate_registrant(actor: User | None, registrant: Registrant) -> Registrant:
    """Fills the person's details from the contact and checks what a registration needs."""
    contact = registrant.contact
    if contact is not None:
        if contact.erased_at:
            raise ApplicationError(_("This contact was erased."), extra={"field": "contact"})
        if actor is not None and not actor.is_internal and contact.organization_id != actor.organization_id:
            raise ApplicationError(
                _("You can register only people of your own organisation."), extra={"field": "contact"}
            )
        return Registrant(
            contact=contact,
            name=contact.name,
            name_kana=contact.name_kana,
            email=contact.email,
            organization=contact.organization,
            organization_name=contact.organization.name,
        )
    name, kana, email = registrant.name.strip(), normalize_kana(registrant.name_kana), registrant.email.strip()
    if not name:
        raise ApplicationError(_("Give the person's name."), extra={"field": "name"})
    if not kana:
        raise ApplicationError(_("Give the reading of the name in kana."), extra={"field": "name_kana"})
    try:
        validate_katakana(kana)
    except ValidationError:
        raise ApplicationError(_("Write the reading in katakana."), extra={"field": "name_kana"}) from None
    if not email:
        raise ApplicationError(_("Give an email address."), extra={"field": "email"})
    organization = registrant.organization
    if actor is not None and not actor.is_internal:
        # A member user types in a colleague: always of their own organisation.
        organization = actor.organization
    return Registrant(
        name=name,
        name_kana=kana,
        email=email,
        organization=organization,
        organization_name=organization.name if organization else registrant.organization_name.strip(),
    )


def _refuse_duplicate(event: Event, person_key: str, now: datetime.datetime) -> None:
    """A live registration of the same person refuses a second one; a lapsed confirmation link is cleared."""
    existing = Registration.objects.filter(event=event, person_key=person_key, status__in=LIVE_REGISTRATION_STATUSES)
    for registration in existing:
        if registration.status == S.PENDING and registration.created_at + CONFIRMATION_VALID_FOR <= now:
            registration.status, registration.cancelled_at = S.CANCELLED, now
            registration._history_user = None  # type: ignore[attr-defined]
            registration.save(update_fields=["status", "cancelled_at", "updated_at"])
            continue
        if registration.status == S.PENDING:
            raise ApplicationError(
                _("This person has already registered: the confirmation link was sent to %(email)s.")
                % {"email": registration.email},
                extra={"field": "email"},
            )
        raise ApplicationError(
            _("%(name)s is already registered for this event.") % {"name": registration.name},
            extra={"field": "email"},
        )


@transaction.atomic
def registration_create(
    *,
    actor: User | None,
    event: Event,
    registrant: Registrant,
    language: str = settings.LANGUAGE_CODE,
    base_url: str = "",
) -> Registration:
    """Registers a person for every session of an event. `actor` None is the public page.

    Staff register anyone; member and bank users people of their own organisation (views check the role).
    A public registration stays `pending`, holding no seat, until its email link is used. Otherwise the seat
    is taken at once: `confirmed` while seats are free, then `waitlisted` (or refused when the event keeps
    no waiting list). Refused outside the registration window and for a person already registered.
    `base_url` (scheme and host) makes the links in the mail absolute.
    """
    event = _lock_event(event)
    now = timezone.now()
    if reason := registration_window_state(event, now):
        raise ApplicationError(reason)
    public = actor is None
    if public and not event.is_public:
        raise ApplicationError(_("This event is open to members only."))
    registrant = _validate_registrant(actor, registrant)
    contact_id = registrant.contact.pk if registrant.contact else None
    person_key = person_key_for(registrant.email, contact_id)
    _refuse_duplicate(event, person_key, now)
    is_member = is_member_organization(registrant.organization)
    registration = Registration(
        event=event,
        organization=registrant.organization,
        contact=registrant.contact,
        user=actor if actor is not None and actor.email and actor.email.lower() == registrant.email.lower() else None,
        name=registrant.name,
        name_kana=registrant.name_kana,
        email=registrant.email,
        organization_name=registrant.organization_name,
        language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
        is_member=is_member,
        price=event.member_price if is_member else event.non_member_price,
        person_key=person_key,
        registered_by=actor,
    )
    _set_status(registration, S.PENDING if public else _seat_for(event), now)
    registration.full_clean(exclude=["event", "organization", "contact", "user", "invoice", "registered_by"])
    registration._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        # The event lock makes this unreachable in practice; the partial unique constraint is the backstop.
        raise ApplicationError(
            _("This person is already registered for this event."), extra={"field": "email"}
        ) from None
    if registration.status == S.CONFIRMED:
        _invoice(actor=actor, registration=registration)
    _mail_on_commit(registration, base_url)
    return registration


def registration_for_token(token: str | uuid.UUID) -> Registration:
    """The registration a link's token names, or a refusal that says the link is not valid."""
    try:
        key = uuid.UUID(str(token))
    except ValueError:
        key = None
    registration = Registration.objects.select_related("event", "invoice").filter(token=key).first() if key else None
    if registration is None:
        raise ApplicationError(_("This link is not valid. Please check that you copied all of it."))
    return registration


@transaction.atomic
def registration_confirm_email(*, token: str | uuid.UUID, base_url: str = "") -> Registration:
    """A public registrant used their email link: the registration takes a seat (or a waiting-list place).

    Using the link again changes nothing. Refused when the link is unknown, has lapsed (see
    `CONFIRMATION_VALID_FOR`), the registration was cancelled, registration has closed, or the event is full.
    """
    registration = registration_for_token(token)
    event = _lock_event(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status in (S.CONFIRMED, S.WAITLISTED):
        return registration
    now = timezone.now()
    if registration.status == S.CANCELLED or registration.created_at + CONFIRMATION_VALID_FOR <= now:
        raise ApplicationError(_("This confirmation link has expired. Please register again."))
    if reason := registration_window_state(event, now):
        raise ApplicationError(reason)
    _set_status(registration, _seat_for(event), now)
    registration._history_user = None  # type: ignore[attr-defined]
    registration.save()
    if registration.status == S.CONFIRMED:
        _invoice(actor=None, registration=registration)
    _mail_on_commit(registration, base_url)
    return registration


def can_cancel_now(registration: Registration, actor: User | None, now: datetime.datetime | None = None) -> bool:
    """Whether `actor` (None: the registrant through their link) may cancel it at this moment."""
    if registration.status == S.CANCELLED:
        return False
    if actor is not None and can_run_event(actor, registration.event):
        return True
    deadline = registration.event.cancellation_deadline
    return deadline is None or (now or timezone.now()) < deadline


@transaction.atomic
def registration_cancel(*, actor: User | None, registration: Registration, base_url: str = "") -> Registration:
    """Cancels a registration. `actor` None is the registrant through their link.

    The cancellation deadline binds registrants (and member users cancelling for colleagues); staff and the
    event's organisers may still cancel after it. A cancellation before the deadline credits the invoice of a
    paid seat in full; after it the fee stays due (staff credit it from billing if they waive it). A freed
    seat goes to the first on the waiting list (by the time they joined it) in the same transaction, and
    they are told by mail.
    """
    event = _lock_event(registration.event)
    registration = (
        Registration.objects.select_for_update(of=("self",)).select_related("invoice").get(pk=registration.pk)
    )
    registration.event = event
    if registration.status == S.CANCELLED:
        raise ApplicationError(_("This registration is already cancelled."))
    now = timezone.now()
    before_deadline = event.cancellation_deadline is None or now < event.cancellation_deadline
    if not before_deadline and not (actor is not None and can_run_event(actor, event)):
        raise ApplicationError(
            _("The cancellation deadline (%(deadline)s) has passed. Please contact the secretariat.")
            % {"deadline": timezone.localtime(event.cancellation_deadline).strftime("%Y-%m-%d %H:%M")}
        )
    held_seat = registration.status == S.CONFIRMED
    registration.status, registration.cancelled_at = S.CANCELLED, now
    registration._history_user = actor  # type: ignore[attr-defined]
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    invoice = registration.invoice
    credit_due = (
        invoice is not None and invoice.status != InvoiceStatus.VOID and invoice.total > invoice.amount_credited
    )
    if before_deadline and invoice is not None and credit_due:
        with translation.override(settings.LANGUAGE_CODE):
            reason = _("Registration cancelled: %(event)s (%(name)s)") % {
                "event": event.title,
                "name": registration.name,
            }
        credit_note_issue(actor=actor, invoice=invoice, reason=reason)
    if held_seat:
        _promote_waiting_list(actor=actor, event=event, now=now, base_url=base_url)
    return registration


def _promote_waiting_list(*, actor: User | None, event: Event, now: datetime.datetime, base_url: str) -> None:
    """Fills the free seats of a locked event from the waiting list, first come first served."""
    if event.capacity is None:
        return
    free = event.capacity - Registration.objects.filter(event=event, status=S.CONFIRMED).count()
    if free <= 0:
        return
    promoted = list(
        Registration.objects.select_for_update()
        .filter(event=event, status=S.WAITLISTED)
        .order_by("waitlisted_at", "pk")[:free]
    )
    for registration in promoted:
        _set_status(registration, S.CONFIRMED, now)
        registration._history_user = actor  # type: ignore[attr-defined]
        registration.save(update_fields=["status", "confirmed_at", "updated_at"])
        _invoice(actor=actor, registration=registration)
    Reminder.objects.bulk_create(
        [
            Reminder(
                purpose=ReminderPurpose.SEAT_FREED,
                registration=registration,
                recipient=registration.email,
                language=registration.language,
            )
            for registration in promoted
            if registration.email
        ],
        ignore_conflicts=True,
    )
    from events.tasks import seat_freed_notify_task

    for registration in promoted:
        transaction.on_commit(partial(seat_freed_notify_task.delay, registration.pk, base_url))


# -- billing -----------------------------------------------------------------------------------------------


def _organization_to_invoice(actor: User | None, registration: Registration) -> Organization:
    """The registration's organisation; for a non-member, one found in the register by name, else a new prospect."""
    if registration.organization is not None:
        return registration.organization
    name = registration.organization_name.strip()
    if name:
        key = search_key(name)
        # The stored key is name and kana folded together: a candidate matches when its name alone folds to ours.
        for candidate in Organization.objects.filter(search_key__startswith=key).order_by("pk")[:20]:
            if search_key(candidate.name) == key:
                return candidate
    return organization_create(
        actor=actor,
        data={
            "kind": OrganizationKind.FIRM if name else OrganizationKind.INDIVIDUAL,
            "name": name or registration.name,
            "name_kana": _prospect_kana(name, registration.name_kana),
            "listed_in_directory": False,
        },
    )


def _prospect_kana(organization_name: str, person_kana: str) -> str:
    """A reading for a prospect created from a registration, which records no reading of the organisation.

    The katakana and latin part of its name where there is one (株式会社テスト → テスト), else the
    registrant's own reading, so the secretariat finds it in the kana-sorted register and corrects it.
    """
    allowed = "".join(ch for ch in normalize_kana(organization_name) if "\u30a0" <= ch <= "\u30ff" or ch.isascii())
    return allowed.strip() or person_kana


def _invoice(*, actor: User | None, registration: Registration) -> None:
    """Bills a confirmed paid registration to its organisation, once (the reference names the registration)."""
    if registration.price == 0 or registration.invoice_id is not None:
        return
    organization = _organization_to_invoice(actor, registration)
    with translation.override(settings.LANGUAGE_CODE):  # a Japanese invoice, whoever registers
        description = _("Participation fee: %(event)s (%(name)s)") % {
            "event": registration.event.title,
            "name": registration.name,
        }
    registration.invoice = invoice_for_reference(
        actor=actor,
        organization=organization,
        reference=f"event-registration:{registration.pk}",
        lines=[LineSpec(description=description, unit_price=registration.price, tax_category=TaxCategory.STANDARD)],
        kind=InvoiceKind.SERVICE,
    )
    registration.organization = organization
    registration._history_user = actor  # type: ignore[attr-defined]
    registration.save(update_fields=["invoice", "organization", "updated_at"])


# -- check-in ----------------------------------------------------------------------------------------------


def session_for_check_in(event: Event, now: datetime.datetime | None = None) -> EventSession | None:
    """The session running today (the earliest of today's), else the next one; None when all are over."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sessions = list(event.sessions.order_by("starts_at", "pk"))
    for session in sessions:
        if timezone.localdate(session.starts_at) <= today <= timezone.localdate(session.ends_at):
            return session
    return next((session for session in sessions if session.starts_at > now), None)


@transaction.atomic
def registration_check_in(
    *, actor: User | None, registration: Registration, session: EventSession | None = None, method: str
) -> tuple[CheckIn, bool]:
    """Checks a confirmed registration in at a session (by default the one running today, else the next).

    Returns (check-in, created): a second check-in at the same session is no error and changes nothing.
    """
    registration = Registration.objects.select_related("event").get(pk=registration.pk)
    if registration.status != S.CONFIRMED:
        raise ApplicationError(
            _("%(name)s cannot be checked in: the registration is %(status)s.")
            % {"name": registration.name, "status": registration.get_status_display()}
        )
    if session is None:
        session = session_for_check_in(registration.event)
        if session is None:
            raise ApplicationError(_("All sessions of this event are over."), extra={"field": "session"})
    elif session.event_id != registration.event_id:
        raise ApplicationError(_("This session belongs to another event."), extra={"field": "session"})
    if method not in CheckIn.Method.values:
        raise ApplicationError(_("Unknown check-in method."))
    check_in, created = CheckIn.objects.get_or_create(
        registration=registration, session=session, defaults={"method": method, "checked_in_by": actor}
    )
    return check_in, created


# -- mails -------------------------------------------------------------------------------------------------


def registration_url(registration: Registration, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("registration-page", kwargs={"registration_token": registration.token})


def _send(registration: Registration, template: str, base_url: str, recipient: str = "") -> None:
    # The request's address where there was one; a job started without a request falls back to the setting.
    base_url = base_url or getattr(settings, "SITE_URL", "")
    context = {
        "registration": registration,
        "event": registration.event,
        "sessions": list(registration.event.sessions.all()),
        "url": registration_url(registration, base_url),
        "confirm_url": base_url.rstrip("/")
        + reverse("registration-confirm", kwargs={"registration_token": registration.token}),
        "valid_hours": int(CONFIRMATION_VALID_FOR.total_seconds() // 3600),
    }
    with translation.override(registration.language):
        subject = render_to_string(f"events/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"events/email/{template}.txt", context)
    send_mail(subject, body, None, [recipient or registration.email])


MAIL_FOR_STATUS: dict[str, str] = {
    S.PENDING: "registration_confirm_email",
    S.CONFIRMED: "registration_confirmed",
    S.WAITLISTED: "registration_waitlisted",
}


def registration_mail_send(*, registration_id: int, base_url: str) -> bool:
    """Mails the registrant what their registration's status now is: the confirmation link, the seat, or the
    waiting-list place. Returns whether a mail went out (none for a cancelled one or without an address)."""
    registration = Registration.objects.select_related("event").get(pk=registration_id)
    template = MAIL_FOR_STATUS.get(registration.status)
    if template is None or not registration.email:
        return False
    _send(registration, template, base_url)
    return True


@transaction.atomic
def seat_freed_notify(*, registration_id: int, base_url: str) -> bool:
    """Tells a registration promoted from the waiting list that it has a seat, once.

    The SEAT_FREED reminder row is taken with SKIP LOCKED and stamped in the same transaction: a second task
    for the same row either skips it (still locked) or finds it sent.
    """
    reminder = (
        Reminder.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("registration__event")
        .filter(purpose=ReminderPurpose.SEAT_FREED, registration_id=registration_id, sent_at__isnull=True)
        .first()
    )
    if reminder is None or reminder.registration is None:
        return False
    registration = reminder.registration
    if registration.status != S.CONFIRMED:
        return False
    registration.language = reminder.language
    _send(registration, "seat_freed", base_url, recipient=reminder.recipient)
    reminder.sent_at = timezone.now()
    reminder.save(update_fields=["sent_at"])
    return True
