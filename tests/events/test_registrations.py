"""Registration service: who gets a seat, the waiting list, refusals, cancelling, billing and check-in."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from billing.models import DocumentType, Invoice, InvoiceKind, InvoiceStatus, TaxCategory
from clusternet.core.exceptions import ApplicationError
from events.models import CheckIn, Registration, RegistrationStatus, Reminder, ReminderPurpose
from events.services.registrations import (
    CONFIRMATION_VALID_FOR,
    registration_cancel,
    registration_check_in,
    registration_confirm_email,
    seat_freed_notify,
)
from members.models import Organization, OrganizationKind
from tests.events.registrations_helpers import BASE_URL, event_with, past_session, register, today_session
from tests.factories import ContactFactory, OrganizationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

S = RegistrationStatus


@pytest.fixture
def staff(users):
    return users["secretariat"]


@pytest.fixture
def member(users):
    return users["member"]


# -- who is registered, at what price ----------------------------------------------------------------------


def test_member_user_registers_a_colleague_at_the_member_price(member, member_org):
    colleague = ContactFactory(organization=member_org, name="多摩 次郎", name_kana="タマ ジロウ")
    event = event_with(member_price=0, non_member_price=3000)
    registration = register(event, member, contact=colleague)
    assert registration.status == S.CONFIRMED
    assert registration.organization == member_org
    assert (registration.is_member, registration.price) == (True, 0)
    assert registration.person_key == colleague.email.lower()
    assert registration.registered_by == member


def test_member_user_registering_themselves_is_linked_to_their_account(member, member_org):
    registration = register(event_with(), member, email=member.email.upper())
    assert (registration.user, registration.organization) == (member, member_org)
    assert register(event_with(), member, email="colleague@example.jp").user is None


def test_member_user_cannot_register_a_contact_of_another_organisation(member, other_org):
    stranger = ContactFactory(organization=other_org)
    with pytest.raises(ApplicationError, match="only people of your own organisation"):
        register(event_with(), member, contact=stranger)
    assert not Registration.objects.exists()


def test_member_user_typing_someone_in_registers_them_for_their_own_organisation(member, member_org):
    registration = register(event_with(), member, email="New.Person@Example.jp", organization_name="ほかの会社")
    assert registration.organization == member_org
    assert registration.organization_name == member_org.name
    assert registration.person_key == "new.person@example.jp"


def test_staff_register_a_contact_of_a_non_member_at_the_non_member_price(staff, other_org):
    contact = ContactFactory(organization=other_org)
    event = event_with(member_price=1000, non_member_price=3000)
    registration = register(event, staff, contact=contact)
    assert (registration.organization, registration.is_member, registration.price) == (other_org, False, 3000)


def test_registration_language_is_kept_for_its_mails(member):
    registration = register(event_with(), member, language="en")
    assert registration.language == "en"


def test_kana_is_normalised_and_must_be_katakana(staff):
    registration = register(event_with(), staff, name_kana="やまだ たろう")
    assert registration.name_kana == "ヤマダ タロウ"
    with pytest.raises(ApplicationError, match="katakana"):
        register(event_with(), staff, name_kana="山田")


# -- capacity and the waiting list -------------------------------------------------------------------------


def test_past_capacity_registrations_join_the_waiting_list(staff, django_capture_on_commit_callbacks):
    event = event_with(capacity=1, has_waiting_list=True)
    first = register(event, staff, email="a@example.jp")
    with django_capture_on_commit_callbacks(execute=True):
        second = register(event, staff, email="b@example.jp")
    assert (first.status, second.status) == (S.CONFIRMED, S.WAITLISTED)
    assert second.waitlisted_at is not None
    assert mail.outbox[-1].subject.startswith("【キャンセル待ち】")  # the registration's language: Japanese


def test_full_event_without_waiting_list_refuses_and_changes_nothing(staff):
    event = event_with(capacity=1, has_waiting_list=False)
    register(event, staff, email="a@example.jp")
    with pytest.raises(ApplicationError, match="This event is full"):
        register(event, staff, email="b@example.jp")
    assert Registration.objects.count() == 1


def test_pending_public_registrations_hold_no_seat(staff):
    event = event_with(capacity=1)
    pending = register(event, None, email="public@example.jp")
    assert pending.status == S.PENDING
    assert register(event, staff, email="staffed@example.jp").status == S.CONFIRMED
    # The seat went to the one confirmed first: the public registrant confirms onto the waiting list.
    assert registration_confirm_email(token=pending.token).status == S.WAITLISTED


# -- refusals ----------------------------------------------------------------------------------------------


def test_registration_before_the_window_opens_is_refused(staff):
    event = event_with(registration_opens_at=timezone.now() + datetime.timedelta(days=1))
    with pytest.raises(ApplicationError, match="not opened yet"):
        register(event, staff)
    assert not Registration.objects.exists()


def test_registration_after_the_window_closes_is_refused(staff):
    now = timezone.now()
    event = event_with(
        registration_opens_at=now - datetime.timedelta(days=10), registration_closes_at=now - datetime.timedelta(days=1)
    )
    with pytest.raises(ApplicationError, match="has closed"):
        register(event, staff)
    assert not Registration.objects.exists()


def test_draft_event_takes_no_registrations(staff):
    with pytest.raises(ApplicationError, match="not open for registration"):
        register(event_with(status="draft"), staff)


def test_the_same_person_twice_is_refused_with_their_name(staff):
    event = event_with()
    register(event, staff, email="Taro@Example.jp", name="参加 太郎")
    with pytest.raises(ApplicationError, match="参加 太郎 is already registered"):
        register(event, staff, email="taro@example.jp ")
    assert Registration.objects.count() == 1


def test_the_same_contact_typed_in_by_email_is_the_same_person(staff, other_org):
    contact = ContactFactory(organization=other_org, email="kana@example.jp")
    event = event_with()
    register(event, staff, contact=contact)
    with pytest.raises(ApplicationError, match="already registered"):
        register(event, staff, email="KANA@example.jp")


def test_a_cancelled_registration_does_not_block_registering_again(staff):
    event = event_with()
    first = register(event, staff)
    registration_cancel(actor=staff, registration=first)
    again = register(event, staff)
    assert again.status == S.CONFIRMED


def test_public_registration_waiting_for_its_link_is_refused_a_second_time(staff):
    event = event_with()
    register(event, None, email="p@example.jp")
    with pytest.raises(ApplicationError, match=r"confirmation link was sent to p@example\.jp"):
        register(event, None, email="p@example.jp")


def test_lapsed_unconfirmed_registration_makes_way_for_a_new_one():
    event = event_with()
    stale = register(event, None, email="p@example.jp")
    Registration.objects.filter(pk=stale.pk).update(created_at=timezone.now() - CONFIRMATION_VALID_FOR)
    fresh = register(event, None, email="p@example.jp")
    stale.refresh_from_db()
    assert (stale.status, fresh.status) == (S.CANCELLED, S.PENDING)


def test_public_registration_needs_a_public_event():
    with pytest.raises(ApplicationError, match="members only"):
        register(event_with(is_public=False), None)


# -- email confirmation ------------------------------------------------------------------------------------


def test_confirmation_link_takes_a_seat_once(django_capture_on_commit_callbacks):
    event = event_with(capacity=5)
    pending = register(event, None, email="p@example.jp")
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = registration_confirm_email(token=pending.token, base_url=BASE_URL)
    assert confirmed.status == S.CONFIRMED and confirmed.confirmed_at is not None
    assert registration_confirm_email(token=pending.token).status == S.CONFIRMED
    assert len(mail.outbox) == 1
    assert f"{BASE_URL}events/r/{pending.token}/" in mail.outbox[0].body


# A fixed unknown token: xdist workers must collect the same test ids.
@pytest.mark.parametrize("token", ["0b6f3c1e-6d1a-4c1b-9f00-5a8e2d7c4b11", "not-a-token"])
def test_unknown_confirmation_token_is_refused(token):
    with pytest.raises(ApplicationError, match="This link is not valid"):
        registration_confirm_email(token=token)


def test_expired_confirmation_link_is_refused_and_changes_nothing():
    pending = register(event_with(), None, email="p@example.jp")
    Registration.objects.filter(pk=pending.pk).update(created_at=timezone.now() - CONFIRMATION_VALID_FOR)
    with pytest.raises(ApplicationError, match="expired"):
        registration_confirm_email(token=pending.token)
    pending.refresh_from_db()
    assert pending.status == S.PENDING


def test_confirmation_after_registration_closed_is_refused():
    event = event_with()
    pending = register(event, None, email="p@example.jp")
    event.registration_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    event.registration_opens_at = timezone.now() - datetime.timedelta(days=3)
    event.save()
    with pytest.raises(ApplicationError, match="has closed"):
        registration_confirm_email(token=pending.token)


# -- cancelling and the waiting list -----------------------------------------------------------------------


def test_cancelling_a_seat_promotes_the_first_on_the_waiting_list_and_mails_them_once(
    staff, django_capture_on_commit_callbacks
):
    event = event_with(capacity=1)
    holder = register(event, staff, email="holder@example.jp")
    first = register(event, staff, email="first@example.jp", language="en")
    second = register(event, staff, email="second@example.jp")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(actor=staff, registration=holder, base_url=BASE_URL)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (S.CONFIRMED, S.WAITLISTED)
    reminder = Reminder.objects.get(purpose=ReminderPurpose.SEAT_FREED)
    assert (reminder.registration, reminder.recipient, reminder.language) == (first, "first@example.jp", "en")
    assert reminder.sent_at is not None
    assert [m.to for m in mail.outbox] == [["first@example.jp"]]
    assert mail.outbox[0].subject.startswith("A seat is yours")
    # The task running again mails nobody.
    assert seat_freed_notify(registration_id=first.pk, base_url=BASE_URL) is False
    assert len(mail.outbox) == 1


def test_seat_freed_mail_is_in_the_registrants_language(staff, django_capture_on_commit_callbacks):
    event = event_with(capacity=1, title="精密加工セミナー")
    holder = register(event, staff, email="holder@example.jp")
    register(event, staff, email="first@example.jp", language="ja")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(actor=staff, registration=holder, base_url=BASE_URL)
    assert "精密加工セミナー" in mail.outbox[0].subject
    assert "A seat is yours" not in mail.outbox[0].subject


def test_cancelling_a_waitlisted_registration_promotes_nobody(staff):
    event = event_with(capacity=1)
    register(event, staff, email="holder@example.jp")
    waiting = register(event, staff, email="w1@example.jp")
    other = register(event, staff, email="w2@example.jp")
    registration_cancel(actor=staff, registration=waiting)
    other.refresh_from_db()
    assert other.status == S.WAITLISTED
    assert not Reminder.objects.exists()


def test_registrant_cannot_cancel_after_the_deadline(member):
    event = event_with(cancellation_deadline=timezone.now() + datetime.timedelta(days=1))
    registration = register(event, member)
    event.cancellation_deadline = timezone.now() - datetime.timedelta(minutes=1)
    event.save()
    for actor in (None, member):
        with pytest.raises(ApplicationError, match="cancellation deadline"):
            registration_cancel(actor=actor, registration=registration)
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED


def test_staff_may_cancel_after_the_deadline(staff):
    event = event_with(cancellation_deadline=timezone.now() + datetime.timedelta(days=1))
    registration = register(event, staff)
    event.cancellation_deadline = timezone.now() - datetime.timedelta(minutes=1)
    event.save()
    assert registration_cancel(actor=staff, registration=registration).status == S.CANCELLED


def test_cancelling_twice_is_refused(staff):
    registration = register(event_with(), staff)
    registration_cancel(actor=staff, registration=registration)
    with pytest.raises(ApplicationError, match="already cancelled"):
        registration_cancel(actor=staff, registration=registration)


# -- billing -----------------------------------------------------------------------------------------------


def _event_invoices():
    return Invoice.objects.filter(reference__startswith="event-registration:", document_type=DocumentType.INVOICE)


def test_paid_registration_is_invoiced_once_with_10_percent_tax(member, member_org):
    event = event_with(member_price=5000, non_member_price=8000)
    registration = register(event, member)
    invoice = registration.invoice
    assert invoice.organization == member_org
    assert (invoice.kind, invoice.subtotal, invoice.tax_total, invoice.total) == (InvoiceKind.SERVICE, 5000, 500, 5500)
    assert invoice.reference == f"event-registration:{registration.pk}"
    assert invoice.lines.get().tax_category == TaxCategory.STANDARD
    # Confirming again (the public link used twice) bills nothing more.
    pending = register(event, None, email="p@example.jp", organization_name="立川工業株式会社")
    registration_confirm_email(token=pending.token)
    registration_confirm_email(token=pending.token)
    assert _event_invoices().count() == 2


def test_free_registration_is_not_invoiced(staff):
    registration = register(event_with(member_price=0, non_member_price=0), staff)
    assert registration.invoice is None
    assert not Invoice.objects.exists()


def test_waitlisted_registration_is_billed_only_when_promoted(staff, member, member_org):
    event = event_with(capacity=1, member_price=2000, non_member_price=4000)
    holder = register(event, staff, email="holder@example.jp")
    waiting = register(event, member, email="waiting@example.jp")
    assert waiting.invoice is None
    assert _event_invoices().count() == 1
    registration_cancel(actor=staff, registration=holder)
    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED
    assert (waiting.invoice.organization, waiting.invoice.subtotal) == (member_org, 2000)


def test_non_member_is_billed_through_a_new_prospect_organisation():
    event = event_with(non_member_price=3000)
    pending = register(event, None, email="p@example.jp", organization_name="株式会社ミナミ精工")
    assert pending.organization is None and pending.invoice is None
    assert not Organization.objects.filter(name="株式会社ミナミ精工").exists()
    confirmed = registration_confirm_email(token=pending.token)
    prospect = Organization.objects.get(name="株式会社ミナミ精工")
    assert (prospect.kind, prospect.name_kana, prospect.listed_in_directory) == (OrganizationKind.FIRM, "ミナミ", False)
    assert not prospect.memberships.exists()
    assert (confirmed.organization, confirmed.invoice.organization, confirmed.price) == (prospect, prospect, 3000)


def test_non_member_of_an_organisation_already_on_file_is_billed_to_it():
    known = OrganizationFactory(name="株式会社ミナミ精工", name_kana="ミナミセイコウ")
    event = event_with(non_member_price=3000)
    pending = register(event, None, email="p@example.jp", organization_name="株式会社　ミナミ精工")
    confirmed = registration_confirm_email(token=pending.token)
    assert confirmed.invoice.organization == known
    assert Organization.objects.filter(name__contains="ミナミ").count() == 1


def test_individual_without_organisation_is_billed_as_an_individual_prospect():
    event = event_with(non_member_price=3000)
    pending = register(event, None, email="p@example.jp", name="山田 花子", name_kana="ヤマダ ハナコ")
    confirmed = registration_confirm_email(token=pending.token)
    prospect = confirmed.invoice.organization
    assert (prospect.kind, prospect.name, prospect.name_kana) == (
        OrganizationKind.INDIVIDUAL,
        "山田 花子",
        "ヤマダ ハナコ",
    )


def test_cancelling_a_paid_registration_before_the_deadline_credits_the_invoice(staff, member):
    event = event_with(member_price=5000, cancellation_deadline=timezone.now() + datetime.timedelta(days=3))
    registration = register(event, member)
    registration_cancel(actor=member, registration=registration)
    invoice = Invoice.objects.get(pk=registration.invoice_id)
    note = invoice.credit_notes.get()
    assert (note.total, invoice.amount_credited, invoice.status) == (5500, 5500, InvoiceStatus.VOID)


def test_staff_cancelling_after_the_deadline_keeps_the_fee_due(staff, member):
    event = event_with(member_price=5000, cancellation_deadline=timezone.now() + datetime.timedelta(days=3))
    registration = register(event, member)
    event.cancellation_deadline = timezone.now() - datetime.timedelta(minutes=1)
    event.save()
    registration_cancel(actor=staff, registration=registration)
    invoice = Invoice.objects.get(pk=registration.invoice_id)
    assert not invoice.credit_notes.exists()
    assert invoice.status == InvoiceStatus.ISSUED


# -- check-in ----------------------------------------------------------------------------------------------


def test_check_in_at_todays_session_is_recorded_once(staff):
    event = event_with()
    registration = register(event, staff)
    session = today_session(event)
    check_in, created = registration_check_in(actor=staff, registration=registration, method=CheckIn.Method.LIST)
    assert (check_in.session, created) == (session, True)
    again, created = registration_check_in(actor=staff, registration=registration, method=CheckIn.Method.QR)
    assert (again.pk, again.method, created) == (check_in.pk, CheckIn.Method.LIST, False)
    assert CheckIn.objects.count() == 1


def test_check_in_before_the_day_takes_the_next_session(staff):
    event = event_with()
    registration = register(event, staff)
    check_in, _created = registration_check_in(actor=staff, registration=registration, method=CheckIn.Method.API)
    assert check_in.session == event.sessions.get()


@pytest.mark.parametrize("status", [S.WAITLISTED, S.CANCELLED, S.PENDING])
def test_only_a_confirmed_registration_is_checked_in(staff, status):
    event = event_with()
    registration = register(event, staff)
    Registration.objects.filter(pk=registration.pk).update(status=status)
    with pytest.raises(ApplicationError, match="cannot be checked in"):
        registration_check_in(actor=staff, registration=registration, method=CheckIn.Method.LIST)
    assert not CheckIn.objects.exists()


def test_check_in_at_another_events_session_is_refused(staff):
    registration = register(event_with(), staff)
    elsewhere = event_with().sessions.get()
    with pytest.raises(ApplicationError, match="another event"):
        registration_check_in(actor=staff, registration=registration, session=elsewhere, method="list")


def test_check_in_when_every_session_is_over_is_refused(staff):
    event = event_with()
    registration = register(event, staff)
    past_session(event)
    with pytest.raises(ApplicationError, match="over"):
        registration_check_in(actor=staff, registration=registration, method=CheckIn.Method.LIST)
