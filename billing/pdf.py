"""Invoices, credit notes and receipts as PDF: A4, drawn on a ReportLab canvas, IPAex Gothic embedded as a subset.

Why a hand-set canvas: the yearly run renders ~10,000 invoices and they must be ready in under two minutes on
two cores. ReportLab's canvas with an embedded TrueType subset takes a few milliseconds per page; its flowable
layer (platypus) costs several times that, and HTML-to-PDF engines hundreds of milliseconds or more.

The wording is fixed Japanese, kept in LABELS below rather than in the translation catalogue: these are
Japanese business and tax documents (インボイス制度), the same whoever downloads them and in whatever language
their screen is. A catalogue entry "Invoice" → 請求書 would make their legally required wording depend on a
translation file that anyone may edit for the UI.

Functions take an Invoice (with `lines` preferably prefetched) and return the PDF's bytes; they read the
invoice's frozen snapshot (recipient_*, issuer_*, registration_number, bank_account, tax_summary), never the
live organisation or settings.
"""

import datetime
import functools
import io
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from django.db.models import Max
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from billing.models import TaxCategory

if TYPE_CHECKING:
    from billing.models import Invoice, InvoiceLine

FONT = "IPAexGothic"
# Debian's fonts-ipaexfont (also installed in the Dockerfile).
FONT_PATH = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"

LABELS = {
    "invoice": "請求書",
    "qualified_credit_note": "適格返還請求書",
    "credit_note": "返還請求書",
    "receipt": "領収書",
    "draft": "（下書き）",
    "continued": "（続き）",
    "number": "No.",
    "issued_on": "発行日",
    "due_on": "お支払期限",
    "received_on": "領収日",
    "registration_number": "登録番号",
    "phone": "TEL",
    "invoice_intro": "下記のとおりご請求申し上げます。",
    "credit_note_intro": "下記のとおり返金・値引きいたします。",
    "credit_note_for": "対象の請求書：No. {number}（発行日 {issued_on}）",
    "reason": "理由",
    "invoice_amount": "ご請求金額（税込）",
    "credit_note_amount": "返金・値引き額（税込）",
    "description": "品目",
    "quantity": "数量",
    "unit_price": "単価",
    "amount": "金額",
    "tax_category": "税区分",
    "tax_rate": "税率区分",
    "tax_base": "対象額",
    "tax": "消費税",
    "subtotal": "小計",
    "tax_total": "消費税合計",
    "total": "合計",
    "reduced_rate_note": "※は軽減税率（8%）の対象です。",
    "out_of_scope_note": "会費は消費税の課税対象外です。",
    "note": "備考",
    "bank_account": "お振込先",
    "bank_request": "お支払期限までに下記の口座へお振込みください。",
    "receipt_amount": "金額",
    "receipt_for": "但し",
    "receipt_for_suffix": "として",
    "receipt_others": "他",
    "receipt_received": "上記正に領収いたしました。",
    "receipt_invoice": "請求書 No. {number}（ご請求金額 {total}）に対するお支払い",
    "receipt_breakdown": "内訳",
    "page": "{page} /",
}
# Summary rows per tax category, in the order a Japanese invoice lists them.
TAX_SUMMARY_LABELS: dict[str, str] = {
    TaxCategory.STANDARD: "10%対象",
    TaxCategory.REDUCED: "8%対象（※軽減税率）",
    TaxCategory.OUT_OF_SCOPE: "不課税",
    TaxCategory.EXEMPT: "非課税",
}
# Categories that carry consumption tax; the others show their base only.
TAXED: set[str] = {TaxCategory.STANDARD, TaxCategory.REDUCED}
# The mark on each line.
TAX_LINE_MARKS: dict[str, str] = {
    TaxCategory.STANDARD: "10%",
    TaxCategory.REDUCED: "※8%",
    TaxCategory.OUT_OF_SCOPE: "不課税",
    TaxCategory.EXEMPT: "非課税",
}

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT, RIGHT = 42.0, PAGE_WIDTH - 42.0
TOP, BOTTOM = PAGE_HEIGHT - 40.0, 56.0
GREY = (0.93, 0.93, 0.93)
RULE = (0.55, 0.55, 0.55)

# Item table columns: description from LEFT, then right edges of the numbers and the centre of the tax mark.
DESCRIPTION_WIDTH = 262.0
QUANTITY_RIGHT = 352.0
UNIT_PRICE_RIGHT = 432.0
AMOUNT_RIGHT = 508.0
TAX_MARK_CENTRE = (AMOUNT_RIGHT + RIGHT) / 2
ROW_SIZE, ROW_LEADING = 9.0, 12.0


@functools.cache
def register_font() -> str:
    """Parses the TrueType file once per process; every document then embeds the subset of glyphs it uses."""
    pdfmetrics.registerFont(TTFont(FONT, FONT_PATH))
    return FONT


def yen(amount: int) -> str:
    return f"¥{amount:,}"


def japanese_date(day: datetime.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


# -- line breaking ------------------------------------------------------------------------------------

# 禁則処理: characters that may not begin a line, and ones that may not end it.
NO_LINE_START = frozenset(
    "、。，．,.・：；:;？！?!ー―‐〜～）)］]｝}〕〉》」』】〙〗〟’”%％ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々ゝゞヽヾ"
)
NO_LINE_END = frozenset("（(［[｛{〔〈《「『【〘〖〝‘“¥￥$＄")
# A Latin word or number stays whole; every other character may break anywhere (CJK text has no spaces).
TOKEN = re.compile(r"[0-9A-Za-z][0-9A-Za-z.,:%'’\-/@_]*|\s+|.", re.DOTALL)


def width_of(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, FONT, size)


def wrap(text: str, width: float, size: float) -> list[str]:
    """Lines of at most `width` points, broken the Japanese way: between any two CJK characters, not
    inside a Latin word, and not before closing punctuation or after an opening bracket."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        if width_of(paragraph, size) <= width:
            lines.append(paragraph)
            continue
        line, line_width = "", 0.0
        for token in _tokens(paragraph, width, size):
            token_width = width_of(token, size)
            if line_width + token_width <= width or not line.strip():
                line, line_width = line + token, line_width + token_width
            elif token[0] in NO_LINE_START:
                # ぶら下げ: closing punctuation hangs past the margin rather than starting a line.
                line, line_width = line + token, line_width + token_width
            else:
                carry = ""
                while len(line) > 1 and line[-1] in NO_LINE_END:
                    line, carry = line[:-1], line[-1] + carry
                lines.append(line.rstrip())
                line = (carry + token).lstrip()
                line_width = width_of(line, size)
        lines.append(line.rstrip())
    return lines


def _tokens(paragraph: str, width: float, size: float) -> list[str]:
    tokens: list[str] = []
    for token in TOKEN.findall(paragraph):
        # A word longer than the whole line (a URL, an account number) breaks between characters after all.
        tokens.extend(token if len(token) > 1 and width_of(token, size) > width else [token])
    return tokens


# -- the page machinery -------------------------------------------------------------------------------


class _Document:
    """A canvas with a cursor running down the page; `room` starts a new page when a block will not fit."""

    def __init__(self, *, title: str, running_title: str, author: str) -> None:
        register_font()
        self.buffer = io.BytesIO()
        # invariant: no creation timestamp or random id, so the same invoice always gives the same bytes.
        self.canvas = Canvas(self.buffer, pagesize=A4, invariant=1, pageCompression=1, initialFontName=FONT)
        self.canvas.setTitle(title)
        self.canvas.setAuthor(author)
        self.canvas.setCreator("clusternet")
        self.running_title = running_title
        self.page = 1
        self.y = TOP
        # Redrawn at the top of every further page while a table runs on (its column heads).
        self.on_new_page: Callable[[], None] | None = None

    def text(self, x: float, y: float, text: str, size: float, align: str = "left") -> None:
        self.canvas.setFont(FONT, size)
        if align == "right":
            self.canvas.drawRightString(x, y, text)
        elif align == "centre":
            self.canvas.drawCentredString(x, y, text)
        else:
            self.canvas.drawString(x, y, text)

    def rule(self, x1: float, y: float, x2: float, width: float = 0.5) -> None:
        self.canvas.setStrokeColorRGB(*RULE)
        self.canvas.setLineWidth(width)
        self.canvas.line(x1, y, x2, y)

    def shade(self, x: float, y: float, width: float, height: float) -> None:
        self.canvas.setFillColorRGB(*GREY)
        self.canvas.rect(x, y, width, height, stroke=0, fill=1)
        self.canvas.setFillColorRGB(0, 0, 0)

    def room(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.new_page()

    def new_page(self) -> None:
        self._footer()
        self.canvas.showPage()
        self.page += 1
        self.text(LEFT, TOP - 10, self.running_title + LABELS["continued"], 10)
        self.rule(LEFT, TOP - 16, RIGHT)
        self.y = TOP - 34
        if self.on_new_page:
            self.on_new_page()

    def _footer(self) -> None:
        # "2 / 3": the total is a form drawn once at the end and shown on every page.
        self.text(PAGE_WIDTH / 2 + 2, 30, LABELS["page"].format(page=self.page), 8, align="right")
        self.canvas.doForm("page_count")

    def finish(self) -> bytes:
        self._footer()
        self.canvas.showPage()
        self.canvas.beginForm("page_count")
        self.text(PAGE_WIDTH / 2 + 6, 30, str(self.page), 8)
        self.canvas.endForm()
        self.canvas.save()
        return self.buffer.getvalue()

    def wrapped(self, x: float, text: str, width: float, size: float, leading: float) -> None:
        """Paragraph text at the cursor, onto further pages as needed."""
        for line in wrap(text, width, size):
            self.room(leading)
            self.y -= leading
            self.text(x, self.y + (leading - size) / 2, line, size)


# -- the blocks ---------------------------------------------------------------------------------------


def _heading(doc: _Document, title: str, facts: Sequence[tuple[str, str]]) -> None:
    doc.text(PAGE_WIDTH / 2, TOP - 24, title, 24, align="centre")
    title_width = width_of(title, 24)
    doc.rule(PAGE_WIDTH / 2 - title_width / 2 - 24, TOP - 32, PAGE_WIDTH / 2 + title_width / 2 + 24, 1.2)
    y = TOP - 58
    for label, value in facts:
        if value:
            doc.text(RIGHT - 110, y, label, 9)
            doc.text(RIGHT, y, value, 9, align="right")
            y -= 13
    doc.y = y


def _recipient(doc: _Document, invoice: "Invoice", top: float) -> float:
    """Postal code, address, then the name with its honorific; returns the y below the block."""
    y = top
    width = 270.0
    if invoice.recipient_postal_code:
        doc.text(LEFT, y, f"〒{invoice.recipient_postal_code}", 9)
        y -= 12
    for line in wrap(invoice.recipient_address, width, 9) if invoice.recipient_address else []:
        doc.text(LEFT, y, line, 9)
        y -= 12
    y -= 10
    honorific = invoice.recipient_honorific
    name_lines = wrap(invoice.recipient_name, width, 14)
    if invoice.recipient_department:
        name_lines.append(f"{invoice.recipient_department}　{honorific}")
    else:
        name_lines[-1] = f"{name_lines[-1]}　{honorific}"
    for line in name_lines:
        doc.text(LEFT, y, line, 14)
        y -= 19
    doc.rule(LEFT, y + 13, LEFT + width, 0.8)
    return y


def _issuer(doc: _Document, invoice: "Invoice", top: float) -> float:
    x, width = RIGHT - 215, 215.0
    y = top
    for line in wrap(invoice.issuer_name, width, 10.5):
        doc.text(x, y, line, 10.5)
        y -= 15
    address = " ".join(p for p in [f"〒{invoice.issuer_postal_code}" if invoice.issuer_postal_code else "",
                                   invoice.issuer_address] if p)  # fmt: skip
    for line in wrap(address, width, 8.5) if address else []:
        doc.text(x, y, line, 8.5)
        y -= 11
    if invoice.issuer_phone:
        doc.text(x, y, f"{LABELS['phone']} {invoice.issuer_phone}", 8.5)
        y -= 11
    if invoice.registration_number:
        doc.text(x, y, f"{LABELS['registration_number']} {invoice.registration_number}", 8.5)
        y -= 11
    return y


def _amount_box(doc: _Document, label: str, amount: int, aside: tuple[str, str] | None) -> None:
    height = 34.0
    doc.room(height + 12)
    top = doc.y - 8
    box_width = 300.0
    doc.canvas.setStrokeColorRGB(0, 0, 0)
    doc.canvas.setLineWidth(1)
    doc.shade(LEFT, top - height, 110, height)
    doc.canvas.rect(LEFT, top - height, box_width, height, stroke=1, fill=0)
    doc.text(LEFT + 8, top - height / 2 - 4, label, 9.5)
    doc.text(LEFT + box_width - 12, top - height / 2 - 7, yen(amount), 20, align="right")
    if aside:
        doc.text(LEFT + box_width + 16, top - height / 2 - 4, aside[0], 9.5)
        doc.text(RIGHT, top - height / 2 - 4, aside[1], 11, align="right")
    doc.y = top - height - 6


def _table_head(doc: _Document) -> None:
    doc.room(18)
    top = doc.y
    doc.shade(LEFT, top - 16, RIGHT - LEFT, 16)
    baseline = top - 11.5
    doc.text(LEFT + 4, baseline, LABELS["description"], 8.5)
    doc.text(QUANTITY_RIGHT - 2, baseline, LABELS["quantity"], 8.5, align="right")
    doc.text(UNIT_PRICE_RIGHT - 2, baseline, LABELS["unit_price"], 8.5, align="right")
    doc.text(AMOUNT_RIGHT - 2, baseline, LABELS["amount"], 8.5, align="right")
    doc.text(TAX_MARK_CENTRE, baseline, LABELS["tax_category"], 8.5, align="centre")
    doc.y = top - 16


def _line_rows(doc: _Document, lines: Sequence["InvoiceLine"]) -> None:
    doc.y -= 6
    _table_head(doc)
    doc.on_new_page = functools.partial(_table_head, doc)
    for line in lines:
        description = wrap(line.description, DESCRIPTION_WIDTH, ROW_SIZE)
        height = len(description) * ROW_LEADING + 6
        doc.room(height)
        top = doc.y
        baseline = top - 3 - ROW_LEADING + (ROW_LEADING - ROW_SIZE) / 2 + 1
        doc.text(QUANTITY_RIGHT - 2, baseline, f"{line.quantity:,}", ROW_SIZE, align="right")
        doc.text(UNIT_PRICE_RIGHT - 2, baseline, yen(line.unit_price), ROW_SIZE, align="right")
        doc.text(AMOUNT_RIGHT - 2, baseline, yen(line.amount), ROW_SIZE, align="right")
        doc.text(TAX_MARK_CENTRE, baseline, TAX_LINE_MARKS.get(line.tax_category, ""), 8, align="centre")
        for text in description:
            doc.text(LEFT + 4, baseline, text, ROW_SIZE)
            baseline -= ROW_LEADING
        doc.y = top - height
        doc.rule(LEFT, doc.y, RIGHT, 0.4)
    doc.on_new_page = None


def _tax_summary(doc: _Document, invoice: "Invoice") -> None:
    rows = {entry["category"]: entry for entry in invoice.tax_summary}
    summary = [(c, rows[c]["base"], rows[c]["tax"]) for c in TAX_SUMMARY_LABELS if c in rows]
    label_x, base_right, tax_right = 300.0, 470.0, RIGHT
    height = 16 + 14 * (len(summary) + 3) + 10
    doc.room(height)
    y = doc.y - 14
    doc.text(label_x, y, LABELS["tax_rate"], 8.5)
    doc.text(base_right, y, LABELS["tax_base"], 8.5, align="right")
    doc.text(tax_right, y, LABELS["tax"], 8.5, align="right")
    doc.rule(label_x, y - 4, RIGHT, 0.4)
    for category, base, tax in summary:
        y -= 14
        doc.text(label_x, y, TAX_SUMMARY_LABELS[category], 9)
        doc.text(base_right, y, yen(base), 9, align="right")
        doc.text(tax_right, y, yen(tax) if category in TAXED else "—", 9, align="right")
    doc.rule(label_x, y - 5, RIGHT, 0.4)
    for key, amount, size in (("subtotal", invoice.subtotal, 9), ("tax_total", invoice.tax_total, 9)):
        y -= 14
        doc.text(label_x, y, LABELS[key], size)
        doc.text(tax_right, y, yen(amount), size, align="right")
    y -= 18
    doc.text(label_x, y, LABELS["total"], 12)
    doc.text(tax_right, y, yen(invoice.total), 12, align="right")
    doc.rule(label_x, y - 5, RIGHT, 1.0)
    doc.y = y - 10


def _notes(doc: _Document, invoice: "Invoice", categories: set[str], x: float = LEFT, right: float = RIGHT) -> None:
    notes = []
    if TaxCategory.REDUCED in categories:
        notes.append(LABELS["reduced_rate_note"])
    if TaxCategory.OUT_OF_SCOPE in categories:
        notes.append(LABELS["out_of_scope_note"])
    for note in notes:
        doc.wrapped(x, note, right - x, 9, 13)
    if invoice.note and not invoice.is_credit_note:
        doc.room(30)
        doc.y -= 6
        doc.wrapped(x, f"{LABELS['note']}：", right - x, 9, 13)
        doc.wrapped(x + 10, invoice.note, right - x - 10, 9, 13)


def _bank_account(doc: _Document, invoice: "Invoice") -> None:
    if not invoice.bank_account:
        return
    lines = [line for raw in invoice.bank_account.splitlines() for line in wrap(raw, RIGHT - LEFT - 24, 9.5)]
    height = 22 + 14 * len(lines) + 24
    doc.room(height + 10)
    top = doc.y - 10
    doc.canvas.setStrokeColorRGB(*RULE)
    doc.canvas.setLineWidth(0.6)
    doc.shade(LEFT, top - 18, RIGHT - LEFT, 18)
    doc.canvas.rect(LEFT, top - height, RIGHT - LEFT, height, stroke=1, fill=0)
    doc.text(LEFT + 8, top - 13, LABELS["bank_account"], 9.5)
    y = top - 18 - 15
    doc.text(LEFT + 12, y, LABELS["bank_request"], 8.5)
    for line in lines:
        y -= 14
        doc.text(LEFT + 12, y, line, 9.5)
    doc.y = top - height


def _document_title(invoice: "Invoice") -> str:
    if invoice.is_credit_note:
        title = LABELS["qualified_credit_note"] if invoice.registration_number else LABELS["credit_note"]
    else:
        title = LABELS["invoice"]
    return title if invoice.number else title + LABELS["draft"]


def invoice_pdf(invoice: "Invoice") -> bytes:
    """An invoice (請求書) or, for a credit note, a 返還請求書 naming the invoice it credits."""
    title = _document_title(invoice)
    number = invoice.number or ""
    doc = _Document(title=f"{title} {number}".strip(), running_title=f"{title} {number}", author=invoice.issuer_name)
    credited = invoice.credit_note_for if invoice.is_credit_note else None
    _heading(
        doc,
        title,
        [
            (LABELS["number"], number),
            (LABELS["issued_on"], japanese_date(invoice.issued_on)),
        ],
    )
    top = doc.y - 6
    below = min(_recipient(doc, invoice, top), _issuer(doc, invoice, top - 6))
    doc.y = below - 8
    lines = list(invoice.lines.all())
    if credited is not None:
        doc.wrapped(LEFT, LABELS["credit_note_intro"], RIGHT - LEFT, 10, 15)
        original = LABELS["credit_note_for"].format(number=credited.number, issued_on=japanese_date(credited.issued_on))
        doc.wrapped(LEFT, original, RIGHT - LEFT, 10, 15)
        if invoice.note:
            doc.wrapped(LEFT, f"{LABELS['reason']}：{invoice.note}", RIGHT - LEFT, 9, 13)
        _amount_box(doc, LABELS["credit_note_amount"], invoice.total, None)
    else:
        doc.wrapped(LEFT, LABELS["invoice_intro"], RIGHT - LEFT, 10, 15)
        _amount_box(doc, LABELS["invoice_amount"], invoice.total, (LABELS["due_on"], japanese_date(invoice.due_on)))
    _line_rows(doc, lines)
    _tax_summary(doc, invoice)
    _notes(doc, invoice, {line.tax_category for line in lines})
    if credited is None:
        _bank_account(doc, invoice)
    return doc.finish()


def last_payment_date(invoice: "Invoice") -> datetime.date | None:
    """The day the latest money applied to the invoice was received."""
    return invoice.allocations.filter(amount__gt=0).aggregate(day=Max("payment__received_on"))["day"]


def receipt_for_text(lines: Sequence["InvoiceLine"]) -> str:
    """但し書き: what the money was for, from the invoice's lines."""
    if not lines:
        return ""
    first = lines[0].description
    return f"{first} {LABELS['receipt_others']}" if len(lines) > 1 else first


def receipt_pdf(invoice: "Invoice", *, received_on: datetime.date | None = None) -> bytes:
    """A receipt (領収書) for what has been paid on an invoice so far, dated the day of the last payment."""
    if invoice.is_credit_note or invoice.amount_paid <= 0:
        raise ValueError("a receipt needs money paid on an invoice")
    received_on = received_on or last_payment_date(invoice)
    title = LABELS["receipt"]
    number = f"R-{invoice.number}"
    doc = _Document(title=f"{title} {number}", running_title=f"{title} {number}", author=invoice.issuer_name)
    _heading(doc, title, [(LABELS["number"], number), (LABELS["received_on"], japanese_date(received_on))])
    doc.y = _recipient(doc, invoice, doc.y - 6) - 14

    height = 44.0
    top = doc.y
    doc.canvas.setStrokeColorRGB(0, 0, 0)
    doc.canvas.setLineWidth(1.2)
    doc.shade(LEFT + 60, top - height, RIGHT - LEFT - 120, height)
    doc.canvas.rect(LEFT + 60, top - height, RIGHT - LEFT - 120, height, stroke=1, fill=0)
    doc.text(LEFT + 72, top - height / 2 - 4, LABELS["receipt_amount"], 11)
    doc.text(PAGE_WIDTH / 2, top - height / 2 - 9, f"{yen(invoice.amount_paid)}-", 26, align="centre")
    doc.y = top - height - 10

    lines = list(invoice.lines.all())
    for_text = f"{LABELS['receipt_for']}　{receipt_for_text(lines)}{LABELS['receipt_for_suffix']}"
    doc.wrapped(LEFT + 60, for_text, RIGHT - LEFT - 120, 11, 18)
    doc.wrapped(LEFT + 60, LABELS["receipt_received"], RIGHT - LEFT - 120, 11, 18)
    doc.y -= 6
    invoice_text = LABELS["receipt_invoice"].format(number=invoice.number, total=yen(invoice.total))
    doc.wrapped(LEFT + 60, invoice_text, RIGHT - LEFT - 120, 9, 13)
    # A per-rate breakdown (required of a receipt under the qualified-invoice system) is exact only when
    # the payment covers the whole invoice; a part payment refers to the invoice that carries it.
    if invoice.amount_credited == 0 and invoice.amount_paid == invoice.total:
        doc.y -= 4
        doc.wrapped(LEFT + 60, f"{LABELS['receipt_breakdown']}：", RIGHT - LEFT - 120, 9, 13)
        rows = {entry["category"]: entry for entry in invoice.tax_summary}
        for category in (c for c in TAX_SUMMARY_LABELS if c in rows):
            base, tax = rows[category]["base"], rows[category]["tax"]
            tax_text = f"（{LABELS['tax']} {yen(tax)}）" if category in TAXED else ""
            doc.wrapped(LEFT + 72, f"{TAX_SUMMARY_LABELS[category]} {yen(base)}{tax_text}", RIGHT - LEFT - 132, 9, 13)
    doc.y -= 4
    _notes(doc, invoice, {line.tax_category for line in lines}, x=LEFT + 60, right=RIGHT - 60)
    doc.y -= 20
    doc.room(80)
    _issuer(doc, invoice, doc.y)
    return doc.finish()
