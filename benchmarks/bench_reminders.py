"""The daily payment reminders at scale: `scale` overdue invoices, each organisation with a billing contact.

Figures:
- the first run: claims one reminder per invoice and mails them all (time, queries);
- the second run the same day: finds everything sent and mails nothing;
- two runs at once (two threads, two database connections) on a fresh set of reminders: each mail once.

Mails go to Django's in-memory backend (the test settings), so the times are the job's own work (queries,
templates, row locks) without a mail server's latency.

Runnable through benchmarks/run.py (`--only reminders`).
"""

import datetime
import threading
import time

CHUNK = 1_000


def _load(scale: int) -> None:
    """`scale` firms with a billing contact, each with one membership-fee invoice 20 days overdue."""
    from billing.fiscal import fiscal_year_of, today
    from billing.services.invoices import InvoiceSpec, LineSpec, billing_settings_update, invoices_issue_new
    from members.models import Contact, Organization, OrganizationKind

    billing_settings_update(
        actor=None,
        data={
            "issuer_name": "一般社団法人 ベンチ協会",
            "bank_account": "ベンチ銀行 本店 普通 1234567",
            "reminder_steps": [14, 30],
        },
    )
    organizations = Organization.objects.bulk_create(
        Organization(
            kind=OrganizationKind.FIRM, name=f"督促工業{n:05d}株式会社", name_kana=f"トクソクコウギョウ{n:05d}",
            prefecture="13", city="八王子市", address_line=f"{n}-1", postal_code="192-0001", search_key=f"督促{n:05d}",
        )
        for n in range(scale)
    )  # fmt: skip
    Contact.objects.bulk_create(
        Contact(organization=o, name="経理 担当", email=f"billing{o.pk}@example.jp", is_billing_contact=True)
        for o in organizations
    )
    issued_on = today() - datetime.timedelta(days=50)
    due_on = today() - datetime.timedelta(days=20)
    for start in range(0, scale, CHUNK):
        specs = [
            InvoiceSpec(
                organization=o, lines=[LineSpec("年会費", 70_000)], reference=f"bench-reminder:{o.pk}", due_on=due_on
            )
            for o in organizations[start : start + CHUNK]
        ]
        invoices_issue_new(actor=None, specs=specs, fiscal_year=fiscal_year_of(issued_on), issued_on=issued_on)


def _timed(function):  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - started
    return result, elapsed, len(queries)


def _two_at_once() -> tuple[list[int], float]:
    from django.db import connection

    from billing.services.reminders import payment_reminders_send

    results: list[int] = []
    start = threading.Barrier(2)

    def worker() -> None:
        try:
            start.wait()
            results.append(payment_reminders_send())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def run(scale: int = 10_000) -> list[tuple[str, float, str]]:
    from django.core import mail

    from billing.models import PaymentReminder
    from billing.services.reminders import payment_reminders_send

    _load(scale)
    mail.outbox = []

    sent, first, first_queries = _timed(payment_reminders_send)
    mails = len(mail.outbox)
    again, second, second_queries = _timed(payment_reminders_send)
    mails_again = len(mail.outbox) - mails

    # A fresh set of reminders to send (a scratch database: the rows can go), then two runs at once.
    PaymentReminder.objects.all().delete()
    mail.outbox = []
    results, both = _two_at_once()
    recipients = [message.to[0] for message in mail.outbox]

    return [
        (f"reminder job, {scale:,} overdue invoices: first run", first, "s"),
        ("first run: reminders mailed", sent, f"of {scale:,}"),
        ("first run: mails in the outbox", mails, "mails"),
        ("first run: throughput", sent / first if first else 0, "mails/s"),
        ("first run: queries", first_queries, "queries"),
        ("second run the same day", second, "s"),
        ("second run: reminders mailed", again + mails_again, "mails"),
        ("second run: queries", second_queries, "queries"),
        ("two runs at once (threads): time", both, "s"),
        ("two runs at once: mails sent by each", min(results), f"and {max(results):,}"),
        ("two runs at once: mails in total", len(recipients), f"of {scale:,}"),
        ("two runs at once: organisations mailed twice", len(recipients) - len(set(recipients)), "organisations"),
    ]
