"""Recommendations through the API: the seeds for a need, the needs for a seed, and the coordinators'
feedback on a pair. Who may ask is in `matching.selectors.recommendations`."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedRequest
from matching.permissions import can_coordinate
from matching.selectors import recommendations as selectors
from matching.selectors.visibility import needs_visible_to, seeds_visible_to
from matching.services import recommendations as services


class RecommendationReasonSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["word", "synonym", "field", "feedback"],
        help_text="word: the same word; synonym: words of one synonym group; field: the same field; "
        "feedback: coordinators marked the pair useful.",
    )
    query_word = serializers.CharField(help_text="As written in the entry asked about (or the field).")
    match_word = serializers.CharField(help_text="As written in the recommended entry (or the field).")


class SeedRecommendationOutputSerializer(serializers.Serializer):
    seed = serializers.IntegerField(source="entry.pk")
    title = serializers.CharField(source="entry.title")
    score = serializers.FloatField()
    reasons = RecommendationReasonSerializer(many=True)


class NeedRecommendationOutputSerializer(serializers.Serializer):
    need = serializers.IntegerField(source="entry.pk")
    title = serializers.CharField(source="entry.title")
    score = serializers.FloatField()
    reasons = RecommendationReasonSerializer(many=True)


LIMIT_MESSAGE = _("The limit must be a whole number from 1 to 100.")


class RecommendationLimitSerializer(serializers.Serializer):
    limit = serializers.IntegerField(
        required=False, default=10, min_value=1, max_value=selectors.MAX_LIMIT,
        error_messages=dict.fromkeys(("invalid", "min_value", "max_value", "max_string_length"), LIMIT_MESSAGE),
    )  # fmt: skip


class RecommendationFeedbackInputSerializer(serializers.Serializer):
    useful = serializers.BooleanField()


class RecommendationFeedbackOutputSerializer(serializers.Serializer):
    need = serializers.IntegerField(source="need_id")
    seed = serializers.IntegerField(source="seed_id")
    useful = serializers.BooleanField()


def _limit(request: AuthenticatedRequest) -> int:
    serializer = RecommendationLimitSerializer(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data["limit"]


_LIMIT_PARAMETER = OpenApiParameter("limit", int, description="How many, 1 to 100 (10 by default).")


class NeedRecommendationsApi(APIView):
    @extend_schema(parameters=[_LIMIT_PARAMETER], responses=SeedRecommendationOutputSerializer(many=True))
    def get(self, request: AuthenticatedRequest, need_id: int) -> Response:
        need = selectors.recommendable_need(viewer=request.user, need_id=need_id)
        found = selectors.need_recommendations(viewer=request.user, need=need, limit=_limit(request))
        return Response(SeedRecommendationOutputSerializer(found, many=True).data)


class SeedRecommendationsApi(APIView):
    @extend_schema(parameters=[_LIMIT_PARAMETER], responses=NeedRecommendationOutputSerializer(many=True))
    def get(self, request: AuthenticatedRequest, seed_id: int) -> Response:
        seed = selectors.recommendable_seed(viewer=request.user, seed_id=seed_id)
        found = selectors.seed_recommendations(viewer=request.user, seed=seed, limit=_limit(request))
        return Response(NeedRecommendationOutputSerializer(found, many=True).data)


class RecommendationFeedbackApi(APIView):
    @extend_schema(
        request=RecommendationFeedbackInputSerializer, responses={201: RecommendationFeedbackOutputSerializer}
    )
    def post(self, request: AuthenticatedRequest, need_id: int, seed_id: int) -> Response:
        require(can_coordinate(request.user))
        need = needs_visible_to(request.user).filter(pk=need_id).first()
        seed = seeds_visible_to(request.user).filter(pk=seed_id).first()
        if need is None or seed is None:
            raise Http404
        serializer = RecommendationFeedbackInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        feedback = services.recommendation_feedback(
            actor=request.user, need=need, seed=seed, useful=serializer.validated_data["useful"]
        )
        return Response(RecommendationFeedbackOutputSerializer(feedback).data, status=status.HTTP_201_CREATED)
