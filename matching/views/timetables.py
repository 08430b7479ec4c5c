"""Timetable pages of a matching session: one timetable (HTML, or PDF with ?format=pdf or its own URL), every
timetable of the session on one printable page with an all-in-one PDF, and publishing the schedule.

Who sees which timetable is decided in `matching.selectors.timetables`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusternet.core.exceptions import ApplicationError
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedHttpRequest
from matching.permissions import can_run_session
from matching.selectors import timetables as selectors
from matching.services.timetables import session_publish as publish
from matching.timetable_pdf import timetables_pdf


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def timetable(
    request: AuthenticatedHttpRequest, matching_session_id: int, audience: str, target_id: int
) -> HttpResponse:
    session = selectors.timetable_session(viewer=request.user, matching_session_id=matching_session_id)
    sheet = selectors.timetable_get(viewer=request.user, session=session, audience=audience, target_id=target_id)
    if request.GET.get("format") == "pdf":
        return _pdf_response(timetables_pdf(session, [sheet]), f"timetable-{session.pk}-{audience}-{target_id}.pdf")
    context = {"session": session, "timetable": sheet, "can_run": can_run_session(request.user, session)}
    return render(request, "matching/timetable_detail.html", context)


@login_required
def timetable_pdf(
    request: AuthenticatedHttpRequest, matching_session_id: int, audience: str, target_id: int
) -> HttpResponse:
    session = selectors.timetable_session(viewer=request.user, matching_session_id=matching_session_id)
    sheet = selectors.timetable_get(viewer=request.user, session=session, audience=audience, target_id=target_id)
    return _pdf_response(timetables_pdf(session, [sheet]), f"timetable-{session.pk}-{audience}-{target_id}.pdf")


@login_required
def timetable_index(request: AuthenticatedHttpRequest, matching_session_id: int) -> HttpResponse:
    """Every timetable of the session on one page (printed, one timetable per sheet), for staff and the
    session's coordinators."""
    session = selectors.timetable_session(viewer=request.user, matching_session_id=matching_session_id)
    require(can_run_session(request.user, session))
    context = {
        "session": session,
        "timetables": selectors.session_timetables(session=session),
        "mails": list(session.timetable_mails.select_related("participant__organization", "coordinator")),
        "not_mailed": selectors.participants_not_mailed(session=session),
    }
    return render(request, "matching/timetable_index.html", context)


@login_required
def timetable_index_pdf(request: AuthenticatedHttpRequest, matching_session_id: int) -> HttpResponse:
    """All timetables in one PDF, one page each; ?audience=table (participant, coordinator) prints one kind."""
    session = selectors.timetable_session(viewer=request.user, matching_session_id=matching_session_id)
    require(can_run_session(request.user, session))
    every = selectors.session_timetables(session=session)
    audience = request.GET.get("audience", "")
    sheets = {
        selectors.PARTICIPANT: every.participants,
        selectors.TABLE: every.tables,
        selectors.COORDINATOR: every.coordinators,
    }.get(audience, every.all())
    return _pdf_response(
        timetables_pdf(session, sheets), f"timetables-{session.pk}{'-' + audience if audience else ''}.pdf"
    )


@require_POST
@login_required
def session_publish(request: AuthenticatedHttpRequest, matching_session_id: int) -> HttpResponse:
    session = selectors.timetable_session(viewer=request.user, matching_session_id=matching_session_id)
    require(can_run_session(request.user, session))
    try:
        result = publish(actor=request.user, session=session)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("session-detail", matching_session_id=session.pk)
    messages.success(
        request,
        _("The schedule is published; %(count)s timetable mails are on their way.") % {"count": result.claimed},
    )
    if result.not_mailed:
        names = "、".join(p.organization.name for p in result.not_mailed)
        messages.warning(request, _("Not mailed (no attendee email address): %(names)s") % {"names": names})
    return redirect("timetable-index", matching_session_id=session.pk)
