"""Bank statements and their deposits through the API (staff only): upload, read, and decide queued deposits."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from billing import selectors
from billing.api.payments import AllocationInputSerializer, invoice_allocations, optional_invoice
from billing.forms.payments import MAX_STATEMENT_BYTES
from billing.models import MatchState, StatementFormat
from billing.permissions import can_manage_billing
from billing.services.statements import bank_statement_import, deposit_ignore, deposit_match
from clusternet.core.api import Pagination, paginated_response
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedRequest
from members.models import Organization


class BankStatementOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    file_format = serializers.ChoiceField(choices=StatementFormat.choices)
    filename = serializers.CharField()
    account = serializers.CharField()
    line_count = serializers.IntegerField(help_text="Deposits in the file")
    total_amount = serializers.IntegerField()
    new_count = serializers.IntegerField()
    duplicate_count = serializers.IntegerField(help_text="Deposits imported before from an overlapping file")
    auto_allocated_count = serializers.IntegerField()
    queued_count = serializers.IntegerField()
    imported_at = serializers.DateTimeField()
    already_imported = serializers.BooleanField(
        default=False, help_text="This very file was imported before; nothing was added."
    )


class DepositSuggestionOutputSerializer(serializers.Serializer):
    invoice = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())


class DepositOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    statement = serializers.IntegerField(source="statement_id")
    line_number = serializers.IntegerField()
    transaction_on = serializers.DateField()
    amount = serializers.IntegerField()
    payer_name = serializers.CharField()
    payer_key = serializers.CharField()
    remitter_code = serializers.CharField()
    edi_info = serializers.CharField()
    state = serializers.ChoiceField(choices=MatchState.choices)
    suggestions = DepositSuggestionOutputSerializer(many=True)
    payment = serializers.IntegerField(source="payment_id", allow_null=True)
    organization = serializers.IntegerField(source="payment.organization_id", allow_null=True, default=None)


class BankStatementListApi(APIView):
    parser_classes = [MultiPartParser]

    class BankStatementUploadInputSerializer(serializers.Serializer):
        file = serializers.FileField(help_text="A Zengin file (振込入金通知 or 入出金取引明細) or a CSV")

    @extend_schema(responses=BankStatementOutputSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        require(can_manage_billing(request.user))
        statements = selectors.bank_statement_list(viewer=request.user)[:100]
        return Response(BankStatementOutputSerializer(statements, many=True).data)

    @extend_schema(
        request={"multipart/form-data": BankStatementUploadInputSerializer},
        responses={201: BankStatementOutputSerializer, 200: BankStatementOutputSerializer},
        description="201 with the counts for a new file; 200 with the statement of the first import for the "
        "same file again; 400 with the reason for a bad file (nothing is imported).",
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        require(can_manage_billing(request.user))
        data = self.BankStatementUploadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > MAX_STATEMENT_BYTES:
            raise exceptions.ValidationError(
                {"file": [_("The file is larger than 20 MB; no bank statement is that large.")]}
            )
        statement = bank_statement_import(actor=request.user, filename=upload.name, content=upload.read())
        again = getattr(statement, "already_imported", False)
        return Response(
            BankStatementOutputSerializer(statement).data,
            status=status.HTTP_200_OK if again else status.HTTP_201_CREATED,
        )


class BankStatementDetailApi(APIView):
    @extend_schema(responses=BankStatementOutputSerializer)
    def get(self, request: AuthenticatedRequest, statement_id: int) -> Response:
        require(can_manage_billing(request.user))
        statement = selectors.bank_statement_get(viewer=request.user, pk=statement_id)
        return Response(BankStatementOutputSerializer(statement).data)


class DepositListApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[OpenApiParameter("state", str, enum=MatchState.values), OpenApiParameter("statement", int)],
        responses=DepositOutputSerializer(many=True),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        require(can_manage_billing(request.user))
        state = request.query_params.get("state", "")
        if state and state not in MatchState.values:
            raise exceptions.ValidationError(
                {"state": [_("Choose one of: %(states)s") % {"states": ", ".join(MatchState.values)}]}
            )
        deposits = selectors.deposit_list(viewer=request.user, state=state or None)
        statement = request.query_params.get("statement", "")
        if statement.isdigit():
            deposits = deposits.filter(statement_id=int(statement))
        return paginated_response(
            serializer_class=DepositOutputSerializer, queryset=deposits, request=request, view=self
        )


class DepositMatchApi(APIView):
    class DepositMatchInputSerializer(serializers.Serializer):
        organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
        allocations = AllocationInputSerializer(many=True, required=False, default=list)
        bank_fee_for = serializers.IntegerField(required=False, allow_null=True, default=None)

    @extend_schema(request=DepositMatchInputSerializer, responses=DepositOutputSerializer)
    def post(self, request: AuthenticatedRequest, line_id: int) -> Response:
        require(can_manage_billing(request.user))
        line = selectors.deposit_get(viewer=request.user, pk=line_id)
        data = self.DepositMatchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deposit_match(
            actor=request.user, line=line, organization=data.validated_data["organization"],
            allocations=invoice_allocations(data.validated_data["allocations"]),
            bank_fee_for=optional_invoice(data.validated_data["bank_fee_for"]),
        )  # fmt: skip
        return Response(DepositOutputSerializer(selectors.deposit_get(viewer=request.user, pk=line_id)).data)


class DepositIgnoreApi(APIView):
    class DepositIgnoreInputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=500)

    @extend_schema(request=DepositIgnoreInputSerializer, responses=DepositOutputSerializer)
    def post(self, request: AuthenticatedRequest, line_id: int) -> Response:
        require(can_manage_billing(request.user))
        line = selectors.deposit_get(viewer=request.user, pk=line_id)
        data = self.DepositIgnoreInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deposit_ignore(actor=request.user, line=line, reason=data.validated_data["reason"])
        return Response(DepositOutputSerializer(selectors.deposit_get(viewer=request.user, pk=line_id)).data)
