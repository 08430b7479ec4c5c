"""The schedule of a matching session through the API, for those who run it (staff and the session's
coordinators; 403 for others, 404 for an unknown session): the meetings, starting a run, and a run's figures."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedRequest
from matching.models import Meeting, MeetingStatus, ScheduleRun, ScheduleRunStatus
from matching.permissions import can_run_session
from matching.selectors import scheduling as selectors
from matching.services import scheduling as services


class ScheduledMeetingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    request = serializers.IntegerField(source="request_id")
    requester = serializers.IntegerField(source="request.requester_id")
    requester_name = serializers.CharField(source="request.requester.organization.name")
    requested = serializers.IntegerField(source="request.requested_id")
    requested_name = serializers.CharField(source="request.requested.organization.name")
    priority = serializers.IntegerField(source="request.priority")
    slot = serializers.IntegerField(source="slot.index", help_text="From 0, as SessionSlot.index.")
    starts_at = serializers.DateTimeField(source="slot.starts_at")
    table = serializers.IntegerField(help_text="From 1.")
    coordinator = serializers.IntegerField(source="coordinator_id", allow_null=True)
    locked = serializers.BooleanField()
    status = serializers.ChoiceField(choices=MeetingStatus.choices)


class ScheduleOutputSerializer(serializers.Serializer):
    matching_session = serializers.IntegerField()
    table_count = serializers.IntegerField()
    weight = serializers.IntegerField()
    meetings = ScheduledMeetingSerializer(many=True)
    unscheduled_requests = serializers.ListField(child=serializers.IntegerField())


class ScheduleRunOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScheduleRun
        fields = [
            "id", "session", "exact", "status", "min_meetings", "time_limit", "weight", "bound", "gap", "seconds",
            "placed", "solver_status", "error", "created_at", "finished_at",
        ]  # fmt: skip


class ScheduleRunInputSerializer(serializers.Serializer):
    exact = serializers.BooleanField(default=True, help_text="false: the fast greedy preview, applied at once.")
    min_meetings = serializers.IntegerField(min_value=0, max_value=20, default=1)
    time_limit = serializers.IntegerField(min_value=1, max_value=services.MAX_TIME_LIMIT, default=20)


class ScheduleApi(APIView):
    @extend_schema(responses=ScheduleOutputSerializer)
    def get(self, request: AuthenticatedRequest, matching_session_id: int) -> Response:
        session = selectors.session_to_schedule(viewer=request.user, matching_session_id=matching_session_id)
        meetings: list[Meeting] = list(selectors.schedule_meetings(session))
        data = {
            "matching_session": session.pk,
            "table_count": session.table_count,
            "weight": sum(m.request.weight for m in meetings),
            "meetings": meetings,
            "unscheduled_requests": list(selectors.unscheduled_requests(session).values_list("pk", flat=True)),
        }
        return Response(ScheduleOutputSerializer(data).data)


class ScheduleRunCreateApi(APIView):
    @extend_schema(request=ScheduleRunInputSerializer, responses={201: ScheduleRunOutputSerializer})
    def post(self, request: AuthenticatedRequest, matching_session_id: int) -> Response:
        session = selectors.session_to_schedule(viewer=request.user, matching_session_id=matching_session_id)
        serializer = ScheduleRunInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = services.schedule_run_start(actor=request.user, session=session, **serializer.validated_data)
        run.refresh_from_db()
        code = status.HTTP_201_CREATED if run.status != ScheduleRunStatus.FAILED else status.HTTP_409_CONFLICT
        return Response(ScheduleRunOutputSerializer(run).data, status=code)


class ScheduleRunDetailApi(APIView):
    @extend_schema(responses=ScheduleRunOutputSerializer)
    def get(self, request: AuthenticatedRequest, schedule_run_id: int) -> Response:
        run = get_object_or_404(ScheduleRun.objects.select_related("session"), pk=schedule_run_id)
        require(can_run_session(request.user, run.session))
        return Response(ScheduleRunOutputSerializer(run).data)
