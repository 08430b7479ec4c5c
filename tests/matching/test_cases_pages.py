"""Case pages: who may see them, the list and its filters, opening a case (prefilled from a recommended pair),
moving and dropping on the case page, editing, the pipeline, and constant query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matching.models import CaseStage, MatchingCase, TechField
from matching.services.cases import case_create
from members.models import Role
from tests.factories import OrganizationFactory
from tests.matching.factories import MatchingCaseFactory, NeedFactory, SeedFactory

pytestmark = pytest.mark.django_db

INTERNAL = [Role.ADMINISTRATOR, Role.SECRETARIAT, Role.COORDINATOR]
OTHERS = [Role.MEMBER, Role.BANK, Role.EVALUATOR]


def a_case(users, *, title="軽量化部品の共同開発", coordinator=None, field=TechField.MANUFACTURING, opened_on=None):
    coordinator = coordinator or users[Role.COORDINATOR]
    return case_create(
        actor=coordinator, title=title, field=field, coordinator=coordinator,
        organizations=[OrganizationFactory(), OrganizationFactory()],
        opened_on=opened_on or timezone.localdate() - datetime.timedelta(days=10),
    )  # fmt: skip


@pytest.mark.parametrize("role", OTHERS)
def test_others_are_told_cases_are_internal(users, client_for, role):
    case = a_case(users)
    client = client_for(role)
    for url in [reverse("case-list"), reverse("case-detail", args=[case.pk]), reverse("pipeline")]:
        response = client.get(url)
        assert response.status_code == 403
        assert "連携案件は協会の事務局とコーディネーター専用です" in response.content.decode()


def test_the_nav_links_the_cases_for_internal_users_only(users, client_for):
    assert "連携案件" in client_for(Role.COORDINATOR).get(reverse("case-list")).content.decode()
    assert reverse("case-list") not in client_for(Role.MEMBER).get(reverse("event-list")).content.decode()


def test_the_list_filters_by_stage_coordinator_field_year_and_text(users, client_for):
    a_case(users, title="樹脂の軽量化", opened_on=datetime.date(2025, 5, 1))
    other = a_case(users, title="醸造の省エネ", field=TechField.FOOD_AGRICULTURE, coordinator=users[Role.SECRETARIAT])
    client = client_for(Role.COORDINATOR)

    def titles(**params):
        return [c.title for c in client.get(reverse("case-list"), params).context["page"]]

    assert titles(field=TechField.FOOD_AGRICULTURE) == ["醸造の省エネ"]
    assert titles(coordinator=users[Role.SECRETARIAT].pk) == ["醸造の省エネ"]
    assert titles(fiscal_year=2025) == ["樹脂の軽量化"]
    assert titles(q="樹脂") == ["樹脂の軽量化"]
    assert titles(q=other.parties.first().organization.name) == ["醸造の省エネ"]
    assert titles(stage=CaseStage.MEETING_HELD) == []


def test_the_list_costs_the_same_queries_for_more_cases(users, client_for):
    client = client_for(Role.COORDINATOR)
    a_case(users)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("case-list"))
    for _ in range(5):
        a_case(users)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("case-list"))
    assert response.context["page"].paginator.count == 6
    assert len(many) == len(few)


def test_the_pipeline_costs_the_same_queries_for_more_cases(users, client_for):
    client = client_for(Role.COORDINATOR)
    a_case(users)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("pipeline"))
    for stage in [CaseStage.PROTOTYPE, CaseStage.DROPPED, CaseStage.FIRST_SALES]:
        MatchingCaseFactory(stage=stage, furthest_stage=CaseStage.PROTOTYPE, drop_reason="x")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("pipeline"))
    assert len(many) == len(few)


def test_the_pipeline_shows_columns_and_counts_by_coordinator_or_field(users, client_for):
    a_case(users, title="樹脂の軽量化")
    MatchingCaseFactory(
        title="醸造の省エネ", stage=CaseStage.PROTOTYPE, furthest_stage=CaseStage.PROTOTYPE,
        field=TechField.FOOD_AGRICULTURE,
    )  # fmt: skip
    client = client_for(Role.COORDINATOR)

    board = client.get(reverse("pipeline")).context["board"]
    columns = {column.stage: [c.title for c in column.cases] for column in board.columns}
    assert columns[CaseStage.INTRODUCED] == ["樹脂の軽量化"]
    assert columns[CaseStage.PROTOTYPE] == ["醸造の省エネ"]
    assert sum(group.total for group in board.groups) == 2

    by_field = client.get(reverse("pipeline"), {"group": "field"}).context["board"].groups
    assert [(g.key, g.total) for g in by_field] == [(TechField.MANUFACTURING, 1), (TechField.FOOD_AGRICULTURE, 1)]

    filtered = client.get(reverse("pipeline"), {"field": TechField.FOOD_AGRICULTURE}).context["board"]
    assert sum(column.count for column in filtered.columns) == 1


def test_the_create_page_is_prefilled_from_a_seed_and_a_need(users, client_for):
    seed, need = SeedFactory(), NeedFactory()

    response = client_for(Role.COORDINATOR).get(reverse("case-create"), {"seed": seed.pk, "need": need.pk})

    form = response.context["form"]
    assert set(form.initial["organizations"]) == {seed.owner, need.owner}
    assert form.initial["seed"] == seed and form.initial["need"] == need
    assert form.initial["title"] == f"{seed.title} × {need.title}"


def test_opening_a_case_from_the_page(users, client_for):
    seed, need = SeedFactory(), NeedFactory()
    response = client_for(Role.COORDINATOR).post(reverse("case-create"), {
        "title": "軽量化部品", "field": TechField.MANUFACTURING, "opened_on": timezone.localdate().isoformat(),
        "organizations": [seed.owner.pk, need.owner.pk], "seed": seed.pk, "need": need.pk,
        "coordinator": users[Role.COORDINATOR].pk,
    })  # fmt: skip

    case = MatchingCase.objects.get()
    assert response.status_code == 302 and response.url == reverse("case-detail", args=[case.pk])
    assert (case.seed, case.need, case.stage) == (seed, need, CaseStage.INTRODUCED)


def test_one_party_is_refused_on_the_page_in_japanese(users, client_for):
    response = client_for(Role.COORDINATOR).post(reverse("case-create"), {
        "title": "軽量化部品", "field": TechField.MANUFACTURING, "opened_on": timezone.localdate().isoformat(),
        "organizations": [OrganizationFactory().pk], "coordinator": users[Role.COORDINATOR].pk,
    })  # fmt: skip

    assert response.status_code == 400
    assert "連携案件には2つ以上の組織が必要です" in response.content.decode()
    assert not MatchingCase.objects.exists()


def test_the_case_page_shows_parties_and_the_dated_history(users, client_for):
    case = a_case(users)

    text = client_for(Role.SECRETARIAT).get(reverse("case-detail", args=[case.pk])).content.decode()

    for party in case.parties.all():
        assert party.organization.name in text
    assert case.opened_on.strftime("%Y-%m-%d") in text
    assert "段階を進める" in text and "案件を見送る" in text


def test_moving_on_the_case_page(users, client_for):
    case = a_case(users)

    response = client_for(Role.COORDINATOR).post(reverse("case-move", args=[case.pk]), {
        "move-to_stage": CaseStage.PROTOTYPE, "move-moved_on": timezone.localdate().isoformat(), "move-note": "試作へ",
    })  # fmt: skip

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == CaseStage.PROTOTYPE
    assert case.moves.last().moved_by == users[Role.COORDINATOR]


def test_moving_back_is_refused_on_the_page(users, client_for):
    case = a_case(users)
    client = client_for(Role.COORDINATOR)
    client.post(reverse("case-move", args=[case.pk]), {
        "move-to_stage": CaseStage.PROTOTYPE, "move-moved_on": timezone.localdate().isoformat(),
    })  # fmt: skip

    response = client.post(reverse("case-move", args=[case.pk]), {
        "move-to_stage": CaseStage.MEETING_HELD, "move-moved_on": timezone.localdate().isoformat(),
    })  # fmt: skip

    assert response.status_code == 400
    assert "案件は先の段階にしか進められません" in response.content.decode()
    case.refresh_from_db()
    assert case.stage == CaseStage.PROTOTYPE


def test_dropping_without_a_reason_is_refused_and_with_one_drops(users, client_for):
    case = a_case(users)
    client = client_for(Role.COORDINATOR)
    today = timezone.localdate().isoformat()

    refused = client.post(reverse("case-move", args=[case.pk]), {"drop-drop_reason": "", "drop-moved_on": today})
    assert refused.status_code == 400
    assert "案件を見送る理由を入力してください" in refused.content.decode()

    client.post(reverse("case-move", args=[case.pk]), {"drop-drop_reason": "予算がつかない", "drop-moved_on": today})
    case.refresh_from_db()
    assert (case.stage, case.drop_reason) == (CaseStage.DROPPED, "予算がつかない")


def test_editing_a_case_with_amounts(users, client_for):
    case = a_case(users)
    parties = [p.organization_id for p in case.parties.all()]

    response = client_for(Role.COORDINATOR).post(reverse("case-edit", args=[case.pk]), {
        "title": "新しい名前", "field": TechField.IT_ELECTRONICS, "opened_on": case.opened_on.isoformat(),
        "organizations": parties, "coordinator": users[Role.SECRETARIAT].pk,
        "deal_value": "2500000", "subsidy_amount": "",
    })  # fmt: skip

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.title, case.field, case.coordinator, case.deal_value, case.subsidy_amount) == (
        "新しい名前", TechField.IT_ELECTRONICS, users[Role.SECRETARIAT], 2_500_000, None,
    )  # fmt: skip
