"""Forms of the exhibition pages: a firm sharing the booth, a lead, and turning a lead into a contact."""

from typing import Any, cast

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from events.models import Event, ExhibitionLead, Exhibitor
from members.models import OrganizationKind


class ExhibitorForm(forms.Form):
    organization = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose the organisation sharing the booth.")},
    )
    exhibit = forms.CharField(label=capfirst(_("what they show")), max_length=200, required=False)


class LeadForm(forms.ModelForm[ExhibitionLead]):
    class Meta:
        model = ExhibitionLead
        fields = ["name", "organization_name", "email", "phone", "interest", "exhibitor"]
        widgets = {"interest": forms.Textarea(attrs={"rows": 2})}
        error_messages = {
            "name": {"required": _("Give the visitor's name.")},
            "organization_name": {"required": _("Give the visitor's organisation.")},
            "interest": {"required": _("Say what the visitor is interested in.")},
        }

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        exhibitor = cast(forms.ModelChoiceField, self.fields["exhibitor"])
        exhibitor.queryset = Exhibitor.objects.filter(event=event).select_related("organization")
        exhibitor.empty_label = _("The association's own desk")

    def lead_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class LeadContactForm(forms.Form):
    name_kana = forms.CharField(label=pgettext_lazy("person", "name (kana)"), max_length=100, required=False)
    organization_kind = forms.ChoiceField(
        label=_("Kind of organisation"), choices=[("", "---------"), *OrganizationKind.choices], required=False
    )
    organization_name_kana = forms.CharField(label=_("Organisation (kana)"), max_length=200, required=False)

    def __init__(self, *args: Any, new_organization: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # An organisation already in the register needs nothing more; a new one needs its kind and reading.
        if not new_organization:
            del self.fields["organization_kind"], self.fields["organization_name_kana"]
