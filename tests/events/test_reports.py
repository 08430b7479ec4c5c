"""The activity report's figures and workbook, on a scenario counted by hand (tests/events/reports_helpers.py).

Visits in the period: 4, to 3 firms.
- by outcome: 課題解決支援 1, 助成金等活用支援 0, 産学連携 1, 受発注支援・企業間マッチング 2, メディア紹介 0,
  展示会出展支援 (retired) 1; 旧分類 (retired, visits only outside the period) is not a column;
- by person: 鈴木 一郎 1 / 0 / 1 / 1 / 0 / 0, 2 visits; 高橋 花子 0 / 0 / 0 / 2 / 0 / 1, 2 visits; the bank
  user who went along and the visit made by partners only are in no row.
Events in the period (published): seminars 2 with 5 confirmed registrations, 2 attended, 1 no-show of the 3
confirmed at the seminar that has ended (33.3 %); cafés 1 with 3, 1 attended, 2 no-shows (66.7 %); in all
3 events, 8 registrations, 3 attended, 3 no-shows of 6 (50.0 %).
"""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import load_workbook

from events.models import EventKind, OutcomeCategory
from events.reports import activity_report_xlsx, event_report, visit_report
from members.models import Role
from tests.events.factories import EventFactory, RegistrationFactory, VisitFactory
from tests.events.reports_helpers import DEFAULT_CATEGORIES, RETIRED_WITH_VISITS, at, build_scenario
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario():
    return build_scenario()


def test_visits_count_once_in_each_of_their_outcomes_with_retired_categories_only_when_used(scenario):
    report = visit_report(start=scenario.start, end=scenario.end)

    assert [c.label for c in report.categories] == [*DEFAULT_CATEGORIES, RETIRED_WITH_VISITS]
    assert [c.is_active for c in report.categories] == [True] * 5 + [False]
    assert report.category_counts == [1, 0, 1, 2, 0, 1]
    assert report.visit_count == 4
    assert report.organization_count == 3


def test_visits_by_person_are_rows_of_the_internal_users_who_went(scenario):
    report = visit_report(start=scenario.start, end=scenario.end)

    assert [(row.name, row.counts, row.visits) for row in report.by_visitor] == [
        ("鈴木 一郎", [1, 0, 1, 1, 0, 0], 2),
        ("高橋 花子", [0, 0, 0, 2, 0, 1], 2),
    ]


def test_a_period_without_visits_has_the_categories_in_use_and_no_rows():
    report = visit_report(start=datetime.date(2001, 1, 1), end=datetime.date(2001, 1, 31))

    assert [c.label for c in report.categories] == DEFAULT_CATEGORIES
    assert report.category_counts == [0] * 5
    assert (report.visit_count, report.organization_count, report.by_visitor) == (0, 0, [])


def test_category_labels_follow_the_language():
    with translation.override("en"):
        report = visit_report(start=datetime.date(2001, 1, 1), end=datetime.date(2001, 1, 31))
    assert report.categories[0].label == "Problem-solving support"


def test_events_by_kind_with_registrations_attendance_and_no_shows(scenario):
    report = event_report(start=scenario.start, end=scenario.end)
    rows = {row.kind: row for row in report.by_kind}

    assert [row.kind for row in report.by_kind] == list(EventKind.values)
    seminar, cafe, tour = rows[EventKind.SEMINAR], rows[EventKind.CAFE], rows[EventKind.TOUR]
    assert (seminar.events, seminar.registrations, seminar.attended, seminar.no_shows) == (2, 5, 2, 1)
    assert seminar.no_show_rate == 33.3
    assert (cafe.events, cafe.registrations, cafe.attended, cafe.no_shows) == (1, 3, 1, 2)
    assert cafe.no_show_rate == 66.7
    assert (tour.events, tour.registrations, tour.no_show_rate) == (0, 0, None)
    total = report.total
    assert (total.events, total.registrations, total.attended, total.no_shows) == (3, 8, 3, 3)
    assert total.no_show_rate == 50.0


def test_no_shows_wait_until_the_event_has_ended(scenario):
    """As of 11 days ago nothing had ended: no no-shows and no rate, whatever was checked in."""
    report = event_report(start=scenario.start, end=scenario.end, as_of=timezone.now() - datetime.timedelta(days=11))

    assert (report.total.events, report.total.registrations, report.total.no_shows) == (3, 8, 0)
    assert report.total.no_show_rate is None


def test_an_event_counts_in_the_period_of_its_first_session_in_tokyo_time():
    day = datetime.date(2026, 10, 31)
    RegistrationFactory(event=EventFactory(starts_at=at(day, 23)))  # 23:00 Tokyo is 14:00 UTC the same day
    EventFactory(starts_at=at(day + datetime.timedelta(days=1), 0))  # midnight after: the next period

    october = event_report(start=datetime.date(2026, 10, 1), end=day).total
    november = event_report(start=datetime.date(2026, 11, 1), end=datetime.date(2026, 11, 30)).total

    assert (october.events, october.registrations) == (1, 1)
    assert (november.events, november.registrations) == (1, 0)


def test_the_workbook_holds_the_figures_in_the_viewers_language(scenario):
    with translation.override("ja"):
        content = activity_report_xlsx(
            visit_report(start=scenario.start, end=scenario.end), event_report(start=scenario.start, end=scenario.end)
        )
    workbook = load_workbook(io.BytesIO(content))

    assert workbook.sheetnames == ["期間", "成果区分別の訪問", "担当者別の訪問", "種別ごとのイベント"]
    period = list(workbook["期間"].iter_rows(values_only=True))
    assert period[0] == ("開始日", datetime.datetime.combine(scenario.start, datetime.time()))
    assert period[1] == ("終了日", datetime.datetime.combine(scenario.end, datetime.time()))
    assert list(workbook["成果区分別の訪問"].iter_rows(values_only=True)) == [
        (*DEFAULT_CATEGORIES, RETIRED_WITH_VISITS, "訪問件数", "訪問企業数"),
        (1, 0, 1, 2, 0, 1, 4, 3),
    ]
    assert list(workbook["担当者別の訪問"].iter_rows(values_only=True)) == [
        ("訪問者", *DEFAULT_CATEGORIES, RETIRED_WITH_VISITS, "訪問件数"),
        ("鈴木 一郎", 1, 0, 1, 1, 0, 0, 2),
        ("高橋 花子", 0, 0, 0, 2, 0, 1, 2),
    ]
    kinds = list(workbook["種別ごとのイベント"].iter_rows(values_only=True))
    assert kinds[0] == ("種別", "イベント数", "申込数（確定）", "出席数", "無断欠席数", "無断欠席率（%）")
    by_label = {row[0]: row[1:] for row in kinds[1:]}
    assert by_label["セミナー・講演会"] == (2, 5, 2, 1, 33.3)
    assert by_label["カフェ・交流会"] == (1, 3, 1, 2, 66.7)
    assert by_label["工場・施設見学会"] == (0, 0, 0, 0, "—")
    assert kinds[-1] == ("全種別合計", 3, 8, 3, 3, 50.0)


def test_the_workbook_in_english():
    with translation.override("en"):
        empty = (datetime.date(2001, 1, 1), datetime.date(2001, 1, 31))
        content = activity_report_xlsx(
            visit_report(start=empty[0], end=empty[1]), event_report(start=empty[0], end=empty[1])
        )
    workbook = load_workbook(io.BytesIO(content))

    assert workbook.sheetnames == ["Period", "Visits by outcome", "Visits by person", "Events by kind"]
    assert next(workbook["Visits by outcome"].iter_rows(values_only=True))[0] == "Problem-solving support"
    assert list(workbook["Events by kind"].iter_rows(values_only=True))[-1] == ("Total, all kinds", 0, 0, 0, 0, "—")


def _grow(n: int) -> None:
    """n more visits, each by a new coordinator to a new firm in a new category, and n events with registrations."""
    day = timezone.localdate() - datetime.timedelta(days=3)
    for i in range(n):
        category = OutcomeCategory.objects.create(name=f"区分{OutcomeCategory.objects.count()}-{i}")
        visit = VisitFactory(visited_on=day, organization=OrganizationFactory())
        visit.visitors.set([UserFactory(role=Role.COORDINATOR)])
        visit.outcomes.set([category])
        event = EventFactory(kind=EventKind.values[i % len(EventKind.values)], starts_at=at(day, 10))
        RegistrationFactory(event=event)


def test_the_report_costs_the_same_queries_however_much_activity():
    today = timezone.localdate()
    period = {"start": today - datetime.timedelta(days=30), "end": today}

    def queries(n: int) -> int:
        _grow(n)
        with CaptureQueriesContext(connection) as captured:
            activity_report_xlsx(visit_report(**period), event_report(**period))
        return len(captured.captured_queries)

    assert queries(2) == queries(15) == 6
