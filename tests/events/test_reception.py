"""The day of the event: the reception list, check-in from it (htmx or plain POST) and by QR code, no-shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import CheckIn, Registration, RegistrationStatus
from tests.events.factories import RegistrationFactory
from tests.events.registrations_helpers import event_with, past_session, register, today_session

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_users")]


@pytest.fixture
def event():
    return event_with(member_price=1000, non_member_price=3000)


def _reception(event, **query):
    return reverse("reception-list", args=[event.pk]) + ("?" + "&".join(f"{k}={v}" for k, v in query.items()))


def test_reception_list_is_sorted_by_kana_with_organisation_member_and_payment(client_for, event, users, member_org):
    register(event, users["member"], email="b@example.jp", name="多摩 次郎", name_kana="タマ ジロウ")
    register(event, users["secretariat"], email="a@example.jp", name="青木 一郎", name_kana="アオキ イチロウ",
             organization_name="青木製作所")  # fmt: skip
    register(event, None, email="pending@example.jp", name="未確認 さん", name_kana="ミカクニン")
    page = client_for("secretariat").get(_reception(event)).content.decode()
    assert page.index("青木 一郎") < page.index("多摩 次郎")
    assert "未確認" not in page  # pending: no seat, not on the list
    assert member_org.name in page and "青木製作所" in page
    assert "Non-member" in page and "Not invoiced" not in page
    assert page.count("Issued") == 2  # both are paid seats, invoiced when confirmed
    assert "0 of 2 checked in" in page


def test_check_in_by_htmx_swaps_the_row(client_for, event, users):
    registration = register(event, users["secretariat"], email="a@example.jp")
    session = today_session(event)
    url = reverse("reception-check-in", args=[event.pk, registration.pk])
    response = client_for("secretariat").post(url, {"session": session.pk}, headers={"hx-request": "true"})
    body = response.content.decode()
    assert body.startswith(f'<tr id="registration-{registration.pk}">')
    assert "Checked in" in body
    # The count above the list follows, swapped out of band.
    assert '<p class="count" id="reception-count" hx-swap-oob="true">1 of 1 checked in</p>' in body
    check_in = CheckIn.objects.get()
    assert (check_in.session, check_in.method, check_in.checked_in_by) == (session, "list", users["secretariat"])
    again = client_for("secretariat").post(url, {"session": session.pk}, headers={"hx-request": "true"})
    assert "was already checked in" in again.content.decode()
    assert CheckIn.objects.count() == 1


def test_check_in_without_javascript_redirects_back_to_the_list(client_for, event, users):
    registration = register(event, users["secretariat"], email="a@example.jp")
    session = today_session(event)
    url = reverse("reception-check-in", args=[event.pk, registration.pk])
    response = client_for("secretariat").post(url, {"session": session.pk}, follow=True)
    assert response.redirect_chain[0][0].startswith(_reception(event, session=session.pk))
    assert "checked in." in response.content.decode()
    assert CheckIn.objects.filter(registration=registration, session=session).exists()


def test_no_shows_are_listed_once_the_session_has_ended_and_counted_on_the_event_page(client_for, event, users):
    came = register(event, users["secretariat"], email="came@example.jp", name="来た 人")
    register(event, users["secretariat"], email="absent@example.jp", name="来ない 人")
    session = past_session(event)
    CheckIn.objects.create(registration=came, session=session, method="list")
    page = client_for("secretariat").get(_reception(event, session=session.pk)).content.decode()
    no_shows = page[page.index("No-shows") :]
    assert "来ない 人" in no_shows and "来た 人" not in no_shows
    detail = client_for("secretariat").get(reverse("event-detail", args=[event.pk])).content.decode()
    assert "1 no-show" in detail


def test_no_shows_are_not_listed_before_the_session_ends(client_for, event, users):
    register(event, users["secretariat"], email="a@example.jp")
    page = client_for("secretariat").get(_reception(event)).content.decode()
    assert "No-shows" not in page


@pytest.mark.parametrize(("role", "status"), [("coordinator", 403), ("member", 403), ("bank", 403)])
def test_reception_is_for_those_running_the_event(client_for, event, role, status):
    assert client_for(role).get(_reception(event)).status_code == status


def test_organiser_runs_reception(client_for, event, users):
    event.organisers.add(users["coordinator"])
    assert client_for("coordinator").get(_reception(event)).status_code == 200


def test_reception_list_costs_the_same_queries_for_3_and_30_registrations(client_for, users):
    counts = []
    for size in (3, 30):
        event = event_with(member_price=1000)
        RegistrationFactory.create_batch(size, event=event)
        session = event.sessions.get()
        for registration in Registration.objects.filter(event=event)[: size // 3]:
            CheckIn.objects.create(registration=registration, session=session, method="list")
        client = client_for("secretariat")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_reception(event, session=session.pk))
        assert response.status_code == 200
        assert response.content.decode().count('<tr id="registration-') == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


# -- QR check-in -------------------------------------------------------------------------------------------


def test_qr_page_shows_who_and_checks_in_at_todays_session(client_for, event, users):
    registration = register(event, users["secretariat"], email="a@example.jp", name="青木 一郎")
    session = today_session(event)
    url = reverse("checkin-qr", args=[registration.token])
    page = client_for("secretariat").get(url).content.decode()
    assert "青木 一郎" in page and "Check in" in page
    response = client_for("secretariat").post(url, follow=True)
    assert "青木 一郎 checked in." in response.content.decode()
    assert CheckIn.objects.get().session == session
    assert CheckIn.objects.get().method == "qr"
    response = client_for("secretariat").post(url, follow=True)
    assert "was already checked in" in response.content.decode()
    assert CheckIn.objects.count() == 1


@pytest.mark.parametrize("status", [RegistrationStatus.CANCELLED, RegistrationStatus.WAITLISTED])
def test_qr_check_in_is_refused_for_a_registration_without_a_seat(client_for, event, users, status):
    registration = register(event, users["secretariat"], email="a@example.jp")
    Registration.objects.filter(pk=registration.pk).update(status=status)
    today_session(event)
    url = reverse("checkin-qr", args=[registration.token])
    assert "This registration cannot be checked in." in client_for("secretariat").get(url).content.decode()
    response = client_for("secretariat").post(url, follow=True)
    assert "cannot be checked in" in response.content.decode()
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("role", ["member", "coordinator", "evaluator"])
def test_qr_page_tells_nothing_to_those_not_running_the_event(client_for, event, users, role):
    registration = register(event, users["secretariat"], email="a@example.jp")
    assert client_for(role).get(reverse("checkin-qr", args=[registration.token])).status_code == 404
