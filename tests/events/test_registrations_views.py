"""Registration pages of signed-in users: registering from the event page, the list, cancelling, the portal."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Registration, RegistrationStatus
from tests.events.factories import RegistrationFactory
from tests.events.registrations_helpers import event_with, register
from tests.factories import ContactFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_users")]


def _register_url(event):
    return reverse("registration-create", args=[event.pk])


def test_member_registers_a_colleague_from_the_event_page(client_for, member_org):
    colleague = ContactFactory(organization=member_org, name="多摩 次郎")
    ContactFactory()  # someone of another organisation: not offered
    event = event_with()
    client = client_for("member")
    detail = client.get(reverse("event-detail", args=[event.pk])).content.decode()
    assert _register_url(event) in detail
    form = client.get(_register_url(event)).context["form"]
    assert list(form.fields["contact"].queryset) == [colleague]
    response = client.post(_register_url(event), {"contact": colleague.pk, "language": "ja"}, follow=True)
    assert "多摩 次郎 is registered." in response.content.decode()
    assert "Registered from your organisation" in response.content.decode()
    registration = Registration.objects.get()
    assert (registration.contact, registration.language, registration.registered_by.username) == (
        colleague,
        "ja",
        "member",
    )


def test_member_registering_the_same_person_twice_sees_why(client_for, member_org):
    colleague = ContactFactory(organization=member_org, name="多摩 次郎")
    event = event_with()
    client = client_for("member")
    client.post(_register_url(event), {"contact": colleague.pk, "language": "ja"})
    response = client.post(_register_url(event), {"contact": colleague.pk, "language": "ja"})
    assert response.status_code == 200
    assert "多摩 次郎 is already registered for this event." in response.content.decode()
    assert Registration.objects.count() == 1


def test_register_form_needs_someone(client_for):
    response = client_for("member").post(_register_url(event_with()), {"language": "ja"})
    assert "Choose a person or type one in." in response.content.decode()
    assert not Registration.objects.exists()


def test_staff_find_a_contact_of_any_organisation_and_register_them(client_for, other_org):
    contact = ContactFactory(organization=other_org, name="相模 花子", name_kana="サガミ ハナコ")
    event = event_with()
    client = client_for("secretariat")
    page = client.get(_register_url(event), {"q": "サガミ"}).content.decode()
    assert "相模 花子" in page
    response = client.post(_register_url(event), {"contact": contact.pk, "language": "ja"})
    assert response["Location"] == reverse("registration-list", args=[event.pk])
    assert Registration.objects.get().organization == other_org


def test_staff_register_a_person_typed_in_with_their_organisation_name(client_for):
    event = event_with()
    data = {"name": "外部 太郎", "name_kana": "ガイブ タロウ", "email": "gaibu@example.jp",
            "organization_name": "八王子大学", "language": "en"}  # fmt: skip
    client_for("secretariat").post(_register_url(event), data)
    registration = Registration.objects.get()
    assert (registration.organization_name, registration.organization, registration.language) == (
        "八王子大学",
        None,
        "en",
    )


@pytest.mark.parametrize(("role", "status"), [("coordinator", 403), ("evaluator", 403)])
def test_only_member_bank_and_staff_users_register(client_for, role, status):
    assert client_for(role).get(_register_url(event_with())).status_code == status


def test_registration_after_the_window_shows_the_reason(client_for, member_org):
    now = timezone.now()
    event = event_with(
        registration_opens_at=now - datetime.timedelta(days=5), registration_closes_at=now - datetime.timedelta(days=1)
    )
    colleague = ContactFactory(organization=member_org)
    response = client_for("member").post(_register_url(event), {"contact": colleague.pk, "language": "ja"})
    assert "Registration for this event has closed." in response.content.decode()
    assert not Registration.objects.exists()


def test_registration_list_shows_status_waiting_order_and_invoice(client_for, users):
    event = event_with(capacity=1, non_member_price=2000)
    paid = register(event, users["secretariat"], email="a@example.jp", name="一番 さん")
    register(event, users["secretariat"], email="b@example.jp", name="二番 さん")
    register(event, users["secretariat"], email="c@example.jp", name="三番 さん")
    page = client_for("secretariat").get(reverse("registration-list", args=[event.pk])).content.decode()
    assert reverse("invoice-detail", args=[paid.invoice_id]) in page
    assert page.index("二番 さん") < page.index("三番 さん")
    assert "On the waiting list" in page
    waiting = client_for("secretariat").get(reverse("registration-list", args=[event.pk]), {"status": "waitlisted"})
    assert "一番 さん" not in waiting.content.decode()


def test_staff_cancel_from_the_list_and_the_waiting_list_moves_up(client_for, users):
    event = event_with(capacity=1)
    holder = register(event, users["secretariat"], email="a@example.jp", name="一番 さん")
    waiting = register(event, users["secretariat"], email="b@example.jp")
    url = reverse("registration-cancel", args=[event.pk, holder.pk])
    response = client_for("secretariat").post(url, follow=True)
    assert "The registration of 一番 さん is cancelled." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_member_cannot_cancel_another_organisations_registration(client_for, users, other_org):
    event = event_with()
    other = register(event, users["secretariat"], contact=ContactFactory(organization=other_org))
    url = reverse("registration-cancel", args=[event.pk, other.pk])
    assert client_for("member").post(url).status_code == 404
    other.refresh_from_db()
    assert other.status == RegistrationStatus.CONFIRMED


def test_registration_list_is_for_those_running_the_event(client_for):
    event = event_with()
    for role in ("member", "bank", "coordinator", "evaluator"):
        assert client_for(role).get(reverse("registration-list", args=[event.pk])).status_code == 403


def test_registration_list_costs_the_same_queries_for_3_and_30_registrations(client_for):
    counts = []
    for size in (3, 30):
        event = event_with()
        RegistrationFactory.create_batch(size, event=event)
        client = client_for("secretariat")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("registration-list", args=[event.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_portal_lists_the_organisations_upcoming_registrations(client_for, users, member_org):
    upcoming = event_with(title="来月のセミナー")
    register(upcoming, users["member"], email="a@example.jp")
    register(event_with(title="他社のセミナー"), users["secretariat"], email="b@example.jp")
    client = client_for("member")
    portal = client.get(reverse("portal")).content.decode()
    assert reverse("my-registrations") in portal
    block = client.get(reverse("my-registrations"), headers={"hx-request": "true"}).content.decode()
    assert "来月のセミナー" in block and "他社のセミナー" not in block
    assert "<html" not in block
    page = client.get(reverse("my-registrations")).content.decode()
    assert "来月のセミナー" in page and "<html" in page
