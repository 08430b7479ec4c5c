"""Reads of matching sessions, their participants and meeting requests, scoped by who is looking.

- Internal users (staff, coordinators) see every session and everything in it.
- Member and bank users see the sessions their organisation participates in; inside one, the other
  participants' names and profiles, and only the requests their own organisation made or received.
- Anyone else sees nothing: a session they may not see answers 404 (evaluators are refused earlier, 403).
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from matching.models import (
    MatchingSession,
    MeetingRequest,
    RequestStatus,
    SessionCoordinator,
    SessionParticipant,
)
from members.models import ORGANIZATION_ROLES, User

Viewer = User | AnonymousUser

# A request's status in the words of meeting requests: the model's "Declined" and "Withdrawn" share their
# msgids (and so their Japanese) with applications and memberships.
REQUEST_STATUS_LABELS: dict[str, Promise] = {
    RequestStatus.PENDING: pgettext_lazy("meeting request", "Awaiting an answer"),
    RequestStatus.ACCEPTED: pgettext_lazy("meeting request", "Accepted"),
    RequestStatus.DECLINED: pgettext_lazy("meeting request", "Declined"),
    RequestStatus.EXPIRED: pgettext_lazy("meeting request", "Expired"),
    RequestStatus.WITHDRAWN: pgettext_lazy("meeting request", "Withdrawn"),
}


def request_status_choices() -> list[tuple[str, Promise]]:
    return [(value, REQUEST_STATUS_LABELS[value]) for value in RequestStatus.values]


def with_status_labels(requests: "list[MeetingRequest]") -> "list[MeetingRequest]":
    """Sets `status_label` on each request, for the pages."""
    for request in requests:
        request.status_label = REQUEST_STATUS_LABELS[request.status]  # type: ignore[attr-defined]
    return requests


def sees_sessions(viewer: Viewer) -> bool:
    """The matching-session pages at all: internal users and organisation users (evaluators are refused)."""
    return bool(
        viewer.is_authenticated
        and (viewer.is_internal or (viewer.role in ORGANIZATION_ROLES and viewer.organization_id))
    )


def session_list(*, viewer: Viewer) -> QuerySet[MatchingSession]:
    """Newest deadline first, with the event and the participant count."""
    if not isinstance(viewer, User) or not sees_sessions(viewer):
        return MatchingSession.objects.none()
    sessions = MatchingSession.objects.select_related("event").annotate(
        participant_count=Count("participants", distinct=True)
    )
    if not viewer.is_internal:
        sessions = sessions.filter(participants__organization=viewer.organization)
    return sessions.order_by("-request_deadline", "-pk")


def session_get(*, viewer: Viewer, pk: int) -> MatchingSession:
    session = session_list(viewer=viewer).filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


def own_participant(*, viewer: Viewer, session: MatchingSession) -> SessionParticipant | None:
    """The viewer's organisation's place in the session, if it has one."""
    if not viewer.is_authenticated or not viewer.organization_id or viewer.role not in ORGANIZATION_ROLES:
        return None
    return session.participants.select_related("organization").filter(organization_id=viewer.organization_id).first()


def participant_list(*, viewer: Viewer, session: MatchingSession) -> QuerySet[SessionParticipant]:
    """Participants in kana order with their organisation and attendee; a scoped viewer's session only."""
    if not sees_sessions(viewer):
        return SessionParticipant.objects.none()
    return (
        SessionParticipant.objects.filter(session=session)
        .select_related("organization", "contact")
        .order_by("organization__name_kana", "pk")
    )


def participant_get(*, viewer: Viewer, session: MatchingSession, pk: int) -> SessionParticipant:
    participant = participant_list(viewer=viewer, session=session).filter(pk=pk).first()
    if participant is None:
        raise Http404
    return participant


def coordinator_list(*, session: MatchingSession) -> QuerySet[SessionCoordinator]:
    return session.session_coordinators.select_related("user").order_by("user__last_name", "user__first_name", "pk")


@dataclass(frozen=True)
class RequestFilters:
    status: str | None = None
    participant_id: int | None = None


def request_list(
    *, viewer: Viewer, session: MatchingSession | None = None, filters: RequestFilters | None = None
) -> QuerySet[MeetingRequest]:
    """Requests with both sides and their organisations in one query; an organisation user sees only the
    requests their organisation made or received."""
    if not isinstance(viewer, User) or not sees_sessions(viewer):
        return MeetingRequest.objects.none()
    requests = MeetingRequest.objects.select_related(
        "session__event", "requester__organization", "requested__organization", "created_by", "responded_by"
    )
    if session is not None:
        requests = requests.filter(session=session)
    if not viewer.is_internal:
        requests = requests.filter(
            Q(requester__organization_id=viewer.organization_id) | Q(requested__organization_id=viewer.organization_id)
        )
    filters = filters or RequestFilters()
    if filters.status:
        requests = requests.filter(status=filters.status)
    if filters.participant_id:
        requests = requests.filter(Q(requester_id=filters.participant_id) | Q(requested_id=filters.participant_id))
    return requests.order_by("priority", "-created_at", "-pk")


def request_get(*, viewer: Viewer, pk: int) -> MeetingRequest:
    request = request_list(viewer=viewer).filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


def request_counts(*, session: MatchingSession) -> dict[str, int]:
    """Requests by status, every status present (zero where none)."""
    counts = dict(session.requests.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {status: counts.get(status, 0) for status in RequestStatus.values}


def session_detail_prefetch(sessions: QuerySet[MatchingSession]) -> QuerySet[MatchingSession]:
    """Slots, participants and coordinators in a fixed number of queries (the API detail)."""
    return sessions.prefetch_related(
        "slots",
        Prefetch("participants", queryset=SessionParticipant.objects.select_related("organization", "contact")),
        Prefetch("session_coordinators", queryset=SessionCoordinator.objects.select_related("user")),
    )
