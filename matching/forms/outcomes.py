"""Forms after a matching session: one side's rating of a meeting, and a meeting's outcome.

The rules (which rating, a deal's amount, only after the meeting started) live in the services; fields are
optional here so the user reads the service's one clear sentence.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from matching.models import MeetingOutcome, MeetingRatingChoice


class MeetingRatingForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("Rating"), choices=MeetingRatingChoice.choices, required=False, widget=forms.RadioSelect
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MeetingOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *MeetingOutcome.choices], required=False)
    # Negative amounts reach the service, which says why they are refused.
    deal_amount = forms.IntegerField(label=_("Deal amount (yen)"), required=False)
