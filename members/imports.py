"""Import of the secretariat's member list (CSV or Excel): parse, check row by row, preview, apply in bulk.

The flow:
- `import_file_parse` reads the file into raw text rows (nothing is interpreted yet);
- `import_rows_check` cleans every row with the model's own validators and plans it against the register
  (create / update / unchanged / error) without writing anything: this is the preview;
- `organization_import_apply` writes a checked list in one transaction. It plans again under row locks,
  so what it writes matches the register at that moment, and refuses everything if any row has an error.

Rows are matched to organisations on file by corporate number, else by import key; a row with neither is
matched by its exact name, so that importing the same file twice never duplicates anything.
An empty cell leaves the value on file unchanged: a partial spreadsheet must not wipe what staff typed in.
"""

import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from clusternet.core.exceptions import ApplicationError
from clusternet.core.text import normalize_kana
from members.models import (
    Contact,
    Membership,
    MembershipStatus,
    MembershipTransition,
    Organization,
    OrganizationKind,
    User,
)
from members.prefectures import Prefecture
from members.services import organization_derive_fields

MAX_ROWS = 50_000
BATCH_SIZE = 1000
# The header row may sit below a title line ("会員名簿 2024年4月1日現在"); look this far down for it.
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Japanese header the template uses
    label: Promise
    aliases: tuple[str, ...] = ()
    help: Promise | str = ""


COLUMNS: list[Column] = [
    Column(
        "name",
        "名称",
        gettext_lazy("Name"),
        ("会社名", "企業名", "団体名", "組織名", "法人名", "名前"),
        help=gettext_lazy("Required for a new organisation."),
    ),
    Column(
        "name_kana",
        "フリガナ",
        gettext_lazy("Kana"),
        ("カナ", "ふりがな", "よみがな", "名称カナ", "名称フリガナ"),
        help=gettext_lazy(
            "Katakana reading; half-width katakana and hiragana are converted. Required for a new organisation."
        ),
    ),
    Column(
        "kind",
        "種別",
        gettext_lazy("Kind"),
        ("会員種別", "区分"),
        help=gettext_lazy(
            "Required for a new organisation: 企業, 大学・研究機関, 自治体・商工会議所, 金融機関, 支援機関, 個人, "
            "or firm, university, municipality, financial_institution, support_organization, individual."
        ),
    ),
    Column(
        "corporate_number",
        "法人番号",
        gettext_lazy("Corporate number"),
        help=gettext_lazy("13 digits. Finds the organisation again on a later import."),
    ),
    Column(
        "import_key",
        "取込キー",
        gettext_lazy("Import key"),
        ("インポートキー",),
        help=gettext_lazy(
            "Your own identifier for the row, such as a member number. "
            "Finds the organisation again when it has no corporate number."
        ),
    ),
    Column("postal_code", "郵便番号", gettext_lazy("Postal code"), ("〒",), help=gettext_lazy("192-0083 or 1920083.")),
    Column(
        "prefecture",
        "都道府県",
        gettext_lazy("Prefecture"),
        help=gettext_lazy("東京都, 東京 or the code 13. When empty, it is taken from the start of the address."),
    ),
    Column("city", "市区町村", gettext_lazy("City"), ("市町村",)),
    Column("address_line", "住所", gettext_lazy("Address"), ("所在地", "番地")),
    Column(
        "capital",
        "資本金",
        gettext_lazy("Capital (yen)"),
        help=gettext_lazy(
            "Yen: 10,000,000, 1,000万円 and 3億円 are accepted. "
            "A header 資本金（千円） or 資本金（万円） sets the unit."
        ),
    ),
    Column("employees", "従業員数", gettext_lazy("Employees"), ("従業員", "社員数")),
    Column("industry", "業種", gettext_lazy("Industry")),
    Column(
        "founded_year",
        "設立年",
        gettext_lazy("Founding year"),
        ("設立", "設立年月日", "創業年"),
        help=gettext_lazy("1985, 1985年 or 昭和60年."),
    ),
    Column("website", "ウェブサイト", gettext_lazy("Website"), ("ホームページ", "url", "hp", "webサイト")),
    Column("business_description", "事業内容", gettext_lazy("Business")),
    Column("technologies", "技術", gettext_lazy("Technologies"), ("保有技術", "主要技術")),
    Column(
        "membership_status",
        "会員状態",
        gettext_lazy("Membership"),
        ("会員ステータス",),
        help=gettext_lazy("Only for organisations without a membership yet: 有効 (the default), 申込, 承認 or 休会."),
    ),
    Column(
        "joined_on",
        "入会日",
        gettext_lazy("Joined on"),
        ("入会年月日",),
        help=gettext_lazy("2024-04-01, 2024/4/1 or 令和6年4月1日."),
    ),
    Column(
        "contact_name",
        "担当者名",
        gettext_lazy("Contact name"),
        ("担当者",),
        help=gettext_lazy(
            "Added as the billing contact if the organisation has none; "
            "a person already on file (same email) is not added again."
        ),
    ),
    Column("contact_name_kana", "担当者カナ", gettext_lazy("Contact kana"), ("担当者フリガナ",)),
    Column("contact_department", "担当者部署", gettext_lazy("Contact department"), ("部署",)),
    Column("contact_email", "担当者メール", gettext_lazy("Contact email"), ("メールアドレス", "メール", "e-mail")),
    Column("contact_phone", "担当者電話", gettext_lazy("Contact phone"), ("電話番号", "電話", "tel")),
]
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}

ORGANIZATION_KEYS = [
    "name", "name_kana", "kind", "corporate_number", "import_key", "postal_code", "prefecture", "city",
    "address_line", "capital", "employees", "industry", "founded_year", "website", "business_description",
    "technologies",
]  # fmt: skip
CONTACT_KEYS = {
    "contact_name": "name",
    "contact_name_kana": "name_kana",
    "contact_department": "department",
    "contact_email": "email",
    "contact_phone": "phone",
}
# A spreadsheet often keeps capital in thousands or ten-thousands of yen and says so in the header.
CAPITAL_UNITS = {"円": 1, "千円": 1_000, "万円": 10_000, "百万円": 1_000_000}

# JIS X 0401 order: the code is the position + 1. Prefecture labels are English msgids, so the
# Japanese names people write in a spreadsheet need their own table.
PREFECTURE_NAMES_JA = [
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県", "埼玉県",
    "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県",
    "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県",
    "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県",
    "宮崎県", "鹿児島県", "沖縄県",
]  # fmt: skip
PREFECTURE_CODE_BY_JA = {name: f"{i + 1:02d}" for i, name in enumerate(PREFECTURE_NAMES_JA)}

KIND_ALIASES_JA = {
    OrganizationKind.FIRM: ["企業", "会社", "民間企業", "法人", "中小企業", "大企業", "中堅企業"],
    OrganizationKind.UNIVERSITY: ["大学", "研究機関", "大学・研究機関", "大学等", "高専", "高等専門学校", "学校"],
    OrganizationKind.MUNICIPALITY: ["自治体", "地方公共団体", "市町村", "商工会議所", "商工会", "自治体・商工会議所"],
    OrganizationKind.FINANCIAL_INSTITUTION: ["金融機関", "銀行", "信用金庫", "信用組合"],
    OrganizationKind.SUPPORT_ORGANIZATION: ["支援機関", "支援団体", "産業支援機関"],
    OrganizationKind.INDIVIDUAL: ["個人", "個人会員"],
}
STATUS_ALIASES_JA = {
    MembershipStatus.APPLICATION: ["申込", "申込中", "申請", "申請中", "入会申込"],
    MembershipStatus.APPROVED: ["承認", "承認済", "承認済み"],
    MembershipStatus.ACTIVE: ["有効", "会員", "正会員", "在籍", "在籍中", "活動中", "入会", "入会済"],
    MembershipStatus.SUSPENDED: ["休会", "休会中", "停止", "停止中"],
    MembershipStatus.WITHDRAWN: ["退会", "退会済", "退会済み"],
    MembershipStatus.REJECTED: ["却下", "不承認"],
}
# Withdrawals and rejections are dated, reasoned steps; they are recorded on the organisation's page.
IMPORTABLE_STATUSES = [
    MembershipStatus.APPLICATION,
    MembershipStatus.APPROVED,
    MembershipStatus.ACTIVE,
    MembershipStatus.SUSPENDED,
]
JOINED_STATUSES = {MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED}

ERAS = {"明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018}


class RowPlan(models.TextChoices):
    CREATE = "create", gettext_lazy("Create")
    UPDATE = "update", gettext_lazy("Update")
    UNCHANGED = "unchanged", gettext_lazy("Unchanged")
    ERROR = "error", gettext_lazy("Error")


@dataclass
class ParsedFile:
    """The file as text: recognised columns and, per row, its values in that column order."""

    filename: str
    columns: list[str]
    headers: dict[str, str]  # column key -> the header as written in the file
    ignored_headers: list[str]
    rows: list[tuple[int, tuple[str, ...]]]  # (row number in the file, values)
    capital_unit: int = 1


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    organization: dict[str, Any] = field(default_factory=dict)  # cleaned, non-empty fields only
    membership_status: str = ""
    joined_on: datetime.date | None = None
    contact: dict[str, str] = field(default_factory=dict)
    field_errors: dict[str, list[str]] = field(default_factory=dict)
    # Set by planning; planning again starts from scratch.
    plan: str = RowPlan.ERROR
    plan_errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    matched_by: str = ""
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (column key, old, new)
    creates_membership: bool = False
    creates_contact: bool = False
    target: Organization | None = field(default=None, repr=False, compare=False)

    @property
    def errors(self) -> dict[str, list[str]]:
        merged = {key: list(messages) for key, messages in self.field_errors.items()}
        for key, messages in self.plan_errors.items():
            merged.setdefault(key, []).extend(messages)
        return merged

    @property
    def has_errors(self) -> bool:
        return bool(self.field_errors or self.plan_errors)

    def add_error(self, key: str, message: str) -> None:
        self.plan_errors.setdefault(key, []).append(message)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    memberships_created: int
    contacts_created: int


# --- Reading the file -------------------------------------------------------------------------


def _header_token(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.strip().strip("*※").strip()
    return re.sub(r"[\s_]+", "", text)


def _header_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in COLUMNS:
        names = [column.key, column.header, *column.aliases]
        # The English labels and their translations, so the organisation export re-imports as it is.
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                names.append(str(column.label))
        for name in names:
            lookup.setdefault(_header_token(name), column.key)
    return lookup


def _match_header(text: str, lookup: dict[str, str]) -> tuple[str | None, str]:
    """The column key a header means, and the unit in its parentheses ("資本金（千円）" -> 千円)."""
    token = _header_token(text)
    if token in lookup:
        return lookup[token], ""
    found = re.fullmatch(r"(.+?)\((.*)\)", token)
    if found and found.group(1) in lookup:
        return lookup[found.group(1)], found.group(2)
    return None, ""


def _decode_csv(raw: bytes) -> tuple[str, str]:
    """The text and the delimiter. UTF-8 (with or without BOM), UTF-16 ("Unicode text"), or cp932."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "\t"
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        first_line = text.split("\n", 1)[0]
        return text, "\t" if first_line.count("\t") > first_line.count(",") else ","
    raise ApplicationError(_("The file could not be read as text. Save it as CSV (UTF-8 or Shift_JIS) or as .xlsx."))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        # A 13-digit corporate number typed into Excel comes back as a float.
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _xlsx_rows(raw: bytes) -> Iterable[list[Any]]:
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zip, XML and key errors alike for a damaged file
        raise ApplicationError(_("The Excel file could not be opened; it may be damaged.")) from error
    try:
        sheet = workbook.active or workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield list(values)
    finally:
        workbook.close()


def _csv_rows(raw: bytes) -> Iterable[list[Any]]:
    text, delimiter = _decode_csv(raw)
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def import_file_parse(file: IO[bytes] | bytes, *, filename: str) -> ParsedFile:
    """Reads CSV or .xlsx into text rows under recognised columns; refuses a file it cannot use."""
    raw = file if isinstance(file, bytes) else file.read()
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise ApplicationError(_("This is an old Excel (.xls) file. Save it as .xlsx or CSV and upload it again."))
    is_xlsx = raw.startswith(b"PK\x03\x04") or filename.lower().endswith((".xlsx", ".xlsm"))
    source = _xlsx_rows(raw) if is_xlsx else _csv_rows(raw)

    lookup = _header_lookup()
    header: list[Any] | None = None
    header_line = 0
    columns: list[tuple[int, str]] = []  # (position in the row, key)
    headers: dict[str, str] = {}
    ignored: list[str] = []
    capital_unit = 1
    rows: list[tuple[int, tuple[str, ...]]] = []
    try:
        for line, values in enumerate(source, start=1):
            if header is None:
                texts = [_cell_text(v).strip() for v in values]
                matched = [_match_header(t, lookup) for t in texts]
                if any(key == "name" for key, _unit in matched):
                    header, header_line = values, line
                    for position, (text, (key, unit)) in enumerate(zip(texts, matched, strict=True)):
                        if not text:
                            continue
                        if key is None or key in headers:
                            ignored.append(text)
                            continue
                        if key == "capital" and unit:
                            if unit not in CAPITAL_UNITS:
                                raise ApplicationError(
                                    _("The unit in the header “%(header)s” is not one of 円, 千円, 万円, 百万円.")
                                    % {"header": text}
                                )
                            capital_unit = CAPITAL_UNITS[unit]
                        columns.append((position, key))
                        headers[key] = text
                elif line >= HEADER_SEARCH_ROWS:
                    break
                continue
            cells = [values[p] if p < len(values) else None for p, _key in columns]
            row_texts = tuple(
                _postal_cell(cell) if key == "postal_code" else _cell_text(cell)
                for cell, (_p, key) in zip(cells, columns, strict=True)
            )
            if not any(t.strip() for t in row_texts):
                continue  # spreadsheets end in blank rows
            if len(rows) >= MAX_ROWS:
                raise ApplicationError(
                    _("The file has more than %(max)d rows; split it into smaller files.") % {"max": MAX_ROWS}
                )
            rows.append((line, row_texts))
    except csv.Error as error:
        raise ApplicationError(
            _("The CSV file is malformed near row %(row)d: %(error)s")
            % {"row": len(rows) + header_line, "error": error}
        ) from error
    if header is None:
        raise ApplicationError(
            _("No column for the organisation name (名称) was found in the first rows. Use the template's headers.")
        )
    if not rows:
        raise ApplicationError(_("The file has no rows to import."))
    return ParsedFile(
        filename=filename,
        columns=[key for _p, key in columns],
        headers=headers,
        ignored_headers=ignored,
        rows=rows,
        capital_unit=capital_unit,
    )


def _postal_cell(value: Any) -> str:
    # Excel drops the leading zero of a postal code typed as a number (060-0001 -> 600001).
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return f"{int(value):07d}"
    return _cell_text(value)


# --- Cleaning one row -------------------------------------------------------------------------


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _choice_lookup(choices: type[models.TextChoices], extra: dict[Any, list[str]]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[_header_token(value)] = value
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                lookup[_header_token(str(label))] = value
    for value, names in extra.items():
        for name in names:
            lookup[_header_token(name)] = value
    return lookup


def _prefecture_lookup() -> dict[str, str]:
    lookup = _choice_lookup(Prefecture, {})
    for name, code in PREFECTURE_CODE_BY_JA.items():
        lookup[name] = code
        if name != "北海道":
            lookup[name[:-1]] = code  # 東京, 大阪, 神奈川
    return lookup


def _parse_amount(text: str, *, unit: int = 1, suffixes: str = "円") -> int:
    """'1,000,000円', '3億円', '1,500万' and '¥2,000' are whole yen; negative numbers are refused."""
    cleaned = re.sub(r"[,\s¥\\" + suffixes + "]", "", _nfkc(text))
    if cleaned[:1] in ("-", "▲", "△"):
        raise ValidationError(_("The amount cannot be negative."))
    found = re.fullmatch(r"(?:(\d+(?:\.\d+)?)億)?(?:(\d+(?:\.\d+)?)万)?(\d+(?:\.\d+)?)?", cleaned)
    if not cleaned or not found:
        raise ValidationError(_("Enter a whole number (commas, 円, 万 and 億 are fine)."))
    oku, man, rest = found.groups()
    try:
        total = (Decimal(oku or 0) * 100_000_000 + Decimal(man or 0) * 10_000 + Decimal(rest or 0)) * unit
    except InvalidOperation as error:
        raise ValidationError(_("Enter a whole number (commas, 円, 万 and 億 are fine).")) from error
    if total != total.to_integral_value():
        raise ValidationError(_("Enter a whole number (commas, 円, 万 and 億 are fine)."))
    return int(total)


def _era_year(era: str, year: str) -> int:
    return ERAS[era] + (1 if year == "元" else int(year))


def _parse_date(text: str) -> datetime.date:
    """2020-04-01, 2020/4/1, 2020年4月1日 or 令和2年4月1日."""
    value = _nfkc(text)
    found = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s.*)?", value)
    era = re.fullmatch(r"(明治|大正|昭和|平成|令和)(\d{1,2}|元)年(\d{1,2})月(\d{1,2})日?", value)
    try:
        if found:
            return datetime.date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        if era:
            return datetime.date(_era_year(era.group(1), era.group(2)), int(era.group(3)), int(era.group(4)))
    except ValueError:
        pass
    raise ValidationError(_("Enter a date such as 2024-04-01 or 2024/4/1."))


def _parse_year(text: str) -> int:
    """1985, 1985年, 昭和60年, or a whole date of which the year is kept."""
    value = _nfkc(text)
    if found := re.fullmatch(r"(\d{4})年?", value):
        return int(found.group(1))
    if found := re.fullmatch(r"(明治|大正|昭和|平成|令和)(\d{1,2}|元)年?", value):
        return _era_year(found.group(1), found.group(2))
    try:
        return _parse_date(value).year
    except ValidationError:
        pass
    if found := re.match(r"(明治|大正|昭和|平成|令和)(\d{1,2}|元)年", value):
        return _era_year(found.group(1), found.group(2))
    raise ValidationError(_("Enter a year such as 1985 or 昭和60年."))


def _parse_postal_code(text: str) -> str:
    value = re.sub(r"[\s〒]", "", _nfkc(text)).replace("ー", "-")
    if found := re.fullmatch(r"(\d{3})-?(\d{4})", value):
        return f"{found.group(1)}-{found.group(2)}"
    raise ValidationError(_("Enter a postal code such as 192-0083."))


def _parse_website(text: str) -> str:
    value = _nfkc(text)
    if "://" not in value and "." in value:
        value = "https://" + value
    return value


class _Cleaner:
    """Turns one row's texts into model values, collecting a message per column for what is wrong."""

    def __init__(self, parsed: ParsedFile) -> None:
        self.parsed = parsed
        self.kinds = _choice_lookup(OrganizationKind, KIND_ALIASES_JA)
        self.statuses = _choice_lookup(MembershipStatus, STATUS_ALIASES_JA)
        self.prefectures = _prefecture_lookup()
        self.org_fields = {key: cast(models.Field, Organization._meta.get_field(key)) for key in ORGANIZATION_KEYS}
        self.contact_fields = {
            key: cast(models.Field, Contact._meta.get_field(name)) for key, name in CONTACT_KEYS.items()
        }

    def _kind(self, text: str) -> str:
        kind = self.kinds.get(_header_token(text))
        if kind is None:
            raise ValidationError(
                _("Unknown kind “%(value)s”; use one of: %(choices)s.")
                % {"value": text, "choices": ", ".join(str(label) for label in OrganizationKind.labels)}
            )
        return kind

    def _prefecture(self, text: str) -> str:
        token = _header_token(text)
        if token.isdigit() and 1 <= int(token) <= 47:
            return f"{int(token):02d}"
        code = self.prefectures.get(token)
        if code is None:
            raise ValidationError(_("Unknown prefecture “%(value)s”; write it as 東京都 or 13.") % {"value": text})
        return code

    def _status(self, text: str) -> str:
        status = self.statuses.get(_header_token(text))
        if status is None:
            raise ValidationError(_("Unknown membership status “%(value)s”.") % {"value": text})
        if status not in IMPORTABLE_STATUSES:
            raise ValidationError(
                _(
                    "Only applications, approved, active and suspended memberships can be imported; "
                    "record withdrawals on the organisation's page."
                )
            )
        return status

    def _organization_value(self, key: str, text: str) -> Any:
        if key == "kind":
            return self._kind(text)
        if key == "prefecture":
            return self._prefecture(text)
        if key == "capital":
            return _parse_amount(text, unit=self.parsed.capital_unit)
        if key == "employees":
            return _parse_amount(text, suffixes="人名")
        if key == "founded_year":
            return _parse_year(text)
        if key == "postal_code":
            return _parse_postal_code(text)
        if key == "website":
            return _parse_website(text)
        if key == "name_kana":
            return normalize_kana(text)
        if key in ("corporate_number", "import_key"):
            return re.sub(r"[\s-]", "", _nfkc(text)) if key == "corporate_number" else _nfkc(text)
        return text.strip()

    def clean(self, line: int, texts: Sequence[str]) -> ImportRow:
        values = dict(zip(self.parsed.columns, texts, strict=True))
        row = ImportRow(line=line, values=values)
        for key, text in values.items():
            if not text.strip():
                continue
            try:
                if key in self.org_fields:
                    value = self._organization_value(key, text)
                    # The model's own field checks: length, choices, check digit, katakana, URL, ranges.
                    row.organization[key] = self.org_fields[key].clean(value, None)
                elif key in self.contact_fields:
                    value = normalize_kana(text) if key == "contact_name_kana" else _nfkc(text)
                    row.contact[CONTACT_KEYS[key]] = self.contact_fields[key].clean(value, None)
                elif key == "membership_status":
                    row.membership_status = self._status(text)
                elif key == "joined_on":
                    row.joined_on = _parse_date(text)
            except ValidationError as error:
                row.field_errors[key] = [str(m) for m in error.messages]
        if any(values.get(key, "").strip() for key in CONTACT_KEYS) and not values.get("contact_name", "").strip():
            row.field_errors.setdefault("contact_name", []).append(_("A contact needs a name."))
        # Address given as one string ("東京都八王子市…") with no prefecture column value: take it from there.
        if "prefecture" not in row.organization and "prefecture" not in row.field_errors:
            for key in ("address_line", "city"):
                text = row.organization.get(key, "")
                name = next((n for n in PREFECTURE_NAMES_JA if text.startswith(n)), None)
                if name:
                    row.organization["prefecture"] = PREFECTURE_CODE_BY_JA[name]
                    row.organization[key] = text[len(name) :].strip()
                    break
        return row


# --- Planning against the register ------------------------------------------------------------


def _chunks(values: Sequence[Any], size: int = 2000) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _fetch(field_name: str, values: Iterable[str], *, lock: bool) -> list[Organization]:
    wanted = sorted({v for v in values if v})
    found: list[Organization] = []
    for chunk in _chunks(wanted):
        queryset = Organization.objects.filter(**{f"{field_name}__in": chunk})
        found.extend(queryset.select_for_update() if lock else queryset)
    return found


def _display(key: str, value: Any) -> str:
    if value is None:
        return ""
    if key == "kind" and value:
        return str(OrganizationKind(value).label)
    if key == "prefecture" and value:
        return str(Prefecture(value).label)
    if key in ("capital", "employees") and isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _plan(rows: Sequence[ImportRow], *, lock: bool = False) -> None:
    """Sets each row's plan against the register as it is now. Reads only (and, with lock, locks)."""
    for row in rows:
        row.plan, row.plan_errors, row.warnings, row.matched_by = RowPlan.ERROR, {}, [], ""
        row.changes, row.creates_membership, row.creates_contact, row.target = [], False, False, None

    numbers = [row.organization.get("corporate_number", "") for row in rows]
    keys = [row.organization.get("import_key", "") for row in rows]
    names = [row.organization.get("name", "") for row in rows]
    by_number = {o.corporate_number: o for o in _fetch("corporate_number", numbers, lock=lock)}
    by_key = {o.import_key: o for o in _fetch("import_key", keys, lock=lock)}
    # Names are only looked up for rows no key matched: a re-import of a keyed list loads nothing twice.
    unmatched = [
        name
        for name, number, key in zip(names, numbers, keys, strict=True)
        if not by_number.get(number) and not by_key.get(key)
    ]
    by_name: dict[str, list[Organization]] = {}
    for organization in _fetch("name", unmatched, lock=lock):
        by_name.setdefault(organization.name, []).append(organization)
    # The same organisation fetched twice must be one object, so changes land on the instance we save.
    known: dict[int, Organization] = {}
    for organization in [*by_number.values(), *by_key.values(), *(o for os in by_name.values() for o in os)]:
        known.setdefault(organization.pk, organization)
    by_number = {k: known[o.pk] for k, o in by_number.items()}
    by_key = {k: known[o.pk] for k, o in by_key.items()}
    by_name = {k: [known[o.pk] for o in os] for k, os in by_name.items()}

    ids = list(known)
    has_membership: dict[int, str] = {}
    contacts: dict[int, list[tuple[str, str, bool]]] = {}
    for chunk in _chunks(ids):
        memberships = Membership.objects.filter(organization_id__in=chunk).order_by(
            "organization_id", "-applied_on", "-id"
        )
        for organization_id, status in memberships.values_list("organization_id", "status"):
            has_membership.setdefault(organization_id, status)
        for organization_id, email, name, billing in (
            Contact.objects.active()
            .filter(organization_id__in=chunk)
            .values_list("organization_id", "email", "name", "is_billing_contact")
        ):
            contacts.setdefault(organization_id, []).append((email.casefold(), name, billing))

    seen_numbers: dict[str, int] = {}
    seen_keys: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    seen_targets: dict[int, int] = {}
    for row, number, key, name in zip(rows, numbers, keys, names, strict=True):
        if number and number in seen_numbers:
            row.add_error(
                "corporate_number",
                _("This corporate number is already on row %(row)d.") % {"row": seen_numbers[number]},
            )
        if key and key in seen_keys:
            row.add_error("import_key", _("This import key is already on row %(row)d.") % {"row": seen_keys[key]})
        seen_numbers.setdefault(number, row.line)
        seen_keys.setdefault(key, row.line)

        target = by_number.get(number) if number else None
        row.matched_by = "corporate_number" if target else ""
        keyed = by_key.get(key) if key else None
        if keyed is not None and target is not None and keyed.pk != target.pk:
            row.add_error(
                "import_key", _("This import key belongs to another organisation (%(name)s).") % {"name": keyed.name}
            )
        elif keyed is not None and target is None:
            target, row.matched_by = keyed, "import_key"
            if number and keyed.corporate_number and keyed.corporate_number != number:
                row.add_error(
                    "corporate_number",
                    _("The organisation with this import key has another corporate number (%(number)s).")
                    % {"number": keyed.corporate_number},
                )
        if target is None and name and not row.plan_errors:
            # The exact name stands in for a key the register does not have yet: a keyless row is found
            # again on a second import (even with a corrected reading), and an organisation registered by
            # hand without a corporate number or import key is taken over (and given them), not duplicated.
            candidates = [
                o
                for o in by_name.get(name, [])
                if (not number or o.corporate_number is None)
                and (not key or o.import_key is None)
                and not ((number or key) and o.pk in seen_targets)
            ]
            if len(candidates) == 1:
                target, row.matched_by = candidates[0], "name"
            elif len(candidates) > 1 and not number and not key:
                row.add_error(
                    "name",
                    _("Several organisations on file have this name; add a corporate number or an import key."),
                )
            if not number and not key:
                if name in seen_names:
                    row.add_error(
                        "name",
                        _(
                            "This name is already on row %(row)d; "
                            "add a corporate number or an import key to tell them apart."
                        )
                        % {"row": seen_names[name]},
                    )
                seen_names.setdefault(name, row.line)
        if target is not None:
            if target.pk in seen_targets:
                row.add_error(
                    "",
                    _("This row matches the same organisation as row %(row)d.") % {"row": seen_targets[target.pk]},
                )
            seen_targets.setdefault(target.pk, row.line)
            row.target = target
            _plan_update(row, target, has_membership.get(target.pk), contacts.get(target.pk, []))
        else:
            for required in ("name", "name_kana", "kind"):
                if required not in row.organization and required not in row.field_errors:
                    row.add_error(required, _("Required for a new organisation."))
            if name and name in by_name and (number or key):
                row.warnings.append(
                    _("An organisation with this name is already on file; check that this is not a duplicate.")
                )
            row.creates_membership = True
            row.creates_contact = bool(row.contact)
            row.plan = RowPlan.CREATE
        if row.has_errors:
            row.plan = RowPlan.ERROR


def _plan_update(
    row: ImportRow,
    target: Organization,
    current_status: str | None,
    contacts: list[tuple[str, str, bool]],
) -> None:
    for key, value in row.organization.items():
        old = getattr(target, key)
        if old != value and not (old in ("", None) and value in ("", None)):
            row.changes.append((key, _display(key, old), _display(key, value)))
    if current_status is None:
        row.creates_membership = True
    elif row.membership_status and row.membership_status != current_status:
        row.warnings.append(
            _("The membership is “%(status)s” on file; an import does not change it. Use the organisation's page.")
            % {"status": MembershipStatus(current_status).label}
        )
    if row.contact:
        email = row.contact.get("email", "").casefold()
        name = row.contact.get("name", "")
        exists = any((email and email == e) or (not email and name == n) for e, n, _b in contacts)
        row.creates_contact = not exists
    row.plan = RowPlan.UPDATE if row.changes or row.creates_membership or row.creates_contact else RowPlan.UNCHANGED


def import_rows_check(parsed: ParsedFile) -> list[ImportRow]:
    """Cleans and plans every row of a parsed file. Reads the register; writes nothing."""
    cleaner = _Cleaner(parsed)
    rows = [cleaner.clean(line, texts) for line, texts in parsed.rows]
    _plan(rows)
    return rows


def import_counts(rows: Iterable[ImportRow]) -> dict[str, int]:
    counts = dict.fromkeys(RowPlan.values, 0)
    for row in rows:
        counts[row.plan] += 1
    counts["total"] = sum(counts.values())
    return counts


# --- Writing ------------------------------------------------------------------------------------


@transaction.atomic
def organization_import_apply(*, actor: User | None, rows: Sequence[ImportRow], source: str = "") -> ImportResult:
    """Writes a checked import: creates and updates organisations (with history attributed to `actor`),
    opens a membership with its first transition for organisations that have none, and adds contacts.

    Refuses, writing nothing, if any row has an error, including errors that appear when the rows are
    planned again against the register as it is now. Applying the same rows twice changes nothing.
    """
    if not rows:
        raise ApplicationError(_("There is nothing to import."))
    if connection.vendor == "postgresql":
        # One import at a time: two runs of the same list must not both create the rows that have no key.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('members.organization_import'))")
    _plan(rows, lock=True)
    failing = [row.line for row in rows if row.has_errors]
    if failing:
        raise ApplicationError(
            _("%(count)d rows have errors (first: row %(row)d). Nothing was imported.")
            % {"count": len(failing), "row": failing[0]},
            extra={"rows": failing},
        )

    now = timezone.now()
    today = timezone.localdate()
    # The history's change reason holds 100 characters; a long file name is cut.
    reason = (_("Imported from %(file)s") % {"file": source[:60]} if source else _("Imported"))[:100]
    creates = [row for row in rows if row.plan == RowPlan.CREATE]
    updates = [row for row in rows if row.plan == RowPlan.UPDATE]

    new_organizations = []
    for row in creates:
        organization = Organization(**row.organization)
        organization_derive_fields(organization)
        new_organizations.append(organization)
        row.target = organization
    changed: list[Organization] = []
    changed_fields: set[str] = set()
    for row in updates:
        if not row.changes or row.target is None:
            continue
        for key, _old, _new in row.changes:
            setattr(row.target, key, row.organization[key])
            changed_fields.add(key)
        organization_derive_fields(row.target)
        row.target.updated_at = now  # bulk_update skips auto_now
        changed.append(row.target)

    try:
        with transaction.atomic():
            bulk_create_with_history(
                new_organizations, Organization, batch_size=BATCH_SIZE, default_user=actor, default_change_reason=reason
            )
            if changed:
                bulk_update_with_history(
                    changed,
                    Organization,
                    fields=sorted(changed_fields | {"search_key", "updated_at"}),
                    batch_size=BATCH_SIZE,
                    default_user=actor,
                    default_change_reason=reason,
                )
            memberships = _new_memberships(rows, today)
            bulk_create_with_history(
                [m for _row, m in memberships],
                Membership,
                batch_size=BATCH_SIZE,
                default_user=actor,
                default_change_reason=reason,
            )
            MembershipTransition.objects.bulk_create(
                [
                    MembershipTransition(
                        membership=membership,
                        from_status="",
                        to_status=membership.status,
                        effective_on=row.joined_on or today,
                        actor=actor,
                        reason=reason,
                    )
                    for row, membership in memberships
                ],
                batch_size=BATCH_SIZE,
            )
            contacts = _new_contacts(rows)
            Contact.objects.bulk_create(contacts, batch_size=BATCH_SIZE)
    except IntegrityError as error:
        # Someone changed the register between our locks and the writes (a new organisation with the
        # same corporate number, say); the whole import is rolled back.
        raise ApplicationError(
            _("The register changed while importing; nothing was imported. Please upload the file again.")
        ) from error

    return ImportResult(
        created=len(creates),
        updated=len(updates),
        unchanged=sum(1 for row in rows if row.plan == RowPlan.UNCHANGED),
        memberships_created=len(memberships),
        contacts_created=len(contacts),
    )


def _new_memberships(rows: Sequence[ImportRow], today: datetime.date) -> list[tuple[ImportRow, Membership]]:
    result = []
    for row in rows:
        if not row.creates_membership or row.target is None:
            continue
        status = row.membership_status or MembershipStatus.ACTIVE
        membership = Membership(
            organization=row.target,
            status=status,
            applied_on=row.joined_on or today,
            # Left empty rather than guessed when the list has no join date.
            joined_on=row.joined_on if status in JOINED_STATUSES else None,
        )
        result.append((row, membership))
    return result


def _new_contacts(rows: Sequence[ImportRow]) -> list[Contact]:
    # The imported person becomes the billing contact only where nobody holds that role yet: an
    # import must not silently take it from the person staff chose.
    ids = [row.target.pk for row in rows if row.creates_contact and row.target is not None]
    has_billing: set[int] = set()
    for chunk in _chunks(ids):
        holders = Contact.objects.active().filter(organization_id__in=chunk, is_billing_contact=True)
        has_billing.update(holders.values_list("organization_id", flat=True))
    contacts = []
    for row in rows:
        if not row.creates_contact or row.target is None:
            continue
        billing = row.target.pk not in has_billing
        has_billing.add(row.target.pk)
        contacts.append(Contact(organization=row.target, is_billing_contact=billing, **row.contact))
    return contacts


def import_template_csv() -> str:
    """The header row of the template the upload page offers, with a BOM so Excel reads it as UTF-8."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([column.header for column in COLUMNS])
    return "\ufeff" + buffer.getvalue()
