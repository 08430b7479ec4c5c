"""Reads after a matching session: a participant's meetings to rate, every meeting with both sides' ratings
and its outcome (staff and the session's coordinators), and the session report with its Excel export.

The session report counts, as associations report a session ("200 firms invited; 47 came; 80 meetings held;
about 20 continued, 9 reached negotiation, 2 nearly closed"):

- invited: every participant of the session, whatever their answer;
- participating: participants who said they come and were not marked as not having come (no-show);
- requested: requests the participants made, withdrawn ones excepted (coordinators' own additions are
  counted apart, as `added by coordinators`);
- accepted: requests accepted by the requested side, plus the coordinators' additions (accepted from the
  start);
- scheduled: meetings placed in the schedule;
- held: meetings rated or recorded as held, plus meetings still marked scheduled whose slot has ended
  (nobody said they did not take place); not held: meetings marked as not held;
- outcomes, each counted separately: no follow-up, continuing, negotiating, deal (with the total of the
  deals' amounts); and `continued`, cumulative: continuing + negotiating + deal, the meetings that led
  somewhere (the "about 20 continued" of the association's sentence);
- ratings: how many sides gave each rating (a meeting has up to two).

Every figure comes from aggregate queries: the report costs the same few queries however large the session.
"""

import io
from dataclasses import dataclass
from typing import cast

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from matching.models import (
    MatchingSession,
    Meeting,
    MeetingOutcome,
    MeetingRating,
    MeetingRatingChoice,
    MeetingStatus,
    ParticipantStatus,
    RequestStatus,
    SessionParticipant,
)
from matching.permissions import can_use_matching
from members.models import User


def meetings_of_participant(*, participant: SessionParticipant) -> list[Meeting]:
    """The participant's meetings in slot order, each with `other` (the other side) and `own_rating` (this
    side's rating or None), in one query."""
    meetings: list[Meeting] = list(
        Meeting.objects.filter(
            Q(request__requester=participant) | Q(request__requested=participant), session_id=participant.session_id
        )
        .select_related("slot", "coordinator", "request__requester__organization", "request__requested__organization")
        .prefetch_related(
            Prefetch("ratings", queryset=MeetingRating.objects.filter(participant=participant), to_attr="own_ratings")
        )
        .order_by("slot__index", "table")
    )
    for meeting in meetings:
        request = meeting.request
        meeting.other = request.requested if request.requester_id == participant.pk else request.requester  # type: ignore[attr-defined]
        meeting.own_rating = meeting.own_ratings[0] if meeting.own_ratings else None  # type: ignore[attr-defined]
    return meetings


def meetings_for_outcomes(*, session: MatchingSession) -> QuerySet[Meeting]:
    """Every meeting of the session with both sides' ratings, for staff and the session's coordinators (callers
    check `can_run_session`): two queries whatever the number of meetings."""
    return (
        Meeting.objects.filter(session=session)
        .select_related(
            "slot", "coordinator", "case", "request__requester__organization", "request__requested__organization"
        )
        .prefetch_related(Prefetch("ratings", queryset=MeetingRating.objects.order_by("pk")))
        .order_by("slot__index", "table")
    )


@dataclass(frozen=True)
class SessionReport:
    session: MatchingSession
    invited: int
    participating: int
    requested: int
    added_by_coordinators: int
    accepted: int
    scheduled: int
    held: int
    not_held: int
    no_follow_up: int
    continuing: int
    negotiating: int
    deals: int
    deal_total: int
    ratings: dict[str, int]  # MeetingRatingChoice value -> count

    @property
    def continued(self) -> int:
        """Cumulative: continuing + negotiating + deal."""
        return self.continuing + self.negotiating + self.deals

    def rating_rows(self) -> list[tuple[str, int]]:
        """(rating label in the active language, how many sides gave it)."""
        return [(str(choice.label), self.ratings[choice.value]) for choice in MeetingRatingChoice]

    def figures(self) -> list[tuple[str, str, int]]:
        """(key, label in the active language, value), in the report's order."""
        return [
            ("invited", _("Invited"), self.invited),
            ("participating", _("Participating"), self.participating),
            ("requested", _("Meetings requested"), self.requested),
            ("added_by_coordinators", _("Meetings added by coordinators"), self.added_by_coordinators),
            ("accepted", _("Requests accepted"), self.accepted),
            ("scheduled", _("Meetings scheduled"), self.scheduled),
            ("held", _("Meetings held"), self.held),
            ("not_held", _("Meetings that did not take place"), self.not_held),
            ("no_follow_up", _("No follow-up"), self.no_follow_up),
            ("continuing", _("Continuing"), self.continuing),
            ("negotiating", _("Negotiating"), self.negotiating),
            ("deals", _("Deals"), self.deals),
            ("deal_total", _("Deals, total amount (yen)"), self.deal_total),
            ("continued", _("Continued (continuing, negotiating or deal)"), self.continued),
        ]


def session_report(*, session: MatchingSession) -> SessionReport:
    """The figures of a session (counting rules in the module docstring), in four aggregate queries."""
    participants = SessionParticipant.objects.filter(session=session).aggregate(
        invited=Count("pk"),
        participating=Count("pk", filter=Q(status=ParticipantStatus.PARTICIPATING, no_show=False)),
    )
    requests = session.requests.aggregate(
        requested=Count("pk", filter=Q(added_by_coordinator=False) & ~Q(status=RequestStatus.WITHDRAWN)),
        added=Count("pk", filter=Q(added_by_coordinator=True) & ~Q(status=RequestStatus.WITHDRAWN)),
        accepted=Count("pk", filter=Q(status=RequestStatus.ACCEPTED)),
    )
    now = timezone.now()
    meetings = Meeting.objects.filter(session=session).aggregate(
        scheduled=Count("pk"),
        held=Count(
            "pk", filter=Q(status=MeetingStatus.HELD) | Q(status=MeetingStatus.SCHEDULED, slot__ends_at__lte=now)
        ),
        not_held=Count("pk", filter=Q(status=MeetingStatus.NOT_HELD)),
        no_follow_up=Count("pk", filter=Q(outcome=MeetingOutcome.NO_FOLLOW_UP)),
        continuing=Count("pk", filter=Q(outcome=MeetingOutcome.CONTINUING)),
        negotiating=Count("pk", filter=Q(outcome=MeetingOutcome.NEGOTIATING)),
        deals=Count("pk", filter=Q(outcome=MeetingOutcome.DEAL)),
        deal_total=Sum("deal_amount", filter=Q(outcome=MeetingOutcome.DEAL), default=0),
    )
    rated = dict(
        MeetingRating.objects.filter(meeting__session=session)
        .values_list("rating")
        .annotate(count=Count("pk"))
        .values_list("rating", "count")
    )
    return SessionReport(
        session=session,
        invited=participants["invited"],
        participating=participants["participating"],
        requested=requests["requested"],
        added_by_coordinators=requests["added"],
        accepted=requests["accepted"],
        scheduled=meetings["scheduled"],
        held=meetings["held"],
        not_held=meetings["not_held"],
        no_follow_up=meetings["no_follow_up"],
        continuing=meetings["continuing"],
        negotiating=meetings["negotiating"],
        deals=meetings["deals"],
        deal_total=meetings["deal_total"],
        ratings={choice.value: rated.get(choice.value, 0) for choice in MeetingRatingChoice},
    )


def session_report_xlsx(report: SessionReport) -> bytes:
    """The report as a workbook, headers in the active language: the figures, and the ratings."""
    workbook = Workbook()
    figures = cast(Worksheet, workbook.active)
    figures.title = _("Session report")[:31]
    figures.append([str(report.session.event.title)])
    figures.append([_("Figure"), _("Value")])
    for _key, label, value in report.figures():
        figures.append([label, value])
    ratings = workbook.create_sheet(_("Ratings")[:31])
    ratings.append([_("Rating"), _("Sides")])
    for label, count in report.rating_rows():
        ratings.append([label, count])
    for sheet, header_row in ((figures, 2), (ratings, 1)):
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(1)].width = 44
        sheet.column_dimensions[get_column_letter(2)].width = 16
    figures.cell(row=1, column=1).font = Font(bold=True, size=13)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def meeting_get(*, viewer: User | AnonymousUser, meeting_id: int) -> Meeting:
    """A meeting for rating or recording its outcome: internal users reach any (the services then check that
    they run its session); organisation users only their own organisation's meetings (404 for others');
    users without a part in matching are refused (403)."""
    if not isinstance(viewer, User) or not can_use_matching(viewer):
        raise PermissionDenied
    meetings = Meeting.objects.select_related("session", "request__requester", "request__requested")
    if not viewer.is_internal:
        meetings = meetings.filter(
            Q(request__requester__organization_id=viewer.organization_id)
            | Q(request__requested__organization_id=viewer.organization_id)
        )
    meeting = meetings.filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404
    return meeting
