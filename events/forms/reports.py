"""The activity report's period: from/to dates, or a fiscal year or a month as shortcuts."""

import datetime
import re
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from billing.fiscal import fiscal_year_bounds, fiscal_year_of, today
from billing.reports import report_fiscal_year, report_fiscal_years
from clusternet.core.exceptions import ApplicationError

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, month, 1)
    next_first = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first, next_first - datetime.timedelta(days=1)


class ReportPeriodForm(forms.Form):
    """Bound to the page's query string. A fiscal year wins over a month, a month over the dates; with none
    of them the period is the current fiscal year. `period()` is the resolved (start, end)."""

    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)
    fiscal_year = forms.CharField(label=_("Fiscal year"), required=False)
    month = forms.CharField(
        label=_("Month"), required=False, widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-10"})
    )

    def clean_fiscal_year(self) -> int | None:
        text = self.cleaned_data.get("fiscal_year", "").strip()
        if not text:
            return None
        try:
            return report_fiscal_year(text)
        except ApplicationError as error:
            raise ValidationError(error.message, code="fiscal_year") from error

    def clean_month(self) -> tuple[int, int] | None:
        text = unicodedata.normalize("NFKC", self.cleaned_data.get("month", "")).strip()
        if not text:
            return None
        match = MONTH.match(text)
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
            raise ValidationError(_("Write the month as year and month, e.g. 2026-10."), code="month")
        return int(match.group(1)), int(match.group(2))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        if data.get("fiscal_year") is not None:
            data["start"], data["end"] = fiscal_year_bounds(data["fiscal_year"])
        elif data.get("month") is not None:
            data["start"], data["end"] = month_bounds(*data["month"])
        elif data.get("start") is None and data.get("end") is None:
            data["start"], data["end"] = fiscal_year_bounds(fiscal_year_of(today()))
        elif data.get("start") is None or data.get("end") is None:
            raise ValidationError(_("Give both the first and the last day of the period."), code="incomplete")
        elif data["end"] < data["start"]:
            raise ValidationError(_("The period ends before it starts."), code="reversed")
        return data

    def period(self) -> tuple[datetime.date, datetime.date]:
        return self.cleaned_data["start"], self.cleaned_data["end"]


def shortcuts() -> dict[str, Any]:
    """What the page offers besides the dates: the fiscal years to pick from, this month and last month."""
    this_month = today().replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    return {
        "fiscal_years": report_fiscal_years(),
        "current_fiscal_year": fiscal_year_of(today()),
        "this_month": this_month.strftime("%Y-%m"),
        "last_month": last_month.strftime("%Y-%m"),
    }
