"""Timetables of a matching session as PDF: A4, one page per timetable, IPAex Gothic embedded as a subset.

Drawn on a ReportLab canvas with billing's font registration and Japanese line breaking (billing/pdf.py),
for the same reason as the invoices: a session prints a few hundred sheets at once. The wording is fixed
Japanese like the invoices': the sheets are handed out at a Japanese session, whatever the language of the
screen that printed them.
"""

import datetime
import io
from collections.abc import Sequence

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from billing.pdf import register_font, width_of, wrap
from matching.models import MatchingSession
from matching.selectors.timetables import COORDINATOR, PARTICIPANT, TABLE, Timetable

TITLES = {
    PARTICIPANT: "タイムテーブル",
    TABLE: "テーブル別タイムテーブル",
    COORDINATOR: "コーディネーター用タイムテーブル",
}
LABELS = {
    "table_name": "テーブル {table}",
    "honorific": "様",
    "attendee": "ご出席",
    "slot": "枠",
    "time": "時間",
    "table": "テーブル",
    "party": "面談相手",
    "parties": "面談者",
    "coordinator": "コーディネーター",
    "free": "—",
    "meetings": "面談 {count}件",
    "note": "開始時刻の5分前までに各テーブルへお越しください。",
}

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT, RIGHT = 42.0, PAGE_WIDTH - 42.0
TOP, BOTTOM = PAGE_HEIGHT - 40.0, 50.0
GREY = (0.93, 0.93, 0.93)
RULE = (0.55, 0.55, 0.55)
# Columns: slot number, time, table, then the parties, then the coordinator.
SLOT_X, TIME_X, TABLE_X, PARTY_X, COORDINATOR_X = LEFT + 4, LEFT + 34, LEFT + 124, LEFT + 178, RIGHT - 120


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment, timezone.get_default_timezone())


def japanese_day(moment: datetime.datetime | None) -> str:
    if moment is None:
        return ""
    local = _local(moment)
    weekday = "月火水木金土日"[local.weekday()]
    return f"{local.year}年{local.month}月{local.day}日（{weekday}）"


def _time(moment: datetime.datetime) -> str:
    return _local(moment).strftime("%H:%M")


class _Sheets:
    def __init__(self, session: MatchingSession) -> None:
        self.font = register_font()
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=A4, invariant=1, pageCompression=1, initialFontName=self.font)
        self.canvas.setTitle(f"{session.event.title} {TITLES[PARTICIPANT]}")
        self.canvas.setCreator("clusternet")
        self.session = session

    def text(self, x: float, y: float, text: str, size: float, align: str = "left") -> None:
        self.canvas.setFont(self.font, size)
        if align == "right":
            self.canvas.drawRightString(x, y, text)
        elif align == "centre":
            self.canvas.drawCentredString(x, y, text)
        else:
            self.canvas.drawString(x, y, text)

    def rule(self, y: float, width: float = 0.5) -> None:
        self.canvas.setStrokeColorRGB(*RULE)
        self.canvas.setLineWidth(width)
        self.canvas.line(LEFT, y, RIGHT, y)

    def page(self, timetable: Timetable) -> None:
        event = self.session.event
        self.text(LEFT, TOP - 10, event.title, 10)
        self.text(RIGHT, TOP - 10, japanese_day(event.starts_at), 10, align="right")
        self.rule(TOP - 16)
        self.text(PAGE_WIDTH / 2, TOP - 46, TITLES[timetable.audience], 18, align="centre")
        if timetable.audience == TABLE:  # the page's own wording, not the screen's language
            name = LABELS["table_name"].format(table=timetable.target_id)
        else:
            name = timetable.title + (f"　{LABELS['honorific']}" if timetable.audience == PARTICIPANT else "")
        y = TOP - 82
        for line in wrap(name, RIGHT - LEFT, 16):
            self.text(LEFT, y, line, 16)
            y -= 21
        if timetable.person:
            self.text(LEFT, y, f"{LABELS['attendee']}：{timetable.person}　{LABELS['honorific']}", 10)
            y -= 15
        self.text(RIGHT, y + 15, LABELS["meetings"].format(count=timetable.meeting_count), 10, align="right")
        self._rows(timetable, y - 8)
        self.text(LEFT, BOTTOM - 16, LABELS["note"], 8.5)
        self.canvas.showPage()

    def _rows(self, timetable: Timetable, top: float) -> None:
        head = 18.0
        self.canvas.setFillColorRGB(*GREY)
        self.canvas.rect(LEFT, top - head, RIGHT - LEFT, head, stroke=0, fill=1)
        self.canvas.setFillColorRGB(0, 0, 0)
        baseline = top - 12.5
        parties_label = LABELS["party"] if timetable.audience == PARTICIPANT else LABELS["parties"]
        for x, label in (
            (SLOT_X, LABELS["slot"]),
            (TIME_X, LABELS["time"]),
            (TABLE_X, LABELS["table"]),
            (PARTY_X, parties_label),
            (COORDINATOR_X, LABELS["coordinator"]),
        ):
            self.text(x, baseline, label, 9)
        y = top - head
        size, leading = 10.5, 14.0
        # Every slot fits on the one page: rows shrink rather than run over.
        party_width = COORDINATOR_X - PARTY_X - 8
        lines_per_row = [max(1, sum(len(wrap(p, party_width, size)) for p in row.parties)) for row in timetable.rows]
        available = y - BOTTOM
        needed = sum(n * leading + 10 for n in lines_per_row)
        scale = min(1.0, available / needed) if needed else 1.0
        size, leading, padding = size * scale, leading * scale, 10 * scale
        for row, count in zip(timetable.rows, lines_per_row, strict=True):
            height = count * leading + padding
            baseline = y - padding / 2 - leading + (leading - size) / 2 + 1
            self.text(SLOT_X + 8, baseline, str(row.slot + 1), size, align="centre")
            self.text(TIME_X, baseline, f"{_time(row.starts_at)}–{_time(row.ends_at)}", size)
            if row.meeting_id:
                self.text(TABLE_X + 18, baseline, str(row.table), size, align="centre")
                line_y = baseline
                for party in row.parties:
                    for line in wrap(party, party_width, size):
                        self.text(PARTY_X, line_y, line, size)
                        line_y -= leading
                coordinator = row.coordinator
                while coordinator and width_of(coordinator, size) > RIGHT - COORDINATOR_X:
                    coordinator = coordinator[:-1]
                self.text(COORDINATOR_X, baseline, coordinator, size)
            else:
                self.text(PARTY_X, baseline, LABELS["free"], size)
            y -= height
            self.rule(y, 0.4)

    def finish(self) -> bytes:
        self.canvas.save()
        return self.buffer.getvalue()


def timetables_pdf(session: MatchingSession, timetables: Sequence[Timetable]) -> bytes:
    """One A4 page per timetable (an empty session still gives a valid one-page file)."""
    sheets = _Sheets(session)
    for timetable in timetables:
        sheets.page(timetable)
    if not timetables:
        sheets.canvas.showPage()
    return sheets.finish()
