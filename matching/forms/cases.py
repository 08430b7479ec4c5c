"""Forms of the matching-case pages: the list's and pipeline's filters, a case, a move, a drop, the funnel's year.

The rules (two parties at least, forward moves only, a reason to drop, dates) live in the services; fields are
optional where a service gives the message, so the user reads one clear sentence.
"""

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.fiscal import fiscal_year_of, today
from billing.reports import report_fiscal_years
from matching.models import CaseStage, MatchingCase, Need, Seed, TechField
from matching.selectors.cases import coordinators
from matching.selectors.visibility import needs_visible_to, seeds_visible_to
from members.models import Organization, User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOTES = forms.Textarea(attrs={"rows": 3})


class CoordinatorChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class EntryChoiceField(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title}（{obj.owner.name}）"


def fiscal_year_choices() -> list[tuple[str, str]]:
    return [(str(year), _("FY %(year)s") % {"year": year}) for year in report_fiscal_years()]


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    coordinator = CoordinatorChoiceField(label=_("Coordinator"), queryset=User.objects.none(), required=False)
    field = forms.ChoiceField(label=_("Tech field"), required=False)
    fiscal_year = forms.TypedChoiceField(label=_("Fiscal year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, with_stage: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["coordinator"]).queryset = coordinators()
        cast(forms.ChoiceField, self.fields["field"]).choices = [("", "—"), *TechField.choices]
        cast(forms.ChoiceField, self.fields["fiscal_year"]).choices = [("", "—"), *fiscal_year_choices()]
        if with_stage:
            cast(forms.ChoiceField, self.fields["stage"]).choices = [("", "—"), *CaseStage.choices]
        else:
            del self.fields["stage"]


class CaseForm(forms.ModelForm[MatchingCase]):
    """A case: what it is about and between whom. Amounts are shown on the edit page only."""

    organizations = forms.ModelMultipleChoiceField(
        label=_("Parties"),
        queryset=Organization.objects.order_by("name_kana", "pk"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("At least two organisations."),
    )
    seed = EntryChoiceField(label=_("Seed"), queryset=Seed.objects.none(), required=False)
    need = EntryChoiceField(label=_("Need"), queryset=Need.objects.none(), required=False)
    coordinator = CoordinatorChoiceField(label=_("Coordinator"), queryset=User.objects.none(), required=False)
    # The model's "title" reads as a person's title in Japanese; here it is the case's name.
    title = forms.CharField(label=_("Case title"), max_length=200, required=False)
    field = forms.ChoiceField(label=_("Tech field"), choices=[("", "—"), *TechField.choices], required=False)

    class Meta:
        model = MatchingCase
        fields = ["title", "field", "opened_on", "note", "deal_value", "subsidy_amount"]
        widgets = {"opened_on": DATE, "note": NOTES}

    def __init__(self, *args: Any, viewer: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("title", "field", "opened_on"):
            self.fields[name].required = False
        cast(forms.ModelChoiceField, self.fields["coordinator"]).queryset = coordinators()
        seeds = seeds_visible_to(viewer).select_related("owner").order_by("-created_at")
        needs = needs_visible_to(viewer).select_related("owner").order_by("-created_at")
        cast(forms.ModelChoiceField, self.fields["seed"]).queryset = seeds
        cast(forms.ModelChoiceField, self.fields["need"]).queryset = needs
        if self.instance.pk:
            self.fields["organizations"].initial = [p.organization for p in self.instance.parties.all()]
            self.fields["coordinator"].initial = self.instance.coordinator
        else:
            del self.fields["deal_value"]
            del self.fields["subsidy_amount"]
            self.fields["opened_on"].initial = timezone.localdate

    def case_data(self) -> dict[str, Any]:
        names = ["title", "field", "opened_on", "note", "seed", "need", "coordinator"]
        return {name: self.cleaned_data[name] for name in names}


class CaseMoveForm(forms.Form):
    """Moves forward; the stages offered are the later ones, but the service decides."""

    to_stage = forms.ChoiceField(label=_("Move to"), choices=CaseStage.choices)
    moved_on = forms.DateField(label=_("Date"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, widget=NOTES)

    def __init__(self, *args: Any, case: MatchingCase | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["moved_on"].initial = timezone.localdate
        if case is not None and case.stage != CaseStage.DROPPED:
            later = [s for s in CaseStage.pipeline() if CaseStage.rank(s) > CaseStage.rank(case.stage)]
            if later and not self.is_bound:
                cast(forms.ChoiceField, self.fields["to_stage"]).choices = [(s.value, s.label) for s in later]


class CaseDropForm(forms.Form):
    drop_reason = forms.CharField(label=_("Why is the case dropped?"), required=False, widget=NOTES)
    moved_on = forms.DateField(label=_("Date"), required=False, widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["moved_on"].initial = timezone.localdate


class FunnelYearForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(label=_("Fiscal year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["fiscal_year"]).choices = fiscal_year_choices()

    def year(self) -> int:
        """The year asked for, or the current fiscal year."""
        return self.cleaned_data.get("fiscal_year") or fiscal_year_of(today())
