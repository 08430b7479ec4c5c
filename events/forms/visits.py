"""Forms of the visit pages: the one-minute visit form with its follow-up rows, the list's filters, follow-ups,
the visit plan and the outcome categories.

Rules (a follow-up needs an owner and a due date, a visit cannot be in the future, ...) live in the services;
the fields here are optional where a service gives the message, so the user sees one clear sentence.
"""

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from events.models import FollowUpStatus, OutcomeCategory, Visit, VisitPlan, VisitPlanStatus, VisitSource
from events.selectors.visits import internal_users, outcome_categories, visitor_choices
from members.models import Organization, OrganizationKind, User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOTES = forms.Textarea(attrs={"rows": 3})


class UserChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class VisitorChoiceField(forms.ModelMultipleChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name() or obj.username
        return f"{name}（{obj.organization}）" if obj.organization_id else name


class OutcomeChoiceField(forms.ModelMultipleChoiceField[OutcomeCategory]):
    def label_from_instance(self, obj: OutcomeCategory) -> str:
        return obj.label if obj.is_active else f"{obj.label} ({_('retired')})"


class VisitForm(forms.ModelForm[Visit]):
    """The visit. The organisation is chosen by searching (see the template) or entered as a new prospect."""

    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.all(), required=False, widget=forms.HiddenInput
    )
    new_name = forms.CharField(label=_("New organisation: name"), max_length=200, required=False)
    new_name_kana = forms.CharField(label=_("New organisation: name in kana"), max_length=200, required=False)
    new_kind = forms.ChoiceField(
        label=_("New organisation: kind"),
        choices=[("", "—"), *OrganizationKind.choices],
        initial=OrganizationKind.FIRM,
        required=False,
    )
    visitors = VisitorChoiceField(
        label=capfirst(_("who went")), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    outcomes = OutcomeChoiceField(
        label=capfirst(_("outcomes")),
        queryset=OutcomeCategory.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    plan = forms.ModelChoiceField(queryset=VisitPlan.objects.all(), required=False, widget=forms.HiddenInput)

    class Meta:
        model = Visit
        fields = [
            "visited_on", "purpose", "other_visitors",
            "heard_technology", "heard_management", "heard_seeds", "heard_needs",
        ]  # fmt: skip
        widgets = {
            "visited_on": DATE,
            "heard_technology": NOTES,
            "heard_management": NOTES,
            "heard_seeds": NOTES,
            "heard_needs": NOTES,
        }

    NEW_ORGANIZATION_FIELDS = ("new_name", "new_name_kana", "new_kind")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The service says what is wrong with a missing or future date, in one sentence.
        self.fields["visited_on"].required = False
        self.fields["purpose"].required = False
        visitors = cast(forms.ModelMultipleChoiceField, self.fields["visitors"])
        visitors.queryset = visitor_choices()
        outcomes = cast(forms.ModelMultipleChoiceField, self.fields["outcomes"])
        if self.instance.pk:
            # Retired categories stay ticked (and tickable) on the visits that already have them.
            kept = list(self.instance.outcomes.values_list("pk", flat=True))
            outcomes.queryset = outcome_categories().filter(is_active=True) | outcome_categories().filter(pk__in=kept)
            self.fields["organization"].initial = self.instance.organization
            for name in ("new_name", "new_name_kana", "new_kind", "plan"):
                del self.fields[name]
        else:
            outcomes.queryset = outcome_categories(active_only=True)
            self.fields["visited_on"].initial = timezone.localdate

    def visit_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["organization"] = self.cleaned_data["organization"]
        return data

    def new_organization(self) -> dict[str, Any] | None:
        """The prospect to create, when the user typed a name instead of choosing an organisation."""
        if "new_name" not in self.fields or self.cleaned_data["organization"]:
            return None
        values = [self.cleaned_data[name] for name in self.NEW_ORGANIZATION_FIELDS[:2]]
        if not any(values):
            return None
        return {
            "name": self.cleaned_data["new_name"],
            "name_kana": self.cleaned_data["new_name_kana"],
            "kind": self.cleaned_data["new_kind"],
        }


class FollowUpForm(forms.Form):
    """One follow-up row of the visit form (and the form adding one to a visit)."""

    description = forms.CharField(label=capfirst(_("what")), max_length=300, required=False)
    owner = UserChoiceField(label=capfirst(_("owner")), queryset=User.objects.none(), required=False)
    due_on = forms.DateField(label=capfirst(_("due on")), required=False, widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = internal_users()

    def follow_up_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in ("description", "owner", "due_on")}


FollowUpFormSet = forms.formset_factory(FollowUpForm, extra=3, max_num=20, validate_max=True)


def filled_rows(formset: forms.BaseFormSet) -> list[tuple[int, dict[str, Any]]]:
    """The follow-up rows the user wrote something in, with their index in the formset."""
    return [(i, form.follow_up_data()) for i, form in enumerate(formset.forms) if form.has_changed()]


class FollowUpStatusForm(forms.Form):
    status = forms.ChoiceField(label=capfirst(_("status")), choices=FollowUpStatus.choices)
    done_on = forms.DateField(label=capfirst(_("done on")), required=False, widget=DATE)


class VisitFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)
    q = forms.CharField(label=_("Organisation"), required=False)
    outcome = forms.ModelChoiceField(
        label=capfirst(_("outcome")),
        queryset=OutcomeCategory.objects.none(),
        required=False,
        empty_label=_("All outcomes"),
    )
    coordinator = UserChoiceField(
        label=capfirst(_("who went")), queryset=User.objects.none(), required=False, empty_label=_("Anyone")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["outcome"]).queryset = outcome_categories()
        cast(forms.ModelChoiceField, self.fields["coordinator"]).queryset = internal_users()


class FollowUpFilterForm(forms.Form):
    show = forms.ChoiceField(
        label=_("Show"),
        choices=[("mine", _("My open actions")), ("open", _("All open")), ("overdue", _("Overdue")), ("all", _("All"))],
        required=False,
    )


class VisitPlanForm(forms.ModelForm[VisitPlan]):
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.all(), required=False, widget=forms.HiddenInput
    )

    class Meta:
        model = VisitPlan
        fields = ["reason", "source", "source_detail"]
        widgets = {"reason": NOTES}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = False
        self.fields["source"].initial = VisitSource.BANK

    def plan_data(self) -> dict[str, Any]:
        return {
            "organization": self.cleaned_data["organization"],
            **{f: self.cleaned_data[f] for f in self.Meta.fields},
        }


class VisitPlanDecisionForm(forms.Form):
    to_status = forms.ChoiceField(
        label=_("Decision"),
        choices=[(VisitPlanStatus.APPROVED, _("Approve")), (VisitPlanStatus.DROPPED, _("Drop"))],
    )
    approved_on = forms.DateField(label=capfirst(_("approved on")), required=False, widget=DATE)
    reason = forms.CharField(label=capfirst(_("reason for dropping")), max_length=200, required=False)


class VisitPlanFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=capfirst(_("status")), choices=[("", _("All")), *VisitPlanStatus.choices], required=False
    )


class OutcomeCategoryForm(forms.ModelForm[OutcomeCategory]):
    class Meta:
        model = OutcomeCategory
        fields = ["name", "name_en", "position", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["position"].required = False

    def validate_unique(self) -> None:
        """The service says when the name is taken."""
