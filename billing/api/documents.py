"""Documents through the API: the PDF of an invoice or credit note, its receipt, a resend, a run's ZIP.

Member and bank users get their own organisation's PDFs and receipts; anyone else's answer 404.
"""

import io

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from billing import selectors
from billing.permissions import can_manage_billing, can_see_own_invoices
from billing.services import documents
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedRequest

PDF_RESPONSE = {(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF.")}


class InvoicePdfApi(APIView):
    """The invoice or credit note as PDF, as it was issued (a draft: a preview)."""

    @extend_schema(responses=PDF_RESPONSE)
    def get(self, request: AuthenticatedRequest, invoice_id: int) -> FileResponse:
        require(can_manage_billing(request.user) or can_see_own_invoices(request.user))
        invoice = selectors.invoice_get(viewer=request.user, pk=invoice_id)
        file, filename = documents.invoice_pdf_open(invoice=invoice)
        return FileResponse(file, content_type="application/pdf", filename=filename)


class InvoiceReceiptApi(APIView):
    """The receipt (領収書) for what has been paid on the invoice; 404 while nothing is."""

    @extend_schema(responses=PDF_RESPONSE)
    def get(self, request: AuthenticatedRequest, invoice_id: int) -> FileResponse:
        require(can_manage_billing(request.user) or can_see_own_invoices(request.user))
        invoice = selectors.invoice_get(viewer=request.user, pk=invoice_id)
        if not documents.receipt_available(invoice):
            raise Http404
        content = io.BytesIO(documents.invoice_receipt_pdf(invoice=invoice))
        return FileResponse(content, content_type="application/pdf", filename=documents.receipt_filename(invoice))


class InvoiceResendApi(APIView):
    """Mails the invoice again to the organisation's billing contacts."""

    class InvoiceMailingOutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        invoice = serializers.IntegerField(source="invoice_id")
        recipients = serializers.CharField()
        is_resend = serializers.BooleanField()
        sent_at = serializers.DateTimeField()

    @extend_schema(request=None, responses=InvoiceMailingOutputSerializer)
    def post(self, request: AuthenticatedRequest, invoice_id: int) -> Response:
        require(can_manage_billing(request.user))
        invoice = selectors.invoice_get(viewer=request.user, pk=invoice_id)
        mailing = documents.invoice_resend(actor=request.user, invoice=invoice)
        return Response(self.InvoiceMailingOutputSerializer(mailing).data)


class InvoiceRunZipApi(APIView):
    """Every PDF of a run's invoices in one ZIP, streamed."""

    @extend_schema(responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="The ZIP.")})
    def get(self, request: AuthenticatedRequest, run_id: int) -> FileResponse:
        require(can_manage_billing(request.user))
        run = selectors.invoice_run_get(viewer=request.user, pk=run_id)
        archive = documents.invoice_run_zip(run=run)
        filename = f"invoices-{run.fiscal_year}-run{run.pk}.zip"
        return FileResponse(archive, as_attachment=True, filename=filename, content_type="application/zip")
