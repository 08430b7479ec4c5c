"""The public registration page: no login, a confirmation link by mail, the registrant's own page."""

import datetime
import re
import uuid

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import Registration, RegistrationStatus
from tests.events.registrations_helpers import event_with, register

pytestmark = pytest.mark.django_db

FORM = {
    "name": "山田 花子",
    "name_kana": "やまだ はなこ",
    "email": "hanako@example.jp",
    "organization_name": "立川工業",
}


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _apply_url(event):
    return reverse("public-registration", args=[event.pk])


def test_anyone_registers_and_confirms_by_the_link_in_the_mail(client, django_capture_on_commit_callbacks):
    event = event_with(title="Open seminar", capacity=10)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_apply_url(event), FORM)
    assert response.status_code == 200
    assert "We have sent a confirmation link to hanako@example.jp" in response.content.decode()
    registration = Registration.objects.get()
    assert (registration.status, registration.name_kana, registration.language) == ("pending", "ヤマダ ハナコ", "en")
    assert (registration.organization, registration.organization_name, registration.is_member) == (
        None,
        "立川工業",
        False,
    )
    message = mail.outbox[0]
    assert message.to == ["hanako@example.jp"]
    assert message.subject == "Please confirm your registration: Open seminar"
    link = re.search(r"http://testserver(/events/r/[0-9a-f-]+/confirm/)", message.body).group(1)
    # The link shows a button; a mail scanner following it confirms nothing.
    assert client.get(link).status_code == 200
    assert Registration.objects.get().status == RegistrationStatus.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == reverse("registration-page", args=[registration.token])
    assert Registration.objects.get().status == RegistrationStatus.CONFIRMED
    assert mail.outbox[1].subject == "Registration confirmed: Open seminar"


def test_public_form_needs_name_kana_and_email(client):
    response = client.post(_apply_url(event_with()), {"name": "山田 花子"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"name_kana", "email"}
    assert not Registration.objects.exists()


def test_public_page_refuses_a_second_registration_of_the_same_email(client):
    event = event_with()
    register(event, None, email="hanako@example.jp")
    response = client.post(_apply_url(event), FORM)
    assert "the confirmation link was sent to hanako@example.jp" in response.content.decode()
    assert Registration.objects.count() == 1


def test_public_page_says_when_registration_has_closed(client):
    now = timezone.now()
    event = event_with(
        registration_opens_at=now - datetime.timedelta(days=5), registration_closes_at=now - datetime.timedelta(days=1)
    )
    response = client.get(_apply_url(event))
    assert "Registration for this event has closed." in response.content.decode()
    response = client.post(_apply_url(event), FORM)
    assert "Registration for this event has closed." in response.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.parametrize("fields", [{"is_public": False}, {"status": "draft"}])
def test_members_only_and_draft_events_have_no_public_page(client, fields):
    assert client.get(_apply_url(event_with(**fields))).status_code == 404


def test_unknown_confirmation_token_is_not_found(client):
    assert client.get(reverse("registration-confirm", args=[uuid.uuid4()])).status_code == 404
    assert client.get(reverse("registration-page", args=[uuid.uuid4()])).status_code == 404


def test_expired_confirmation_link_says_so_and_changes_nothing(client):
    pending = register(event_with(), None, email="hanako@example.jp")
    Registration.objects.filter(pk=pending.pk).update(created_at=timezone.now() - datetime.timedelta(days=3))
    response = client.post(reverse("registration-confirm", args=[pending.token]), follow=True)
    assert "This confirmation link has expired. Please register again." in response.content.decode()
    assert Registration.objects.get().status == RegistrationStatus.PENDING


def test_registration_page_shows_a_qr_code_for_check_in_and_cancels_before_the_deadline(client):
    event = event_with(cancellation_deadline=timezone.now() + datetime.timedelta(days=2))
    registration = register(event, None, email="hanako@example.jp")
    Registration.objects.filter(pk=registration.pk).update(status=RegistrationStatus.CONFIRMED)
    page = client.get(reverse("registration-page", args=[registration.token])).content.decode()
    assert '<svg width="' in page and "Check-in code" in page
    assert "Cancel the registration" in page
    response = client.post(reverse("registration-self-cancel", args=[registration.token]), follow=True)
    assert "The registration is cancelled." in response.content.decode()
    assert Registration.objects.get().status == RegistrationStatus.CANCELLED


def test_registrant_cannot_cancel_from_their_page_after_the_deadline(client):
    event = event_with(cancellation_deadline=timezone.now() + datetime.timedelta(days=2))
    registration = register(event, None, email="hanako@example.jp")
    Registration.objects.filter(pk=registration.pk).update(status=RegistrationStatus.CONFIRMED)
    event.cancellation_deadline = timezone.now() - datetime.timedelta(hours=1)
    event.save()
    page = client.get(reverse("registration-page", args=[registration.token])).content.decode()
    assert "Cancel the registration" not in page
    response = client.post(reverse("registration-self-cancel", args=[registration.token]), follow=True)
    assert "The cancellation deadline" in response.content.decode()
    assert Registration.objects.get().status == RegistrationStatus.CONFIRMED


def test_waitlisted_registrant_has_no_qr_code(client):
    event = event_with(capacity=0)
    registration = register(event, None, email="hanako@example.jp")
    Registration.objects.filter(pk=registration.pk).update(status=RegistrationStatus.WAITLISTED)
    page = client.get(reverse("registration-page", args=[registration.token])).content.decode()
    assert "On the waiting list" in page
    assert "<svg" not in page
