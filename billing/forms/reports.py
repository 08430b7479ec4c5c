"""Forms of the reminders, reports and settings pages."""

import re
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from billing.audit import AUDIT_KIND_LABELS
from billing.models import BillingSettings
from billing.services.invoices import BILLING_SETTINGS_FIELDS


class BillingSettingsForm(forms.ModelForm[BillingSettings]):
    # The JSON list of the model, typed as "14, 30".
    reminder_steps = forms.CharField(
        label=_("Reminder steps (days after the due date)"),
        required=False,
        help_text=_("Whole numbers of days separated by commas, e.g. 14, 30. Leave empty to send no reminders."),
    )

    class Meta:
        model = BillingSettings
        fields = BILLING_SETTINGS_FIELDS
        widgets = {"bank_account": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        steps = self.instance.reminder_steps or []
        self.initial["reminder_steps"] = ", ".join(str(step) for step in steps)

    def clean_registration_number(self) -> str:
        # Typed with full-width characters, a lower-case t or hyphens, it is still the same number.
        value = unicodedata.normalize("NFKC", self.cleaned_data.get("registration_number", ""))
        return re.sub(r"[\s-]", "", value).upper()

    def clean_reminder_steps(self) -> list[int]:
        text = unicodedata.normalize("NFKC", self.cleaned_data.get("reminder_steps", ""))
        parts = [part for part in re.split(r"[,、\s]+", text) if part]
        if not all(part.isascii() and part.isdigit() for part in parts):
            raise ValidationError(
                _("Write the reminder steps as whole numbers of days separated by commas, e.g. 14, 30."),
                code="invalid",
            )
        return [int(part) for part in parts]


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Records of"),
        required=False,
        choices=[("", _("Invoices, payments and allocations")), *AUDIT_KIND_LABELS.items()],
    )
