"""Matching bank deposits to open invoices: the payer-name key, invoice numbers in the bank's fields, and
the matcher that decides between an automatic allocation and a suggestion for staff.

The matcher never guesses. It allocates by itself only when exactly one open invoice fits the deposit to
the yen and the payer is recognised (by an invoice number it wrote, a remembered alias or the organisation's
kana name). Everything else goes to the staff queue with its suggestions and the reasons for them.

It works on plain dicts loaded once (`matcher_load`), so a 10,000-line statement costs a handful of
queries, not a handful per line.
"""

import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from billing.models import OPEN_INVOICE_STATUSES, DocumentType, Invoice, PayerAlias
from members.models import Organization

# -- the payer key --------------------------------------------------------------------------------------

# Company-type abbreviations as banks write them (全銀協の略語), in the folded form `payer_key` sees (full-width,
# small kana already full-size). They stand before the name as "カ)タマ", after it as "タマ(カ", or inside
# as "(カ)". Longer ones first so that "シヤ" is not read as "シ".
COMPANY_ABBREVIATIONS = [
    "トクヒ",  # 特定非営利活動法人
    "チドク",  # 地方独立行政法人
    "カンリ",  # 管理組合法人
    "ロウム",  # 社会保険労務士法人
    "シホウ",  # 司法書士法人
    "カンサ",  # 監査法人
    "シユウ",  # 宗教法人
    "チユウ",  # 中間法人
    "シヤ",  # 社団法人 (一般・公益)
    "ザイ",  # 財団法人 (一般・公益)
    "ガク",  # 学校法人
    "フク",  # 社会福祉法人
    "ホゴ",  # 更生保護法人
    "ドク",  # 独立行政法人
    "ベン",  # 弁護士法人
    "ギヨ",  # 行政書士法人
    "ゼイ",  # 税理士法人
    "ダイ",  # 国立・公立大学法人
    "ノウ",  # 農事組合法人
    "セイキヨウ",  # 生活協同組合
    "キヨウクミ",  # 協同組合
    "レン",  # 連合会
    "エイ",  # 営業所
    "シユツ",  # 出張所
    "カ",  # 株式会社
    "ユ",  # 有限会社
    "メ",  # 合名会社
    "シ",  # 合資会社
    "ド",  # 合同会社
    "イ",  # 医療法人
    "ソ",  # 相互会社
    # In kanji, as a CSV typed by hand may have them: (株) or ㈱, (有), (同), (社), (財), (医), (学).
    "株",
    "有",
    "同",
    "名",
    "資",
    "社",
    "財",
    "医",
    "学",
]
# The same types spelled out, as some organisations' kana names and some payers write them.
SPELLED_OUT_TYPES = [
    "カブシキガイシヤ", "カブシキカイシヤ", "ユウゲンガイシヤ", "ユウゲンカイシヤ", "ゴウドウガイシヤ",
    "ゴウドウカイシヤ", "ゴウメイガイシヤ", "ゴウシガイシヤ", "イツパンシヤダンホウジン", "コウエキシヤダンホウジン",
    "シヤダンホウジン", "イツパンザイダンホウジン", "コウエキザイダンホウジン", "ザイダンホウジン",
    "イリヨウホウジンシヤダン", "イリヨウホウジン", "ガツコウホウジン", "シヤカイフクシホウジン",
    "トクテイヒエイリカツドウホウジン", "株式会社", "有限会社", "合同会社", "合名会社", "合資会社",
    "一般社団法人", "公益社団法人", "社団法人", "一般財団法人", "公益財団法人", "財団法人", "医療法人社団",
    "医療法人", "学校法人", "社会福祉法人", "特定非営利活動法人",
]  # fmt: skip

_ABBREVIATION = "|".join(COMPANY_ABBREVIATIONS)
# "(カ)" anywhere, "カ)" at the start of a word, "(カ" at the end of one.
_ABBREVIATION_PATTERN = re.compile(
    rf"\((?:{_ABBREVIATION})\)|(?:^|(?<=\s))(?:{_ABBREVIATION})\)|\((?:{_ABBREVIATION})(?=\s|$)"
)
_SPELLED_OUT_PATTERN = re.compile(rf"^(?:{'|'.join(SPELLED_OUT_TYPES)})|(?:{'|'.join(SPELLED_OUT_TYPES)})$")
_SMALL_KANA = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ") | str.maketrans("ヰヱヲ", "イエオ")
_HIRAGANA_OFFSET = 0x60
# What remains of a name after folding: katakana, kanji, Latin letters and digits. Long-vowel marks,
# spaces, dots, commas, hyphens and brackets carry nothing the bank keeps reliably.
_KEEP = re.compile(r"[^A-Z0-9ァ-ヴ一-鿿々]")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)  # half-width kana (ｶﾞ → ガ) and full-width Latin and digits
    text = "".join(chr(ord(ch) + _HIRAGANA_OFFSET) if "ぁ" <= ch <= "ゖ" else ch for ch in text)
    return text.upper().translate(_SMALL_KANA)


def payer_key(name: str) -> str:
    """The form of a payer or organisation name that matching compares.

    NFKC (half-width to full-width katakana), hiragana to katakana, small kana full-size (the bank has none:
    ｷﾔﾉﾝ and キャノン both become キヤノン), company-type abbreviations in their bank forms and spelled out
    removed, invoice numbers removed, then everything but katakana, kanji, letters and digits dropped
    (long-vowel marks, spaces, punctuation). So ｶ)ﾀﾏｾｲﾐﾂ, (ｶ)ﾀﾏｾｲﾐﾂ, ﾀﾏｾｲﾐﾂ(ｶ and タマセイミツ all give
    タマセイミツ; 株式会社多摩精密 and 多摩精密(株) give 多摩精密.
    """
    text = INVOICE_NUMBER_PATTERN.sub(" ", _fold(name))
    text = _ABBREVIATION_PATTERN.sub(" ", text)
    text = _KEEP.sub("", text)
    return _SPELLED_OUT_PATTERN.sub("", text)


# -- invoice numbers in what the payer wrote --------------------------------------------------------------

# "2026-00012" as billing.services.invoices.format_number writes it, or without the hyphen; a remitter code
# is a zero-filled number field, so "0202600012" counts too. A credit note's "C2026-00001" is not one.
INVOICE_NUMBER_PATTERN = re.compile(r"(?<![\dCc])0*(20\d{2})-?(\d{5})(?!\d)")


def invoice_numbers_in(*texts: str) -> set[str]:
    numbers = set()
    for text in texts:
        for year, sequence in INVOICE_NUMBER_PATTERN.findall(unicodedata.normalize("NFKC", text)):
            numbers.add(f"{year}-{sequence}")
    return numbers


# -- the matcher --------------------------------------------------------------------------------------------

REASON_NUMBER = "invoice_number"  # the payer wrote the invoice's number
REASON_ALIAS = "alias"  # staff matched this payer name to the organisation before
REASON_KANA = "kana"  # the payer name is the organisation's kana name
REASON_EXACT = "exact_amount"  # the deposit is the invoice's balance to the yen
REASON_SHORT = "short_payment"  # short of the balance by no more than the accepted bank fee
REASON_SUM = "sum_of_invoices"  # with other open invoices of the organisation it adds up to the deposit
REASON_AMOUNT_ONLY = "amount_only"  # the amount fits, the payer is not recognised
NAME_REASONS = {REASON_NUMBER, REASON_ALIAS, REASON_KANA}
# Suggest invoices by amount alone only while that narrows it down to a few.
MAX_AMOUNT_ONLY_SUGGESTIONS = 3
# Look for sums among at most this many open invoices of one organisation (2**12 subsets).
MAX_INVOICES_FOR_SUMS = 12


@dataclass
class OpenInvoice:
    id: int
    organization_id: int
    number: str
    balance: int


@dataclass
class Decision:
    """What to do with one deposit: allocate to `invoice` automatically, or queue it with `suggestions`."""

    invoice: OpenInvoice | None = None
    suggestions: list[dict[str, object]] = field(default_factory=list)
    # The organisation the payer was recognised as, when exactly one (for the queue's preselection).
    organization_id: int | None = None


class Matcher:
    """Decides for one deposit after another; an automatic allocation uses up the invoice's balance, so a
    second deposit for the same invoice in the same statement is not matched to it again."""

    def __init__(
        self,
        invoices: Iterable[OpenInvoice],
        aliases: dict[str, int],
        organization_keys: dict[str, list[int]],
        tolerance: int,
    ) -> None:
        self.aliases = aliases
        self.organization_keys = organization_keys
        self.tolerance = tolerance
        self.by_id: dict[int, OpenInvoice] = {}
        self.by_number: dict[str, OpenInvoice] = {}
        self.by_organization: dict[int, list[OpenInvoice]] = defaultdict(list)
        self.by_balance: dict[int, list[OpenInvoice]] = defaultdict(list)
        for invoice in invoices:
            self.by_id[invoice.id] = invoice
            self.by_number[invoice.number] = invoice
            self.by_organization[invoice.organization_id].append(invoice)
            self.by_balance[invoice.balance].append(invoice)

    def organizations_for(self, key: str) -> tuple[int | None, list[int]]:
        """(organisation of a remembered alias, organisations whose kana name has this key)."""
        if not key:
            return None, []
        return self.aliases.get(key), self.organization_keys.get(key, [])

    def decide(self, *, amount: int, key: str, texts: Iterable[str]) -> Decision:
        reasons: dict[int, list[str]] = defaultdict(list)
        recognised: set[int] = set()
        for number in invoice_numbers_in(*texts):
            invoice = self.by_number.get(number)
            if invoice is not None and invoice.balance > 0:
                reasons[invoice.id].append(REASON_NUMBER)
                recognised.add(invoice.organization_id)
        alias, kana = self.organizations_for(key)
        name_reasons: list[tuple[int, str]] = [(alias, REASON_ALIAS)] if alias else []
        name_reasons += [(organization_id, REASON_KANA) for organization_id in kana if organization_id != alias]
        for organization_id, reason in name_reasons:
            recognised.add(organization_id)
            for invoice in self._open_of(organization_id):
                reasons[invoice.id].append(reason)

        for invoice_id in list(reasons):
            invoice = self.by_id[invoice_id]
            if invoice.balance == amount:
                reasons[invoice_id].append(REASON_EXACT)
            elif 0 < invoice.balance - amount <= self.tolerance:
                reasons[invoice_id].append(REASON_SHORT)
        for organization_id in recognised:
            for invoice in self._sum_fit(organization_id, amount):
                reasons[invoice.id].append(REASON_SUM)
        if not reasons:
            fitting = (invoice for invoice in self.by_balance.get(amount, []) if invoice.balance == amount)
            few = list(itertools.islice(fitting, MAX_AMOUNT_ONLY_SUGGESTIONS + 1))
            if len(few) <= MAX_AMOUNT_ONLY_SUGGESTIONS:
                reasons.update((invoice.id, [REASON_AMOUNT_ONLY]) for invoice in few)

        decision = Decision(
            suggestions=[{"invoice": invoice_id, "reasons": found} for invoice_id, found in reasons.items()],
            organization_id=next(iter(recognised)) if len(recognised) == 1 else None,
        )
        exact = [invoice_id for invoice_id, found in reasons.items() if REASON_EXACT in found]
        by_number = [invoice_id for invoice_id in exact if REASON_NUMBER in reasons[invoice_id]]
        sums = any(REASON_SUM in found for found in reasons.values())
        # One exact fit with the payer recognised and no set of invoices that adds up as well, or one exact
        # fit that the payer named by its number: no doubt left.
        chosen = by_number or ([] if sums else exact)
        if len(chosen) == 1 and NAME_REASONS & set(reasons[chosen[0]]):
            decision.invoice = self.by_id[chosen[0]]
            decision.invoice.balance = 0
        return decision

    def _open_of(self, organization_id: int) -> list[OpenInvoice]:
        return [invoice for invoice in self.by_organization.get(organization_id, []) if invoice.balance > 0]

    def _sum_fit(self, organization_id: int, amount: int) -> list[OpenInvoice]:
        """Invoices of the organisation that together make the amount exactly, if exactly one set of two or
        more does; none when no set or several sets do (then staff choose)."""
        invoices = self._open_of(organization_id)
        if len(invoices) < 2 or len(invoices) > MAX_INVOICES_FOR_SUMS or sum(i.balance for i in invoices) < amount:
            return []
        fits = [
            subset
            for size in range(2, len(invoices) + 1)
            for subset in itertools.combinations(invoices, size)
            if sum(invoice.balance for invoice in subset) == amount
        ]
        return list(fits[0]) if len(fits) == 1 else []


def open_invoices_for_matching() -> list[OpenInvoice]:
    rows = Invoice.objects.filter(document_type=DocumentType.INVOICE, status__in=OPEN_INVOICE_STATUSES).values_list(
        "id", "organization_id", "number", "total", "amount_credited", "amount_paid"
    )
    return [
        OpenInvoice(id=pk, organization_id=organization_id, number=number or "", balance=total - credited - paid)
        for pk, organization_id, number, total, credited, paid in rows
    ]


def organization_keys() -> dict[str, list[int]]:
    """Organisations by the key of their kana name, and of their name for payers who write it in kanji."""
    keys: dict[str, list[int]] = defaultdict(list)
    for pk, name, name_kana in Organization.objects.values_list("id", "name", "name_kana"):
        for key in {payer_key(name_kana), payer_key(name)} - {""}:
            keys[key].append(pk)
    return dict(keys)


def matcher_load(*, tolerance: int) -> Matcher:
    """Open invoices, aliases and organisations' kana names, three queries in all."""
    aliases = dict(PayerAlias.objects.values_list("payer_key", "organization_id"))
    return Matcher(open_invoices_for_matching(), aliases, organization_keys(), tolerance)
