"""Reading the bank's files: the Zengin (全銀協) fixed-length formats and a plain CSV. Pure: no database.

Both parsers accept or reject a file whole. A rejection raises `StatementError` whose message names the
problem and the record (or row) number, ready to show to staff; nothing is half-read.

Zengin files (全銀協規定形式)
----------------------------
Records of 200 bytes in Shift_JIS (cp932), one after the other or separated by CR/LF (or LF). A file holds
one or more groups "header (1) – data (2)… – trailer (8)", then one end record (9). Numeric fields (N) are
right-aligned and zero-filled, text fields (C) left-aligned and space-filled, names in half-width katakana.
Dates are YYMMDD, in the Japanese era (和暦, e.g. 080401 = 令和8年4月1日) by the standard, though some banks
write the Western year (260401); see `resolve_yymmdd`.

Byte offsets used below (0-based start, length):

種別コード 01 振込入金通知 (deposit notification)
  header   0 データ区分 1 "1" | 1 種別コード 2 "01" | 3 コード区分 1 | 4 作成日 6 | 10 勘定日(自) 6 |
           16 勘定日(至) 6 | 22 銀行コード 4 | 26 銀行名 15 | 41 支店コード 3 | 44 支店名 15 | 59 預金種目 1 |
           60 口座番号 7 | 67 口座名 40 | 107 ダミー 93
  data     0 データ区分 1 "2" | 1 照会番号 6 | 7 勘定日 6 | 13 起算日 6 | 19 金額 10 | 29 うち他店券金額 10 |
           39 振込依頼人コード 10 | 49 振込依頼人名 48 | 97 仕向銀行名 15 | 112 仕向店名 15 | 127 取消区分 1 |
           128 EDI情報 20 | 148 ダミー 52
  trailer  0 データ区分 1 "8" | 1 振込合計件数 6 | 7 振込合計金額 12 | 19 取消合計件数 6 | 25 取消合計金額 12 |
           37 ダミー 163
  A data record with 取消区分 1 cancels an earlier notification: it is counted against the trailer's
  cancellation totals and does not become a deposit.

種別コード 03 入出金取引明細 (account statement)
  header   0 データ区分 1 "1" | 1 種別コード 2 "03" | 3 コード区分 1 | 4 作成日 6 | 10 勘定日(自) 6 |
           16 勘定日(至) 6 | 22 銀行コード 4 | 26 銀行名 15 | 41 支店コード 3 | 44 支店名 15 | 59 ダミー 3 |
           62 預金種目 1 | 63 口座番号 10 | 73 口座名 40 | 113 貸越区分 1 | 114 通帳・証書区分 1 |
           115 取引前残高 14 | 129 ダミー 71
  data     0 データ区分 1 "2" | 1 照会番号 8 | 9 勘定日 6 | 15 預入・払出日 6 | 21 入払区分 1 (1 入金, 2 出金) |
           22 取引区分 2 | 24 取引金額 12 | 36 うち他店券金額 12 | 48 交換呈示日 6 | 54 不渡返還日 6 |
           60 手形・小切手区分 1 | 61 手形・小切手番号 7 | 68 僚店番号 3 | 71 振込依頼人コード 10 |
           81 振込依頼人名 48 | 129 仕向銀行名 15 | 144 仕向店名 15 | 159 摘要内容 20 | 179 EDI情報 20 | 199 ダミー 1
  trailer  0 データ区分 1 "8" | 1 入金件数 6 | 7 入金額合計 13 | 20 出金件数 6 | 26 出金額合計 13 |
           39 貸越区分 1 | 40 取引後残高 14 | 54 ダミー 146
  Only deposits (入金) become deposits here; withdrawals are skipped but must agree with the trailer.

end (both)  0 データ区分 1 "9" | 1 ダミー 199

CSV
---
Columns date, amount, payer name; further columns are ignored. A header row is optional. UTF-8 (with or
without BOM) or Shift_JIS (cp932). Dates 2026/11/20 or 2026-11-20; amounts with or without thousands commas.
"""

import csv
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

RECORD_LENGTH = 200
DEPOSIT_NOTIFICATION = "01"
ACCOUNT_STATEMENT = "03"
KIND_CSV = "csv"
MAX_LISTED_ERRORS = 10

# (start, length) of each field used, per record kind; see the module docstring.
Layout = dict[str, tuple[int, int]]
HEADER_01: Layout = {
    "created_on": (4, 6), "bank_code": (22, 4), "bank_name": (26, 15), "branch_code": (41, 3),
    "branch_name": (44, 15), "deposit_type": (59, 1), "account_number": (60, 7), "account_name": (67, 40),
}  # fmt: skip
DATA_01: Layout = {
    "inquiry_number": (1, 6), "transaction_on": (7, 6), "amount": (19, 10), "remitter_code": (39, 10),
    "payer_name": (49, 48), "remitting_bank": (97, 15), "remitting_branch": (112, 15), "cancelled": (127, 1),
    "edi_info": (128, 20),
}  # fmt: skip
TRAILER_01: Layout = {
    "deposit_count": (1, 6),
    "deposit_total": (7, 12),
    "other_count": (19, 6),
    "other_total": (25, 12),
}
HEADER_03: Layout = {
    "created_on": (4, 6), "bank_code": (22, 4), "bank_name": (26, 15), "branch_code": (41, 3),
    "branch_name": (44, 15), "deposit_type": (62, 1), "account_number": (63, 10), "account_name": (73, 40),
}  # fmt: skip
DATA_03: Layout = {
    "inquiry_number": (1, 8), "transaction_on": (9, 6), "direction": (21, 1), "amount": (24, 12),
    "remitter_code": (71, 10), "payer_name": (81, 48), "remitting_bank": (129, 15), "remitting_branch": (144, 15),
    "description": (159, 20), "edi_info": (179, 20),
}  # fmt: skip
TRAILER_03: Layout = {
    "deposit_count": (1, 6),
    "deposit_total": (7, 13),
    "other_count": (20, 6),
    "other_total": (26, 13),
}
LAYOUTS: dict[str, tuple[Layout, Layout, Layout]] = {
    DEPOSIT_NOTIFICATION: (HEADER_01, DATA_01, TRAILER_01),
    ACCOUNT_STATEMENT: (HEADER_03, DATA_03, TRAILER_03),
}
DEPOSIT_TYPES = {"1": "普通", "2": "当座", "4": "貯蓄", "9": "その他"}


class StatementError(Exception):
    """The file cannot be imported; `message` (translated) says why and where."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Account:
    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    deposit_type: str
    account_number: str
    account_name: str

    def __str__(self) -> str:
        kind = DEPOSIT_TYPES.get(self.deposit_type, self.deposit_type)
        parts = [self.bank_name or self.bank_code, self.branch_name or self.branch_code, kind, self.account_number]
        return " ".join(p for p in [*parts, self.account_name] if p)

    @property
    def key(self) -> str:
        """Identifies the account in a deposit's dedupe key: the bank's reference numbers are per account."""
        return f"{self.bank_code}{self.branch_code}{self.account_number}"


@dataclass(frozen=True)
class Deposit:
    line_number: int  # the record (Zengin) or row (CSV) in the file
    transaction_on: datetime.date
    amount: int
    payer_name: str  # as written by the bank: half-width katakana for Zengin
    remitter_code: str = ""
    edi_info: str = ""
    inquiry_number: str = ""  # 照会番号, empty for CSV
    remitting_bank: str = ""
    remitting_branch: str = ""
    account: Account | None = None


@dataclass
class ParsedStatement:
    file_format: str  # a StatementFormat value
    kind: str  # DEPOSIT_NOTIFICATION, ACCOUNT_STATEMENT or KIND_CSV
    deposits: list[Deposit] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    created_on: datetime.date | None = None
    skipped_withdrawals: int = 0
    skipped_cancellations: int = 0

    @property
    def total_amount(self) -> int:
        return sum(deposit.amount for deposit in self.deposits)

    @property
    def account_label(self) -> str:
        return "; ".join(str(account) for account in self.accounts)


# -- dates -------------------------------------------------------------------------------------------------

REIWA_START = datetime.date(2019, 5, 1)
HEISEI_START = datetime.date(1989, 1, 8)


def resolve_yymmdd(text: str, *, near: datetime.date) -> datetime.date | None:
    """The date a six-digit YYMMDD stands for, or None if no reading is a real date.

    The standard writes the Japanese era year (令和 YY = 2018 + YY, 平成 YY = 1988 + YY), some banks the
    Western year (20YY). The field does not say which, so every reading that is a valid date in its era
    is a candidate and the one nearest `near` wins (the file's creation date for its records, today for the
    creation date itself): a bank file describes days close to when it was made. Ties go to the era reading.
    """
    if len(text) != 6 or not text.isdigit():
        return None
    yy, month, day = int(text[:2]), int(text[2:4]), int(text[4:6])
    candidates = []
    for year, first, last in (
        (2018 + yy, REIWA_START, datetime.date.max),
        (1988 + yy, HEISEI_START, REIWA_START - datetime.timedelta(days=1)),
        (2000 + yy, datetime.date.min, datetime.date.max),
    ):
        try:
            candidate = datetime.date(year, month, day)
        except ValueError:
            continue
        if first <= candidate <= last:
            candidates.append(candidate)
    if not candidates:
        return None
    return min(candidates, key=lambda candidate: abs((candidate - near).days))


# -- Zengin ------------------------------------------------------------------------------------------------


def looks_like_zengin(content: bytes) -> bool:
    """A header record starts with "1" and a two-digit type code; a CSV starts with a date or a header.
    (A Zengin file re-saved as UTF-8 may have gained a byte-order mark: it is still recognised, and refused.)"""
    content = content.removeprefix(b"\xef\xbb\xbf")
    return len(content) >= 3 and content[:1] == b"1" and content[1:3].isdigit()


def _split_records(content: bytes) -> list[bytes]:
    content = content.rstrip(b"\x1a")  # an MS-DOS end-of-file mark some bank software still appends
    if b"\n" in content or b"\r" in content:
        # cp932 never uses CR or LF inside a multi-byte character, so splitting on them is safe.
        lines = re.split(rb"\r\n|\r|\n", content)
        while lines and not lines[-1].strip():
            lines.pop()
        for number, line in enumerate(lines, start=1):
            if len(line) != RECORD_LENGTH:
                raise StatementError(
                    _("Record %(record)s is %(length)s bytes long; Zengin records are 200 bytes.")
                    % {"record": number, "length": len(line)}
                )
        return lines
    complete, rest = divmod(len(content), RECORD_LENGTH)
    if rest:
        raise StatementError(
            _("The file ends in the middle of record %(record)s (%(length)s of 200 bytes): it is truncated.")
            % {"record": complete + 1, "length": rest}
        )
    return [content[i : i + RECORD_LENGTH] for i in range(0, len(content), RECORD_LENGTH)]


class _Record:
    """One 200-byte record and its number, with field readers that reject what the standard does not allow."""

    def __init__(self, raw: bytes, number: int) -> None:
        self.raw, self.number = raw, number

    def text(self, layout: Layout, name: str) -> str:
        start, length = layout[name]
        try:
            value = self.raw[start : start + length].decode("cp932")
        except UnicodeDecodeError:
            raise StatementError(
                _("Record %(record)s contains bytes that are not Shift_JIS (cp932) text.") % {"record": self.number}
            ) from None
        return value.strip(" \u3000")

    def number_field(self, layout: Layout, name: str, label: str, *, blank_is_zero: bool = False) -> int:
        start, length = layout[name]
        chunk = self.raw[start : start + length]
        if blank_is_zero and not chunk.strip():
            return 0
        if not chunk.isdigit():
            raise StatementError(
                _("Record %(record)s: the %(field)s is not a number.") % {"record": self.number, "field": label}
            )
        return int(chunk)

    def date(self, layout: Layout, name: str, label: str, *, near: datetime.date) -> datetime.date:
        start, length = layout[name]
        chunk = self.raw[start : start + length].decode("ascii", errors="replace")
        resolved = resolve_yymmdd(chunk, near=near)
        if resolved is None:
            raise StatementError(
                _("Record %(record)s: the %(field)s %(value)s is not a date.")
                % {"record": self.number, "field": label, "value": chunk.strip() or "—"}
            )
        return resolved


def _reject_utf8(content: bytes) -> None:
    """A file re-saved as UTF-8 by a text editor has the right look but the wrong bytes: say so plainly."""
    if content.startswith(b"\xef\xbb\xbf"):
        raise StatementError(_("The file is UTF-8 text; Zengin files are Shift_JIS (cp932) as the bank sends them."))
    if not content.isascii():
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return  # Shift_JIS half-width katakana are never valid UTF-8
        raise StatementError(_("The file is UTF-8 text; Zengin files are Shift_JIS (cp932) as the bank sends them."))


def parse_zengin(content: bytes, *, today: datetime.date | None = None) -> ParsedStatement:
    """Parses a 振込入金通知 (01) or 入出金取引明細 (03) file; raises StatementError for anything amiss."""
    today = today or timezone.localdate()
    if not content.strip():
        raise StatementError(_("The file is empty."))
    _reject_utf8(content)
    records = [_Record(raw, number) for number, raw in enumerate(_split_records(content), start=1)]
    kind = records[0].raw[1:3].decode("ascii", errors="replace")
    if records[0].raw[:1] != b"1":
        raise StatementError(_("Record 1 is not a header record (1): this is not a Zengin file."))
    if kind not in LAYOUTS:
        raise StatementError(
            _(
                "This Zengin file is of type %(kind)s; only deposit notifications (01) and account statements (03) "
                "are read."
            )
            % {"kind": kind}
        )
    parsed = ParsedStatement(file_format="zengin", kind=kind)
    header_layout, data_layout, trailer_layout = LAYOUTS[kind]
    position, ended = 0, False
    while position < len(records):
        record = records[position]
        record_type = record.raw[:1]
        if ended:
            raise StatementError(_("Record %(record)s follows the end record (9).") % {"record": record.number})
        if record_type == b"9":
            ended = True
            position += 1
            continue
        if record_type != b"1":
            raise StatementError(
                _("Record %(record)s should be a header (1) or the end record (9), but is of type %(type)s.")
                % {"record": record.number, "type": record_type.decode("ascii", errors="replace")}
            )
        position = _parse_group(records, position, kind, (header_layout, data_layout, trailer_layout), parsed, today)
    if not ended:
        raise StatementError(_("The file has no end record (9): it is truncated or incomplete."))
    return parsed


def _parse_group(
    records: list[_Record],
    position: int,
    kind: str,
    layouts: tuple[Layout, Layout, Layout],
    parsed: ParsedStatement,
    today: datetime.date,
) -> int:
    """Reads one header–data–trailer group starting at `position`; returns the position after its trailer."""
    header_layout, data_layout, trailer_layout = layouts
    header = records[position]
    if header.raw[1:3].decode("ascii", errors="replace") != kind:
        raise StatementError(
            _("Record %(record)s is a header of another type than the file's first header.") % {"record": header.number}
        )
    created_on = header.date(header_layout, "created_on", _("creation date"), near=today)
    parsed.created_on = parsed.created_on or created_on
    account = Account(
        bank_code=header.text(header_layout, "bank_code"),
        bank_name=header.text(header_layout, "bank_name"),
        branch_code=header.text(header_layout, "branch_code"),
        branch_name=header.text(header_layout, "branch_name"),
        deposit_type=header.text(header_layout, "deposit_type"),
        account_number=header.text(header_layout, "account_number"),
        account_name=header.text(header_layout, "account_name"),
    )
    if account not in parsed.accounts:
        parsed.accounts.append(account)
    counted = {"deposit_count": 0, "deposit_total": 0, "other_count": 0, "other_total": 0}
    position += 1
    while True:
        if position >= len(records):
            raise StatementError(
                _("The group that starts at record %(record)s has no trailer record (8): the file is truncated.")
                % {"record": header.number}
            )
        record = records[position]
        record_type = record.raw[:1]
        if record_type == b"8":
            _check_trailer(record, kind, trailer_layout, counted)
            return position + 1
        if record_type != b"2":
            raise StatementError(
                _("Record %(record)s is of type %(type)s where a data (2) or trailer (8) record belongs.")
                % {"record": record.number, "type": record_type.decode("ascii", errors="replace")}
            )
        _read_data(record, kind, data_layout, account, created_on, parsed, counted)
        position += 1


def _read_data(
    record: _Record,
    kind: str,
    layout: Layout,
    account: Account,
    created_on: datetime.date,
    parsed: ParsedStatement,
    counted: dict[str, int],
) -> None:
    amount = record.number_field(layout, "amount", _("amount"))
    if kind == DEPOSIT_NOTIFICATION:
        flag = record.text(layout, "cancelled")
        if flag not in ("", "0", "1"):
            raise StatementError(
                _("Record %(record)s: the cancellation code %(value)s is not 0 or 1.")
                % {"record": record.number, "value": flag}
            )
        is_deposit = flag != "1"
    else:
        direction = record.text(layout, "direction")
        if direction not in ("1", "2"):
            raise StatementError(
                _("Record %(record)s: the deposit/withdrawal code %(value)s is not 1 or 2.")
                % {"record": record.number, "value": direction or "—"}
            )
        is_deposit = direction == "1"
    transaction_on = record.date(layout, "transaction_on", _("booking date"), near=created_on)
    payer_name = record.text(layout, "payer_name")
    if kind == ACCOUNT_STATEMENT and not payer_name:
        payer_name = record.text(layout, "description")  # cash and transfers without a name carry a 摘要
    remitter_code = record.text(layout, "remitter_code")
    edi_info = record.text(layout, "edi_info")
    inquiry_number = record.text(layout, "inquiry_number")
    remitting_bank = record.text(layout, "remitting_bank")
    remitting_branch = record.text(layout, "remitting_branch")
    if not is_deposit:
        counted["other_count"] += 1
        counted["other_total"] += amount
        if kind == DEPOSIT_NOTIFICATION:
            parsed.skipped_cancellations += 1
        else:
            parsed.skipped_withdrawals += 1
        return
    if amount <= 0:
        raise StatementError(_("Record %(record)s: a deposit of ¥0.") % {"record": record.number})
    counted["deposit_count"] += 1
    counted["deposit_total"] += amount
    parsed.deposits.append(
        Deposit(
            line_number=record.number,
            transaction_on=transaction_on,
            amount=amount,
            payer_name=payer_name,
            remitter_code=remitter_code,
            edi_info=edi_info,
            inquiry_number=inquiry_number.lstrip("0"),
            remitting_bank=remitting_bank,
            remitting_branch=remitting_branch,
            account=account,
        )
    )


def _check_trailer(record: _Record, kind: str, layout: Layout, counted: dict[str, int]) -> None:
    labels = {"deposit_count": _("number of deposits"), "deposit_total": _("total of deposits")}
    if kind == DEPOSIT_NOTIFICATION:
        labels.update(other_count=_("number of cancellations"), other_total=_("total of cancellations"))
    else:
        labels.update(other_count=_("number of withdrawals"), other_total=_("total of withdrawals"))
    for name, label in labels.items():
        stated = record.number_field(layout, name, label, blank_is_zero=name.startswith("other"))
        if stated != counted[name]:
            raise StatementError(
                _(
                    "The trailer record %(record)s states %(stated)s as the %(field)s, but the data records add up "
                    "to %(counted)s. The file is incomplete or altered and was not imported."
                )
                % {"record": record.number, "stated": f"{stated:,}", "field": label, "counted": f"{counted[name]:,}"}
            )


# -- CSV -----------------------------------------------------------------------------------------------------

CSV_DATE = re.compile(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})")
CSV_AMOUNT = re.compile(r"[¥￥]?\s*(-?)(\d{1,3}(?:,\d{3})+|\d+)\s*円?")


def _decode_text(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    for encoding in ("utf-8", "cp932"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise StatementError(_("The file is neither UTF-8 nor Shift_JIS (cp932) text."))


def _csv_date(text: str) -> datetime.date | None:
    match = CSV_DATE.fullmatch(text)
    if not match:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _csv_amount(text: str) -> int | None:
    """The amount in yen (negative if written so), or None if the cell is not an amount."""
    match = CSV_AMOUNT.fullmatch(text)
    if not match:
        return None
    value = int(match.group(2).replace(",", ""))
    return -value if match.group(1) else value


def parse_csv(content: bytes) -> ParsedStatement:
    """Parses a CSV of date, amount, payer name; any bad row rejects the file, all bad rows are listed."""
    text = _decode_text(content)
    rows = list(csv.reader(io.StringIO(text)))
    parsed = ParsedStatement(file_format="csv", kind=KIND_CSV)
    errors: list[str] = []
    first = True
    for number, row in enumerate(rows, start=1):
        cells = [unicodedata.normalize("NFKC", cell).strip() for cell in row]
        if not any(cells):
            continue
        if first:
            first = False
            # A header row names its columns: no digit where the date belongs.
            if not any(ch.isdigit() for ch in cells[0]):
                continue
        result = _csv_row(cells, number=number, payer_name=row[2].strip() if len(row) > 2 else "")
        if isinstance(result, str):
            errors.append(_("Row %(row)s: %(problem)s") % {"row": number, "problem": result})
        else:
            parsed.deposits.append(result)
    if errors:
        listed = errors[:MAX_LISTED_ERRORS]
        if len(errors) > MAX_LISTED_ERRORS:
            listed.append(_("and %(count)s more rows.") % {"count": len(errors) - MAX_LISTED_ERRORS})
        raise StatementError(_("The file was not imported. %(errors)s") % {"errors": " ".join(listed)})
    if not parsed.deposits:
        raise StatementError(_("The file holds no deposits."))
    return parsed


def _csv_row(cells: list[str], *, number: int, payer_name: str) -> Deposit | str:
    """The row's deposit, or what is wrong with it."""
    if len(cells) < 3:
        return _("expected three columns (date, amount, payer name), found %(count)s.") % {"count": len(cells)}
    transaction_on = _csv_date(cells[0])
    if transaction_on is None:
        return _("%(value)s is not a date (write 2026/11/20 or 2026-11-20).") % {"value": cells[0] or "—"}
    amount = _csv_amount(cells[1])
    if amount is None:
        return _("%(value)s is not an amount in yen.") % {"value": cells[1] or "—"}
    if amount < 0:
        return _("the amount %(value)s is negative; only deposits can be imported.") % {"value": cells[1]}
    if amount == 0:
        return _("the amount is zero.")
    if not payer_name:
        return _("the payer name is missing.")
    return Deposit(line_number=number, transaction_on=transaction_on, amount=amount, payer_name=payer_name)


def parse_statement(content: bytes, *, today: datetime.date | None = None) -> ParsedStatement:
    """Zengin when the file starts like a Zengin header record, CSV otherwise."""
    if looks_like_zengin(content):
        return parse_zengin(content, today=today)
    return parse_csv(content)
