"""Publishing a matching session's schedule, rating a meeting, recording its outcome and the session's report
through the API.

- `POST /api/matching-sessions/{id}/publish/`: staff and the session's coordinators.
- `POST /api/meetings/{id}/rating/`: a side's organisation users (for their side; `participant` may be left
  out), staff and the session's coordinators (for the side named by `participant`).
- `POST /api/meetings/{id}/outcome/`: either side's organisation users, staff and the session's coordinators.
- `GET /api/matching-sessions/{id}/report/`: staff and the session's coordinators.

Rules and messages are the services'; a meeting or session the caller may not see answers 404.
"""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from clusternet.core.exceptions import ApplicationError
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedRequest
from matching.models import (
    MatchingSessionStatus,
    Meeting,
    MeetingOutcome,
    MeetingRatingChoice,
    MeetingStatus,
)
from matching.permissions import can_run_session
from matching.selectors import outcomes as selectors
from matching.selectors.sessions import own_participant
from matching.selectors.timetables import timetable_session
from matching.services import outcomes as services
from matching.services.timetables import session_publish


class SessionPublishOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=MatchingSessionStatus.choices)
    published_at = serializers.DateTimeField()
    mails_claimed = serializers.IntegerField(help_text="Timetable mails newly queued by this call.")
    not_mailed = serializers.ListField(
        child=serializers.IntegerField(), help_text="Participants without an attendee email address."
    )


class SessionPublishApi(APIView):
    @extend_schema(request=None, responses=SessionPublishOutputSerializer)
    def post(self, request: AuthenticatedRequest, matching_session_id: int) -> Response:
        session = timetable_session(viewer=request.user, matching_session_id=matching_session_id)
        require(can_run_session(request.user, session))
        result = session_publish(actor=request.user, session=session)
        data = {
            "id": result.session.pk,
            "status": result.session.status,
            "published_at": result.session.published_at,
            "mails_claimed": result.claimed,
            "not_mailed": [participant.pk for participant in result.not_mailed],
        }
        return Response(SessionPublishOutputSerializer(data).data)


class MeetingRatingInputSerializer(serializers.Serializer):
    participant = serializers.IntegerField(
        required=False, help_text="The side rated (a participant id); an organisation user's own side by default."
    )
    rating = serializers.ChoiceField(choices=MeetingRatingChoice.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class MeetingRatingOutputSerializer(serializers.Serializer):
    meeting = serializers.IntegerField(source="meeting_id")
    participant = serializers.IntegerField(source="participant_id")
    rating = serializers.ChoiceField(choices=MeetingRatingChoice.choices)
    comment = serializers.CharField()
    meeting_status = serializers.ChoiceField(source="meeting.status", choices=MeetingStatus.choices)


def _meeting(request: AuthenticatedRequest, meeting_id: int) -> Meeting:
    meeting = selectors.meeting_get(viewer=request.user, meeting_id=meeting_id)
    if request.user.is_internal:
        require(can_run_session(request.user, meeting.session))
    return meeting


class MeetingRatingApi(APIView):
    @extend_schema(request=MeetingRatingInputSerializer, responses=MeetingRatingOutputSerializer)
    def post(self, request: AuthenticatedRequest, meeting_id: int) -> Response:
        meeting = _meeting(request, meeting_id)
        serializer = MeetingRatingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = serializer.validated_data
        sides = {
            meeting.request.requester_id: meeting.request.requester,
            meeting.request.requested_id: meeting.request.requested,
        }
        if "participant" in data:
            participant = sides.get(data["participant"])
        else:
            participant = own_participant(viewer=request.user, session=meeting.session)
        if participant is None:
            raise ApplicationError(
                _("Name the side you rate: one of the meeting's two participants."),
                extra={"field": "participant"},
            )
        rating = services.meeting_rate(
            actor=request.user, meeting=meeting, participant=participant, rating=data["rating"], comment=data["comment"]
        )
        rating.meeting.refresh_from_db(fields=["status"])
        return Response(MeetingRatingOutputSerializer(rating).data)


class MeetingOutcomeInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=MeetingOutcome.choices)
    deal_amount = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="Yen; deals only.")


class MeetingOutcomeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=MeetingStatus.choices)
    outcome = serializers.ChoiceField(choices=MeetingOutcome.choices)
    deal_amount = serializers.IntegerField(allow_null=True)
    case = serializers.IntegerField(source="case_id", allow_null=True)


class MeetingOutcomeApi(APIView):
    @extend_schema(request=MeetingOutcomeInputSerializer, responses=MeetingOutcomeOutputSerializer)
    def post(self, request: AuthenticatedRequest, meeting_id: int) -> Response:
        meeting = _meeting(request, meeting_id)
        serializer = MeetingOutcomeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        meeting = services.meeting_outcome_record(
            actor=request.user, meeting=meeting, outcome=data["outcome"], deal_amount=data["deal_amount"]
        )
        return Response(MeetingOutcomeOutputSerializer(meeting).data, status=status.HTTP_200_OK)


class SessionReportRatingsSerializer(serializers.Serializer):
    not_held = serializers.IntegerField()
    not_interested = serializers.IntegerField()
    informative = serializers.IntegerField()
    cooperation_possible = serializers.IntegerField()


class SessionReportOutputSerializer(serializers.Serializer):
    session = serializers.IntegerField(source="session.pk")
    invited = serializers.IntegerField()
    participating = serializers.IntegerField()
    requested = serializers.IntegerField()
    added_by_coordinators = serializers.IntegerField()
    accepted = serializers.IntegerField()
    scheduled = serializers.IntegerField()
    held = serializers.IntegerField()
    not_held = serializers.IntegerField()
    no_follow_up = serializers.IntegerField()
    continuing = serializers.IntegerField()
    negotiating = serializers.IntegerField()
    deals = serializers.IntegerField()
    deal_total = serializers.IntegerField(help_text="Yen.")
    continued = serializers.IntegerField(help_text="Continuing + negotiating + deals.")
    ratings = SessionReportRatingsSerializer(help_text="How many sides gave each rating.")


class SessionReportApi(APIView):
    @extend_schema(responses=SessionReportOutputSerializer)
    def get(self, request: AuthenticatedRequest, matching_session_id: int) -> Response:
        session = timetable_session(viewer=request.user, matching_session_id=matching_session_id)
        require(can_run_session(request.user, session))
        report = selectors.session_report(session=session)
        return Response(SessionReportOutputSerializer(report).data)
