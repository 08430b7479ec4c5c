"""The billing report and the billing settings through the API."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from billing.models import TaxRounding
from billing.permissions import can_edit_billing_settings, can_manage_billing
from billing.reports import billing_report, report_fiscal_year
from billing.services.invoices import billing_settings_get, billing_settings_update
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedRequest
from members.models import OrganizationKind


class BillingReportFiguresOutputSerializer(serializers.Serializer):
    """Invoiced is what the invoices say less what credit notes took back; the rate is percent, one decimal,
    null when nothing was invoiced."""

    name = serializers.CharField(source="label")
    invoice_count = serializers.IntegerField()
    paid_count = serializers.IntegerField()
    unpaid_count = serializers.IntegerField()
    invoiced = serializers.IntegerField()
    paid = serializers.IntegerField()
    outstanding = serializers.IntegerField()
    collection_rate = serializers.FloatField(allow_null=True)


class BillingReportTierOutputSerializer(BillingReportFiguresOutputSerializer):
    fee_tier = serializers.IntegerField(source="key", allow_null=True, help_text="null: invoices without a fee tier")


class BillingReportKindOutputSerializer(BillingReportFiguresOutputSerializer):
    kind = serializers.ChoiceField(source="key", choices=OrganizationKind.choices)


class BillingReportAgingOutputSerializer(serializers.Serializer):
    bucket = serializers.ChoiceField(
        source="key", choices=["not_due", "days_1_30", "days_31_60", "days_61_90", "over_90"]
    )
    name = serializers.CharField(source="label")
    count = serializers.IntegerField()
    amount = serializers.IntegerField(help_text="What is still owed on these invoices, in yen.")


class BillingReportOutputSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()
    as_of = serializers.DateField(help_text="The day days overdue are counted to: today in Asia/Tokyo.")
    summary = BillingReportFiguresOutputSerializer()
    by_tier = BillingReportTierOutputSerializer(many=True)
    by_kind = BillingReportKindOutputSerializer(many=True)
    aging = BillingReportAgingOutputSerializer(many=True)


class BillingReportApi(APIView):
    @extend_schema(responses=BillingReportOutputSerializer)
    def get(self, request: AuthenticatedRequest, fiscal_year: str) -> Response:
        """Invoiced, paid, outstanding and collection rate of a fiscal year, by fee tier and organisation kind,
        with the aging of unpaid invoices. An unknown fiscal year answers 400 with a message."""
        require(can_manage_billing(request.user))
        report = billing_report(fiscal_year=report_fiscal_year(fiscal_year))
        return Response(BillingReportOutputSerializer(report).data)


class BillingSettingsOutputSerializer(serializers.Serializer):
    issuer_name = serializers.CharField()
    issuer_postal_code = serializers.CharField()
    issuer_address = serializers.CharField()
    issuer_phone = serializers.CharField()
    registration_number = serializers.CharField()
    bank_account = serializers.CharField()
    tax_rounding = serializers.ChoiceField(choices=TaxRounding.choices)
    payment_terms_days = serializers.IntegerField()
    reminder_steps = serializers.ListField(child=serializers.IntegerField())
    short_payment_tolerance = serializers.IntegerField()


class BillingSettingsApi(APIView):
    class BillingSettingsInputSerializer(serializers.Serializer):
        # Lengths, formats and the registration number's check digit are the model's, checked by the service.
        issuer_name = serializers.CharField(required=False, allow_blank=True)
        issuer_postal_code = serializers.CharField(required=False, allow_blank=True)
        issuer_address = serializers.CharField(required=False, allow_blank=True)
        issuer_phone = serializers.CharField(required=False, allow_blank=True)
        registration_number = serializers.CharField(required=False, allow_blank=True)
        bank_account = serializers.CharField(required=False, allow_blank=True)
        tax_rounding = serializers.ChoiceField(choices=TaxRounding.choices, required=False)
        payment_terms_days = serializers.IntegerField(required=False, min_value=1)
        reminder_steps = serializers.ListField(
            child=serializers.IntegerField(min_value=1, max_value=365), required=False, allow_empty=True
        )
        short_payment_tolerance = serializers.IntegerField(required=False, min_value=0)

    @extend_schema(responses=BillingSettingsOutputSerializer)
    def get(self, request: AuthenticatedRequest) -> Response:
        require(can_manage_billing(request.user))
        return Response(BillingSettingsOutputSerializer(billing_settings_get()).data)

    @extend_schema(request=BillingSettingsInputSerializer, responses=BillingSettingsOutputSerializer)
    def patch(self, request: AuthenticatedRequest) -> Response:
        """Changes the fields given; administrators only. Invalid input changes nothing."""
        require(can_edit_billing_settings(request.user))
        data = self.BillingSettingsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        settings = billing_settings_update(actor=request.user, data=data.validated_data)
        return Response(BillingSettingsOutputSerializer(settings).data)
