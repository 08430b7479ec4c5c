"""Matching-session pages: the sessions, their set-up (slots, tables, participants, coordinators) and the
meeting requests participants make and answer.

Staff set sessions up; staff and the session's coordinators run them; a member or bank user of a
participating organisation sees the session and acts for their own organisation only. Evaluators get 403,
anyone else 404 for a session they do not take part in.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedHttpRequest
from matching.models import RequestStatus
from matching.permissions import can_manage_sessions, can_run_session
from matching.selectors import sessions as selectors

View = Callable[..., HttpResponse]


def sessions_only(view: View) -> View:
    """Signed-in internal and organisation users; evaluators and users without an organisation get 403."""

    @wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require(selectors.sees_sessions(request.user))
        return view(request, *args, **kwargs)

    return login_required(wrapped)


@sessions_only
def session_detail(request: AuthenticatedHttpRequest, matching_session_id: int) -> HttpResponse:
    session = selectors.session_get(viewer=request.user, pk=matching_session_id)
    can_run = can_run_session(request.user, session)
    context: dict[str, Any] = {
        "session": session,
        "can_run": can_run,
        "can_manage": can_manage_sessions(request.user),
        "slots": list(session.slots.order_by("index")),
        "participants": list(selectors.participant_list(viewer=request.user, session=session)),
    }
    if can_run:
        context["coordinators"] = list(selectors.coordinator_list(session=session))
        counts = selectors.request_counts(session=session)
        context["request_counts"] = [(label, counts[value]) for value, label in RequestStatus.choices]
    return render(request, "matching/session_detail.html", context)
