"""Bank reconciliation at scale: a `scale`-line Zengin statement against `scale` members' open invoices.

`scale` active members, each with one open membership-fee invoice (issued through invoices_issue_new in
batches of 500); 3% of them also have a second open invoice of the same amount (an event fee). The bank
file is a 振込入金通知 (01) of `scale` deposits, 200-byte cp932 records with CR LF:

- 85%: the organisation's kana as the bank writes it, half-width with a company abbreviation (ｶ)ﾀﾏ...,
  small kana written full-size), paying its invoice to the yen → allocated automatically;
- 5%: a person's name the register does not know, with the invoice number in the EDI field → automatic;
- 4%: the kana, short by a ¥660 bank fee → queued with a short-payment suggestion;
- 3%: the kana of a member with two open invoices of that amount → queued, never guessed;
- 3%: an unknown payer and no number → queued.

Figures: parsing alone; the import (parse, dedupe, payments, lines, matching, allocations, history, in one
transaction) with its queries; the counts; the same file again (recognised by its SHA-256, nothing
written); a next day's file that repeats every deposit and adds 1% new ones (dedupe by 照会番号).

Runnable through benchmarks/run.py (`--only reconciliation`).
"""

import datetime
import time

BATCH = 500
# Katakana syllables to spell `scale` distinct names: three of them give 41**3 = 68,921.
SYLLABLES = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ"
WORDS = ["セイミツ", "コウギョウ", "デンキ", "ギケン", "キャリア", "セイサクショ", "システム", "ファーム"]
FEE = 70_000
SHORT_BY = 660
DEPOSIT_DAY = datetime.date(2026, 5, 20)
FILE_DAY = datetime.date(2026, 5, 21)


def spelled(n: int) -> str:
    base = len(SYLLABLES)
    return SYLLABLES[n // base // base % base] + SYLLABLES[n // base % base] + SYLLABLES[n % base]


def _load(scale: int):  # type: ignore[no-untyped-def]
    """Members and their open invoices; returns the membership-fee invoices and the set with a twin."""
    from billing.services.invoices import InvoiceSpec, LineSpec, invoices_issue_new
    from members.models import Membership, MembershipStatus, Organization, OrganizationKind

    organizations = Organization.objects.bulk_create(
        Organization(
            kind=OrganizationKind.FIRM, name=f"照合{spelled(n)}{n:05d}株式会社",
            name_kana=f"タマ{spelled(n)}{WORDS[n % len(WORDS)]}", prefecture="13", city="八王子市",
            search_key=f"照合{n:05d}",
        )
        for n in range(scale)
    )  # fmt: skip
    Membership.objects.bulk_create(
        Membership(
            organization=o, status=MembershipStatus.ACTIVE, applied_on=datetime.date(2020, 3, 1),
            joined_on=datetime.date(2020, 4, 1),
        )
        for o in organizations
    )  # fmt: skip
    twins = set(range(0, scale, 33))  # 3%: a second open invoice of the same amount
    specs = [
        InvoiceSpec(organization=o, lines=[LineSpec("2026年度 年会費", FEE)], reference=f"bench-fee:{o.pk}")
        for o in organizations
    ]
    specs += [
        InvoiceSpec(organization=organizations[n], lines=[LineSpec("研究会 参加費", FEE)], reference=f"bench-event:{n}")
        for n in sorted(twins)
    ]
    invoices = []
    for start in range(0, len(specs), BATCH):
        created, _existing = invoices_issue_new(actor=None, specs=specs[start : start + BATCH], fiscal_year=2026)
        invoices.extend(created)
    return invoices[:scale], twins


def _entries(scale: int, invoices, twins):  # type: ignore[no-untyped-def]
    from tests.billing.zengin import Entry, bank_kana

    entries, expected_auto = [], 0
    for n, invoice in enumerate(invoices):
        kana = f"ｶ){bank_kana(invoice.organization.name_kana)}"
        kind = n % 100
        if n in twins:
            entry = Entry(FEE, kana)  # two invoices fit: queued
        elif kind < 85:
            entry, expected_auto = Entry(FEE, kana), expected_auto + 1
        elif kind < 90:
            entry, expected_auto = Entry(FEE, f"ﾔﾏﾀﾞ ﾀﾛｳ{n}", edi_info=invoice.number), expected_auto + 1
        elif kind < 94:
            entry = Entry(FEE - SHORT_BY, kana)
        else:
            entry = Entry(FEE, f"ｽｽﾞｷ ﾊﾅｺ{n}")
        entries.append(Entry(entry.amount, entry.payer_name, on=DEPOSIT_DAY, inquiry_number=n + 1,
                             edi_info=entry.edi_info))  # fmt: skip
    return entries, expected_auto


def _timed(function):  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - started
    return result, elapsed, len(queries)


def run(scale: int = 10_000) -> list[tuple[str, float, str]]:
    from django.db.models import F

    from billing.models import Allocation, BankStatementLine, MatchState, Payment
    from billing.services.statements import bank_statement_import
    from billing.statements import parse_statement
    from members.models import Role, User
    from tests.billing.zengin import Entry, zengin_file

    actor = User.objects.create(username="bench-reconciliation", role=Role.SECRETARIAT)
    started = time.perf_counter()
    invoices, twins = _load(scale)
    load_seconds = time.perf_counter() - started
    entries, expected_auto = _entries(scale, invoices, twins)
    content = zengin_file(entries, created_on=FILE_DAY)

    started = time.perf_counter()
    parsed = parse_statement(content, today=FILE_DAY)
    parse_seconds = time.perf_counter() - started
    if len(parsed.deposits) != scale:
        raise RuntimeError(f"parsed {len(parsed.deposits)} deposits, expected {scale}")

    statement, import_seconds, import_queries = _timed(
        lambda: bank_statement_import(actor=actor, filename="nyukin-0521.txt", content=content)
    )
    automatic = Allocation.objects.filter(automatic=True).count()
    queued = BankStatementLine.objects.filter(state=MatchState.QUEUED).count()
    if statement.auto_allocated_count != expected_auto or automatic != expected_auto or queued != scale - expected_auto:
        raise RuntimeError(f"unexpected reconciliation: {statement.auto_allocated_count} auto, {queued} queued")
    wrong = Allocation.objects.exclude(payment__organization_id=F("invoice__organization_id")).count()
    if wrong:
        raise RuntimeError(f"{wrong} deposits allocated to another organisation's invoice")

    payments_before = Payment.objects.count()
    again, again_seconds, again_queries = _timed(
        lambda: bank_statement_import(actor=actor, filename="nyukin-0521-copy.txt", content=content)
    )
    if not getattr(again, "already_imported", False) or Payment.objects.count() != payments_before:
        raise RuntimeError("the same file again created something")

    extra = scale // 100
    next_day = [
        *entries,
        *(Entry(5_500, f"ｼﾝｷ ﾆﾕｳｷﾝ{i}", on=FILE_DAY, inquiry_number=scale + i + 1) for i in range(extra)),
    ]
    overlap, overlap_seconds, _queries = _timed(
        lambda: bank_statement_import(
            actor=actor, filename="nyukin-0522.txt", content=zengin_file(next_day, created_on=FILE_DAY)
        )
    )
    if (overlap.duplicate_count, overlap.new_count) != (scale, extra):
        raise RuntimeError(f"overlap: {overlap.duplicate_count} duplicates, {overlap.new_count} new")

    label = f"{scale:,}-line Zengin statement"
    return [
        (f"reconciliation: load {scale:,} members and their open invoices", load_seconds, "s"),
        (f"{label}: file size", len(content) / 1_000_000, "MB"),
        (f"{label}: parse only", parse_seconds, "s"),
        (f"{label}: import + reconcile", import_seconds, "s"),
        (f"{label}: import + reconcile, queries", import_queries, "queries"),
        (f"{label}: deposits per second", scale / import_seconds, "deposits/s"),
        (f"{label}: matched automatically", statement.auto_allocated_count, f"of {scale:,}"),
        (f"{label}: queued for staff", statement.queued_count, f"of {scale:,}"),
        (f"{label}: same file again (nothing written)", again_seconds, "s"),
        (f"{label}: same file again, queries", again_queries, "queries"),
        (f"{label}: next day's file, {extra:,} new + {scale:,} known", overlap_seconds, "s"),
    ]
