from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching.models import MatchingSession, SessionSlot
from matching.services.scheduling import MAX_TIME_LIMIT
from members.models import User


class ScheduleRunForm(forms.Form):
    min_meetings = forms.IntegerField(label=_("Guaranteed meetings per participant"), min_value=0, max_value=20)
    time_limit = forms.IntegerField(label=_("Time limit (seconds)"), min_value=1, max_value=MAX_TIME_LIMIT)


def _slot_label(slot: SessionSlot) -> str:
    return f"{slot.index + 1} ({timezone.localtime(slot.starts_at):%H:%M})"


class MeetingMoveForm(forms.Form):
    slot = forms.ModelChoiceField(label=_("Slot"), queryset=SessionSlot.objects.none())
    # No maximum here: the service refuses a table beyond the session's count with its own message.
    table = forms.IntegerField(label=_("Table"), min_value=1)
    coordinator = forms.ModelChoiceField(label=_("Coordinator"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: object, session: MatchingSession, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["slot"].queryset = session.slots.order_by("index")  # type: ignore[attr-defined]
        self.fields["slot"].label_from_instance = _slot_label  # type: ignore[attr-defined]
        self.fields["coordinator"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=session.session_coordinators.values("user_id")
        )
