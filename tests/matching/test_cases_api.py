"""The cases API: list with filters, open, read, change title/note/amounts, move; internal users only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import CaseStage, MatchingCase, TechField
from members.models import Role
from tests.factories import OrganizationFactory
from tests.matching.factories import MatchingCaseFactory

pytestmark = pytest.mark.django_db


def open_case(client, **extra):
    return client.post(
        reverse("api-case-list"),
        {
            "title": "軽量化部品の共同開発", "field": TechField.MANUFACTURING,
            "organizations": [OrganizationFactory().pk, OrganizationFactory().pk],
            "opened_on": (timezone.localdate() - datetime.timedelta(days=5)).isoformat(), **extra,
        },
        format="json",
    )  # fmt: skip


@pytest.mark.parametrize("role", [Role.MEMBER, Role.BANK, Role.EVALUATOR])
def test_others_are_refused_with_the_reason(api_client_for, role):
    case = MatchingCaseFactory()
    client = api_client_for(role)
    for response in [
        client.get(reverse("api-case-list")),
        client.get(reverse("api-case-detail", args=[case.pk])),
        open_case(client),
        client.post(reverse("api-case-move", args=[case.pk]), {"to_stage": "prototype"}, format="json"),
    ]:
        assert response.status_code == 403
        assert "連携案件は協会の事務局とコーディネーター専用です" in response.json()["detail"]
    assert MatchingCase.objects.count() == 1


def test_opening_a_case_defaults_the_coordinator_to_the_caller(api_client_for, users):
    response = open_case(api_client_for(Role.COORDINATOR))

    assert response.status_code == 201
    data = response.json()
    assert data["coordinator"] == users[Role.COORDINATOR].pk
    assert data["stage"] == "introduced"
    assert len(data["parties"]) == 2
    assert [m["to_stage"] for m in data["moves"]] == ["introduced"]


def test_a_refused_case_answers_400_with_the_field(api_client_for):
    response = open_case(api_client_for(Role.COORDINATOR), organizations=[OrganizationFactory().pk])

    assert response.status_code == 400
    assert response.json()["extra"]["field"] == "organizations"
    assert not MatchingCase.objects.exists()


def test_the_list_filters(api_client_for):
    MatchingCaseFactory(title="A", stage=CaseStage.PROTOTYPE, furthest_stage=CaseStage.PROTOTYPE)
    MatchingCaseFactory(title="B", field=TechField.BIO_MEDICAL)
    client = api_client_for(Role.SECRETARIAT)

    def titles(**params):
        return [row["title"] for row in client.get(reverse("api-case-list"), params).json()["results"]]

    assert titles(stage="prototype") == ["A"]
    assert titles(field="bio_medical") == ["B"]
    assert client.get(reverse("api-case-list"), {"stage": "launched"}).status_code == 400


def test_moving_and_dropping_through_the_api(api_client_for):
    case_id = open_case(api_client_for(Role.COORDINATOR)).json()["id"]
    client = api_client_for(Role.COORDINATOR)
    url = reverse("api-case-move", args=[case_id])

    moved = client.post(url, {"to_stage": "joint_development", "note": "共同研究契約"}, format="json")
    assert moved.status_code == 201
    assert moved.json()["stage"] == "joint_development"

    back = client.post(url, {"to_stage": "introduced"}, format="json")
    assert back.status_code == 400
    assert "先の段階にしか進められません" in back.json()["detail"]

    no_reason = client.post(url, {"to_stage": "dropped"}, format="json")
    assert no_reason.status_code == 400

    dropped = client.post(url, {"to_stage": "dropped", "drop_reason": "予算がつかない"}, format="json")
    assert dropped.json()["stage"] == "dropped"
    assert dropped.json()["furthest_stage"] == "joint_development"


def test_patching_title_note_and_amounts(api_client_for):
    case_id = open_case(api_client_for(Role.COORDINATOR)).json()["id"]
    client = api_client_for(Role.COORDINATOR)
    url = reverse("api-case-detail", args=[case_id])

    response = client.patch(url, {"title": "新名称", "deal_value": 4_000_000}, format="json")
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["deal_value"]) == ("新名称", 4_000_000)

    refused = client.patch(url, {"title": "別名", "subsidy_amount": -5}, format="json")
    assert refused.status_code == 400
    assert client.get(url).json()["title"] == "新名称"


def test_an_unknown_case_is_404(api_client_for):
    assert api_client_for(Role.COORDINATOR).get(reverse("api-case-detail", args=[999999])).status_code == 404
