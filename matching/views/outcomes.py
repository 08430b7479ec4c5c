"""Pages after a matching session: a participant's meetings with a rating form each ("my meetings after the
session"), every meeting with both sides' ratings and an outcome form each (staff and the session's
coordinators, saved together), and the session report with its Excel export.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from clusternet.core.exceptions import ApplicationError
from clusternet.core.forms import add_service_error
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedHttpRequest
from matching.forms.outcomes import MeetingOutcomeForm, MeetingRatingForm
from matching.models import MatchingSessionStatus, Meeting, ParticipantStatus, SessionParticipant
from matching.permissions import can_run_session
from matching.selectors import outcomes as selectors
from matching.selectors.sessions import own_participant
from matching.selectors.timetables import timetable_session
from matching.services import outcomes as services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rating_participant(request: AuthenticatedHttpRequest, session: Any) -> SessionParticipant | None:
    """Organisation users rate for their own participant; staff and coordinators pick one with ?participant=."""
    if not request.user.is_internal:
        participant = own_participant(viewer=request.user, session=session)
        if participant is None:
            raise Http404
        return participant
    require(can_run_session(request.user, session))
    value = request.POST.get("participant") or request.GET.get("participant") or ""
    if not value.isdigit():
        return None
    participant = session.participants.select_related("organization").filter(pk=int(value)).first()
    if participant is None:
        raise Http404
    return participant


@login_required
def meeting_rate(request: AuthenticatedHttpRequest, matching_session_id: int) -> HttpResponse:
    session = timetable_session(viewer=request.user, matching_session_id=matching_session_id)
    participant = _rating_participant(request, session)
    if participant is None:
        participants = session.participants.filter(status=ParticipantStatus.PARTICIPATING).select_related(
            "organization"
        )
        return render(request, "matching/rating_choose.html", {"session": session, "participants": participants})
    meetings = selectors.meetings_of_participant(participant=participant)
    forms: dict[int, MeetingRatingForm] = {}
    if request.method == "POST":
        meeting_id = request.POST.get("meeting", "")
        meeting = next((m for m in meetings if str(m.pk) == meeting_id), None)
        if meeting is None:
            raise Http404
        form = MeetingRatingForm(request.POST, prefix=f"m{meeting.pk}")
        if form.is_valid():
            try:
                services.meeting_rate(
                    actor=request.user,
                    meeting=meeting,
                    participant=participant,
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                )
            except ApplicationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Your rating is saved."))
                url = request.path + (f"?participant={participant.pk}" if request.user.is_internal else "")
                return redirect(url)
        forms[meeting.pk] = form
    rows = []
    for meeting in meetings:
        rating = meeting.own_rating  # type: ignore[attr-defined]
        initial = {"rating": rating.rating, "comment": rating.comment} if rating else {}
        rows.append((meeting, forms.get(meeting.pk) or MeetingRatingForm(initial=initial, prefix=f"m{meeting.pk}")))
    # Before a meeting starts its form is not shown (the service would refuse it), unless the session is over.
    context = {
        "session": session,
        "participant": participant,
        "rows": rows,
        "now": timezone.now(),
        "finished": session.status == MatchingSessionStatus.FINISHED,
    }
    return render(request, "matching/rating_list.html", context)


def _outcome_initial(meeting: Meeting) -> dict[str, Any]:
    return {"outcome": meeting.outcome, "deal_amount": meeting.deal_amount}


@login_required
def meeting_outcome(request: AuthenticatedHttpRequest, matching_session_id: int) -> HttpResponse:
    """Every meeting with an outcome form each; one save records every changed row, or none if one is refused."""
    session = timetable_session(viewer=request.user, matching_session_id=matching_session_id)
    require(can_run_session(request.user, session))
    meetings = list(selectors.meetings_for_outcomes(session=session))
    if request.method == "POST":
        forms = {
            m.pk: MeetingOutcomeForm(request.POST, prefix=f"m{m.pk}", initial=_outcome_initial(m)) for m in meetings
        }
        failed = False
        saved = 0
        with transaction.atomic():
            for meeting in meetings:
                form = forms[meeting.pk]
                if not form.is_valid():
                    failed = True
                    continue
                if not form.has_changed() or not form.cleaned_data["outcome"]:
                    continue
                try:
                    services.meeting_outcome_record(
                        actor=request.user,
                        meeting=meeting,
                        outcome=form.cleaned_data["outcome"],
                        deal_amount=form.cleaned_data["deal_amount"],
                    )
                except ApplicationError as error:
                    add_service_error(form, error)
                    failed = True
                else:
                    saved += 1
            if failed:
                transaction.set_rollback(True)
        if not failed:
            messages.success(request, _("%(count)s outcomes saved.") % {"count": saved})
            return redirect("meeting-outcome", matching_session_id=session.pk)
        messages.error(request, _("Nothing was saved: correct the rows marked below."))
        # The page shows the data as it is in the database, with the rows' entries kept.
        meetings = list(selectors.meetings_for_outcomes(session=session))
    else:
        forms = {m.pk: MeetingOutcomeForm(prefix=f"m{m.pk}", initial=_outcome_initial(m)) for m in meetings}
    rows = [(meeting, forms[meeting.pk]) for meeting in meetings]
    return render(request, "matching/outcome_list.html", {"session": session, "rows": rows})


@login_required
def session_report(request: AuthenticatedHttpRequest, matching_session_id: int) -> HttpResponse:
    session = timetable_session(viewer=request.user, matching_session_id=matching_session_id)
    require(can_run_session(request.user, session))
    report = selectors.session_report(session=session)
    return render(request, "matching/session_report.html", {"session": session, "report": report})


@login_required
def session_report_export(request: AuthenticatedHttpRequest, matching_session_id: int) -> HttpResponse:
    session = timetable_session(viewer=request.user, matching_session_id=matching_session_id)
    require(can_run_session(request.user, session))
    content = selectors.session_report_xlsx(selectors.session_report(session=session))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="session-report-{session.pk}.xlsx"'
    return response
