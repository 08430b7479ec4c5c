from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clusternet.core.text import normalize_kana
from members.models import AssociationSettings, Contact, FeeTier, MembershipStatus, Organization
from members.services import ORGANIZATION_FIELDS


class KanaCleanMixin:
    """Readings are stored as full-width katakana, whatever the user typed."""

    def clean_name_kana(self) -> str:
        return normalize_kana(self.cleaned_data.get("name_kana", ""))  # type: ignore[attr-defined]


class OrganizationForm(KanaCleanMixin, forms.ModelForm[Organization]):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = [f for f in ORGANIZATION_FIELDS if f != "import_key"]
        widgets = {
            "business_description": forms.Textarea(attrs={"rows": 4}),
            "technologies": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, staff: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not staff:
            # Kind and corporate number decide the fee: only the secretariat changes them.
            for field in ("kind", "corporate_number"):
                self.fields[field].disabled = True


class ContactForm(KanaCleanMixin, forms.ModelForm[Contact]):
    consent = forms.BooleanField(
        label=_("The person agreed to the purposes of use above"),
        required=False,
        help_text=_("Recorded with today's date; required before mails are sent to this person."),
    )

    class Meta:
        model = Contact
        fields = [
            "name",
            "name_kana",
            "department",
            "title",
            "email",
            "phone",
            "is_billing_contact",
            "consent_purposes",
        ]
        widgets = {"consent_purposes": forms.Textarea(attrs={"rows": 2})}

    def validate_unique(self) -> None:
        # Taking over the billing role from another contact is done by the service, not refused.
        self.instance.is_billing_contact = False
        super().validate_unique()


class JoinOrganizationForm(KanaCleanMixin, forms.ModelForm[Organization]):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = [
            "kind", "name", "name_kana", "corporate_number", "postal_code", "prefecture", "city", "address_line",
            "capital", "employees", "industry", "website", "business_description",
        ]  # fmt: skip
        widgets = {"business_description": forms.Textarea(attrs={"rows": 3})}

    def validate_unique(self) -> None:
        # An organisation already on file (a former member, a visited prospect) applies again by its number.
        pass


class JoinContactForm(KanaCleanMixin, forms.ModelForm[Contact]):
    consent = forms.BooleanField(
        label=_("I agree that the association uses these data for membership administration and its notices."),
        required=True,
    )

    class Meta:
        model = Contact
        fields = ["name", "name_kana", "department", "title", "email", "phone"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True


class MembershipTransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=MembershipStatus.choices)
    effective_on = forms.DateField(
        label=_("Effective on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FeeOverrideForm(forms.Form):
    amount = forms.IntegerField(
        label=_("Annual fee (yen)"), min_value=0, required=False, help_text=_("Leave empty to remove the override.")
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class FeeTierForm(forms.ModelForm[FeeTier]):
    class Meta:
        model = FeeTier
        fields = [
            "name", "organization_kind", "capital_min", "capital_max", "employees_min", "employees_max", "annual_fee",
            "priority", "is_active",
        ]  # fmt: skip


class AssociationSettingsForm(forms.ModelForm[AssociationSettings]):
    class Meta:
        model = AssociationSettings
        fields = ["fiscal_year_start_month", "proration_policy"]
