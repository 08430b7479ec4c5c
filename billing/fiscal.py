"""Fiscal years: "2026年度" is the year that starts in the configured month of 2026."""

import datetime

from django.utils import timezone

from members.models import AssociationSettings


def fiscal_start_month() -> int:
    settings = AssociationSettings.objects.filter(pk=1).only("fiscal_year_start_month").first()
    return settings.fiscal_year_start_month if settings else 4


def fiscal_year_of(day: datetime.date, *, start_month: int | None = None) -> int:
    start_month = start_month or fiscal_start_month()
    return day.year if day.month >= start_month else day.year - 1


def fiscal_year_bounds(fiscal_year: int, *, start_month: int | None = None) -> tuple[datetime.date, datetime.date]:
    """First and last day of the fiscal year."""
    start_month = start_month or fiscal_start_month()
    first = datetime.date(fiscal_year, start_month, 1)
    next_first = datetime.date(fiscal_year + 1, start_month, 1)
    return first, next_first - datetime.timedelta(days=1)


def today() -> datetime.date:
    """Today in Asia/Tokyo, whatever the server's clock zone."""
    return timezone.localdate()
