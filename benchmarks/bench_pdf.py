"""Invoice PDFs: the cost of rendering, storing and mailing one-page invoices, and what that makes of 10,000.

Issues min(scale, 1,000) one-page membership-fee invoices three times over (to varied organisations from
the organisation-list benchmark's generator, each with a billing contact), then times in this process:

- rendering alone (`billing.pdf.invoice_pdf`, lines prefetched, nothing written): median, p95, mean;
- rendering and storing (`invoice_pdf_store`: row lock, file written, column updated);
- the whole document step of the yearly run (`invoices_documents_send` in chunks of 200: render, store,
  mail with the PDF attached through Django's in-memory mail backend, record the mailing);

and the document step again in 2 processes at once (the 2-core machine's two Celery worker processes),
with its wall time extrapolated to 10,000 invoices. Files go to a temporary MEDIA_ROOT, removed at the end.

Runnable through benchmarks/run.py (`--only pdf`).
"""

import multiprocessing
import statistics
import tempfile
import time

SAMPLE = 1_000
CHUNK = 200
TARGET = 10_000


def _issue(count: int, offset: int) -> list[int]:
    """`count` issued one-page fee invoices for organisations numbered from `offset`; their ids."""
    from django.db.models import Prefetch

    from benchmarks.bench_organization_list import load_organizations
    from billing.models import InvoiceKind
    from billing.services.invoices import InvoiceSpec, LineSpec, invoices_issue_new
    from members.models import Contact, Organization

    load_organizations(offset, offset + count)
    organizations = Organization.objects.order_by("pk")[offset : offset + count].prefetch_related(
        Prefetch(
            "contacts", queryset=Contact.objects.active().filter(is_billing_contact=True), to_attr="billing_contacts"
        )
    )
    specs = [
        InvoiceSpec(
            organization=organization,
            lines=[LineSpec("2026年度 年会費（中小企業）", 70_000)],
            reference=f"bench-pdf:{organization.pk}",
            kind=InvoiceKind.MEMBERSHIP_FEE,
        )
        for organization in organizations
    ]
    ids: list[int] = []
    for start in range(0, len(specs), CHUNK):
        created, _existing = invoices_issue_new(actor=None, specs=specs[start : start + CHUNK], fiscal_year=2026)
        ids += [invoice.pk for invoice in created]
    return ids


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]


def _send_chunk(ids: list[int]) -> int:
    from django.core import mail

    from billing.services.documents import invoices_documents_send

    mailed = invoices_documents_send(invoice_ids=ids)
    mail.outbox = []  # the in-memory backend keeps every message; a worker would not
    return mailed


def _render_times(ids: list[int]) -> tuple[list[float], list[int]]:
    from billing import pdf
    from billing.models import Invoice

    invoices = list(Invoice.objects.filter(pk__in=ids).select_related("credit_note_for").prefetch_related("lines"))
    pdf.invoice_pdf(invoices[0])  # the font is parsed once per process, not per invoice
    times, sizes = [], []
    for invoice in invoices:
        started = time.perf_counter()
        content = pdf.invoice_pdf(invoice)
        times.append((time.perf_counter() - started) * 1000)
        sizes.append(len(content))
    return times, sizes


def _store_ms(ids: list[int]) -> float:
    from billing.models import Invoice
    from billing.services.documents import invoice_pdf_store

    invoices = list(Invoice.objects.filter(pk__in=ids).select_related("credit_note_for").prefetch_related("lines"))
    started = time.perf_counter()
    for invoice in invoices:
        invoice_pdf_store(invoice=invoice)
    return (time.perf_counter() - started) * 1000 / len(invoices)


def _send_ms(ids: list[int]) -> float:
    started = time.perf_counter()
    mailed = sum(_send_chunk(chunk) for chunk in _chunks(ids))
    if mailed != len(ids):
        raise RuntimeError(f"{mailed} of {len(ids)} invoices mailed")
    return (time.perf_counter() - started) * 1000 / len(ids)


def _send_in_two_processes(ids: list[int]) -> float:
    """Wall seconds for two forked processes sharing the chunks, as two Celery worker processes would."""
    from django.db import connections

    connections.close_all()  # each child opens its own connection
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        mailed = sum(pool.map(_send_chunk, _chunks(ids), chunksize=1))
    elapsed = time.perf_counter() - started
    if mailed != len(ids):
        raise RuntimeError(f"{mailed} of {len(ids)} invoices mailed")
    return elapsed


def run(scale: int) -> list[tuple[str, float, str]]:
    from django.test import override_settings

    from billing.services.invoices import billing_settings_update

    count = min(scale, SAMPLE)
    billing_settings_update(
        actor=None,
        data={
            "issuer_name": "一般社団法人 多摩産業クラスター協会",
            "issuer_postal_code": "190-0012",
            "issuer_address": "東京都立川市曙町2-34-7 ファーレ立川センタースクエア5階",
            "issuer_phone": "042-000-0000",
            "registration_number": "T9234567890123",
            "bank_account": "多摩信用金庫 立川支店 普通 1234567\n口座名義 シヤ）タマサンギヨウクラスタ-キヨウカイ",
        },
    )
    rendered, sent, parallel = _issue(count, 0), _issue(count, count), _issue(count, 2 * count)

    with (
        tempfile.TemporaryDirectory(prefix="bench-pdf-") as media,
        override_settings(MEDIA_ROOT=media, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
    ):
        times, sizes = _render_times(rendered)
        store_ms = _store_ms(rendered)
        send_ms = _send_ms(sent)
        two_process_seconds = _send_in_two_processes(parallel)

    render_ms = statistics.mean(times)
    return [
        (f"render a one-page invoice (1 process, {count:,} invoices): median", statistics.median(times), "ms"),
        ("render a one-page invoice: p95", statistics.quantiles(times, n=100, method="inclusive")[94], "ms"),
        ("render a one-page invoice: mean", render_ms, "ms"),
        ("PDF size: mean", statistics.mean(sizes) / 1024, "KiB"),
        ("render + store (invoice_pdf_store): mean", store_ms, "ms"),
        (f"render + store + mail (invoices_documents_send, chunks of {CHUNK}): mean", send_ms, "ms"),
        (f"{TARGET:,} invoices rendered, 2 processes (extrapolated from render alone)", render_ms * TARGET / 2 / 1000,
         "s"),
        (f"{TARGET:,} invoices rendered, stored and mailed, 2 processes (extrapolated from 1 process)",
         send_ms * TARGET / 2 / 1000, "s"),
        (f"{count:,} invoices rendered, stored and mailed by 2 processes at once: wall", two_process_seconds, "s"),
        (f"{TARGET:,} invoices rendered, stored and mailed, 2 processes (extrapolated from the 2-process wall)",
         two_process_seconds * TARGET / count, "s"),
    ]  # fmt: skip
