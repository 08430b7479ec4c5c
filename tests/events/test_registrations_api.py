"""The registrations API: list, register, cancel, check in, for every role."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import CheckIn, Registration, RegistrationStatus
from tests.events.registrations_helpers import event_with, register, today_session
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

ROLES = ["administrator", "secretariat", "coordinator", "member", "bank", "evaluator"]


@pytest.fixture
def api_client_for(api_client_for):
    """The API clients asking for English, so that messages compare in English (one test checks Japanese)."""

    def make(role):
        client = api_client_for(role)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make


@pytest.fixture
def event():
    return event_with(member_price=0, non_member_price=0)


@pytest.fixture
def registrations(event, users, member_org, other_org):
    """One registration of the member's organisation, one of another organisation."""
    own = register(event, users["member"], email="own@example.jp")
    other = register(event, users["secretariat"], contact=ContactFactory(organization=other_org))
    return own, other


def _list_url(event):
    return reverse("api-registration-list", args=[event.pk])


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (None, 401),
        ("administrator", 2),
        ("secretariat", 2),
        ("coordinator", 403),
        ("member", 1),
        ("bank", 0),
        ("evaluator", 403),
    ],
)
def test_list_is_scoped_by_role(api_client_for, event, registrations, role, expected):
    response = api_client_for(role).get(_list_url(event))
    if expected in (401, 403):
        assert response.status_code == expected
        return
    assert response.status_code == 200
    assert response.json()["count"] == expected


def test_member_sees_only_their_organisations_registration_with_its_fields(api_client_for, event, registrations):
    own, _other = registrations
    body = api_client_for("member").get(_list_url(event)).json()
    row = body["results"][0]
    assert row["id"] == own.pk
    assert (row["status"], row["email"], row["is_member"], row["price"]) == ("confirmed", "own@example.jp", True, 0)


def test_organiser_coordinator_sees_all_registrations(api_client_for, event, registrations, users):
    event.organisers.add(users["coordinator"])
    assert api_client_for("coordinator").get(_list_url(event)).json()["count"] == 2


def test_member_registers_a_colleague_by_contact(api_client_for, event, member_org):
    colleague = ContactFactory(organization=member_org)
    response = api_client_for("member").post(_list_url(event), {"contact": colleague.pk}, format="json")
    assert response.status_code == 201
    assert (response.json()["contact"], response.json()["status"]) == (colleague.pk, "confirmed")


def test_member_registers_someone_typed_in_for_their_organisation(api_client_for, event, member_org):
    body = {"name": "多摩 三郎", "name_kana": "タマ サブロウ", "email": "saburo@example.jp", "organization_name": "x"}
    response = api_client_for("member").post(_list_url(event), body, format="json")
    assert response.status_code == 201
    assert (response.json()["organization"], response.json()["organization_name"]) == (member_org.pk, member_org.name)


def test_member_cannot_register_another_organisations_contact(api_client_for, event, other_org):
    stranger = ContactFactory(organization=other_org)
    response = api_client_for("member").post(_list_url(event), {"contact": stranger.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Unknown contact."
    assert not Registration.objects.exists()


def test_staff_register_any_contact(api_client_for, event, other_org):
    contact = ContactFactory(organization=other_org)
    response = api_client_for("secretariat").post(_list_url(event), {"contact": contact.pk}, format="json")
    assert response.status_code == 201
    assert response.json()["organization"] == other_org.pk


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("coordinator", 403), ("evaluator", 403)])
def test_others_cannot_register(api_client_for, event, role, status):
    body = {"name": "x", "name_kana": "エックス", "email": "x@example.jp"}
    assert api_client_for(role).post(_list_url(event), body, format="json").status_code == status
    assert not Registration.objects.exists()


def test_registering_twice_answers_400_with_the_reason(api_client_for, event):
    body = {"name": "多摩 三郎", "name_kana": "タマ サブロウ", "email": "saburo@example.jp"}
    assert api_client_for("member").post(_list_url(event), body, format="json").status_code == 201
    response = api_client_for("member").post(_list_url(event), body, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "多摩 三郎 is already registered for this event."


def test_refusal_is_in_the_language_asked_for(api_client_for, event):
    body = {"name": "多摩 三郎", "name_kana": "たま", "email": "saburo@example.jp"}
    register(event, None, email="saburo@example.jp")
    client = api_client_for("member")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ja"
    response = client.post(_list_url(event), body, format="json")
    assert response.status_code == 400
    assert (
        response.json()["detail"] == "この方はすでに申し込んでいます。確認のリンクを saburo@example.jp に送りました。"
    )


def test_registering_with_nobody_answers_400(api_client_for, event):
    response = api_client_for("member").post(_list_url(event), {}, format="json")
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_registering_for_a_full_event_answers_400(api_client_for):
    full = event_with(capacity=1, has_waiting_list=False)
    register(full, None, email="x@example.jp")  # pending: holds no seat
    ok = {"name": "a", "name_kana": "ア", "email": "a@example.jp"}
    assert api_client_for("member").post(_list_url(full), ok, format="json").status_code == 201
    second = {"name": "b", "name_kana": "ビ", "email": "b@example.jp"}
    response = api_client_for("member").post(_list_url(full), second, format="json")
    assert (response.status_code, response.json()["detail"]) == (400, "This event is full.")


# -- cancel ------------------------------------------------------------------------------------------------


def _cancel_url(registration):
    return reverse("api-registration-cancel", args=[registration.event_id, registration.pk])


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 401),
        ("administrator", 200),
        ("secretariat", 200),
        ("coordinator", 403),
        ("bank", 404),
        ("evaluator", 403),
    ],
)
def test_cancel_access_by_role(api_client_for, registrations, role, status):
    own, _other = registrations
    response = api_client_for(role).post(_cancel_url(own))
    assert response.status_code == status
    own.refresh_from_db()
    assert (own.status == RegistrationStatus.CANCELLED) == (status == 200)


def test_member_cancels_their_organisations_registration(api_client_for, registrations):
    own, other = registrations
    response = api_client_for("member").post(_cancel_url(own))
    assert (response.status_code, response.json()["status"]) == (200, "cancelled")
    assert api_client_for("member").post(_cancel_url(other)).status_code == 404


def test_member_cancelling_after_the_deadline_answers_400(api_client_for, event, registrations):
    own, _other = registrations
    event.cancellation_deadline = timezone.now() - datetime.timedelta(minutes=1)
    event.save()
    response = api_client_for("member").post(_cancel_url(own))
    assert response.status_code == 400
    assert "cancellation deadline" in response.json()["detail"]
    own.refresh_from_db()
    assert own.status == RegistrationStatus.CONFIRMED
    assert api_client_for("secretariat").post(_cancel_url(own)).status_code == 200


# -- check in ----------------------------------------------------------------------------------------------


def _check_in_url(registration):
    return reverse("api-registration-check-in", args=[registration.event_id, registration.pk])


@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 401), ("administrator", 201), ("secretariat", 201), ("coordinator", 403), ("member", 403),
     ("bank", 403), ("evaluator", 403)],
)  # fmt: skip
def test_check_in_access_by_role(api_client_for, registrations, role, status):
    own, _other = registrations
    assert api_client_for(role).post(_check_in_url(own)).status_code == status
    assert CheckIn.objects.count() == (1 if status == 201 else 0)


def test_check_in_at_todays_session_then_again_is_200(api_client_for, event, registrations):
    own, _other = registrations
    session = today_session(event)
    first = api_client_for("secretariat").post(_check_in_url(own))
    assert first.status_code == 201
    assert (first.json()["session"], first.json()["method"], first.json()["created"]) == (session.pk, "api", True)
    again = api_client_for("secretariat").post(_check_in_url(own), {"session": session.pk}, format="json")
    assert (again.status_code, again.json()["created"]) == (200, False)


def test_organiser_checks_in(api_client_for, event, registrations, users):
    event.organisers.add(users["coordinator"])
    own, _other = registrations
    assert api_client_for("coordinator").post(_check_in_url(own)).status_code == 201


def test_check_in_of_a_waitlisted_registration_answers_400(api_client_for, event, registrations):
    own, _other = registrations
    Registration.objects.filter(pk=own.pk).update(status=RegistrationStatus.WAITLISTED)
    response = api_client_for("secretariat").post(_check_in_url(own))
    assert response.status_code == 400
    assert "cannot be checked in" in response.json()["detail"]


def test_check_in_at_another_events_session_answers_400(api_client_for, registrations):
    own, _other = registrations
    elsewhere = event_with().sessions.get()
    response = api_client_for("secretariat").post(_check_in_url(own), {"session": elsewhere.pk}, format="json")
    assert (response.status_code, response.json()["detail"]) == (400, "This session belongs to another event.")
