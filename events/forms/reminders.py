"""Forms of the reminder pages: the list's filters and the event and visit settings."""

import re
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from events.models import EventSettings, ReminderPurpose

DAY_LIST_FIELDS = ["event_reminder_days", "follow_up_due_days", "follow_up_overdue_days"]


class ReminderFilterForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Kind of reminder"), required=False, choices=[("", _("All kinds")), *ReminderPurpose.choices]
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Sent and waiting")), ("sent", _("Sent")), ("waiting", _("Not sent yet"))],
    )

    def sent(self) -> bool | None:
        state = self.cleaned_data.get("state")
        return {"sent": True, "waiting": False}.get(state) if state else None


def _parse_days(text: str) -> list[int]:
    # "7, 1", "7 1" or "７、１" all mean the same list.
    text = unicodedata.normalize("NFKC", text or "")
    parts = [part for part in re.split(r"[,、\s]+", text) if part]
    if not all(part.isascii() and part.isdigit() for part in parts):
        raise ValidationError(_("Write whole numbers of days separated by commas, e.g. 7, 1."), code="invalid")
    return [int(part) for part in parts]


class EventSettingsForm(forms.ModelForm[EventSettings]):
    # The model's JSON lists, typed as "7, 1".
    event_reminder_days = forms.CharField(
        label=_("Event reminders (days before the first session)"),
        required=False,
        help_text=_("Whole numbers of days separated by commas, e.g. 7, 1. Leave empty to send none."),
    )
    follow_up_due_days = forms.CharField(
        label=_("Follow-up reminders (days before due)"),
        required=False,
        help_text=_("Whole numbers of days separated by commas, e.g. 3. Leave empty to send none."),
    )
    follow_up_overdue_days = forms.CharField(
        label=_("Overdue follow-up reminders (days after due)"),
        required=False,
        help_text=_("Whole numbers of days separated by commas, e.g. 1, 7. Leave empty to send none."),
    )

    class Meta:
        model = EventSettings
        fields = [*DAY_LIST_FIELDS, "survey_after_days"]
        labels = {"survey_after_days": _("Survey request (days after the last session)")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in DAY_LIST_FIELDS:
            self.initial[name] = ", ".join(str(day) for day in getattr(self.instance, name) or [])

    def clean_event_reminder_days(self) -> list[int]:
        return _parse_days(self.cleaned_data.get("event_reminder_days", ""))

    def clean_follow_up_due_days(self) -> list[int]:
        return _parse_days(self.cleaned_data.get("follow_up_due_days", ""))

    def clean_follow_up_overdue_days(self) -> list[int]:
        return _parse_days(self.cleaned_data.get("follow_up_overdue_days", ""))
