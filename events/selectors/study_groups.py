"""Reads of study groups: for the association's people (staff and coordinators) only."""

from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from clusternet.core.exceptions import ApplicationError
from events.models import (
    LIVE_REGISTRATION_STATUSES,
    CheckIn,
    Event,
    EventKind,
    EventStatus,
    Registration,
    StudyGroup,
    StudyGroupMember,
    person_key_for,
)
from events.selectors.events import Viewer
from members.models import Contact


def can_see_study_groups(viewer: Viewer) -> bool:
    """Rosters name people and their firms: staff and coordinators read them, member users do not."""
    return bool(viewer.is_authenticated and viewer.is_internal)


def study_group_list(*, viewer: Viewer) -> QuerySet[StudyGroup]:
    """With the number of people currently on each roster and of meetings, in one query."""
    if not can_see_study_groups(viewer):
        return StudyGroup.objects.none()
    today = timezone.localdate()
    current = Q(roster__left_on__isnull=True) | Q(roster__left_on__gt=today)
    return StudyGroup.objects.annotate(
        roster_count=Count("roster", filter=current, distinct=True),
        meeting_count=Count("meetings", filter=~Q(meetings__status=EventStatus.CANCELLED), distinct=True),
    ).order_by("-is_active", "name")


def study_group_get(*, viewer: Viewer, pk: int) -> StudyGroup:
    group = study_group_list(viewer=viewer).filter(pk=pk).first()
    if group is None:
        raise Http404
    return group


@dataclass
class AttendanceRow:
    seat: StudyGroupMember
    # One per meeting, in the matrix's order: True attended, False absent, None not held yet or not a member then.
    marks: list[bool | None] = field(default_factory=list)

    @property
    def attended(self) -> int:
        return sum(1 for mark in self.marks if mark)

    @property
    def expected(self) -> int:
        return sum(1 for mark in self.marks if mark is not None)

    @property
    def rate(self) -> int | None:
        """Percentage of the held meetings attended while on the roster; None before any was held."""
        return round(100 * self.attended / self.expected) if self.expected else None


@dataclass
class AttendanceMatrix:
    meetings: list[Event]
    rows: list[AttendanceRow]


def study_group_attendance(*, group: StudyGroup) -> AttendanceMatrix:
    """The roster (current and former) against the group's meetings, in three queries whatever their number.

    A check-in counts for a person when its registration is theirs by contact or by person key (a member may
    have registered from the portal with their email before attendance was taken).
    """
    now = timezone.now()
    meetings = list(group.meetings.exclude(status=EventStatus.CANCELLED).order_by("starts_at", "pk"))
    seats = list(
        group.roster.select_related("contact__organization").order_by(
            F("left_on").asc(nulls_first=True), "role", "contact__name_kana", "pk"
        )
    )
    attended: set[tuple[int | str, int]] = set()
    check_ins = CheckIn.objects.filter(session__event__in=[m.pk for m in meetings]).values_list(
        "registration__contact_id", "registration__person_key", "session__event_id"
    )
    for contact_id, key, event_id in check_ins:
        attended.add((key, event_id))
        if contact_id:
            attended.add((contact_id, event_id))
    rows = []
    for seat in seats:
        key = person_key_for(seat.contact.email, seat.contact_id)
        row = AttendanceRow(seat=seat)
        for meeting in meetings:
            present = (seat.contact_id, meeting.pk) in attended or (key, meeting.pk) in attended
            held = meeting.starts_at is not None and meeting.starts_at <= now
            on_roster = seat.left_on is None or (
                meeting.starts_at is not None and timezone.localtime(meeting.starts_at).date() <= seat.left_on
            )
            row.marks.append(True if present else (False if held and on_roster else None))
        rows.append(row)
    return AttendanceMatrix(meetings=meetings, rows=rows)


# -- one meeting -------------------------------------------------------------------------------------------


def require_meeting(meeting: Event) -> StudyGroup:
    """The meeting's study group; attendance by roster makes no sense for any other event."""
    if meeting.kind != EventKind.STUDY_GROUP or meeting.study_group_id is None:
        raise ApplicationError(_("Attendance by roster is recorded for study group meetings only."))
    return meeting.study_group  # type: ignore[return-value]


def meeting_roster(meeting: Event) -> list[StudyGroupMember]:
    """Who was on the roster on the meeting's day: the people whose attendance is taken."""
    group = require_meeting(meeting)
    day = timezone.localtime(meeting.starts_at).date() if meeting.starts_at else timezone.localdate()
    # Someone leaving on the meeting's day still sat in it.
    seats = StudyGroupMember.objects.filter(Q(study_group=group) & (Q(left_on__isnull=True) | Q(left_on__gte=day)))
    return list(seats.select_related("contact__organization").order_by("contact__name_kana", "pk"))


def meeting_registrations_by_contact(meeting: Event, contacts: list[Contact]) -> dict[int, Registration]:
    """The live registration of each contact at the meeting, found by the contact or by their person key."""
    keys = {person_key_for(c.email, c.pk): c.pk for c in contacts}
    contact_ids = set(keys.values())
    found: dict[int, Registration] = {}
    live = Registration.objects.filter(event=meeting, status__in=LIVE_REGISTRATION_STATUSES)
    for registration in live.filter(Q(contact__in=contact_ids) | Q(person_key__in=keys)):
        if registration.contact_id in contact_ids:
            found[registration.contact_id] = registration
        else:
            found.setdefault(keys[registration.person_key], registration)
    return found


def meeting_present_seats(meeting: Event, roster: list[StudyGroupMember]) -> set[int]:
    """The roster seats checked in at the meeting (at any of its sessions)."""
    registrations = meeting_registrations_by_contact(meeting, [seat.contact for seat in roster])
    checked = set(
        CheckIn.objects.filter(registration__in=[r.pk for r in registrations.values()]).values_list(
            "registration_id", flat=True
        )
    )
    return {
        seat.pk for seat in roster if seat.contact_id in registrations and registrations[seat.contact_id].pk in checked
    }
