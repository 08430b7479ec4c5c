"""Builds Zengin (全銀協) bank files for tests and the benchmark: 200-byte cp932 records, valid unless told.

The layouts are those documented in billing/statements.py. Dates are written in the Japanese era (令和)
by default, as the standard says; `western=True` writes the two-digit Western year some banks use.
"""

import datetime
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

RECORD = 200

# Full-width katakana to the half-width forms banks write: every half-width character and its voiced
# forms, read back through NFKC. The bank has no small kana, so ャ is written ﾔ.
_HALF = [chr(c) for c in range(0xFF66, 0xFF9E)]
_TO_HALF = {unicodedata.normalize("NFKC", ch): ch for ch in _HALF}
_TO_HALF |= {unicodedata.normalize("NFKC", ch + "ﾞ"): ch + "ﾞ" for ch in _HALF}
_TO_HALF |= {unicodedata.normalize("NFKC", ch + "ﾟ"): ch + "ﾟ" for ch in _HALF}
_TO_HALF |= dict(zip("ァィゥェォッャュョヮ", "ｱｲｳｴｵﾂﾔﾕﾖﾜ", strict=True)) | {"ー": "ｰ", " ": " "}


def bank_kana(text: str) -> str:
    """タマセイミツ → ﾀﾏｾｲﾐﾂ, キャノン → ｷﾔﾉﾝ: a name as the bank's 振込依頼人名 shows it."""
    return "".join(_TO_HALF.get(ch, ch) for ch in text)


def yymmdd(day: datetime.date, *, western: bool = False) -> str:
    year = day.year - 2000 if western else day.year - 2018  # 令和元年 = 2019
    return f"{year:02d}{day.month:02d}{day.day:02d}"


def num(value: int | str, length: int) -> bytes:
    text = str(value).rjust(length, "0")
    assert len(text) == length, f"{value} does not fit {length} digits"
    return text.encode("ascii")


def text(value: str, length: int) -> bytes:
    raw = value.encode("cp932")
    assert len(raw) <= length, f"{value!r} does not fit {length} bytes"
    return raw.ljust(length, b" ")


def _record(*fields: bytes) -> bytes:
    raw = b"".join(fields)
    assert len(raw) == RECORD, len(raw)
    return raw


@dataclass(frozen=True)
class Entry:
    """One data record: a deposit, or (`withdrawal` / `cancelled`) one that is not."""

    amount: int
    payer_name: str
    on: datetime.date = datetime.date(2026, 5, 20)
    inquiry_number: int = 0  # 0: numbered by position
    remitter_code: str = ""
    edi_info: str = ""
    withdrawal: bool = False  # account statement (03) only
    cancelled: bool = False  # deposit notification (01) only


@dataclass(frozen=True)
class Account:
    bank_code: str = "0005"
    bank_name: str = "ﾀﾏｷﾞﾝｺｳ"
    branch_code: str = "123"
    branch_name: str = "ﾊﾁｵｳｼﾞ"
    deposit_type: str = "1"
    account_number: str = "1234567"
    account_name: str = "ｼﾔ)ｸﾗｽﾀｰﾈﾂﾄ"


def header(kind: str, created_on: datetime.date, account: Account = Account(), *, western: bool = False) -> bytes:
    dates = [yymmdd(created_on, western=western).encode()] * 3
    common = [b"1", kind.encode(), b"0", *dates, num(account.bank_code, 4), text(account.bank_name, 15)]
    common += [num(account.branch_code, 3), text(account.branch_name, 15)]
    if kind == "01":
        rest = [num(account.deposit_type, 1), num(account.account_number, 7), text(account.account_name, 40)]
        return _record(*common, *rest, b" " * 93)
    rest = [b"000", num(account.deposit_type, 1), num(account.account_number, 10), text(account.account_name, 40)]
    return _record(*common, *rest, b"1", b"0", num(1_000_000, 14), b" " * 71)


def data_01(entry: Entry, number: int, *, western: bool = False) -> bytes:
    day = yymmdd(entry.on, western=western).encode()
    return _record(
        b"2", num(entry.inquiry_number or number, 6), day, day, num(entry.amount, 10), num(0, 10),
        text(entry.remitter_code, 10), text(entry.payer_name, 48), text("ﾐｽﾞﾎ", 15), text("ﾀﾏ", 15),
        b"1" if entry.cancelled else b"0", text(entry.edi_info, 20), b" " * 52,
    )  # fmt: skip


def data_03(entry: Entry, number: int, *, western: bool = False) -> bytes:
    day = yymmdd(entry.on, western=western).encode()
    return _record(
        b"2", num(entry.inquiry_number or number, 8), day, day, b"2" if entry.withdrawal else b"1", b"11",
        num(entry.amount, 12), num(0, 12), b"000000", b"000000", b"0", b"0000000", b"000",
        text(entry.remitter_code, 10), text(entry.payer_name, 48), text("ﾐｽﾞﾎ", 15), text("ﾀﾏ", 15),
        text("ﾌﾘｺﾐ", 20), text(entry.edi_info, 20), b" ",
    )  # fmt: skip


def trailer(kind: str, entries: Iterable[Entry]) -> bytes:
    entries = list(entries)
    other = [e for e in entries if e.withdrawal or e.cancelled]
    deposits = [e for e in entries if not (e.withdrawal or e.cancelled)]
    count, total = len(deposits), sum(e.amount for e in deposits)
    other_count, other_total = len(other), sum(e.amount for e in other)
    if kind == "01":
        return _record(b"8", num(count, 6), num(total, 12), num(other_count, 6), num(other_total, 12), b" " * 163)
    return _record(
        b"8", num(count, 6), num(total, 13), num(other_count, 6), num(other_total, 13), b"1", num(0, 14), b" " * 146
    )


def end() -> bytes:
    return _record(b"9", b" " * 199)


def records(
    entries: Iterable[Entry],
    *,
    kind: str = "01",
    created_on: datetime.date = datetime.date(2026, 5, 21),
    account: Account = Account(),
    western: bool = False,
) -> list[bytes]:
    """Header, data, trailer and end records of a valid file."""
    entries = list(entries)
    build = data_01 if kind == "01" else data_03
    body = [build(entry, number, western=western) for number, entry in enumerate(entries, start=1)]
    return [header(kind, created_on, account, western=western), *body, trailer(kind, entries), end()]


def zengin_file(entries: Iterable[Entry], *, line_breaks: bool = True, **options: object) -> bytes:
    """A whole file, records separated by CR LF (as most banks send them) or not at all."""
    separator = b"\r\n" if line_breaks else b""
    return separator.join(records(entries, **options)) + separator  # type: ignore[arg-type]
