"""The documents of an invoice: its PDF rendered once and kept, mailed once to the billing contacts, resent
when staff ask, and a run's PDFs as one ZIP.

Mailing is guarded by `Invoice.mailed_at`, read and set under the invoice's row lock in the transaction that
sends, so a task that runs twice (a retry, a duplicate delivery) mails nobody twice.
"""

import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F, Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from billing import pdf
from billing.models import Invoice, InvoiceMailing, InvoiceRun, InvoiceStatus
from billing.services.invoices import billing_settings_get, issuer_snapshot, recipient_snapshot
from clusternet.core.exceptions import ApplicationError
from members.models import Contact, User

# The documents that go out: issued, whether paid or not; never a draft or a voided one.
UNSENDABLE_STATUSES = (InvoiceStatus.DRAFT, InvoiceStatus.VOID)
# What the ZIP's entry names may not contain (path separators, characters Windows refuses).
UNSAFE_IN_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def _mail_recipients_prefetch() -> Prefetch:
    """The organisation's active billing contacts that have an email address, as `mail_recipients`."""
    contacts = Contact.objects.active().filter(is_billing_contact=True).exclude(email="").order_by("pk")
    return Prefetch("organization__contacts", queryset=contacts, to_attr="mail_recipients")


def _documents_queryset() -> QuerySet[Invoice]:
    """Invoices with all a document and its mail need, in a constant number of queries however many."""
    return Invoice.objects.select_related("organization", "credit_note_for").prefetch_related(
        "lines", _mail_recipients_prefetch()
    )


def _mail_recipients(invoice: Invoice) -> list[Contact]:
    return list(invoice.organization.mail_recipients)  # type: ignore[attr-defined]


def pdf_filename(invoice: Invoice) -> str:
    return f"{invoice.number}.pdf" if invoice.number else f"draft-{invoice.pk}.pdf"


def receipt_filename(invoice: Invoice) -> str:
    return f"receipt-{invoice.number}.pdf"


def _render_and_keep(invoice: Invoice) -> bytes:
    """Renders the PDF and saves the file; the caller holds the row lock and writes the column."""
    content = pdf.invoice_pdf(invoice)
    invoice.pdf.save(pdf_filename(invoice), ContentFile(content), save=False)
    return content


def _count_rendered(invoice: Invoice) -> None:
    # Last in its transaction, so the run's row is locked only for the moment before the commit.
    if invoice.run_id:
        InvoiceRun.objects.filter(pk=invoice.run_id).update(rendered_count=F("rendered_count") + 1)


def _lock(invoice: Invoice) -> None:
    """Locks the invoice's row and refreshes from it what a concurrent task may have changed."""
    row = Invoice.objects.select_for_update().values("status", "pdf", "mailed_at").get(pk=invoice.pk)
    invoice.status, invoice.pdf.name, invoice.mailed_at = row["status"], row["pdf"], row["mailed_at"]


def invoice_pdf_store(*, invoice: Invoice) -> None:
    """Renders an issued invoice's PDF once and keeps it in `invoice.pdf`; does nothing if it is kept already.

    The database lets the pdf column of an issued invoice change (migration 0002); what the PDF shows is the
    frozen snapshot, so the file never needs rendering again.
    """
    if invoice.pdf:
        return
    if not invoice.number:
        raise ApplicationError(_("A draft has no PDF to keep; it gets one when it is issued."))
    with transaction.atomic():
        _lock(invoice)
        if invoice.pdf:
            return
        _render_and_keep(invoice)
        Invoice.objects.filter(pk=invoice.pk).update(pdf=invoice.pdf.name)
        _count_rendered(invoice)


def _open_stored(invoice: Invoice) -> File[bytes]:
    name = invoice.pdf.name
    if not name:
        raise ValueError(f"invoice {invoice.pk} has no stored PDF")
    return invoice.pdf.storage.open(name, "rb")


def _stored_content(invoice: Invoice) -> bytes:
    with _open_stored(invoice) as stored:
        return stored.read()


def _send(
    invoice: Invoice,
    contacts: Sequence[Contact],
    content: bytes,
    *,
    is_resend: bool,
    connection: BaseEmailBackend | None = None,
) -> None:
    context = {
        "invoice": invoice,
        "names": "、".join(contact.name for contact in contacts),
        "total": pdf.yen(invoice.total),
        "due": pdf.japanese_date(invoice.due_on),
        "original": invoice.credit_note_for.number if invoice.credit_note_for else "",
        "is_resend": is_resend,
    }
    # Contacts have no language of their own: the association's working language, like the documents.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("billing/email/invoice_subject.txt", context).strip()
        body = render_to_string("billing/email/invoice.txt", context)
    message = EmailMessage(subject, body, to=[contact.email for contact in contacts], connection=connection)
    message.attach(pdf_filename(invoice), content, "application/pdf")
    message.send()


def _send_first(invoice: Invoice, connection: BaseEmailBackend) -> bool:
    """Stores the PDF and mails it unless mailed before; one transaction holding the invoice's row lock."""
    with transaction.atomic():
        _lock(invoice)
        if invoice.status in UNSENDABLE_STATUSES:
            return False
        changes: dict[str, object] = {}
        rendered = not invoice.pdf
        content = _render_and_keep(invoice) if rendered else None
        if rendered:
            changes["pdf"] = invoice.pdf.name
        contacts = _mail_recipients(invoice)
        # No billing contact with an email: nothing is sent or recorded, and staff see the invoice as not mailed.
        mail = invoice.mailed_at is None and bool(contacts)
        if mail:
            content = content or _stored_content(invoice)
            _send(invoice, contacts, content, is_resend=False, connection=connection)
            changes["mailed_at"] = timezone.now()
            InvoiceMailing.objects.create(
                invoice=invoice, recipients=", ".join(c.email for c in contacts), is_resend=False
            )
        if changes:
            Invoice.objects.filter(pk=invoice.pk).update(**changes)
        if rendered:
            _count_rendered(invoice)
    return mail


def invoices_documents_send(*, invoice_ids: list[int]) -> int:
    """For each issued invoice among `invoice_ids`: keeps its PDF and mails it once to the organisation's
    billing contacts. Returns how many invoices were mailed now.

    Safe to run twice and concurrently. Reads the whole chunk in three queries; then, per invoice, one short
    transaction (lock, store, mail, record), so a failure midway loses nothing already sent.
    """
    invoices = list(_documents_queryset().filter(pk__in=invoice_ids).exclude(status__in=UNSENDABLE_STATUSES))
    mailed = 0
    # One SMTP connection for the chunk rather than one per message.
    with get_connection() as connection:
        for invoice in sorted(invoices, key=lambda i: i.pk):
            mailed += _send_first(invoice, connection)
    return mailed


@transaction.atomic
def invoice_resend(*, actor: User | None, invoice: Invoice) -> InvoiceMailing:
    """Mails the invoice again to its billing contacts, on a staff member's explicit request."""
    invoice = _documents_queryset().get(pk=invoice.pk)
    _lock(invoice)
    if invoice.status == InvoiceStatus.DRAFT:
        raise ApplicationError(_("A draft cannot be sent; issue it first."))
    if invoice.status == InvoiceStatus.VOID:
        raise ApplicationError(_("Invoice %(number)s is void and is not sent again.") % {"number": invoice.number})
    contacts = _mail_recipients(invoice)
    if not contacts:
        raise ApplicationError(
            _("%(organization)s has no billing contact with an email address; add one, then send again.")
            % {"organization": invoice.organization.name}
        )
    if invoice.pdf:
        content = _stored_content(invoice)
    else:
        content = _render_and_keep(invoice)
        Invoice.objects.filter(pk=invoice.pk).update(pdf=invoice.pdf.name)
        _count_rendered(invoice)
    _send(invoice, contacts, content, is_resend=True)
    mailing = InvoiceMailing.objects.create(
        invoice=invoice, recipients=", ".join(c.email for c in contacts), is_resend=True, sent_by=actor
    )
    if invoice.mailed_at is None:
        # Sent at last (a billing contact was added since the run): no longer listed as not mailed.
        Invoice.objects.filter(pk=invoice.pk).update(mailed_at=mailing.sent_at)
    return mailing


def invoice_pdf_open(*, invoice: Invoice) -> tuple[IO[bytes], str]:
    """The PDF to hand to a browser and its file name: the kept one of an issued invoice (kept now if it
    was not yet); for a draft, a preview with today's recipient and issuer, never stored."""
    if invoice.number:
        invoice_pdf_store(invoice=invoice)
        return _open_stored(invoice), pdf_filename(invoice)
    preview = _documents_queryset().get(pk=invoice.pk)
    for name, value in {**recipient_snapshot(preview.organization), **issuer_snapshot(billing_settings_get())}.items():
        setattr(preview, name, value)
    return io.BytesIO(pdf.invoice_pdf(preview)), pdf_filename(invoice)


def receipt_available(invoice: Invoice) -> bool:
    """A receipt exists for an invoice (not a credit note) on which money has been received."""
    return not invoice.is_credit_note and invoice.number is not None and invoice.amount_paid > 0


def invoice_receipt_pdf(*, invoice: Invoice) -> bytes:
    """The receipt (領収書) for what has been paid on the invoice so far; rendered each time, since it grows
    with each payment."""
    if not receipt_available(invoice):
        raise ApplicationError(_("Nothing has been paid on this invoice, so there is no receipt."))
    invoice = Invoice.objects.prefetch_related("lines").get(pk=invoice.pk)
    return pdf.receipt_pdf(invoice)


def zip_entry_name(invoice: Invoice) -> str:
    name = invoice.recipient_name or invoice.organization.name
    return f"{invoice.number}_{UNSAFE_IN_FILENAME.sub('_', name).strip()}.pdf"


def invoice_run_zip(*, run: InvoiceRun) -> IO[bytes]:
    """Every PDF of the run's invoices in one ZIP, rendering those not kept yet. Built in an anonymous
    temporary file, not in memory (10,000 PDFs are several hundred MB); closing it deletes it."""
    invoices = (
        Invoice.objects.filter(run=run, number__isnull=False)
        .select_related("organization", "credit_note_for")
        .prefetch_related("lines")
        .order_by("sequence", "pk")
    )
    archive = tempfile.TemporaryFile(suffix=".zip")  # noqa: SIM115 - returned open; the caller closes it
    try:
        # Stored, not deflated: a PDF's streams are compressed already.
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as bundle:
            for invoice in invoices.iterator(chunk_size=500):
                invoice_pdf_store(invoice=invoice)
                with (
                    _open_stored(invoice) as source,
                    bundle.open(zip_entry_name(invoice), "w") as target,
                ):
                    shutil.copyfileobj(source, target)
    except BaseException:
        archive.close()
        raise
    archive.seek(0)
    return archive
