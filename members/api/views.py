"""The member register's API: one view per resource path, each method one operation that calls a
selector or a service. Access is checked here; the selectors scope what each viewer can read."""

from django.contrib.auth import authenticate
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clusternet.core.api import Pagination, paginated_response
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedRequest
from members import selectors, services
from members.api.serializers import (
    FeeTierOutputSerializer,
    MembershipOutputSerializer,
    MembershipTransitionOutputSerializer,
    OrganizationOutputSerializer,
)
from members.filters import OrganizationFilter
from members.models import FeeTier, MembershipStatus, OrganizationKind, ProrationPolicy, Role
from members.permissions import can_edit_fee_tiers, can_edit_organization, can_manage_register, is_internal
from members.prefectures import Prefecture


class TokenObtainApi(APIView):
    """Exchanges a username (or email) and password for an API token."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    class TokenInputSerializer(serializers.Serializer):
        username = serializers.CharField()
        password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)

    class TokenOutputSerializer(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(request=TokenInputSerializer, responses=TokenOutputSerializer, auth=[])
    def post(self, request: Request) -> Response:
        data = self.TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The underlying HttpRequest lets django-axes count failures and lock out.
        user = authenticate(request._request, **data.validated_data)
        if user is None:
            raise exceptions.ValidationError(
                {"non_field_errors": [_("Unable to log in with the given username and password.")]}
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeApi(APIView):
    class MeOutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        username = serializers.CharField()
        email = serializers.EmailField()
        role = serializers.ChoiceField(choices=Role.choices)
        organization = serializers.IntegerField(source="organization_id", allow_null=True)
        language = serializers.CharField()

    @extend_schema(responses=MeOutputSerializer)
    def get(self, request: AuthenticatedRequest) -> Response:
        return Response(self.MeOutputSerializer(request.user).data)


class OrganizationInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OrganizationKind.choices)
    name = serializers.CharField(max_length=200)
    name_kana = serializers.CharField(max_length=200)
    corporate_number = serializers.CharField(max_length=13, required=False, allow_blank=True, allow_null=True)
    import_key = serializers.CharField(max_length=64, required=False, allow_blank=True, allow_null=True)
    postal_code = serializers.CharField(max_length=8, required=False, allow_blank=True)
    prefecture = serializers.ChoiceField(choices=Prefecture.choices, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    address_line = serializers.CharField(max_length=200, required=False, allow_blank=True)
    capital = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    employees = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    industry = serializers.CharField(max_length=100, required=False, allow_blank=True)
    founded_year = serializers.IntegerField(min_value=1600, max_value=2100, required=False, allow_null=True)
    website = serializers.URLField(required=False, allow_blank=True)
    business_description = serializers.CharField(required=False, allow_blank=True)
    technologies = serializers.CharField(required=False, allow_blank=True)
    listed_in_directory = serializers.BooleanField(required=False)
    public_address = serializers.BooleanField(required=False)
    public_figures = serializers.BooleanField(required=False)
    public_description = serializers.BooleanField(required=False)


# What only the secretariat may change: they decide the fee tier and how imports match.
STAFF_ONLY_ORGANIZATION_FIELDS = {"kind", "corporate_number", "import_key"}


class OrganizationListApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[
            OpenApiParameter("search", str, description="Name or kana; width and kana insensitive"),
            OpenApiParameter("kind", str, enum=OrganizationKind.values),
            OpenApiParameter("status", str, enum=[*MembershipStatus.values, "none"]),
            OpenApiParameter("tier", int),
            OpenApiParameter("prefecture", str, enum=Prefecture.values),
            OpenApiParameter("ordering", str),
        ],
        responses=OrganizationOutputSerializer(many=True),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        filterset = OrganizationFilter(request.query_params, selectors.organization_list(viewer=request.user))
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        return paginated_response(
            serializer_class=OrganizationOutputSerializer, queryset=filterset.qs, request=request, view=self
        )

    @extend_schema(request=OrganizationInputSerializer, responses={201: OrganizationOutputSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        require(can_manage_register(request.user))
        data = OrganizationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organization = services.organization_create(actor=request.user, data=data.validated_data)
        organization = selectors.organization_get(viewer=request.user, organization_id=organization.pk)
        return Response(
            OrganizationOutputSerializer(organization, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class OrganizationDetailApi(APIView):
    @extend_schema(responses=OrganizationOutputSerializer)
    def get(self, request: AuthenticatedRequest, organization_id: int) -> Response:
        organization = selectors.organization_get(viewer=request.user, organization_id=organization_id)
        return Response(OrganizationOutputSerializer(organization, context={"request": request}).data)

    @extend_schema(request=OrganizationInputSerializer(partial=True), responses=OrganizationOutputSerializer)
    def patch(self, request: AuthenticatedRequest, organization_id: int) -> Response:
        organization = selectors.organization_get(viewer=request.user, organization_id=organization_id)
        if not can_edit_organization(request.user, organization):
            # Someone else's organisation: as if it were not there for writing.
            raise exceptions.NotFound
        data = OrganizationInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        forbidden = STAFF_ONLY_ORGANIZATION_FIELDS & set(data.validated_data)
        if forbidden and not can_manage_register(request.user):
            raise exceptions.ValidationError(
                {field: [_("Only the secretariat can change this.")] for field in sorted(forbidden)}
            )
        services.organization_update(actor=request.user, organization=organization, data=data.validated_data)
        organization = selectors.organization_get(viewer=request.user, organization_id=organization_id)
        return Response(OrganizationOutputSerializer(organization, context={"request": request}).data)


class ContactInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    name_kana = serializers.CharField(max_length=100, required=False, allow_blank=True)
    department = serializers.CharField(max_length=100, required=False, allow_blank=True)
    title = serializers.CharField(max_length=100, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    is_billing_contact = serializers.BooleanField(required=False)
    consent_purposes = serializers.CharField(required=False, allow_blank=True)


class ContactOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    name_kana = serializers.CharField()
    department = serializers.CharField()
    title = serializers.CharField()
    email = serializers.EmailField()
    phone = serializers.CharField()
    is_billing_contact = serializers.BooleanField()
    consent_given_at = serializers.DateTimeField(allow_null=True)
    consent_purposes = serializers.CharField()


class ContactListApi(APIView):
    @extend_schema(responses=ContactOutputSerializer(many=True))
    def get(self, request: AuthenticatedRequest, organization_id: int) -> Response:
        organization = selectors.organization_get_private(viewer=request.user, organization_id=organization_id)
        contacts = selectors.contact_list(viewer=request.user, organization=organization)
        return Response(ContactOutputSerializer(contacts, many=True).data)

    @extend_schema(request=ContactInputSerializer, responses={201: ContactOutputSerializer})
    def post(self, request: AuthenticatedRequest, organization_id: int) -> Response:
        organization = selectors.organization_get_private(viewer=request.user, organization_id=organization_id)
        if not can_edit_organization(request.user, organization):
            raise exceptions.NotFound
        data = ContactInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contact = services.contact_create(actor=request.user, organization=organization, data=data.validated_data)
        return Response(ContactOutputSerializer(contact).data, status=status.HTTP_201_CREATED)


class ContactDetailApi(APIView):
    @extend_schema(responses=ContactOutputSerializer)
    def get(self, request: AuthenticatedRequest, organization_id: int, contact_id: int) -> Response:
        organization = selectors.organization_get_private(viewer=request.user, organization_id=organization_id)
        contact = selectors.contact_get(viewer=request.user, organization=organization, contact_id=contact_id)
        return Response(ContactOutputSerializer(contact).data)

    @extend_schema(request=ContactInputSerializer(partial=True), responses=ContactOutputSerializer)
    def patch(self, request: AuthenticatedRequest, organization_id: int, contact_id: int) -> Response:
        organization = selectors.organization_get_private(viewer=request.user, organization_id=organization_id)
        if not can_edit_organization(request.user, organization):
            raise exceptions.NotFound
        contact = selectors.contact_get(viewer=request.user, organization=organization, contact_id=contact_id)
        data = ContactInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        contact = services.contact_update(actor=request.user, contact=contact, data=data.validated_data)
        return Response(ContactOutputSerializer(contact).data)


class ContactExportApi(APIView):
    """Everything held about one person (a disclosure request)."""

    @extend_schema(responses=inline_serializer("ContactExport", {"data": serializers.DictField()}))
    def get(self, request: AuthenticatedRequest, organization_id: int, contact_id: int) -> Response:
        organization = selectors.organization_get_private(viewer=request.user, organization_id=organization_id)
        contact = selectors.contact_get(viewer=request.user, organization=organization, contact_id=contact_id)
        return Response({"data": selectors.contact_export_data(contact=contact)})


class ContactEraseApi(APIView):
    """Erases a person's data on request; issued documents keep their own copy."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request: AuthenticatedRequest, organization_id: int, contact_id: int) -> Response:
        require(can_manage_register(request.user))
        organization = selectors.organization_get_private(viewer=request.user, organization_id=organization_id)
        contact = selectors.contact_get(viewer=request.user, organization=organization, contact_id=contact_id)
        services.contact_erase(actor=request.user, contact=contact)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MembershipListApi(APIView):
    pagination_class = Pagination

    class MembershipCreateInputSerializer(serializers.Serializer):
        organization = serializers.IntegerField()
        applied_on = serializers.DateField(required=False)

    @extend_schema(
        parameters=[
            OpenApiParameter("organization", int),
            OpenApiParameter("status", str, enum=MembershipStatus.values),
        ],
        responses=MembershipOutputSerializer(many=True),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        organization = request.query_params.get("organization")
        if organization is not None and not organization.isdigit():
            raise exceptions.ValidationError({"organization": [_("Give an organisation id.")]})
        status_filter = request.query_params.get("status")
        if status_filter and status_filter not in MembershipStatus.values:
            raise exceptions.ValidationError({"status": [_("Unknown membership status.")]})
        memberships = selectors.membership_list(
            viewer=request.user,
            organization_id=int(organization) if organization else None,
            status=status_filter,
        )
        return paginated_response(
            serializer_class=MembershipOutputSerializer, queryset=memberships, request=request, view=self
        )

    @extend_schema(request=MembershipCreateInputSerializer, responses={201: MembershipOutputSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        """Opens an application for an organisation (the secretariat's intake)."""
        require(can_manage_register(request.user))
        data = self.MembershipCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organization = selectors.organization_get(
            viewer=request.user, organization_id=data.validated_data["organization"]
        )
        membership = services.membership_apply(
            actor=request.user, organization=organization, applied_on=data.validated_data.get("applied_on")
        )
        return Response(MembershipOutputSerializer(membership).data, status=status.HTTP_201_CREATED)


class MembershipDetailApi(APIView):
    class MembershipDetailOutputSerializer(MembershipOutputSerializer):
        transitions = MembershipTransitionOutputSerializer(many=True)

        class Meta(MembershipOutputSerializer.Meta):
            fields = [*MembershipOutputSerializer.Meta.fields, "transitions"]

    @extend_schema(responses=MembershipDetailOutputSerializer)
    def get(self, request: AuthenticatedRequest, membership_id: int) -> Response:
        membership = selectors.membership_get(viewer=request.user, membership_id=membership_id)
        return Response(self.MembershipDetailOutputSerializer(membership).data)


# The life-cycle actions and the status each leads to.
MEMBERSHIP_ACTIONS = {
    "approve": MembershipStatus.APPROVED,
    "reject": MembershipStatus.REJECTED,
    "activate": MembershipStatus.ACTIVE,
    "suspend": MembershipStatus.SUSPENDED,
    "reinstate": MembershipStatus.ACTIVE,
    "withdraw": MembershipStatus.WITHDRAWN,
}


class MembershipTransitionApi(APIView):
    """approve, reject, activate, suspend, reinstate or withdraw a membership."""

    class MembershipTransitionInputSerializer(serializers.Serializer):
        effective_on = serializers.DateField(required=False)
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        request=MembershipTransitionInputSerializer,
        responses=MembershipOutputSerializer,
        operation_id="memberships_transition",
        parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH, enum=list(MEMBERSHIP_ACTIONS))],
    )
    def post(self, request: AuthenticatedRequest, membership_id: int, action: str) -> Response:
        require(can_manage_register(request.user))
        membership = selectors.membership_get(viewer=request.user, membership_id=membership_id)
        data = self.MembershipTransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.membership_transition(
            actor=request.user, membership=membership, to_status=MEMBERSHIP_ACTIONS[action], **data.validated_data
        )
        return Response(MembershipOutputSerializer(membership).data)


class MembershipFeeOverrideApi(APIView):
    class FeeOverrideInputSerializer(serializers.Serializer):
        amount = serializers.IntegerField(min_value=0, allow_null=True)
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=FeeOverrideInputSerializer, responses=MembershipOutputSerializer)
    def post(self, request: AuthenticatedRequest, membership_id: int) -> Response:
        require(can_manage_register(request.user))
        membership = selectors.membership_get(viewer=request.user, membership_id=membership_id)
        data = self.FeeOverrideInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.membership_fee_override(actor=request.user, membership=membership, **data.validated_data)
        return Response(MembershipOutputSerializer(membership).data)


class FeeTierInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    organization_kind = serializers.ChoiceField(choices=OrganizationKind.choices)
    capital_min = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    capital_max = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    employees_min = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    employees_max = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    annual_fee = serializers.IntegerField(min_value=0)
    priority = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    is_active = serializers.BooleanField(required=False)


class FeeTierListApi(APIView):
    @extend_schema(responses=FeeTierOutputSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        require(is_internal(request.user))
        return Response(FeeTierOutputSerializer(selectors.fee_tier_list(), many=True).data)

    @extend_schema(request=FeeTierInputSerializer, responses={201: FeeTierOutputSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        require(can_edit_fee_tiers(request.user))
        data = FeeTierInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tier = services.fee_tier_save(actor=request.user, data=data.validated_data)
        return Response(FeeTierOutputSerializer(tier).data, status=status.HTTP_201_CREATED)


class FeeTierDetailApi(APIView):
    @extend_schema(responses=FeeTierOutputSerializer)
    def get(self, request: AuthenticatedRequest, tier_id: int) -> Response:
        require(is_internal(request.user))
        return Response(FeeTierOutputSerializer(get_object_or_404(FeeTier, pk=tier_id)).data)

    @extend_schema(request=FeeTierInputSerializer(partial=True), responses=FeeTierOutputSerializer)
    def patch(self, request: AuthenticatedRequest, tier_id: int) -> Response:
        require(can_edit_fee_tiers(request.user))
        tier = get_object_or_404(FeeTier, pk=tier_id)
        data = FeeTierInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        tier = services.fee_tier_save(actor=request.user, tier=tier, data=data.validated_data)
        return Response(FeeTierOutputSerializer(tier).data)


class AssociationSettingsApi(APIView):
    class AssociationSettingsSerializer(serializers.Serializer):
        fiscal_year_start_month = serializers.IntegerField(min_value=1, max_value=12, required=False)
        proration_policy = serializers.ChoiceField(choices=ProrationPolicy.choices, required=False)

    @extend_schema(responses=AssociationSettingsSerializer)
    def get(self, request: AuthenticatedRequest) -> Response:
        require(is_internal(request.user))
        return Response(self.AssociationSettingsSerializer(selectors.association_settings_get()).data)

    @extend_schema(request=AssociationSettingsSerializer, responses=AssociationSettingsSerializer)
    def patch(self, request: AuthenticatedRequest) -> Response:
        require(can_edit_fee_tiers(request.user))
        data = self.AssociationSettingsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        settings = services.association_settings_update(actor=request.user, data=data.validated_data)
        return Response(self.AssociationSettingsSerializer(settings).data)
