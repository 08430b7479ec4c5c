"""Company visits and follow-up actions through the API, for staff and coordinators only (403 for anyone else,
with the reason): list and log visits, read and change one; list and add follow-ups, read one and change its
status."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from clusternet.core.api import Pagination, paginated_response
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedRequest
from events.models import FollowUp, FollowUpStatus, OutcomeCategory, Visit, VisitPlan
from events.permissions import can_edit_visit, can_see_visits, can_update_follow_up
from events.selectors import visits as selectors
from events.selectors.visits import INTERNAL_ONLY_MESSAGE
from events.services import visits as services
from members.models import Organization, OrganizationKind, User


def _require_visits(request: AuthenticatedRequest) -> None:
    if not can_see_visits(request.user):
        raise exceptions.PermissionDenied(str(INTERNAL_ONLY_MESSAGE))


class FollowUpOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    visit = serializers.IntegerField(source="visit_id")
    organization = serializers.IntegerField(source="organization_id")
    organization_name = serializers.CharField(source="organization.name")
    description = serializers.CharField()
    owner = serializers.IntegerField(source="owner_id")
    owner_name = serializers.SerializerMethodField()
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=FollowUpStatus.choices)
    done_on = serializers.DateField(allow_null=True)

    def get_owner_name(self, follow_up: FollowUp) -> str:
        return follow_up.owner.get_full_name() or follow_up.owner.username


class VisitOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    visited_on = serializers.DateField()
    organization = serializers.IntegerField(source="organization_id")
    organization_name = serializers.CharField(source="organization.name")
    plan = serializers.IntegerField(source="plan_id", allow_null=True)
    visitors = serializers.SerializerMethodField()
    other_visitors = serializers.CharField()
    purpose = serializers.CharField()
    heard_technology = serializers.CharField()
    heard_management = serializers.CharField()
    heard_seeds = serializers.CharField()
    heard_needs = serializers.CharField()
    outcomes = serializers.SerializerMethodField()
    recorded_by = serializers.IntegerField(source="recorded_by_id", allow_null=True)

    def get_visitors(self, visit: Visit) -> list[int]:
        return [user.pk for user in visit.visitors.all()]

    def get_outcomes(self, visit: Visit) -> list[int]:
        return [category.pk for category in visit.outcomes.all()]


class VisitDetailOutputSerializer(VisitOutputSerializer):
    follow_ups = FollowUpOutputSerializer(many=True, source="follow_ups.all")


class NewOrganizationSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, allow_blank=True)
    name_kana = serializers.CharField(max_length=200, allow_blank=True)
    kind = serializers.ChoiceField(choices=OrganizationKind.choices)


class FollowUpInputSerializer(serializers.Serializer):
    # Owner and due date may be left out: the service says, in the user's language, that they are needed.
    description = serializers.CharField(max_length=300, allow_blank=True)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    due_on = serializers.DateField(required=False, allow_null=True)


class VisitInputSerializer(serializers.Serializer):
    visited_on = serializers.DateField(required=False, allow_null=True)
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )
    purpose = serializers.CharField(max_length=200, required=False, allow_blank=True)
    other_visitors = serializers.CharField(max_length=300, required=False, allow_blank=True)
    heard_technology = serializers.CharField(required=False, allow_blank=True)
    heard_management = serializers.CharField(required=False, allow_blank=True)
    heard_seeds = serializers.CharField(required=False, allow_blank=True)
    heard_needs = serializers.CharField(required=False, allow_blank=True)
    visitors = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True, required=False)
    outcomes = serializers.PrimaryKeyRelatedField(queryset=OutcomeCategory.objects.all(), many=True, required=False)


class VisitCreateInputSerializer(VisitInputSerializer):
    new_organization = NewOrganizationSerializer(required=False, help_text="A prospect to create on the spot.")
    plan = serializers.PrimaryKeyRelatedField(queryset=VisitPlan.objects.all(), required=False, allow_null=True)
    follow_ups = FollowUpInputSerializer(many=True, required=False)


def _visit_response(request: AuthenticatedRequest, visit: Visit, code: int = status.HTTP_200_OK) -> Response:
    visit = selectors.visit_get(viewer=request.user, pk=visit.pk)
    return Response(VisitDetailOutputSerializer(visit).data, status=code)


class _VisitFilterSerializer(serializers.Serializer):
    organization = serializers.IntegerField(required=False)
    to = serializers.DateField(required=False)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # "from" is a Python keyword, so it cannot be declared as a class attribute.
        fields["from"] = serializers.DateField(required=False)
        return fields


class VisitListApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[
            OpenApiParameter("organization", int),
            OpenApiParameter("from", str, description="Visits on or after this date (YYYY-MM-DD)."),
            OpenApiParameter("to", str, description="Visits on or before this date (YYYY-MM-DD)."),
        ],
        responses=VisitOutputSerializer(many=True),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        _require_visits(request)
        filters = _VisitFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        values = filters.validated_data
        visits = selectors.visit_list(
            viewer=request.user,
            filters=selectors.VisitFilters(
                date_from=values.get("from"), date_to=values.get("to"), organization_id=values.get("organization")
            ),
        )
        return paginated_response(serializer_class=VisitOutputSerializer, queryset=visits, request=request, view=self)

    @extend_schema(request=VisitCreateInputSerializer, responses={201: VisitDetailOutputSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        _require_visits(request)
        serializer = VisitCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        visit = services.visit_create(
            actor=request.user,
            visitors=data.pop("visitors", []),
            outcomes=data.pop("outcomes", []),
            follow_ups=[dict(row) for row in data.pop("follow_ups", [])],
            new_organization=dict(data.pop("new_organization")) if "new_organization" in data else None,
            plan=data.pop("plan", None),
            data=data,
        )
        return _visit_response(request, visit, status.HTTP_201_CREATED)


class VisitDetailApi(APIView):
    @extend_schema(responses=VisitDetailOutputSerializer)
    def get(self, request: AuthenticatedRequest, visit_id: int) -> Response:
        _require_visits(request)
        return _visit_response(request, selectors.visit_get(viewer=request.user, pk=visit_id))

    @extend_schema(request=VisitInputSerializer, responses=VisitDetailOutputSerializer)
    def patch(self, request: AuthenticatedRequest, visit_id: int) -> Response:
        _require_visits(request)
        visit = selectors.visit_get(viewer=request.user, pk=visit_id)
        require(can_edit_visit(request.user, visit))
        serializer = VisitInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        services.visit_update(
            actor=request.user,
            visit=visit,
            visitors=data.pop("visitors", None),
            outcomes=data.pop("outcomes", None),
            data=data,
        )
        return _visit_response(request, visit)


class FollowUpListApi(APIView):
    pagination_class = Pagination

    class FollowUpCreateInputSerializer(FollowUpInputSerializer):
        visit = serializers.IntegerField()

    @extend_schema(
        parameters=[
            OpenApiParameter("owner", str, description="`me`, or a user id."),
            OpenApiParameter("status", str, enum=FollowUpStatus.values),
            OpenApiParameter("overdue", bool, description="Only open actions past their due date."),
            OpenApiParameter("visit", int),
        ],
        responses=FollowUpOutputSerializer(many=True),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        _require_visits(request)
        params = request.query_params
        owner: User | None = None
        if (value := params.get("owner", "")) == "me":
            owner = request.user
        elif value:
            owner = User.objects.filter(pk=int(value)).first() if value.isdigit() else None
            if owner is None:
                return Response({"owner": [_("Unknown user.")]}, status=status.HTTP_400_BAD_REQUEST)
        status_filter = params.get("status") or None
        if status_filter and status_filter not in FollowUpStatus.values:
            return Response({"status": [_("Unknown status.")]}, status=status.HTTP_400_BAD_REQUEST)
        follow_ups = selectors.follow_up_list(
            viewer=request.user,
            owner=owner,
            status=status_filter,
            overdue=params.get("overdue") in ("1", "true"),
        )
        if (visit_id := params.get("visit", "")).isdigit():
            follow_ups = follow_ups.filter(visit_id=int(visit_id))
        return paginated_response(
            serializer_class=FollowUpOutputSerializer, queryset=follow_ups, request=request, view=self
        )

    @extend_schema(request=FollowUpCreateInputSerializer, responses={201: FollowUpOutputSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        _require_visits(request)
        serializer = self.FollowUpCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        visit = selectors.visit_get(viewer=request.user, pk=data.pop("visit"))
        follow_up = services.follow_up_create(actor=request.user, visit=visit, data=data)
        follow_up = selectors.follow_up_get(viewer=request.user, pk=follow_up.pk)
        return Response(FollowUpOutputSerializer(follow_up).data, status=status.HTTP_201_CREATED)


class FollowUpDetailApi(APIView):
    class FollowUpUpdateInputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=FollowUpStatus.choices, required=False)
        done_on = serializers.DateField(required=False, allow_null=True)
        description = serializers.CharField(max_length=300, required=False, allow_blank=True)
        owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
        due_on = serializers.DateField(required=False, allow_null=True)

    @extend_schema(responses=FollowUpOutputSerializer)
    def get(self, request: AuthenticatedRequest, follow_up_id: int) -> Response:
        _require_visits(request)
        return Response(FollowUpOutputSerializer(selectors.follow_up_get(viewer=request.user, pk=follow_up_id)).data)

    @extend_schema(request=FollowUpUpdateInputSerializer, responses=FollowUpOutputSerializer)
    def patch(self, request: AuthenticatedRequest, follow_up_id: int) -> Response:
        _require_visits(request)
        follow_up = selectors.follow_up_get(viewer=request.user, pk=follow_up_id)
        require(can_update_follow_up(request.user, follow_up))
        serializer = self.FollowUpUpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        new_status = data.pop("status", None)
        done_on = data.pop("done_on", None)
        # Both parts or neither: a refused status change leaves the other fields as they were.
        with transaction.atomic():
            if data:
                services.follow_up_update(actor=request.user, follow_up=follow_up, data=data)
            if new_status is not None:
                services.follow_up_set_status(
                    actor=request.user, follow_up=follow_up, status=new_status, done_on=done_on
                )
        return Response(FollowUpOutputSerializer(selectors.follow_up_get(viewer=request.user, pk=follow_up.pk)).data)
