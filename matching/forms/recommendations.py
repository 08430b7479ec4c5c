"""Forms of the recommendation pages: the coordinators' feedback on a pair, and a synonym group."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

# One word per line, or separated by commas (either width) or the Japanese 読点.
_SEPARATORS = re.compile(r"[\n,，、]+")


class RecommendationFeedbackForm(forms.Form):
    useful = forms.TypedChoiceField(
        choices=[("yes", _("Useful")), ("no", _("Not useful"))], coerce=lambda value: value == "yes"
    )


class SynonymGroupForm(forms.Form):
    terms = forms.CharField(
        label=_("Words"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The words that mean the same thing, one per line or separated by commas."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean_terms(self) -> list[str]:
        return [term.strip() for term in _SEPARATORS.split(self.cleaned_data["terms"]) if term.strip()]
