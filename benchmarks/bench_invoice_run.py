"""The yearly fee invoicing at scale: `scale` active members, one fee tier, a billing contact each.

Figures:
- the run without PDFs (time, the process's peak resident memory), and the second, idempotent run;
- PostgreSQL COPY of the same invoice and line rows into scratch tables, and the run as a multiple of it;
- the run with PDFs: invoices issued here, PDFs rendered, stored and mailed by a real Celery worker
  (2 processes, Redis db 14) started for the purpose; timed until the last PDF is stored.

Runnable through benchmarks/run.py (`--only invoice_run`).
"""

import datetime
import io
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BROKER = "redis://127.0.0.1:6379/14"


def _load(scale: int) -> None:
    from members.models import Contact, FeeTier, Membership, MembershipStatus, Organization, OrganizationKind

    FeeTier.objects.create(name="中小企業", organization_kind=OrganizationKind.FIRM, annual_fee=70_000, priority=20)
    organizations = Organization.objects.bulk_create(
        Organization(
            kind=OrganizationKind.FIRM, name=f"ベンチ工業{n:05d}株式会社", name_kana=f"ベンチコウギョウ{n:05d}",
            prefecture="13", city="八王子市", address_line=f"{n}-1", postal_code="192-0001", capital=30_000_000,
            search_key=f"ベンチ工業{n:05d}",
        )
        for n in range(scale)
    )  # fmt: skip
    Contact.objects.bulk_create(
        Contact(organization=o, name="経理 担当", email=f"billing{o.pk}@example.jp", is_billing_contact=True)
        for o in organizations
    )
    Membership.objects.bulk_create(
        Membership(
            organization=o, status=MembershipStatus.ACTIVE, applied_on=datetime.date(2020, 3, 1),
            joined_on=datetime.date(2020, 4, 1),
        )
        for o in organizations
    )  # fmt: skip


def _timed_run(fiscal_year: int, as_of: datetime.date, *, with_pdfs: bool):
    from billing.models import InvoiceRun
    from billing.services.runs import invoice_run_execute

    run = InvoiceRun.objects.create(fiscal_year=fiscal_year, as_of=as_of, with_pdfs=with_pdfs)
    started = time.perf_counter()
    run = invoice_run_execute(run_id=run.pk)
    elapsed = time.perf_counter() - started
    # The process's peak resident memory so far (kilobytes on Linux); tracemalloc would slow the run itself.
    return run, elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _copy_seconds(fiscal_year: int) -> float:
    """COPY the run's invoice and line rows, already in memory, into scratch copies of the tables."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE copy_invoice (LIKE billing_invoice INCLUDING DEFAULTS)")
        cursor.execute("CREATE TEMP TABLE copy_line (LIKE billing_invoiceline INCLUDING DEFAULTS)")
        buffers = {}
        for table, query in (
            ("copy_invoice", "SELECT * FROM billing_invoice WHERE fiscal_year = %s"),
            ("copy_line", "SELECT l.* FROM billing_invoiceline l JOIN billing_invoice i ON i.id = l.invoice_id "
             "WHERE i.fiscal_year = %s"),
        ):  # fmt: skip
            buffer = io.BytesIO()
            with cursor.copy(f"COPY ({query}) TO STDOUT", [fiscal_year]) as copy:
                for data in copy:
                    buffer.write(data)
            buffers[table] = buffer.getvalue()
        started = time.perf_counter()
        for table, data in buffers.items():
            with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                copy.write(data)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE copy_invoice, copy_line")
    return elapsed


def _start_worker() -> subprocess.Popen[bytes]:
    # The runner set DATABASE_URL to the benchmark database; the worker reads the same settings.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "clusternet.settings.test", "REDIS_URL": BROKER}
    command = [
        str(Path(sys.executable).parent / "celery"), "-A", "clusternet", "worker", "-c", "2", "-l", "WARNING",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    return subprocess.Popen(  # noqa: S603 - a fixed command line
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _run_with_pdfs(fiscal_year: int, as_of: datetime.date) -> tuple[float, int]:
    from billing.models import Invoice, InvoiceRun
    from clusternet.celery import app

    app.conf.task_always_eager = False
    app.conf.broker_url = BROKER
    app.conf.result_backend = BROKER
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge("celery")
    worker = _start_worker()
    try:
        time.sleep(3)  # the worker's start-up is not part of the run
        started = time.perf_counter()
        run, _elapsed, _peak = _timed_run(fiscal_year, as_of, with_pdfs=True)
        while InvoiceRun.objects.get(pk=run.pk).rendered_count < run.created_count:
            if time.perf_counter() - started > 900:
                raise RuntimeError("PDFs not rendered within 15 minutes")
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        mailed = Invoice.objects.filter(run=run, mailed_at__isnull=False).count()
    finally:
        worker.terminate()
        worker.wait(30)
        app.conf.task_always_eager = True
    return elapsed, mailed


def run(scale: int) -> list[tuple[str, float, str]]:
    _load(scale)
    as_of = datetime.date(2026, 11, 20)
    first, first_seconds, first_peak = _timed_run(2026, as_of, with_pdfs=False)
    assert first.created_count == scale, first.created_count
    second, second_seconds, _ = _timed_run(2026, as_of, with_pdfs=False)
    assert (second.created_count, second.existing_count) == (0, scale)
    copy_seconds = _copy_seconds(2026)
    pdf_seconds, mailed = _run_with_pdfs(2027, datetime.date(2027, 4, 1))
    return [
        ("run without PDFs", first_seconds, "s"),
        ("peak resident memory of the process after the run", first_peak, "MiB"),
        ("second run (nothing to bill)", second_seconds, "s"),
        ("COPY of the same invoice and line rows", copy_seconds, "s"),
        ("run as a multiple of COPY", first_seconds / copy_seconds, "x"),
        ("run with PDFs, rendered and mailed by a 2-process worker", pdf_seconds, "s"),
        ("invoices mailed with their PDF", mailed, "invoices"),
    ]
