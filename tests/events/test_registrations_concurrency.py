"""Two people taking the last seat at the same moment, in two threads on two PostgreSQL connections."""

import threading
import time

import pytest
from django.db import connection

from events.models import Registration, RegistrationStatus
from events.services import registrations as services
from tests.events.registrations_helpers import event_with, register


@pytest.fixture(autouse=True)
def _slow_seat_decision(monkeypatch):
    """Widens the gap between counting the seats and saving, so that unlocked counts would surely overlap."""
    decide = services._seat_for

    def slowly(event):
        status = decide(event)
        time.sleep(0.3)
        return status

    monkeypatch.setattr(services, "_seat_for", slowly)


@pytest.mark.django_db(transaction=True)
def test_two_registrations_for_the_last_seat_give_one_seat_and_one_waiting_place(users):
    event = event_with(capacity=2, has_waiting_list=True)
    register(event, users["secretariat"], email="already@example.jp")
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def take_seat(email: str) -> None:
        try:
            barrier.wait()
            register(event, users["secretariat"], email=email)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take_seat, args=(f"{n}@example.jp",)) for n in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    late = Registration.objects.exclude(email="already@example.jp")
    assert sorted(late.values_list("status", flat=True)) == [
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
    ]
    assert Registration.objects.filter(status=RegistrationStatus.CONFIRMED).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_registrations_for_the_last_seat_without_waiting_list_refuse_one(users):
    event = event_with(capacity=1, has_waiting_list=False)
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def take_seat(email: str) -> None:
        try:
            barrier.wait()
            register(event, users["secretariat"], email=email)
        except Exception as error:  # the refusal of the one who came second
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take_seat, args=(f"{n}@example.jp",)) for n in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [type(error).__name__ for error in errors] == ["ApplicationError"]
    assert list(Registration.objects.values_list("status", flat=True)) == [RegistrationStatus.CONFIRMED]
