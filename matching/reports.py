"""The funnel of matching cases of a fiscal year, and the same as an Excel workbook.

- A case counts in the fiscal year (April–March by default, see `billing.fiscal`) of its introduction date.
- A case has reached a stage when its furthest stage is that stage or a later one: a dropped case keeps its
  furthest stage, so it counts up to where it stopped, and once more as dropped at that stage.
- The conversion from a stage to the next is reached(next) / reached(stage); the lowest conversion after the
  meeting is the "valley of death" the report is about, and the page marks it.
- Deal values and subsidies are summed over the year's cases whatever their stage.

Two aggregate queries however many cases.
"""

import io
from dataclasses import dataclass

from django.db.models import Count, Sum
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from billing.fiscal import fiscal_year_bounds
from matching.models import CaseStage, MatchingCase

NUMBER = "#,##0"
PERCENT = "0.0"


@dataclass(frozen=True)
class FunnelRow:
    stage: str
    label: str
    reached: int
    dropped: int  # dropped with this as the furthest stage
    current: int  # sitting at this stage now
    conversion: float | None  # percent of the cases that reached this stage that reached the next one
    share: float  # percent of all the year's cases that reached this stage: the bar's length
    valley: bool = False


@dataclass(frozen=True)
class Funnel:
    fiscal_year: int
    rows: list[FunnelRow]
    cases: int
    dropped: int
    deal_value: int
    subsidy_amount: int


def case_funnel(*, fiscal_year: int) -> Funnel:
    first, last = fiscal_year_bounds(fiscal_year)
    cases = MatchingCase.objects.filter(opened_on__gte=first, opened_on__lte=last)
    counts = {
        (row["furthest_stage"], row["stage"]): row["count"]
        for row in cases.order_by().values("furthest_stage", "stage").annotate(count=Count("pk"))
    }
    sums = cases.aggregate(deal_value=Sum("deal_value"), subsidy_amount=Sum("subsidy_amount"))
    stages = CaseStage.pipeline()
    total = sum(counts.values())
    reached = [
        sum(n for (furthest, _stage), n in counts.items() if CaseStage.rank(furthest) >= index)
        for index in range(len(stages))
    ]
    conversions: list[float | None] = [
        round(reached[i + 1] * 100 / reached[i], 1) if i + 1 < len(stages) and reached[i] else None
        for i in range(len(stages))
    ]
    # The valley: the weakest step after the meeting (introductions that never meet are another matter).
    later = [(c, i) for i, c in enumerate(conversions) if c is not None and i >= CaseStage.rank(CaseStage.MEETING_HELD)]
    valley = min(later)[1] if later else None
    rows = [
        FunnelRow(
            stage=stage.value,
            label=str(stage.label),
            reached=reached[index],
            dropped=counts.get((stage.value, CaseStage.DROPPED.value), 0),
            current=counts.get((stage.value, stage.value), 0),
            conversion=conversions[index],
            share=round(reached[index] * 100 / total, 1) if total else 0.0,
            valley=index == valley,
        )
        for index, stage in enumerate(stages)
    ]
    return Funnel(
        fiscal_year=fiscal_year,
        rows=rows,
        cases=total,
        dropped=sum(row.dropped for row in rows),
        deal_value=sums["deal_value"] or 0,
        subsidy_amount=sums["subsidy_amount"] or 0,
    )


def case_funnel_xlsx(funnel: Funnel) -> bytes:
    """One sheet: a row per stage, then the year's totals."""
    workbook = Workbook()
    del workbook["Sheet"]  # the empty sheet every new workbook starts with
    sheet = workbook.create_sheet(_("Funnel %(year)s") % {"year": funnel.fiscal_year})
    titles = [
        _("Stage"),
        _("Cases that reached it"),
        _("Share of the year's cases (%)"),
        _("Went on to the next stage (%)"),
        _("Dropped at this stage"),
        _("At this stage now"),
    ]
    sheet.append(titles)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, title in enumerate(titles, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(title) * 2 + 2)
    for row in funnel.rows:
        sheet.append(
            [row.label, row.reached, row.share, "—" if row.conversion is None else row.conversion, row.dropped,
             row.current],
        )  # fmt: skip
        line = sheet[sheet.max_row]
        for cell in (line[1], line[4], line[5]):
            cell.number_format = NUMBER
        for cell in (line[2], line[3]):
            cell.number_format = PERCENT
    sheet.append([])
    for label, value in [
        (_("Cases introduced in the year"), funnel.cases),
        (_("Dropped"), funnel.dropped),
        (_("Total deal value (yen)"), funnel.deal_value),
        (_("Total subsidies obtained (yen)"), funnel.subsidy_amount),
    ]:
        sheet.append([label, value])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        sheet.cell(row=sheet.max_row, column=2).number_format = NUMBER
    sheet.column_dimensions["A"].width = 34
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
