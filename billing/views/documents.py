"""Document pages: an invoice's or credit note's PDF, its receipt, a resend, and a run's PDFs as one ZIP.

Member and bank users get their own organisation's documents; anyone else's answer 404 (the selector).
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from billing import selectors
from billing.permissions import can_manage_billing, can_see_own_invoices
from billing.services import documents
from clusternet.core.exceptions import ApplicationError
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedHttpRequest


@login_required
@require_GET
def invoice_pdf(request: AuthenticatedHttpRequest, invoice_id: int) -> FileResponse:
    require(can_manage_billing(request.user) or can_see_own_invoices(request.user))
    invoice = selectors.invoice_get(viewer=request.user, pk=invoice_id)
    file, filename = documents.invoice_pdf_open(invoice=invoice)
    return FileResponse(file, content_type="application/pdf", filename=filename)


@login_required
@require_GET
def invoice_receipt(request: AuthenticatedHttpRequest, invoice_id: int) -> FileResponse:
    require(can_manage_billing(request.user) or can_see_own_invoices(request.user))
    invoice = selectors.invoice_get(viewer=request.user, pk=invoice_id)
    if not documents.receipt_available(invoice):
        raise Http404
    content = io.BytesIO(documents.invoice_receipt_pdf(invoice=invoice))
    return FileResponse(content, content_type="application/pdf", filename=documents.receipt_filename(invoice))


@login_required
@require_POST
def invoice_resend(request: AuthenticatedHttpRequest, invoice_id: int) -> HttpResponse:
    require(can_manage_billing(request.user))
    invoice = selectors.invoice_get(viewer=request.user, pk=invoice_id)
    try:
        mailing = documents.invoice_resend(actor=request.user, invoice=invoice)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Sent again to %(recipients)s.") % {"recipients": mailing.recipients})
    return redirect("invoice-detail", invoice_id=invoice.pk)


@login_required
@require_GET
def invoice_run_zip(request: AuthenticatedHttpRequest, run_id: int) -> FileResponse:
    require(can_manage_billing(request.user))
    run = selectors.invoice_run_get(viewer=request.user, pk=run_id)
    # Streams the temporary file in blocks; FileResponse closes it at the end, which deletes it.
    archive = documents.invoice_run_zip(run=run)
    filename = f"invoices-{run.fiscal_year}-run{run.pk}.zip"
    return FileResponse(archive, as_attachment=True, filename=filename, content_type="application/zip")
