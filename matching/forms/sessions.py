"""Forms of the matching-session pages. Rules (one session per fair, slots that exist, one request per pair,
the deadline) live in the services; the forms only shape the input."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event, EventKind
from matching.models import MatchingSession, ParticipantStatus, SessionParticipant, SessionSlot
from matching.selectors.sessions import request_status_choices
from members.models import STAFF_ROLES, Contact, Organization, Role, User

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
PRIORITY_CHOICES = [(1, _("1 (high)")), (2, "2"), (3, _("3 (low)"))]


class SessionForm(forms.Form):
    table_count = forms.IntegerField(label=_("Tables"), min_value=1, max_value=500)
    request_deadline = forms.DateTimeField(label=_("Requests and answers close"), widget=DATETIME)
    response_days = forms.IntegerField(label=_("Days to answer a request"), min_value=1, max_value=60, initial=3)
    min_meetings = forms.IntegerField(
        label=_("Guaranteed meetings per participant"), min_value=0, max_value=20, initial=1
    )


class SessionCreateForm(SessionForm):
    """A new session: the fair it belongs to and, optionally, its first slots."""

    event = forms.ModelChoiceField(label=_("Matching fair"), queryset=Event.objects.none())
    field_order = ["event", "table_count", "request_deadline", "response_days", "min_meetings"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["event"])
        field.queryset = Event.objects.filter(kind=EventKind.MATCHING_FAIR, matching_session__isnull=True).order_by(
            "-starts_at"
        )


class SlotsForm(forms.Form):
    first_starts_at = forms.DateTimeField(label=_("First slot starts"), widget=DATETIME)
    minutes = forms.IntegerField(label=_("Minutes per meeting"), min_value=1, max_value=240, initial=20)
    break_minutes = forms.IntegerField(label=_("Minutes between meetings"), min_value=0, max_value=120, initial=5)
    count = forms.IntegerField(label=_("Number of slots"), min_value=1, max_value=40, initial=8)


class SlotChoiceField(forms.TypedMultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            coerce=int, required=False, widget=forms.CheckboxSelectMultiple, label=_("Unavailable slots"), **kwargs
        )


def slot_choices(slots: list[SessionSlot]) -> list[tuple[int, str]]:
    """Slots as the UI numbers them (from 1), in Asia/Tokyo time."""
    return [
        (
            slot.index,
            f"{slot.index + 1}: {timezone.localtime(slot.starts_at):%H:%M}–{timezone.localtime(slot.ends_at):%H:%M}",
        )
        for slot in slots
    ]


class ContactChoiceField(forms.ModelChoiceField[Contact]):
    def label_from_instance(self, obj: Contact) -> str:
        return f"{obj.name} <{obj.email}>" if obj.email else obj.name


class ParticipantForm(forms.Form):
    """A participant: the organisation is chosen with the search box (see the template); editing keeps it."""

    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.all(), required=False, widget=forms.HiddenInput
    )
    contact = ContactChoiceField(label=_("Attendee"), queryset=Contact.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=ParticipantStatus.choices)
    unavailable_slots = SlotChoiceField()
    profile = forms.CharField(
        label=_("What we offer and look for"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(
        self, *args: Any, slots: list[tuple[int, str]], organization: Organization | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unavailable_slots"].choices = slots  # type: ignore[attr-defined]
        contact = cast(forms.ModelChoiceField, self.fields["contact"])
        if organization is not None:
            contact.queryset = Contact.objects.filter(organization=organization, erased_at__isnull=True).order_by(
                "name_kana", "pk"
            )


class OwnParticipantForm(forms.Form):
    """What an organisation user may change about their own participation."""

    unavailable_slots = SlotChoiceField()
    profile = forms.CharField(
        label=_("What we offer and look for"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, slots: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unavailable_slots"].choices = slots  # type: ignore[attr-defined]


class UserChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class CoordinatorForm(forms.Form):
    user = UserChoiceField(label=_("Coordinator"), queryset=User.objects.none())
    unavailable_slots = SlotChoiceField()

    def __init__(self, *args: Any, slots: list[tuple[int, str]], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unavailable_slots"].choices = slots  # type: ignore[attr-defined]
        if editing:
            del self.fields["user"]
        else:
            user = cast(forms.ModelChoiceField, self.fields["user"])
            user.queryset = User.objects.filter(is_active=True, role__in=[*STAFF_ROLES, Role.COORDINATOR]).order_by(
                "last_name", "first_name", "username"
            )


class ParticipantChoiceField(forms.ModelChoiceField[SessionParticipant]):
    def label_from_instance(self, obj: SessionParticipant) -> str:
        return obj.organization.name


def _participants(session: MatchingSession) -> QuerySet[SessionParticipant]:
    return session.participants.select_related("organization").order_by("organization__name_kana", "pk")


class RequestForm(forms.Form):
    """A participant asks to meet another. Staff and the session's coordinators choose the requester too."""

    requester = ParticipantChoiceField(label=_("Requested by"), queryset=SessionParticipant.objects.none())
    requested = ParticipantChoiceField(label=_("Meet"), queryset=SessionParticipant.objects.none())
    priority = forms.TypedChoiceField(label=_("Priority"), choices=PRIORITY_CHOICES, coerce=int, initial=2)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    needs_coordinator = forms.BooleanField(label=_("Needs a coordinator present"), required=False)

    def __init__(
        self, *args: Any, session: MatchingSession, own: SessionParticipant | None, runs: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        participants = _participants(session)
        requested = cast(forms.ModelChoiceField, self.fields["requested"])
        if own is not None and not runs:
            del self.fields["requester"]
            del self.fields["needs_coordinator"]
            requested.queryset = participants.exclude(pk=own.pk).filter(status=ParticipantStatus.PARTICIPATING)
        else:
            requester = cast(forms.ModelChoiceField, self.fields["requester"])
            requester.queryset = participants
            requested.queryset = participants


class MeetingAddForm(forms.Form):
    a = ParticipantChoiceField(label=_("Participant"), queryset=SessionParticipant.objects.none())
    b = ParticipantChoiceField(label=_("Meets"), queryset=SessionParticipant.objects.none())
    priority = forms.TypedChoiceField(label=_("Priority"), choices=PRIORITY_CHOICES, coerce=int, initial=1)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    needs_coordinator = forms.BooleanField(label=_("Needs a coordinator present"), required=False)

    def __init__(self, *args: Any, session: MatchingSession, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("a", "b"):
            field = cast(forms.ModelChoiceField, self.fields[name])
            field.queryset = _participants(session)


class RequestFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *request_status_choices()], required=False)
