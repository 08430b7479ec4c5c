"""Payments through the API (staff only): list and record, read one, allocate."""

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from billing import selectors
from billing.models import Invoice, Payment, PaymentMethod
from billing.permissions import can_manage_billing
from billing.services.payments import payment_accept_short, payment_allocate, payment_receive
from clusternet.core.api import Pagination, paginated_response
from clusternet.core.exceptions import ApplicationError
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedRequest
from members.models import Organization


class AllocationInputSerializer(serializers.Serializer):
    invoice = serializers.IntegerField()
    # Any integer: the service says what is wrong with a negative or zero amount.
    amount = serializers.IntegerField()


class AllocationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    invoice = serializers.IntegerField(source="invoice_id")
    invoice_number = serializers.CharField(source="invoice.number", allow_null=True)
    amount = serializers.IntegerField()
    bank_fee = serializers.IntegerField()
    automatic = serializers.BooleanField()
    allocated_by = serializers.CharField(source="allocated_by.username", allow_null=True, default=None)
    created_at = serializers.DateTimeField()


class PaymentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organization = serializers.IntegerField(source="organization_id", allow_null=True)
    organization_name = serializers.CharField(source="organization.name", allow_null=True, default=None)
    received_on = serializers.DateField()
    amount = serializers.IntegerField()
    amount_allocated = serializers.IntegerField()
    unallocated = serializers.IntegerField()
    payer_name = serializers.CharField()
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    note = serializers.CharField()
    deposit = serializers.IntegerField(source="statement_line.pk", allow_null=True, default=None)


class PaymentDetailOutputSerializer(PaymentOutputSerializer):
    allocations = AllocationOutputSerializer(many=True, source="allocations.all")


def invoice_allocations(items: Sequence[dict[str, Any]]) -> list[tuple[Invoice, int]]:
    """(invoice, amount) pairs from the API's [{"invoice": id, "amount": n}, ...]; an unknown id is a 400."""
    invoices = Invoice.objects.in_bulk([item["invoice"] for item in items])
    missing = sorted({item["invoice"] for item in items} - set(invoices))
    if missing:
        raise ApplicationError(_("Unknown invoice: %(ids)s") % {"ids": ", ".join(map(str, missing))})
    return [(invoices[item["invoice"]], item["amount"]) for item in items]


def optional_invoice(invoice_id: int | None) -> Invoice | None:
    if invoice_id is None:
        return None
    return invoice_allocations([{"invoice": invoice_id, "amount": 0}])[0][0]


def payment_detail(payment: Payment, request: AuthenticatedRequest) -> dict[str, Any]:
    return PaymentDetailOutputSerializer(selectors.payment_get(viewer=request.user, pk=payment.pk)).data


class PaymentListApi(APIView):
    pagination_class = Pagination

    class PaymentCreateInputSerializer(serializers.Serializer):
        organization = serializers.PrimaryKeyRelatedField(
            queryset=Organization.objects.all(), allow_null=True, required=False, default=None
        )
        received_on = serializers.DateField()
        amount = serializers.IntegerField()
        payer_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
        method = serializers.ChoiceField(choices=PaymentMethod.choices, default=PaymentMethod.BANK_TRANSFER)
        note = serializers.CharField(required=False, allow_blank=True, default="")
        allocations = AllocationInputSerializer(many=True, required=False, default=list)
        bank_fee_for = serializers.IntegerField(
            required=False, allow_null=True, default=None,
            help_text="An invoice among the allocations whose remaining shortfall is accepted as a bank fee.",
        )  # fmt: skip

    @extend_schema(
        parameters=[
            OpenApiParameter("unallocated", bool, description="Only payments with money not yet allocated"),
            OpenApiParameter("organization", int),
        ],
        responses=PaymentOutputSerializer(many=True),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        require(can_manage_billing(request.user))
        organization = request.query_params.get("organization", "")
        if organization and not organization.isdigit():
            raise exceptions.ValidationError({"organization": [_("Give the organisation's id.")]})
        payments = selectors.payment_list(
            viewer=request.user,
            unallocated=request.query_params.get("unallocated", "").lower() in ("1", "true", "yes"),
            organization_id=int(organization) if organization else None,
        )
        return paginated_response(
            serializer_class=PaymentOutputSerializer, queryset=payments, request=request, view=self
        )

    @extend_schema(request=PaymentCreateInputSerializer, responses={201: PaymentDetailOutputSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        require(can_manage_billing(request.user))
        data = self.PaymentCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        allocations = invoice_allocations(values["allocations"])
        payment = payment_receive(
            actor=request.user, organization=values["organization"], received_on=values["received_on"],
            amount=values["amount"], payer_name=values["payer_name"], method=values["method"], note=values["note"],
            allocations=allocations, bank_fee_for=optional_invoice(values["bank_fee_for"]),
        )  # fmt: skip
        return Response(payment_detail(payment, request), status=status.HTTP_201_CREATED)


class PaymentDetailApi(APIView):
    @extend_schema(responses=PaymentDetailOutputSerializer)
    def get(self, request: AuthenticatedRequest, payment_id: int) -> Response:
        require(can_manage_billing(request.user))
        return Response(PaymentDetailOutputSerializer(selectors.payment_get(viewer=request.user, pk=payment_id)).data)


class PaymentAllocationsApi(APIView):
    class PaymentAllocateInputSerializer(serializers.Serializer):
        allocations = AllocationInputSerializer(many=True, required=False, default=list)
        bank_fee_for = serializers.IntegerField(
            required=False, allow_null=True, default=None,
            help_text=(
                "An invoice whose shortfall is accepted as a bank fee. Without allocations: the payment's "
                "unallocated money goes to it and the rest, within the configured tolerance, is the fee."
            ),
        )  # fmt: skip

    @extend_schema(request=PaymentAllocateInputSerializer, responses={201: PaymentDetailOutputSerializer})
    def post(self, request: AuthenticatedRequest, payment_id: int) -> Response:
        require(can_manage_billing(request.user))
        payment = selectors.payment_get(viewer=request.user, pk=payment_id)
        data = self.PaymentAllocateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        allocations = invoice_allocations(data.validated_data["allocations"])
        fee_invoice = optional_invoice(data.validated_data["bank_fee_for"])
        if not allocations and fee_invoice is not None:
            payment_accept_short(actor=request.user, payment=payment, invoice=fee_invoice)
        else:
            payment_allocate(actor=request.user, payment=payment, allocations=allocations, bank_fee_for=fee_invoice)
        return Response(payment_detail(payment, request), status=status.HTTP_201_CREATED)
