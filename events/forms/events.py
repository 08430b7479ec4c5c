"""Forms of the event pages: the event itself, its sessions, and the list's filters."""

import datetime
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from events.models import Event, EventKind, EventSession, Visit
from members.models import Role, User

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EventForm(forms.ModelForm[Event]):
    organisers = forms.ModelMultipleChoiceField(
        label=capfirst(_("organisers")),
        queryset=User.objects.filter(role__in=[Role.ADMINISTRATOR, Role.SECRETARIAT, Role.COORDINATOR], is_active=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    motivating_visits = forms.ModelMultipleChoiceField(
        label=capfirst(_("visits that motivated it")),
        queryset=Visit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )

    class Meta:
        model = Event
        fields = [
            "kind", "title", "description", "is_public", "capacity", "has_waiting_list", "registration_opens_at",
            "registration_closes_at", "cancellation_deadline", "member_price", "non_member_price", "study_group",
        ]  # fmt: skip
        widgets = {
            "registration_opens_at": DATETIME,
            "registration_closes_at": DATETIME,
            "cancellation_deadline": DATETIME,
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # An event is planned from what was heard lately: the last year's visits, and those already linked.
        recent = Q(visited_on__gte=timezone.localdate() - datetime.timedelta(days=365))
        if self.instance.pk:
            self.fields["organisers"].initial = list(self.instance.organisers.all())
            self.fields["motivating_visits"].initial = list(self.instance.motivating_visits.all())
            recent |= Q(motivated_events=self.instance)
        visits = cast(forms.ModelMultipleChoiceField, self.fields["motivating_visits"])
        visits.queryset = Visit.objects.filter(recent).select_related("organization").order_by("-visited_on").distinct()

    def event_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class SessionForm(forms.ModelForm[EventSession]):
    online_url = forms.URLField(label=capfirst(_("online link")), required=False, assume_scheme="https")

    class Meta:
        model = EventSession
        fields = ["title", "starts_at", "ends_at", "venue", "online_url"]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME}


class EventFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(
        label=capfirst(_("kind")), choices=[("", _("All kinds")), *EventKind.choices], required=False
    )
    when = forms.ChoiceField(
        label=_("Period"),
        choices=[("upcoming", _("Upcoming")), ("past", _("Past")), ("all", _("All"))],
        required=False,
    )
