"""Helpers for the visit, follow-up, plan and timeline tests."""

import datetime

from django.utils import timezone

from events.models import OutcomeCategory


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.date:
    """Today plus n days (n may be negative), in Asia/Tokyo."""
    return today() + datetime.timedelta(days=n)


def outcome(name: str) -> OutcomeCategory:
    """One of the default categories the migration created."""
    return OutcomeCategory.objects.get(name=name)
