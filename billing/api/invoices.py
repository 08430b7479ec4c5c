"""Invoices through the API: staff read all, member and bank users their own organisation's; staff credit."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from billing import selectors
from billing.models import InvoiceKind, InvoiceStatus, TaxCategory
from billing.permissions import can_manage_billing
from billing.services.invoices import LineSpec, credit_note_issue
from clusternet.core.api import Pagination, paginated_response
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedRequest


class InvoiceLineOutputSerializer(serializers.Serializer):
    description = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.IntegerField()
    amount = serializers.IntegerField()
    tax_category = serializers.ChoiceField(choices=TaxCategory.choices)


class TaxSummaryOutputSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=TaxCategory.choices)
    base = serializers.IntegerField()
    tax = serializers.IntegerField()


class InvoiceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(allow_null=True)
    document_type = serializers.CharField()
    kind = serializers.ChoiceField(choices=InvoiceKind.choices)
    status = serializers.ChoiceField(choices=InvoiceStatus.choices)
    organization = serializers.IntegerField(source="organization_id")
    fiscal_year = serializers.IntegerField()
    issued_on = serializers.DateField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    recipient_name = serializers.CharField()
    subtotal = serializers.IntegerField()
    tax_total = serializers.IntegerField()
    total = serializers.IntegerField()
    amount_paid = serializers.IntegerField()
    amount_credited = serializers.IntegerField()
    balance = serializers.IntegerField()
    tax_summary = TaxSummaryOutputSerializer(many=True)
    credit_note_for = serializers.IntegerField(source="credit_note_for_id", allow_null=True)
    replaces = serializers.IntegerField(source="replaces_id", allow_null=True)


class InvoiceDetailOutputSerializer(InvoiceOutputSerializer):
    lines = InvoiceLineOutputSerializer(many=True, source="lines.all")
    fee_basis = serializers.CharField()
    note = serializers.CharField()


class InvoiceListApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[
            OpenApiParameter("fiscal_year", int),
            OpenApiParameter("status", str, enum=InvoiceStatus.values),
            OpenApiParameter("organization", int),
        ],
        responses=InvoiceOutputSerializer(many=True),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        invoices = selectors.invoice_list(viewer=request.user).order_by("-created_at", "-id")
        params = request.query_params
        for name in ("fiscal_year", "organization"):
            if params.get(name):
                if not params[name].isdigit():
                    raise exceptions.ValidationError({name: ["A whole number is required."]})
                invoices = invoices.filter(**{f"{name}_id" if name == "organization" else name: int(params[name])})
        if params.get("status"):
            if params["status"] not in InvoiceStatus.values:
                raise exceptions.ValidationError({"status": [f"Choose one of {', '.join(InvoiceStatus.values)}."]})
            invoices = invoices.filter(status=params["status"])
        return paginated_response(
            serializer_class=InvoiceOutputSerializer, queryset=invoices, request=request, view=self
        )


class InvoiceDetailApi(APIView):
    @extend_schema(responses=InvoiceDetailOutputSerializer)
    def get(self, request: AuthenticatedRequest, invoice_id: int) -> Response:
        invoice = selectors.invoice_get(viewer=request.user, pk=invoice_id)
        return Response(InvoiceDetailOutputSerializer(invoice).data)


class CreditNoteCreateApi(APIView):
    """Credits an issued invoice: everything still uncredited (no lines) or the lines given."""

    class CreditLineInputSerializer(serializers.Serializer):
        description = serializers.CharField(max_length=200)
        quantity = serializers.IntegerField(default=1)
        unit_price = serializers.IntegerField()
        tax_category = serializers.ChoiceField(choices=TaxCategory.choices, default=TaxCategory.OUT_OF_SCOPE)

    class CreditNoteInputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=500)
        lines = serializers.ListField(child=serializers.DictField(), required=False)

    @extend_schema(request=CreditNoteInputSerializer, responses={201: InvoiceDetailOutputSerializer})
    def post(self, request: AuthenticatedRequest, invoice_id: int) -> Response:
        invoice = selectors.invoice_get(viewer=request.user, pk=invoice_id)
        require(can_manage_billing(request.user))
        data = self.CreditNoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lines = None
        if "lines" in data.validated_data:
            line_data = self.CreditLineInputSerializer(data=data.validated_data["lines"], many=True)
            line_data.is_valid(raise_exception=True)
            lines = [
                LineSpec(line["description"], line["unit_price"], line["quantity"], line["tax_category"])
                for line in line_data.validated_data
            ]
        note = credit_note_issue(actor=request.user, invoice=invoice, reason=data.validated_data["reason"], lines=lines)
        return Response(InvoiceDetailOutputSerializer(note).data, status=status.HTTP_201_CREATED)
