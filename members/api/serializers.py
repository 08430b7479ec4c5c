"""Output serializers shared by several API views of the member register."""

from typing import Any

from rest_framework import serializers

from members.fees import organization_fee_tier
from members.models import FeeTier, Membership, MembershipTransition, Organization
from members.permissions import can_see_private_data

ADDRESS_FIELDS = ("postal_code", "prefecture", "city", "address_line")
FIGURE_FIELDS = ("capital", "employees", "founded_year")
DESCRIPTION_FIELDS = ("business_description", "technologies")
PRIVATE_ONLY_FIELDS = ("corporate_number", "import_key", "membership_status", "fee_tier")


class FeeTierOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeeTier
        fields = [
            "id", "name", "organization_kind", "capital_min", "capital_max", "employees_min", "employees_max",
            "annual_fee", "priority", "is_active",
        ]  # fmt: skip


class FeeTierBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    annual_fee = serializers.IntegerField()


class OrganizationOutputSerializer(serializers.ModelSerializer):
    """The full record for those who may see private data; the published directory entry for others.

    Unpublished sections come back as null, and `is_full` says which of the two the caller got.
    """

    membership_status = serializers.CharField(source="current_status", allow_null=True, read_only=True)
    fee_tier = serializers.SerializerMethodField()
    is_full = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = [
            "id", "kind", "name", "name_kana", "corporate_number", "import_key", *ADDRESS_FIELDS, *FIGURE_FIELDS,
            "industry", "website", *DESCRIPTION_FIELDS, "listed_in_directory", "public_address", "public_figures",
            "public_description", "membership_status", "fee_tier", "is_full",
        ]  # fmt: skip
        extra_kwargs = {field: {"allow_null": True} for field in (*ADDRESS_FIELDS, *DESCRIPTION_FIELDS)}

    def _full(self, organization: Organization) -> bool:
        return can_see_private_data(self.context["request"].user, organization)

    def get_is_full(self, organization: Organization) -> bool:
        return self._full(organization)

    def get_fee_tier(self, organization: Organization) -> dict[str, Any] | None:
        # Loaded once per response, however many rows it has.
        root = self.root
        if not hasattr(root, "_fee_tiers"):
            root._fee_tiers = list(FeeTier.objects.filter(is_active=True))  # type: ignore[attr-defined]
        tier = organization_fee_tier(organization, root._fee_tiers)  # type: ignore[attr-defined]
        return FeeTierBriefSerializer(tier).data if tier else None

    def to_representation(self, organization: Organization) -> dict[str, Any]:
        data = super().to_representation(organization)
        if self._full(organization):
            return data
        hidden = list(PRIVATE_ONLY_FIELDS)
        hidden += [] if organization.public_address else list(ADDRESS_FIELDS)
        hidden += [] if organization.public_figures else list(FIGURE_FIELDS)
        hidden += [] if organization.public_description else list(DESCRIPTION_FIELDS)
        return {key: (None if key in hidden else value) for key, value in data.items()}


class MembershipTransitionOutputSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)

    class Meta:
        model = MembershipTransition
        fields = ["from_status", "to_status", "effective_on", "recorded_at", "actor", "reason"]


class MembershipOutputSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name")

    class Meta:
        model = Membership
        fields = [
            "id", "organization", "organization_name", "status", "applied_on", "joined_on", "withdrawn_on",
            "withdrawal_reason", "rejection_reason", "fee_override_amount", "fee_override_reason",
        ]  # fmt: skip
