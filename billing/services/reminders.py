"""Payment reminders for overdue invoices: a daily job, safe to run twice or from two workers at once.

The job works in two phases, each backed by the database rather than by the job's own bookkeeping:

1. Claim. For every open invoice and the most advanced reminder step now due, a `PaymentReminder` row is
   inserted with INSERT ... ON CONFLICT DO NOTHING against the unique (invoice, step_days) constraint, so
   two runs claim each (invoice, step) once between them.
2. Send. Rows not yet sent (`sent_at` null) are taken in batches with SELECT ... FOR UPDATE SKIP LOCKED,
   mailed, and stamped in the same transaction: a concurrent run skips the rows this one holds and, once
   they commit, no longer sees them as unsent.

Only the latest due step is claimed. An invoice whose 30-day step is due without its 14-day reminder having
gone out (a step added later, the job down for a while, an invoice issued with a past due date) gets the
30-day reminder alone, not two mails on one morning; the skipped step gets no row, because a row means a
reminder that was, or is about to be, sent. Once a later step has a row, earlier steps are never claimed.

An invoice that is paid (or credited) meanwhile leaves the open statuses and so is neither claimed nor
mailed; a row claimed before the payment arrived stays unsent. A row whose organisation has no billing
contact with an email address also stays unsent, and goes out on the first run after one is recorded.
"""

import datetime
import logging
from collections import defaultdict
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from billing import fiscal
from billing.models import OPEN_INVOICE_STATUSES, BillingSettings, DocumentType, Invoice, PaymentReminder
from billing.services.invoices import billing_settings_get
from members.models import Contact

logger = logging.getLogger(__name__)

# Reminders mailed per transaction: the row locks are held while this many mails go out.
BATCH_SIZE = 500


def _open_invoices() -> QuerySet[Invoice]:
    return Invoice.objects.filter(document_type=DocumentType.INVOICE, status__in=OPEN_INVOICE_STATUSES)


def payment_reminders_claim(*, today: datetime.date, steps: Sequence[int]) -> int:
    """Inserts the reminder rows now due (see the module docstring); returns how many invoices qualified."""
    qualified = 0
    # Latest step first, so an invoice already claimed at a later step is excluded from the earlier ones.
    for step in sorted(set(steps), reverse=True):
        later_or_same = PaymentReminder.objects.filter(invoice=OuterRef("pk"), step_days__gte=step)
        invoice_ids = list(
            _open_invoices()
            .filter(due_on__lte=today - datetime.timedelta(days=step))
            .exclude(Exists(later_or_same))
            .order_by("pk")  # one lock order for concurrent inserts, so two runs cannot deadlock
            .values_list("pk", flat=True)
        )
        PaymentReminder.objects.bulk_create(
            [PaymentReminder(invoice_id=pk, step_days=step) for pk in invoice_ids],
            ignore_conflicts=True,
            batch_size=1000,
        )
        qualified += len(invoice_ids)
    return qualified


def _billing_addresses(organization_ids: set[int]) -> dict[int, list[Contact]]:
    contacts = (
        Contact.objects.active()
        .filter(organization_id__in=organization_ids, is_billing_contact=True)
        .exclude(email="")
        .order_by("organization_id", "pk")
    )
    by_organization: dict[int, list[Contact]] = defaultdict(list)
    for contact in contacts:
        by_organization[contact.organization_id].append(contact)
    return by_organization


def payment_reminder_message(
    *, reminder: PaymentReminder, contacts: Sequence[Contact], billing_settings: BillingSettings, today: datetime.date
) -> EmailMessage:
    """The reminder mail, in the association's working language: contacts have no language of their own."""
    invoice = reminder.invoice
    context = {
        "invoice": invoice,
        "contacts": contacts,
        # The days actually past, which exceed the step's when the job ran late or the row waited for an address.
        "days": (today - invoice.due_on).days if invoice.due_on else reminder.step_days,
        "amount": f"{invoice.balance:,}",
        # The account printed on the invoice; an invoice issued before it was set falls back to today's.
        "bank_account": invoice.bank_account or billing_settings.bank_account,
        "issuer_name": invoice.issuer_name or billing_settings.issuer_name,
        "issuer_phone": invoice.issuer_phone or billing_settings.issuer_phone,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("billing/email/payment_reminder_subject.txt", context).strip()
        body = render_to_string("billing/email/payment_reminder.txt", context)
    return EmailMessage(subject, body, to=[contact.email for contact in contacts])


def _send_batch(
    *, after_pk: int, billing_settings: BillingSettings, today: datetime.date
) -> tuple[int, int | None, OSError | None]:
    """Mails the next batch of unsent reminders after `after_pk`.

    Returns (sent, last pk looked at or None when there was nothing left, the mail error that stopped it).
    """
    with transaction.atomic():
        batch = list(
            PaymentReminder.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                pk__gt=after_pk,
                sent_at__isnull=True,
                invoice__document_type=DocumentType.INVOICE,
                invoice__status__in=OPEN_INVOICE_STATUSES,
            )
            .select_related("invoice__organization")
            .order_by("pk")[:BATCH_SIZE]
        )
        if not batch:
            return 0, None, None
        addresses = _billing_addresses({reminder.invoice.organization_id for reminder in batch})
        sent: list[PaymentReminder] = []
        error: OSError | None = None
        connection = get_connection()
        connection.open()
        try:
            for reminder in batch:
                contacts = addresses.get(reminder.invoice.organization_id)
                if not contacts:
                    continue
                message = payment_reminder_message(
                    reminder=reminder, contacts=contacts, billing_settings=billing_settings, today=today
                )
                try:
                    connection.send_messages([message])
                except OSError as exc:  # smtplib.SMTPException is an OSError
                    # Keep what went out (committed below) and stop: the task retries the rest later.
                    logger.warning("Payment reminder %s not sent: %s", reminder.pk, exc)
                    error = exc
                    break
                reminder.recipients = ", ".join(contact.email for contact in contacts)
                reminder.sent_at = timezone.now()
                sent.append(reminder)
        finally:
            connection.close()
        _mark_sent(sent)
    return len(sent), batch[-1].pk, error


def _mark_sent(reminders: Sequence[PaymentReminder]) -> None:
    """Stamps the batch's reminders as sent, in one UPDATE."""
    if not reminders:
        return
    if connection.vendor != "postgresql":  # the embedded SQLite of a first start
        PaymentReminder.objects.bulk_update(reminders, ["recipients", "sent_at"])
        return
    # bulk_update builds a CASE per row: at 500 rows that costs more than the mails; unnest joins arrays.
    table = connection.ops.quote_name(PaymentReminder._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS r SET recipients = v.recipients, sent_at = v.sent_at "  # noqa: S608 (model table name)
            "FROM unnest(%s::bigint[], %s::text[], %s::timestamptz[]) AS v(id, recipients, sent_at) "
            "WHERE r.id = v.id",
            [[r.pk for r in reminders], [r.recipients for r in reminders], [r.sent_at for r in reminders]],
        )


def payment_reminders_send(*, today: datetime.date | None = None) -> int:
    """The daily job: claims the reminders now due and mails every unsent one once. Returns how many went out.

    Deliberately not one transaction: claims commit first and each batch commits its mails, so a second run,
    or a run on another worker at the same time, finds them taken (see the module docstring).
    A mail server error stops the run after committing what was sent, and is raised for the task to retry.
    """
    today = today or fiscal.today()
    billing_settings = billing_settings_get()
    payment_reminders_claim(today=today, steps=billing_settings.reminder_steps or [])
    total, after_pk = 0, 0
    while True:
        sent, last_pk, error = _send_batch(after_pk=after_pk, billing_settings=billing_settings, today=today)
        total += sent
        if error is not None:
            raise error
        if last_pk is None:
            return total
        after_pk = last_pk
