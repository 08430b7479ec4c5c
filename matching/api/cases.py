"""Matching cases through the API, for staff and coordinators only (403 for anyone else, with the reason): list
and open cases, read one and change its title, note or amounts, move it, and the funnel of a fiscal year."""

from typing import Any

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from billing.fiscal import fiscal_year_of, today
from billing.reports import report_fiscal_year
from clusternet.core.api import Pagination, paginated_response
from clusternet.core.types import AuthenticatedRequest
from matching.models import CaseStage, MatchingCase, Need, Seed, TechField
from matching.permissions import can_coordinate
from matching.reports import case_funnel
from matching.selectors import cases as selectors
from matching.services import cases as services
from members.models import Organization, User


def _require_cases(request: AuthenticatedRequest) -> None:
    if not can_coordinate(request.user):
        raise exceptions.PermissionDenied(str(selectors.INTERNAL_ONLY_MESSAGE))


class CasePartyOutputSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="organization_id")
    name = serializers.CharField(source="organization.name")


class CaseMoveOutputSerializer(serializers.Serializer):
    from_stage = serializers.ChoiceField(choices=CaseStage.choices, allow_blank=True)
    to_stage = serializers.ChoiceField(choices=CaseStage.choices)
    moved_on = serializers.DateField()
    moved_by = serializers.IntegerField(source="moved_by_id")
    note = serializers.CharField()


class CaseOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    field = serializers.ChoiceField(choices=TechField.choices)
    stage = serializers.ChoiceField(choices=CaseStage.choices)
    furthest_stage = serializers.ChoiceField(choices=CaseStage.choices)
    drop_reason = serializers.CharField()
    opened_on = serializers.DateField()
    coordinator = serializers.IntegerField(source="coordinator_id")
    seed = serializers.IntegerField(source="seed_id", allow_null=True)
    need = serializers.IntegerField(source="need_id", allow_null=True)
    parties = CasePartyOutputSerializer(many=True, source="parties.all")
    deal_value = serializers.IntegerField(allow_null=True)
    subsidy_amount = serializers.IntegerField(allow_null=True)
    note = serializers.CharField()


class CaseDetailOutputSerializer(CaseOutputSerializer):
    moves = CaseMoveOutputSerializer(many=True, source="moves.all")


class CaseCreateInputSerializer(serializers.Serializer):
    # Dates and coordinator may be left out: the service says, in the user's language, that they are needed.
    title = serializers.CharField(max_length=200, allow_blank=True)
    field = serializers.ChoiceField(choices=TechField.choices)
    organizations = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(), many=True)
    coordinator = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    opened_on = serializers.DateField(required=False, allow_null=True)
    seed = serializers.PrimaryKeyRelatedField(queryset=Seed.objects.all(), required=False, allow_null=True)
    need = serializers.PrimaryKeyRelatedField(queryset=Need.objects.all(), required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)


class CaseUpdateInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)
    deal_value = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    subsidy_amount = serializers.IntegerField(min_value=0, required=False, allow_null=True)


class CaseMoveInputSerializer(serializers.Serializer):
    to_stage = serializers.ChoiceField(choices=CaseStage.choices)
    moved_on = serializers.DateField(required=False, allow_null=True, help_text="Today when left out.")
    note = serializers.CharField(required=False, allow_blank=True)
    drop_reason = serializers.CharField(required=False, allow_blank=True, help_text="Needed to drop the case.")


class FunnelRowOutputSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=CaseStage.choices)
    stage_label = serializers.CharField(source="label")
    reached = serializers.IntegerField()
    dropped = serializers.IntegerField()
    current = serializers.IntegerField()
    conversion = serializers.FloatField(allow_null=True, help_text="Percent that reached the next stage.")
    share = serializers.FloatField(help_text="Percent of the year's cases that reached this stage.")
    valley = serializers.BooleanField(help_text="The weakest step after the meeting.")


class FunnelOutputSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField()
    cases = serializers.IntegerField()
    dropped = serializers.IntegerField()
    deal_value = serializers.IntegerField()
    subsidy_amount = serializers.IntegerField()
    rows = FunnelRowOutputSerializer(many=True)


def _case_response(request: AuthenticatedRequest, case: MatchingCase, code: int = status.HTTP_200_OK) -> Response:
    case = selectors.case_get(viewer=request.user, pk=case.pk)
    return Response(CaseDetailOutputSerializer(case).data, status=code)


class CaseListApi(APIView):
    pagination_class = Pagination

    class CaseFilterSerializer(serializers.Serializer):
        stage = serializers.ChoiceField(choices=CaseStage.choices, required=False)
        coordinator = serializers.IntegerField(required=False)
        field = serializers.ChoiceField(choices=TechField.choices, required=False)
        fiscal_year = serializers.IntegerField(required=False)
        organization = serializers.IntegerField(required=False)
        q = serializers.CharField(required=False, allow_blank=True)

    @extend_schema(
        parameters=[
            OpenApiParameter("stage", str, enum=CaseStage.values),
            OpenApiParameter("coordinator", int),
            OpenApiParameter("field", str, enum=TechField.values),
            OpenApiParameter("fiscal_year", int, description="Cases introduced in this fiscal year."),
            OpenApiParameter("organization", int, description="Cases this organisation is a party to."),
            OpenApiParameter("q", str, description="Words of the title or note, or a party's name or kana."),
        ],
        responses=CaseOutputSerializer(many=True),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        _require_cases(request)
        filters = self.CaseFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        values = filters.validated_data
        cases = selectors.case_list(
            viewer=request.user,
            filters=selectors.CaseFilters(
                stage=values.get("stage"),
                coordinator_id=values.get("coordinator"),
                field=values.get("field"),
                fiscal_year=values.get("fiscal_year"),
                organization_id=values.get("organization"),
                text=values.get("q", ""),
            ),
        )
        return paginated_response(serializer_class=CaseOutputSerializer, queryset=cases, request=request, view=self)

    @extend_schema(request=CaseCreateInputSerializer, responses={201: CaseDetailOutputSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        _require_cases(request)
        serializer = CaseCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        case = services.case_create(
            actor=request.user,
            title=data["title"],
            field=data["field"],
            organizations=data["organizations"],
            coordinator=data.get("coordinator") or request.user,
            opened_on=data.get("opened_on") or today(),
            seed=data.get("seed"),
            need=data.get("need"),
            note=data.get("note", ""),
        )
        return _case_response(request, case, status.HTTP_201_CREATED)


class CaseDetailApi(APIView):
    @extend_schema(responses=CaseDetailOutputSerializer)
    def get(self, request: AuthenticatedRequest, case_id: int) -> Response:
        _require_cases(request)
        return _case_response(request, selectors.case_get(viewer=request.user, pk=case_id))

    @extend_schema(request=CaseUpdateInputSerializer, responses=CaseDetailOutputSerializer)
    def patch(self, request: AuthenticatedRequest, case_id: int) -> Response:
        _require_cases(request)
        case = selectors.case_get(viewer=request.user, pk=case_id)
        serializer = CaseUpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        amounts = {name: data.pop(name) for name in ("deal_value", "subsidy_amount") if name in data}
        # Both or neither, as on the edit page.
        with transaction.atomic():
            if data:
                services.case_update(actor=request.user, case=case, data=data)
            if amounts:
                services.case_update_amounts(
                    actor=request.user,
                    case=case,
                    deal_value=amounts.get("deal_value", case.deal_value),
                    subsidy_amount=amounts.get("subsidy_amount", case.subsidy_amount),
                )
        return _case_response(request, case)


class CaseMoveApi(APIView):
    @extend_schema(request=CaseMoveInputSerializer, responses={201: CaseDetailOutputSerializer})
    def post(self, request: AuthenticatedRequest, case_id: int) -> Response:
        _require_cases(request)
        case = selectors.case_get(viewer=request.user, pk=case_id)
        serializer = CaseMoveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.case_move(
            actor=request.user,
            case=case,
            to_stage=data["to_stage"],
            moved_on=data.get("moved_on") or today(),
            note=data.get("note", ""),
            drop_reason=data.get("drop_reason", ""),
        )
        return _case_response(request, case, status.HTTP_201_CREATED)


class CaseFunnelApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("fiscal_year", int, description="The current fiscal year when left out.")],
        responses=FunnelOutputSerializer,
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        _require_cases(request)
        value = request.query_params.get("fiscal_year", "")
        year = report_fiscal_year(value) if value else fiscal_year_of(today())
        return Response(FunnelOutputSerializer(case_funnel(fiscal_year=year)).data)
