"""Forms of the seed and need pages: registering and editing an entry, the lists' filters and the screening table.

Title, description and the named organisations are checked by the services, which say what is wrong in one
sentence; the form fields are optional where a service gives the message.
"""

from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from matching.models import EntryStatus, Need, NeedTiming, PatentStatus, Seed, Stage, TechField, Visibility
from matching.permissions import can_coordinate
from matching.services.entries import ScreeningDecision
from members.models import Organization, User
from members.selectors import directory_list

ANY = [("", "—")]


class EntryForm(forms.Form):
    """The fields seeds and needs share. Coordinators choose the owner organisation (searched with htmx, see the
    template) and may accept the entry at once; firms' users register for their own organisation."""

    owner = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.all(), required=False, widget=forms.HiddenInput
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    description = forms.CharField(
        label=pgettext_lazy("entry", "Description"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    field = forms.ChoiceField(label=pgettext_lazy("entry", "Field"), choices=TechField.choices)
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        help_text=_("Separate keywords with commas or 、."),
        max_length=1000,
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices, initial=Stage.RESEARCH)
    visibility = forms.ChoiceField(
        label=_("Who may see it"), choices=Visibility.choices, initial=Visibility.MEMBERS, widget=forms.RadioSelect
    )
    audience = forms.ModelMultipleChoiceField(
        label=_("Organisations that may see it"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Only when “Named organisations” is chosen."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    accept = forms.BooleanField(label=_("Accept at once (decided at the coordinators' meeting)"), required=False)

    KIND_FIELDS: list[str] = []

    def __init__(self, *args: Any, user: User, entry: Seed | Need | None = None, **kwargs: Any) -> None:
        if entry is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(entry)
        super().__init__(*args, **kwargs)
        self.internal = can_coordinate(user)
        kept = list(entry.audience.all().values_list("pk", flat=True)) if entry is not None else []
        audience = cast(forms.ModelMultipleChoiceField, self.fields["audience"])
        audience.queryset = (
            Organization.objects.filter(Q(pk__in=directory_list(viewer=user).values("pk")) | Q(pk__in=kept))
            .exclude(pk=getattr(user, "organization_id", None) or 0)
            .order_by("name_kana", "pk")
        )
        if not self.internal or entry is not None:
            del self.fields["accept"]
        if not self.internal:
            del self.fields["owner"]

    def initial_from(self, entry: Seed | Need) -> dict[str, Any]:
        initial = {name: getattr(entry, name) for name in ("title", "description", "field", "stage", "visibility")}
        initial.update({name: getattr(entry, name) for name in self.KIND_FIELDS})
        initial["keywords"] = "、".join(entry.keywords)
        initial["owner"] = entry.owner
        initial["audience"] = list(entry.audience.all())
        return initial

    def entry_data(self) -> dict[str, Any]:
        names = ["title", "description", "field", "keywords", "stage", "visibility", *self.KIND_FIELDS]
        return {name: self.cleaned_data[name] for name in names}

    def chosen_owner(self) -> Organization | None:
        return self.cleaned_data.get("owner")

    def chosen_audience(self) -> list[Organization]:
        return list(self.cleaned_data["audience"])


class SeedForm(EntryForm):
    patent_status = forms.ChoiceField(label=_("Patent status"), choices=PatentStatus.choices)
    offers_license = forms.BooleanField(label=_("Open to licensing"), required=False)
    offers_joint_research = forms.BooleanField(label=_("Open to joint research"), required=False)
    offers_supply = forms.BooleanField(label=_("Open to supply"), required=False)

    KIND_FIELDS = ["patent_status", "offers_license", "offers_joint_research", "offers_supply"]


class NeedForm(EntryForm):
    timing = forms.ChoiceField(label=_("Desired timing"), choices=NeedTiming.choices, initial=NeedTiming.UNDECIDED)
    budget_min = forms.IntegerField(label=_("Budget from (yen)"), required=False, min_value=0)
    budget_max = forms.IntegerField(label=_("Budget up to (yen)"), required=False, min_value=0)

    KIND_FIELDS = ["timing", "budget_min", "budget_max"]


class EntryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    field = forms.ChoiceField(label=pgettext_lazy("entry", "Field"), choices=[*ANY, *TechField.choices], required=False)
    stage = forms.ChoiceField(label=_("Stage"), choices=[*ANY, *Stage.choices], required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            *ANY,
            *(
                (value, pgettext_lazy("entry status", "Withdrawn") if value == EntryStatus.WITHDRAWN else label)
                for value, label in EntryStatus.choices
            ),
        ],
        required=False,
    )
    mine = forms.BooleanField(label=_("Only mine"), required=False)


class SeedFilterForm(EntryFilterForm):
    patent_status = forms.ChoiceField(label=_("Patent status"), choices=[*ANY, *PatentStatus.choices], required=False)
    willingness = forms.ChoiceField(
        label=_("Open to"),
        choices=[*ANY, ("license", _("Licensing")), ("joint_research", _("Joint research")), ("supply", _("Supply"))],
        required=False,
    )


class NeedFilterForm(EntryFilterForm):
    timing = forms.ChoiceField(label=_("Desired timing"), choices=[*ANY, *NeedTiming.choices], required=False)


class ScreeningRowForm(forms.Form):
    """One submitted entry in the screening table: a decision (or none: it stays in the queue) and a note."""

    kind = forms.ChoiceField(choices=[("seed", "seed"), ("need", "need")], widget=forms.HiddenInput)
    entry_id = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=pgettext_lazy("screening", "Decision"),
        choices=[("", _("Later")), *ScreeningDecision.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Question or reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


ScreeningFormSet = forms.formset_factory(ScreeningRowForm, extra=0)
