"""The yearly invoicing through the API: preview, start (202, runs in Celery), poll."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from billing import selectors
from billing.fiscal import today
from billing.models import InvoiceRunStatus
from billing.permissions import can_manage_billing
from billing.services.runs import fee_charges, invoice_run_start, validate_fiscal_year
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedRequest


class InvoiceRunOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    fiscal_year = serializers.IntegerField()
    as_of = serializers.DateField()
    status = serializers.ChoiceField(choices=InvoiceRunStatus.choices)
    total = serializers.IntegerField()
    processed = serializers.IntegerField()
    progress_percent = serializers.IntegerField()
    created_count = serializers.IntegerField()
    existing_count = serializers.IntegerField()
    amount_total = serializers.IntegerField()
    rendered_count = serializers.IntegerField()
    error = serializers.CharField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class InvoiceRunListApi(APIView):
    class InvoiceRunInputSerializer(serializers.Serializer):
        # Checked by the service, so that the message names the years that can be invoiced.
        fiscal_year = serializers.JSONField(allow_null=True)
        with_pdfs = serializers.BooleanField(default=True)

    @extend_schema(responses=InvoiceRunOutputSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        require(can_manage_billing(request.user))
        runs = selectors.invoice_run_list(viewer=request.user)[:50]
        return Response(InvoiceRunOutputSerializer(runs, many=True).data)

    @extend_schema(request=InvoiceRunInputSerializer, responses={202: InvoiceRunOutputSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        require(can_manage_billing(request.user))
        data = self.InvoiceRunInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = invoice_run_start(
            actor=request.user,
            fiscal_year=data.validated_data["fiscal_year"],
            with_pdfs=data.validated_data["with_pdfs"],
        )
        run.refresh_from_db()
        return Response(InvoiceRunOutputSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class InvoiceRunDetailApi(APIView):
    @extend_schema(responses=InvoiceRunOutputSerializer)
    def get(self, request: AuthenticatedRequest, run_id: int) -> Response:
        require(can_manage_billing(request.user))
        return Response(InvoiceRunOutputSerializer(selectors.invoice_run_get(viewer=request.user, pk=run_id)).data)


class FeeChargeOutputSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="organization.pk")
    organization_name = serializers.CharField(source="organization.name")
    tier = serializers.CharField(source="tier.name", allow_null=True, default=None)
    annual_fee = serializers.IntegerField()
    months = serializers.IntegerField()
    fee = serializers.IntegerField()
    overridden = serializers.BooleanField()
    reason = serializers.CharField()
    already_invoiced = serializers.BooleanField()


class FeeWarningOutputSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="membership.organization_id")
    message = serializers.CharField()


class RunPreviewOutputSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField()
    to_bill_count = serializers.IntegerField()
    to_bill_total = serializers.IntegerField()
    existing_count = serializers.IntegerField()
    charges = FeeChargeOutputSerializer(many=True)
    warnings = FeeWarningOutputSerializer(many=True)


class InvoiceRunPreviewApi(APIView):
    """Who a run started today would bill, how much and why; writes nothing."""

    @extend_schema(
        parameters=[OpenApiParameter("fiscal_year", int, required=True)], responses=RunPreviewOutputSerializer
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        require(can_manage_billing(request.user))
        raw = request.query_params.get("fiscal_year", "")
        year = validate_fiscal_year(int(raw) if raw.isdigit() else raw)
        charges, warnings = fee_charges(fiscal_year=year, as_of=today())
        to_bill = [charge for charge in charges if not charge.already_invoiced]
        return Response(
            {
                "fiscal_year": year,
                "to_bill_count": len(to_bill),
                "to_bill_total": sum(charge.fee for charge in to_bill),
                "existing_count": len(charges) - len(to_bill),
                "charges": FeeChargeOutputSerializer(charges, many=True).data,
                "warnings": FeeWarningOutputSerializer(warnings, many=True).data,
            }
        )
