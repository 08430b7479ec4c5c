"""The follow-up survey's form: a rating of 1 to 5 and free text."""

from django import forms
from django.utils.translation import gettext_lazy as _

RATINGS = [
    (5, _("5 (excellent)")),
    (4, "4"),
    (3, "3"),
    (2, "2"),
    (1, _("1 (poor)")),
]


class SurveyForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was the event?"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a rating from 1 to 5."),
            "invalid_choice": _("Choose a rating from 1 to 5."),
        },
    )
    comment = forms.CharField(
        label=_("Comments"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What was useful, what could be better, what you would like next time."),
    )
