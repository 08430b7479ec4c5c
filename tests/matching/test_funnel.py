"""The funnel of a fiscal year: stages reached (dropped cases at their furthest stage), conversions, drops,
the fiscal-year boundary, totals, the page, the API and the Excel export."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from matching.models import CaseStage
from matching.reports import case_funnel
from members.models import Role
from tests.matching.factories import MatchingCaseFactory

pytestmark = pytest.mark.django_db

S = CaseStage


def make(opened_on, furthest, *, dropped=False, deal_value=None, subsidy_amount=None):
    return MatchingCaseFactory(
        opened_on=opened_on,
        furthest_stage=furthest,
        stage=S.DROPPED if dropped else furthest,
        drop_reason="採算が合わない" if dropped else "",
        deal_value=deal_value,
        subsidy_amount=subsidy_amount,
    )


@pytest.fixture
def year_2025():
    """Ten cases introduced in FY2025 (2025-04-01 … 2026-03-31), and two just outside it."""
    day = datetime.date(2025, 6, 1)
    make(datetime.date(2025, 4, 1), S.INTRODUCED)  # first day of the year
    make(day, S.MEETING_HELD, dropped=True)
    make(day, S.MEETING_HELD)
    make(day, S.JOINT_DEVELOPMENT, subsidy_amount=2_000_000)
    make(day, S.PROTOTYPE, dropped=True, subsidy_amount=5_000_000)
    make(day, S.PROTOTYPE, dropped=True)
    make(day, S.PROTOTYPE, dropped=True)
    make(day, S.PROTOTYPE)
    make(day, S.COMMERCIALISED, deal_value=3_000_000)
    make(datetime.date(2026, 3, 31), S.FIRST_SALES, deal_value=12_000_000)  # last day of the year
    make(datetime.date(2025, 3, 31), S.FIRST_SALES, deal_value=99)  # FY2024
    make(datetime.date(2026, 4, 1), S.FIRST_SALES, deal_value=99)  # FY2026


def by_stage(funnel):
    return {row.stage: row for row in funnel.rows}


def test_a_case_counts_at_every_stage_up_to_its_furthest_dropped_ones_included(year_2025):
    rows = by_stage(case_funnel(fiscal_year=2025))

    assert [rows[s].reached for s in S.pipeline()] == [10, 9, 7, 6, 2, 1]


def test_dropped_cases_are_counted_at_the_stage_where_they_stopped(year_2025):
    funnel = case_funnel(fiscal_year=2025)
    rows = by_stage(funnel)

    assert [rows[s].dropped for s in S.pipeline()] == [0, 1, 0, 3, 0, 0]
    assert [rows[s].current for s in S.pipeline()] == [1, 1, 1, 1, 1, 1]
    assert funnel.dropped == 4


def test_conversions_and_the_valley_between_prototype_and_commercialised(year_2025):
    rows = by_stage(case_funnel(fiscal_year=2025))

    assert rows[S.INTRODUCED].conversion == 90.0
    assert rows[S.PROTOTYPE].conversion == 33.3
    assert rows[S.FIRST_SALES].conversion is None
    assert [s for s in S.pipeline() if rows[s].valley] == [S.PROTOTYPE]


def test_the_fiscal_year_runs_from_1_april_to_31_march(year_2025):
    assert case_funnel(fiscal_year=2025).cases == 10
    assert case_funnel(fiscal_year=2024).cases == 1
    assert case_funnel(fiscal_year=2026).cases == 1


def test_deal_values_and_subsidies_are_summed_over_the_year(year_2025):
    funnel = case_funnel(fiscal_year=2025)

    assert (funnel.deal_value, funnel.subsidy_amount) == (15_000_000, 7_000_000)


def test_a_year_without_cases_is_all_zero():
    funnel = case_funnel(fiscal_year=2020)

    assert funnel.cases == 0
    assert all(row.reached == 0 and row.conversion is None and not row.valley for row in funnel.rows)


def test_the_page_shows_the_funnel_in_japanese(year_2025, client_for):
    response = client_for(Role.COORDINATOR).get(reverse("case-funnel"), {"fiscal_year": 2025})

    assert response.status_code == 200
    text = response.content.decode()
    assert "連携案件のファネル" in text
    assert "15,000,000" in text
    assert 'class="valley"' in text


def test_a_bad_year_is_refused_on_the_page(client_for):
    response = client_for(Role.COORDINATOR).get(reverse("case-funnel"), {"fiscal_year": "abc"})

    assert response.status_code == 400


@pytest.mark.parametrize("role", [Role.MEMBER, Role.BANK, Role.EVALUATOR])
def test_others_may_not_see_the_funnel(client_for, api_client_for, role):
    assert client_for(role).get(reverse("case-funnel")).status_code == 403
    assert api_client_for(role).get(reverse("api-case-funnel")).status_code == 403


def test_the_api_answers_the_funnel(year_2025, api_client_for):
    response = api_client_for(Role.SECRETARIAT).get(reverse("api-case-funnel"), {"fiscal_year": 2025})

    assert response.status_code == 200
    data = response.json()
    assert data["cases"] == 10
    assert [row["reached"] for row in data["rows"]] == [10, 9, 7, 6, 2, 1]
    assert [row["stage"] for row in data["rows"] if row["valley"]] == ["prototype"]


def test_the_api_refuses_a_bad_year(api_client_for):
    response = api_client_for(Role.SECRETARIAT).get(reverse("api-case-funnel"), {"fiscal_year": "1999"})

    assert response.status_code == 400


def test_the_excel_export_opens_with_japanese_headers(year_2025, client_for):
    response = client_for(Role.SECRETARIAT).get(reverse("case-funnel-export"), {"fiscal_year": 2025})

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("段階", "到達した案件数")
    assert [row[1] for row in rows[1:7]] == [10, 9, 7, 6, 2, 1]
    assert ("成約額の合計（円）", 15_000_000) in [row[:2] for row in rows]
