"""Matching sessions and meeting requests through the API.

Scoped as the pages are: internal users see every session; member and bank users the sessions their
organisation participates in (others answer 404), with the other participants' names and profiles only and
their own organisation's requests; evaluators get 403.
"""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from clusternet.core.api import Pagination, paginated_response
from clusternet.core.exceptions import ApplicationError
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedRequest
from matching.models import (
    MatchingSession,
    MatchingSessionStatus,
    MeetingRequest,
    ParticipantStatus,
    RequestStatus,
    SessionParticipant,
)
from matching.permissions import can_run_session
from matching.selectors import sessions as selectors
from matching.services import sessions as services


def _require_sessions(request: AuthenticatedRequest) -> None:
    require(selectors.sees_sessions(request.user))


class MatchingSessionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event = serializers.IntegerField(source="event_id")
    title = serializers.CharField(source="event.title")
    starts_at = serializers.DateTimeField(source="event.starts_at")
    status = serializers.ChoiceField(choices=MatchingSessionStatus.choices)
    table_count = serializers.IntegerField()
    request_deadline = serializers.DateTimeField()
    response_days = serializers.IntegerField()
    min_meetings = serializers.IntegerField()


class SessionSlotOutputSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="From 0; the UI shows it +1.")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class SessionParticipantOutputSerializer(serializers.Serializer):
    """What every participant sees of the others."""

    id = serializers.IntegerField()
    organization = serializers.IntegerField(source="organization_id")
    organization_name = serializers.CharField(source="organization.name")
    profile = serializers.CharField()


class SessionParticipantFullOutputSerializer(SessionParticipantOutputSerializer):
    """Staff and coordinators also see the status, the attendee and the unavailable slots."""

    status = serializers.ChoiceField(choices=ParticipantStatus.choices)
    attendee = serializers.CharField(source="contact.name", allow_null=True, default=None)
    unavailable_slots = serializers.ListField(child=serializers.IntegerField())


class SessionCoordinatorOutputSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="user_id")
    name = serializers.SerializerMethodField()
    unavailable_slots = serializers.ListField(child=serializers.IntegerField())

    def get_name(self, coordinator: Any) -> str:
        return coordinator.user.get_full_name() or coordinator.user.username


class MatchingSessionDetailOutputSerializer(MatchingSessionOutputSerializer):
    slots = SessionSlotOutputSerializer(many=True, source="slots.all")
    tables = serializers.SerializerMethodField()
    participants = serializers.SerializerMethodField()
    coordinators = serializers.SerializerMethodField()
    own_participant = serializers.SerializerMethodField()

    def get_tables(self, session: MatchingSession) -> list[int]:
        """Table numbers, from 1."""
        return list(range(1, session.table_count + 1))

    @extend_schema_field(
        SessionParticipantFullOutputSerializer(many=True),
    )
    def get_participants(self, session: MatchingSession) -> Any:
        participants = session.participants.all()
        if self.context["internal"]:
            return SessionParticipantFullOutputSerializer(participants, many=True).data
        # Invited and declined organisations are not shown to other participants.
        shown = [p for p in participants if p.status == ParticipantStatus.PARTICIPATING or p.pk == self.context["own"]]
        return SessionParticipantOutputSerializer(shown, many=True).data

    @extend_schema_field(SessionCoordinatorOutputSerializer(many=True))
    def get_coordinators(self, session: MatchingSession) -> Any:
        if not self.context["internal"]:
            return []
        return SessionCoordinatorOutputSerializer(session.session_coordinators.all(), many=True).data

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_own_participant(self, session: MatchingSession) -> int | None:
        return self.context["own"]


class MatchingSessionListApi(APIView):
    pagination_class = Pagination

    @extend_schema(responses=MatchingSessionOutputSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        _require_sessions(request)
        return paginated_response(
            serializer_class=MatchingSessionOutputSerializer,
            queryset=selectors.session_list(viewer=request.user),
            request=request,
            view=self,
        )


class MatchingSessionDetailApi(APIView):
    @extend_schema(
        responses=MatchingSessionDetailOutputSerializer,
        description="Participants show status, attendee and unavailable slots (indexes from 0) to staff and "
        "coordinators only; coordinators are listed for them only.",
    )
    def get(self, request: AuthenticatedRequest, matching_session_id: int) -> Response:
        _require_sessions(request)
        session = selectors.session_get(viewer=request.user, pk=matching_session_id)
        session = selectors.session_detail_prefetch(MatchingSession.objects.filter(pk=session.pk)).select_related(
            "event"
        )[0]
        own = selectors.own_participant(viewer=request.user, session=session)
        context = {"internal": request.user.is_internal, "own": own.pk if own else None}
        return Response(MatchingSessionDetailOutputSerializer(session, context=context).data)


class MeetingRequestOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    session = serializers.IntegerField(source="session_id")
    requester = serializers.IntegerField(source="requester_id")
    requester_name = serializers.CharField(source="requester.organization.name")
    requested = serializers.IntegerField(source="requested_id")
    requested_name = serializers.CharField(source="requested.organization.name")
    priority = serializers.IntegerField()
    purpose = serializers.CharField()
    needs_coordinator = serializers.BooleanField()
    added_by_coordinator = serializers.BooleanField()
    status = serializers.ChoiceField(choices=RequestStatus.choices)
    expires_at = serializers.DateTimeField()
    responded_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class MeetingRequestCreateInputSerializer(serializers.Serializer):
    requester = serializers.IntegerField(
        required=False, help_text="A participant id; member and bank users may leave it out (their own)."
    )
    requested = serializers.IntegerField(help_text="A participant id of the same session.")
    # Range checked by the service, so the message is the same as on the page.
    priority = serializers.IntegerField(help_text="1 (high), 2 or 3.")
    purpose = serializers.CharField(required=False, allow_blank=True, default="")
    needs_coordinator = serializers.BooleanField(required=False, default=False)


class _RequestFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=RequestStatus.choices, required=False)


def _participant(session: MatchingSession, pk: int | None, field: str) -> SessionParticipant:
    participant = session.participants.select_related("organization").filter(pk=pk).first() if pk else None
    if participant is None:
        raise ApplicationError(_("There is no such participant in this session."), extra={"field": field})
    return participant


class MeetingRequestListApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=RequestStatus.values)],
        responses=MeetingRequestOutputSerializer(many=True),
        description="Every request of the session for staff and coordinators; a participant's own otherwise.",
    )
    def get(self, request: AuthenticatedRequest, matching_session_id: int) -> Response:
        _require_sessions(request)
        session = selectors.session_get(viewer=request.user, pk=matching_session_id)
        filters = _RequestFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        requests = selectors.request_list(
            viewer=request.user,
            session=session,
            filters=selectors.RequestFilters(status=filters.validated_data.get("status")),
        )
        return paginated_response(
            serializer_class=MeetingRequestOutputSerializer, queryset=requests, request=request, view=self
        )

    @extend_schema(
        request=MeetingRequestCreateInputSerializer,
        responses={201: MeetingRequestOutputSerializer},
        description="A member or bank user requests for their own organisation; staff and the session's "
        "coordinators for any participant (and may mark that a coordinator must be present).",
    )
    def post(self, request: AuthenticatedRequest, matching_session_id: int) -> Response:
        _require_sessions(request)
        session = selectors.session_get(viewer=request.user, pk=matching_session_id)
        own = selectors.own_participant(viewer=request.user, session=session)
        require(own is not None or can_run_session(request.user, session))
        serializer = MeetingRequestCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        requester = _participant(session, data.get("requester") or (own.pk if own else None), "requester")
        if not services.acts_for(request.user, requester):
            raise exceptions.PermissionDenied(_("You may request meetings for your own organisation only."))
        meeting_request = services.meeting_request_create(
            actor=request.user,
            session=session,
            requester=requester,
            requested=_participant(session, data["requested"], "requested"),
            priority=data["priority"],
            purpose=data["purpose"],
            needs_coordinator=data["needs_coordinator"],
        )
        meeting_request = selectors.request_get(viewer=request.user, pk=meeting_request.pk)
        return Response(MeetingRequestOutputSerializer(meeting_request).data, status=status.HTTP_201_CREATED)


class MeetingRequestAnswerInputSerializer(serializers.Serializer):
    accept = serializers.BooleanField()


class MeetingRequestAnswerApi(APIView):
    @extend_schema(request=MeetingRequestAnswerInputSerializer, responses=MeetingRequestOutputSerializer)
    def post(self, request: AuthenticatedRequest, request_id: int) -> Response:
        _require_sessions(request)
        meeting_request: MeetingRequest = selectors.request_get(viewer=request.user, pk=request_id)
        require(services.acts_for(request.user, meeting_request.requested))
        serializer = MeetingRequestAnswerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.meeting_request_answer(
            actor=request.user, request=meeting_request, accept=serializer.validated_data["accept"]
        )
        meeting_request = selectors.request_get(viewer=request.user, pk=request_id)
        return Response(MeetingRequestOutputSerializer(meeting_request).data)
