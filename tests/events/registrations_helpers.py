"""Shared set-up of the registration tests: events with a price or a capacity, and registering through the service."""

import datetime

from django.utils import timezone

from events.models import Event, EventSession
from events.services.registrations import Registrant, registration_create
from tests.events.factories import EventFactory

BASE_URL = "https://clusternet.example.jp/"


def event_with(**fields) -> Event:
    """A published seminar 30 days ahead (one session), with the fields given."""
    return EventFactory(**fields)


def past_session(event: Event, *, days_ago: int = 1) -> EventSession:
    """Moves the event's only session into the past (as if it had taken place)."""
    session = event.sessions.get()
    session.starts_at = timezone.now() - datetime.timedelta(days=days_ago, hours=3)
    session.ends_at = session.starts_at + datetime.timedelta(hours=2)
    session.save()
    Event.objects.filter(pk=event.pk).update(starts_at=session.starts_at, ends_at=session.ends_at)
    return session


def today_session(event: Event) -> EventSession:
    """Moves the event's only session to now (running today)."""
    session = event.sessions.get()
    session.starts_at = timezone.now() - datetime.timedelta(minutes=30)
    session.ends_at = timezone.now() + datetime.timedelta(hours=2)
    session.save()
    Event.objects.filter(pk=event.pk).update(starts_at=session.starts_at, ends_at=session.ends_at)
    return session


def register(event: Event, actor=None, *, email: str = "", name: str = "", contact=None, **kwargs):
    """Registers through the service: a typed-in person unless `contact` is given."""
    if contact is not None:
        registrant = Registrant(contact=contact)
    else:
        registrant = Registrant(
            name=name or "参加 太郎",
            name_kana=kwargs.pop("name_kana", "サンカ タロウ"),
            email=email or "taro@example.jp",
            organization_name=kwargs.pop("organization_name", ""),
            organization=kwargs.pop("organization", None),
        )
    return registration_create(actor=actor, event=event, registrant=registrant, base_url=BASE_URL, **kwargs)
