"""Seeds and needs through the API: list (filtered, paginated) and register, read one and change it.

Scoped like the pages: a firm's user registers for their own organisation (an `owner` given is ignored), sees
their own entries and others' active ones as far as each one's visibility allows; coordinators and staff see
and edit all and must name the owner. Evaluators are refused (403); an entry the user may not see is 404.
"""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from clusternet.core.api import Pagination, paginated_response
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedRequest
from events.models import Visit
from matching.models import EntryStatus, Need, NeedTiming, PatentStatus, Seed, Stage, TechField, Visibility
from matching.permissions import can_edit_entry, can_use_matching
from matching.selectors import entries as selectors
from matching.services import entries as services
from members.models import Organization


class EntryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    owner = serializers.IntegerField(source="owner_id")
    owner_name = serializers.CharField(source="owner.name")
    title = serializers.CharField()
    description = serializers.CharField()
    field = serializers.ChoiceField(choices=TechField.choices)
    keywords = serializers.ListField(child=serializers.CharField())
    stage = serializers.ChoiceField(choices=Stage.choices)
    visibility = serializers.ChoiceField(choices=Visibility.choices)
    audience = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=EntryStatus.choices)
    screening_note = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_audience(self, entry: Seed | Need) -> list[int]:
        """The named organisations, for the owner and coordinators only (others see the entry, not its list)."""
        if not self._privileged(entry):
            return []
        return [organization.pk for organization in entry.audience.all()]

    def get_screening_note(self, entry: Seed | Need) -> str:
        """The coordinators' question or reason, for the owner and coordinators only."""
        return entry.screening_note if self._privileged(entry) else ""

    def _privileged(self, entry: Seed | Need) -> bool:
        user = self.context["request"].user
        return bool(can_edit_entry(user, entry))


class SeedOutputSerializer(EntryOutputSerializer):
    patent_status = serializers.ChoiceField(choices=PatentStatus.choices)
    offers_license = serializers.BooleanField()
    offers_joint_research = serializers.BooleanField()
    offers_supply = serializers.BooleanField()


class NeedOutputSerializer(EntryOutputSerializer):
    timing = serializers.ChoiceField(choices=NeedTiming.choices)
    budget_min = serializers.IntegerField(allow_null=True)
    budget_max = serializers.IntegerField(allow_null=True)


class EntryInputSerializer(serializers.Serializer):
    # Title, description and the audience may come blank or wrong: the service says, in the user's language,
    # what is missing or which organisation id is unknown.
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True,
        help_text="Coordinators and staff: the organisation the entry belongs to. Ignored for firms' users.",
    )  # fmt: skip
    field = serializers.ChoiceField(choices=TechField.choices, required=False)
    keywords = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False)
    stage = serializers.ChoiceField(choices=Stage.choices, required=False)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    audience = serializers.ListField(
        child=serializers.IntegerField(), required=False,
        help_text="Ids of the organisations that may see the entry when the visibility is `named`.",
    )  # fmt: skip
    visit = serializers.PrimaryKeyRelatedField(
        queryset=Visit.objects.all(), required=False, allow_null=True,
        help_text="Coordinators: the company visit the entry was heard on.",
    )  # fmt: skip


class EntryCreateFlagsSerializer(serializers.Serializer):
    accept = serializers.BooleanField(
        required=False, default=False, help_text="Coordinators: accept at once instead of awaiting screening."
    )


class SeedInputSerializer(EntryInputSerializer):
    patent_status = serializers.ChoiceField(choices=PatentStatus.choices, required=False)
    offers_license = serializers.BooleanField(required=False)
    offers_joint_research = serializers.BooleanField(required=False)
    offers_supply = serializers.BooleanField(required=False)


class NeedInputSerializer(EntryInputSerializer):
    timing = serializers.ChoiceField(choices=NeedTiming.choices, required=False)
    budget_min = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    budget_max = serializers.IntegerField(required=False, allow_null=True, min_value=0)


class SeedCreateInputSerializer(SeedInputSerializer, EntryCreateFlagsSerializer):
    pass


class NeedCreateInputSerializer(NeedInputSerializer, EntryCreateFlagsSerializer):
    pass


_COMMON_FILTERS = [
    OpenApiParameter("q", str, description="Words in the title or description."),
    OpenApiParameter("field", str, enum=TechField.values),
    OpenApiParameter("stage", str, enum=Stage.values),
    OpenApiParameter("status", str, enum=EntryStatus.values),
    OpenApiParameter("owner", int),
    OpenApiParameter("mine", bool, description="Only the user's organisation's entries."),
]


class _EntryFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True)
    field = serializers.ChoiceField(choices=TechField.choices, required=False)
    stage = serializers.ChoiceField(choices=Stage.choices, required=False)
    status = serializers.ChoiceField(choices=EntryStatus.choices, required=False)
    owner = serializers.IntegerField(required=False)
    mine = serializers.BooleanField(required=False, default=False)
    patent_status = serializers.ChoiceField(choices=PatentStatus.choices, required=False)
    willingness = serializers.ChoiceField(choices=["license", "joint_research", "supply"], required=False)
    timing = serializers.ChoiceField(choices=NeedTiming.choices, required=False)


def _filters(request: AuthenticatedRequest) -> selectors.EntryFilters:
    serializer = _EntryFilterSerializer(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    values = serializer.validated_data
    return selectors.EntryFilters(
        q=values.get("q", ""),
        field=values.get("field", ""),
        stage=values.get("stage", ""),
        status=values.get("status", ""),
        owner_id=values.get("owner"),
        mine=values["mine"],
        patent_status=values.get("patent_status", ""),
        willingness=values.get("willingness", ""),
        timing=values.get("timing", ""),
    )


def _split(validated: dict[str, Any]) -> tuple[Organization | None, list[int] | None, bool, dict[str, Any]]:
    data = dict(validated)
    return data.pop("owner", None), data.pop("audience", None), data.pop("accept", False), data


class SeedListApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[
            *_COMMON_FILTERS,
            OpenApiParameter("patent_status", str, enum=PatentStatus.values),
            OpenApiParameter("willingness", str, enum=["license", "joint_research", "supply"]),
        ],
        responses=SeedOutputSerializer(many=True),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        require(can_use_matching(request.user))
        seeds = selectors.seed_list(viewer=request.user, filters=_filters(request)).prefetch_related("audience")
        return paginated_response(serializer_class=SeedOutputSerializer, queryset=seeds, request=request, view=self)

    @extend_schema(request=SeedCreateInputSerializer, responses={201: SeedOutputSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        require(can_use_matching(request.user))
        serializer = SeedCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        owner, audience, accept, data = _split(serializer.validated_data)
        seed = services.seed_create(actor=request.user, owner=owner, data=data, audience=audience or (), accept=accept)
        seed = selectors.seed_get(viewer=request.user, seed_id=seed.pk)
        return Response(SeedOutputSerializer(seed, context={"request": request}).data, status=status.HTTP_201_CREATED)


class SeedDetailApi(APIView):
    @extend_schema(responses=SeedOutputSerializer)
    def get(self, request: AuthenticatedRequest, seed_id: int) -> Response:
        require(can_use_matching(request.user))
        seed = selectors.seed_get(viewer=request.user, seed_id=seed_id)
        return Response(SeedOutputSerializer(seed, context={"request": request}).data)

    @extend_schema(request=SeedInputSerializer, responses=SeedOutputSerializer)
    def patch(self, request: AuthenticatedRequest, seed_id: int) -> Response:
        return self._update(request, seed_id, partial=True)

    @extend_schema(request=SeedInputSerializer, responses=SeedOutputSerializer)
    def put(self, request: AuthenticatedRequest, seed_id: int) -> Response:
        return self._update(request, seed_id, partial=False)

    def _update(self, request: AuthenticatedRequest, seed_id: int, *, partial: bool) -> Response:
        require(can_use_matching(request.user))
        seed = selectors.seed_get(viewer=request.user, seed_id=seed_id)
        require(can_edit_entry(request.user, seed))
        serializer = SeedInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        owner, audience, _accept, data = _split(serializer.validated_data)
        if "owner" in serializer.validated_data:
            data["owner"] = owner
        services.seed_update(actor=request.user, seed=seed, data=data, audience=audience)
        seed = selectors.seed_get(viewer=request.user, seed_id=seed.pk)
        return Response(SeedOutputSerializer(seed, context={"request": request}).data)


class NeedListApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[*_COMMON_FILTERS, OpenApiParameter("timing", str, enum=NeedTiming.values)],
        responses=NeedOutputSerializer(many=True),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        require(can_use_matching(request.user))
        needs = selectors.need_list(viewer=request.user, filters=_filters(request)).prefetch_related("audience")
        return paginated_response(serializer_class=NeedOutputSerializer, queryset=needs, request=request, view=self)

    @extend_schema(request=NeedCreateInputSerializer, responses={201: NeedOutputSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        require(can_use_matching(request.user))
        serializer = NeedCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        owner, audience, accept, data = _split(serializer.validated_data)
        need = services.need_create(actor=request.user, owner=owner, data=data, audience=audience or (), accept=accept)
        need = selectors.need_get(viewer=request.user, need_id=need.pk)
        return Response(NeedOutputSerializer(need, context={"request": request}).data, status=status.HTTP_201_CREATED)


class NeedDetailApi(APIView):
    @extend_schema(responses=NeedOutputSerializer)
    def get(self, request: AuthenticatedRequest, need_id: int) -> Response:
        require(can_use_matching(request.user))
        need = selectors.need_get(viewer=request.user, need_id=need_id)
        return Response(NeedOutputSerializer(need, context={"request": request}).data)

    @extend_schema(request=NeedInputSerializer, responses=NeedOutputSerializer)
    def patch(self, request: AuthenticatedRequest, need_id: int) -> Response:
        return self._update(request, need_id, partial=True)

    @extend_schema(request=NeedInputSerializer, responses=NeedOutputSerializer)
    def put(self, request: AuthenticatedRequest, need_id: int) -> Response:
        return self._update(request, need_id, partial=False)

    def _update(self, request: AuthenticatedRequest, need_id: int, *, partial: bool) -> Response:
        require(can_use_matching(request.user))
        need = selectors.need_get(viewer=request.user, need_id=need_id)
        require(can_edit_entry(request.user, need))
        serializer = NeedInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        owner, audience, _accept, data = _split(serializer.validated_data)
        if "owner" in serializer.validated_data:
            data["owner"] = owner
        services.need_update(actor=request.user, need=need, data=data, audience=audience)
        need = selectors.need_get(viewer=request.user, need_id=need.pk)
        return Response(NeedOutputSerializer(need, context={"request": request}).data)
