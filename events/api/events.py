"""Events through the API: list (scoped like the pages) and create; read one and change it."""

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from clusternet.core.api import paginated_response
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedRequest
from events.models import Event, EventKind, EventStatus, StudyGroup
from events.permissions import can_manage_events, can_run_event
from events.selectors.events import event_get, event_list
from events.services import events as services
from members.models import User


class EventSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(required=False, allow_blank=True, default="")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    venue = serializers.CharField(required=False, allow_blank=True, default="")
    online_url = serializers.URLField(required=False, allow_blank=True, default="")


class EventOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=EventKind.choices)
    title = serializers.CharField()
    description = serializers.CharField()
    status = serializers.ChoiceField(choices=EventStatus.choices)
    is_public = serializers.BooleanField()
    capacity = serializers.IntegerField(allow_null=True)
    has_waiting_list = serializers.BooleanField()
    registration_opens_at = serializers.DateTimeField(allow_null=True)
    registration_closes_at = serializers.DateTimeField(allow_null=True)
    cancellation_deadline = serializers.DateTimeField(allow_null=True)
    member_price = serializers.IntegerField()
    non_member_price = serializers.IntegerField()
    study_group = serializers.IntegerField(source="study_group_id", allow_null=True)
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)
    confirmed = serializers.IntegerField(source="confirmed_count")
    waitlisted = serializers.IntegerField(source="waitlisted_count")


class EventDetailOutputSerializer(EventOutputSerializer):
    sessions = EventSessionSerializer(many=True, source="sessions.all")


class EventInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EventKind.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    is_public = serializers.BooleanField(required=False)
    capacity = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    has_waiting_list = serializers.BooleanField(required=False)
    registration_opens_at = serializers.DateTimeField(required=False, allow_null=True)
    registration_closes_at = serializers.DateTimeField(required=False, allow_null=True)
    cancellation_deadline = serializers.DateTimeField(required=False, allow_null=True)
    member_price = serializers.IntegerField(required=False, min_value=0)
    non_member_price = serializers.IntegerField(required=False, min_value=0)
    study_group = serializers.PrimaryKeyRelatedField(queryset=StudyGroup.objects.all(), required=False, allow_null=True)
    organisers = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True, required=False)
    publish = serializers.BooleanField(required=False, default=False, help_text="Publish at once (else a draft).")


class EventCreateInputSerializer(EventInputSerializer):
    sessions = EventSessionSerializer(many=True)


class EventUpdateInputSerializer(EventInputSerializer):
    kind = serializers.ChoiceField(choices=EventKind.choices, required=False)
    title = serializers.CharField(max_length=200, required=False)


def _split(data: dict[str, Any]) -> tuple[dict[str, Any], list[User] | None, bool]:
    data = dict(data)
    organisers = data.pop("organisers", None)
    publish = data.pop("publish", False)
    return data, organisers, publish


class EventListApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=EventKind.values),
            OpenApiParameter("upcoming", bool, description="Only events not yet over."),
        ],
        responses=EventOutputSerializer(many=True),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        events = event_list(viewer=request.user).order_by("-starts_at", "-pk")
        if kind := request.query_params.get("kind"):
            events = events.filter(kind=kind)
        if request.query_params.get("upcoming") in ("1", "true"):
            events = events.filter(ends_at__gte=timezone.now())
        return paginated_response(serializer_class=EventOutputSerializer, queryset=events, request=request, view=self)

    @extend_schema(request=EventCreateInputSerializer, responses={201: EventDetailOutputSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        require(can_manage_events(request.user))
        serializer = EventCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, organisers, publish = _split(serializer.validated_data)
        sessions = data.pop("sessions")
        event = services.event_create(actor=request.user, data=data, sessions=sessions, organisers=organisers)
        if publish:
            services.event_publish(actor=request.user, event=event)
        event = event_get(viewer=request.user, pk=event.pk)
        return Response(EventDetailOutputSerializer(event).data, status=status.HTTP_201_CREATED)


class EventDetailApi(APIView):
    @extend_schema(responses=EventDetailOutputSerializer)
    def get(self, request: AuthenticatedRequest, event_id: int) -> Response:
        return Response(EventDetailOutputSerializer(event_get(viewer=request.user, pk=event_id)).data)

    @extend_schema(request=EventUpdateInputSerializer, responses=EventDetailOutputSerializer)
    def patch(self, request: AuthenticatedRequest, event_id: int) -> Response:
        event: Event = event_get(viewer=request.user, pk=event_id)
        require(can_run_event(request.user, event))
        serializer = EventUpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data, organisers, publish = _split(serializer.validated_data)
        services.event_update(actor=request.user, event=event, data=data, organisers=organisers)
        if publish:
            services.event_publish(actor=request.user, event=event)
        return Response(EventDetailOutputSerializer(event_get(viewer=request.user, pk=event.pk)).data)
