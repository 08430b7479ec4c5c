"""Forms of the study group pages: the group, a roster entry, a meeting, attendance and the fee."""

from typing import Any, cast

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from events.forms.events import DATETIME
from events.models import StudyGroup, StudyGroupMember, StudyGroupRole
from members.models import Contact, Organization


class StudyGroupForm(forms.ModelForm[StudyGroup]):
    class Meta:
        model = StudyGroup
        fields = ["name", "description", "participation_fee", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        # "description" alone is an invoice line's 品目 in Japanese; the group's needs its own word.
        labels = {"description": _("About the group")}


class RosterEntryForm(forms.Form):
    """A person of the chosen organisation and their role. The organisation is chosen by search beforehand."""

    organization = forms.IntegerField(widget=forms.HiddenInput, required=False)
    contact = forms.ModelChoiceField(
        label=_("Person"),
        queryset=Contact.objects.none(),
        empty_label=_("Choose a person"),
        error_messages={
            "required": _("Choose a person from the register."),
            "invalid_choice": _("Choose a person from the register."),
        },
    )
    role = forms.ChoiceField(
        label=pgettext_lazy("study group", "role"),
        choices=[("", _("Choose a role")), *StudyGroupRole.choices],
        error_messages={"required": _("Choose a role.")},
    )

    def __init__(self, *args: Any, organization: Organization | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chosen_organization = organization
        if organization is not None:
            self.fields["organization"].initial = organization.pk
            contacts = cast(forms.ModelChoiceField, self.fields["contact"])
            contacts.queryset = Contact.objects.active().filter(organization=organization)


class LeaveForm(forms.Form):
    left_on = forms.DateField(
        label=capfirst(_("left on")), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Meeting title"), max_length=200)
    starts_at = forms.DateTimeField(label=capfirst(_("starts")), widget=DATETIME)
    ends_at = forms.DateTimeField(label=capfirst(_("ends")), widget=DATETIME)
    venue = forms.CharField(label=capfirst(_("venue")), max_length=300, required=False)
    online_url = forms.URLField(label=capfirst(_("online link")), required=False, assume_scheme="https")
    is_public = forms.BooleanField(
        label=capfirst(_("open to non-members")),
        required=False,
        help_text=_("Study group meetings are for the roster; tick to list this one in the public calendar."),
    )

    def session(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("starts_at", "ends_at", "venue", "online_url")}


class AttendanceForm(forms.Form):
    present = forms.ModelMultipleChoiceField(
        label=_("Present"),
        queryset=StudyGroupMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, roster: list[StudyGroupMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["present"])
        field.queryset = StudyGroupMember.objects.filter(pk__in=[seat.pk for seat in roster])


class FeeInvoiceForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)
