"""The activity report page and its Excel download: what a user sees, the period shortcuts, bad periods, access.

Figures of the scenario: see tests/events/test_reports.py.
"""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from billing.fiscal import fiscal_year_bounds, fiscal_year_of, today
from events.models import EventKind
from members.models import Role
from tests.events.factories import EventFactory, RegistrationFactory, VisitFactory
from tests.events.reports_helpers import DEFAULT_CATEGORIES, RETIRED_WITH_VISITS, at, build_scenario, tables
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("activity-report")
EXPORT = reverse("activity-report-export")


@pytest.fixture
def scenario():
    return build_scenario()


def _period(scenario) -> dict[str, str]:
    return {"start": scenario.start.isoformat(), "end": scenario.end.isoformat()}


def test_the_page_shows_visits_by_outcome_and_by_person(client_for, scenario):
    response = client_for("coordinator").get(URL, _period(scenario))

    assert response.status_code == 200
    found = tables(response.content.decode())
    assert found["visits-by-outcome"] == [
        [*DEFAULT_CATEGORIES, f"{RETIRED_WITH_VISITS} (廃止)", "訪問件数", "訪問企業数"],
        ["1", "0", "1", "2", "0", "1", "4", "3"],
    ]
    assert found["visits-by-person"] == [
        ["訪問者", *DEFAULT_CATEGORIES, RETIRED_WITH_VISITS, "訪問件数"],
        ["鈴木 一郎", "1", "0", "1", "1", "0", "0", "2"],
        ["高橋 花子", "0", "0", "0", "2", "0", "1", "2"],
    ]


def test_the_page_shows_events_by_kind_with_the_no_show_rate(client_for, scenario):
    body = client_for("secretariat").get(URL, _period(scenario)).content.decode()

    rows = tables(body)["events-by-kind"]
    assert rows[0] == ["種別", "イベント数", "申込数（確定）", "出席数", "無断欠席数", "無断欠席率（%）"]
    by_label = {row[0]: row[1:] for row in rows[1:]}
    assert len(by_label) == len(EventKind) + 1
    assert by_label["セミナー・講演会"] == ["2", "5", "2", "1", "33.3%"]
    assert by_label["カフェ・交流会"] == ["1", "3", "1", "2", "66.7%"]
    assert by_label["工場・施設見学会"] == ["0", "0", "0", "0", "—"]
    assert by_label["全種別合計"] == ["3", "8", "3", "3", "50.0%"]
    start, end = scenario.start.isoformat(), scenario.end.isoformat()
    assert f"活動実績レポート（{start}〜{end}）" in body
    assert f"{EXPORT}?start={start}&amp;end={end}" in body


def test_the_excel_download_has_the_figures_of_the_page_in_the_viewers_language(client_for, users, scenario):
    users["coordinator"].language = "en"
    users["coordinator"].save()

    response = client_for("coordinator").get(EXPORT, _period(scenario))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == (
        f'attachment; filename="activity-report-{scenario.start}_{scenario.end}.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Period", "Visits by outcome", "Visits by person", "Events by kind"]
    assert list(workbook["Visits by outcome"].iter_rows(values_only=True))[1] == (1, 0, 1, 2, 0, 1, 4, 3)
    assert list(workbook["Visits by person"].iter_rows(values_only=True))[1:] == [
        ("鈴木 一郎", 1, 0, 1, 1, 0, 0, 2),
        ("高橋 花子", 0, 0, 0, 2, 0, 1, 2),
    ]
    kinds = {row[0]: row[1:] for row in workbook["Events by kind"].iter_rows(values_only=True)}
    assert kinds["Seminar / lecture"] == (2, 5, 2, 1, 33.3)
    assert kinds["Total, all kinds"] == (3, 8, 3, 3, 50.0)


def test_without_a_period_the_page_reports_the_current_fiscal_year(client_for):
    first, last = fiscal_year_bounds(fiscal_year_of(today()))

    body = client_for("secretariat").get(URL).content.decode()

    assert f"活動実績レポート（{first.isoformat()}〜{last.isoformat()}）" in body
    assert f'name="start" value="{first.isoformat()}"' in body


def test_the_fiscal_year_shortcut_reports_that_year(client_for):
    VisitFactory(visited_on=datetime.date(2025, 4, 1))  # first day of fiscal 2025 (April start)
    VisitFactory(visited_on=datetime.date(2025, 3, 31))  # fiscal 2024

    response = client_for("secretariat").get(URL, {"fiscal_year": "2025"})

    body = response.content.decode()
    assert "活動実績レポート（2025-04-01〜2026-03-31）" in body
    assert tables(body)["visits-by-outcome"][1][-2:] == ["1", "1"]


def test_the_month_shortcut_reports_that_month(client_for):
    RegistrationFactory(event=EventFactory(kind=EventKind.CAFE, starts_at=at(datetime.date(2026, 2, 28), 18)))
    EventFactory(kind=EventKind.CAFE, starts_at=at(datetime.date(2026, 3, 1), 18))

    body = client_for("secretariat").get(URL, {"month": "2026-02"}).content.decode()

    assert "活動実績レポート（2026-02-01〜2026-02-28）" in body
    rows = {row[0]: row[1:] for row in tables(body)["events-by-kind"][1:]}
    assert rows["カフェ・交流会"][:2] == ["1", "1"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-10-31", "end": "2026-10-01"}, "期間の終了日が開始日より前になっています。"),
        ({"start": "2026-10-01"}, "期間の開始日と終了日を両方入力してください。"),
        ({"start": "2026-02-30", "end": "2026-03-31"}, "日付を正しく入力してください。"),
        ({"month": "2026-13"}, "月は年と月で入力してください（例：2026-10）。"),
        ({"month": "October"}, "月は年と月で入力してください（例：2026-10）。"),
        ({"fiscal_year": "1999"}, "1999 は対象外の年度です。"),
    ],
)
def test_a_bad_period_gets_a_message_and_the_form_to_correct_it(client_for, query, message):
    client = client_for("secretariat")
    for url in (URL, EXPORT):
        response = client.get(url, query)

        assert response.status_code == 400
        body = response.content.decode()
        assert message in body
        assert 'name="start"' in body
        assert 'id="visits-by-outcome"' not in body


def test_a_bad_period_in_english(client_for, users):
    users["secretariat"].language = "en"
    users["secretariat"].save()

    body = client_for("secretariat").get(URL, {"start": "2026-10-31", "end": "2026-10-01"}).content.decode()

    assert "The period ends before it starts." in body


@pytest.mark.parametrize("role", ["member", "bank", "evaluator"])
def test_only_staff_and_coordinators_see_the_report(client_for, role):
    client = client_for(role)
    assert client.get(URL).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_the_event_list_links_to_the_report_for_internal_users_only(client_for):
    assert URL in client_for("coordinator").get(reverse("event-list")).content.decode()
    assert URL not in client_for("member").get(reverse("event-list")).content.decode()


def test_the_page_and_download_cost_the_same_queries_however_much_activity(client_for):
    client = client_for("secretariat")
    day = today() - datetime.timedelta(days=2)
    period = {"start": (day - datetime.timedelta(days=30)).isoformat(), "end": day.isoformat()}

    def queries(n: int) -> tuple[int, int]:
        for i in range(n):
            visit = VisitFactory(visited_on=day, organization=OrganizationFactory())
            visit.visitors.set([UserFactory(role=Role.COORDINATOR)])
            RegistrationFactory(event=EventFactory(kind=EventKind.values[i % len(EventKind)], starts_at=at(day, 10)))
        counts = []
        for url in (URL, EXPORT):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url, period).status_code == 200
            counts.append(len(captured.captured_queries))
        return counts[0], counts[1]

    assert queries(2) == queries(20)
