"""/api/seeds/ and /api/needs/: shapes, scoping by role and visibility, and the refusals (a clear message and
nothing saved)."""

import pytest
from django.urls import reverse

from matching.models import EntryStatus, Need, Seed, TechField, Visibility
from members.models import Role
from tests.matching.factories import NeedFactory, SeedFactory

pytestmark = pytest.mark.django_db

NEED = {
    "title": "塗装がはがれる",
    "description": "屋外で使う金属部品の塗装が1年ではがれてしまう。",
    "field": TechField.MANUFACTURING,
    "keywords": ["剥離", "塗装"],
}


@pytest.fixture
def api(api_client_for):
    """A client of the role asking for English, so the refusals are checked against their msgids."""

    def make(role):
        client = api_client_for(role)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make


def test_a_member_creates_a_need_for_their_own_organisation(api, member_org, other_org):
    response = api(Role.MEMBER).post(
        reverse("api-need-list"), {**NEED, "owner": other_org.pk, "budget_max": 3000000}, format="json"
    )
    assert response.status_code == 201, response.data
    body = response.json()
    assert body["owner"] == member_org.pk
    assert body["status"] == EntryStatus.SUBMITTED
    assert body["keywords"] == ["剥離", "塗装"]
    assert body["budget_max"] == 3_000_000
    assert set(body) >= {"id", "owner_name", "visibility", "audience", "timing", "screening_note", "created_at"}


def test_a_coordinator_must_give_the_owner(api, other_org):
    client = api(Role.COORDINATOR)
    response = client.post(reverse("api-seed-list"), {**NEED, "title": "撥水めっき"}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Choose the organisation the entry belongs to."
    response = client.post(
        reverse("api-seed-list"), {**NEED, "owner": other_org.pk, "accept": True, "offers_license": True}, format="json"
    )
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["offers_license"]) == (EntryStatus.ACTIVE, True)


def test_a_need_with_an_empty_description_is_400_and_nothing_saved(api):
    response = api(Role.MEMBER).post(reverse("api-need-list"), {**NEED, "description": " "}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Describe the need")
    assert response.json()["extra"] == {"field": "description"}
    assert not Need.objects.exists()


def test_a_visibility_naming_an_unknown_organisation_is_400_naming_it(api, other_org):
    response = api(Role.MEMBER).post(
        reverse("api-seed-list"),
        {**NEED, "visibility": Visibility.NAMED, "audience": [other_org.pk, 987654]},
        format="json",
    )
    assert response.status_code == 400
    assert "987654" in response.json()["detail"]
    assert response.json()["extra"]["unknown"] == [987654]
    assert not Seed.objects.exists()


def test_lists_are_scoped_by_visibility(api, member_org, other_org):
    SeedFactory(owner=other_org, title="公開")
    SeedFactory(owner=other_org, title="限定", visibility=Visibility.COORDINATORS)
    SeedFactory(owner=member_org, title="自社審査待ち", status=EntryStatus.SUBMITTED)
    member = api(Role.MEMBER).get(reverse("api-seed-list")).json()
    coordinator = api(Role.COORDINATOR).get(reverse("api-seed-list")).json()
    assert member["count"] == 2
    assert sorted(s["title"] for s in member["results"]) == ["公開", "自社審査待ち"]
    assert coordinator["count"] == 3


def test_lists_filter_and_paginate(api):
    NeedFactory.create_batch(3, timing="soon")
    NeedFactory(timing="undecided")
    response = api(Role.COORDINATOR).get(reverse("api-need-list"), {"timing": "soon", "limit": 2})
    body = response.json()
    assert (body["count"], len(body["results"])) == (3, 2)
    assert api(Role.COORDINATOR).get(reverse("api-need-list"), {"field": "nope"}).status_code == 400


def test_an_invisible_entry_is_404_and_evaluators_are_403(api, other_org):
    hidden = NeedFactory(owner=other_org, visibility=Visibility.COORDINATORS)
    assert api(Role.MEMBER).get(reverse("api-need-detail", args=[hidden.pk])).status_code == 404
    assert api(Role.COORDINATOR).get(reverse("api-need-detail", args=[hidden.pk])).status_code == 200
    assert api(Role.EVALUATOR).get(reverse("api-need-detail", args=[hidden.pk])).status_code == 403
    assert api(None).get(reverse("api-need-detail", args=[hidden.pk])).status_code == 401


def test_others_do_not_see_the_screening_note_or_the_audience(api, member_org, bank_org, other_org):
    seed = SeedFactory(owner=other_org, visibility=Visibility.NAMED, screening_note="社内メモ")
    seed.audience.add(bank_org, member_org)
    body = api(Role.BANK).get(reverse("api-seed-detail", args=[seed.pk])).json()
    assert (body["screening_note"], body["audience"]) == ("", [])
    body = api(Role.COORDINATOR).get(reverse("api-seed-detail", args=[seed.pk])).json()
    assert body["screening_note"] == "社内メモ"
    assert sorted(body["audience"]) == sorted([bank_org.pk, member_org.pk])


def test_the_owner_patches_and_others_are_refused(api, member_org, other_org):
    own = SeedFactory(owner=member_org)
    theirs = SeedFactory(owner=other_org)
    client = api(Role.MEMBER)
    response = client.patch(reverse("api-seed-detail", args=[own.pk]), {"stage": "prototype"}, format="json")
    assert response.status_code == 200
    assert response.json()["stage"] == "prototype"
    response = client.patch(reverse("api-seed-detail", args=[theirs.pk]), {"stage": "prototype"}, format="json")
    assert response.status_code == 403
    assert Seed.objects.get(pk=theirs.pk).stage != "prototype"


def test_a_patch_to_a_blank_title_changes_nothing(api, member_org):
    need = NeedFactory(owner=member_org)
    response = api(Role.MEMBER).patch(
        reverse("api-need-detail", args=[need.pk]), {"title": "", "budget_max": 100}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "Give the entry a title."
    need.refresh_from_db()
    assert need.title and need.budget_max is None


def test_a_coordinator_moves_an_entry_to_another_owner(api, member_org, other_org):
    need = NeedFactory(owner=member_org)
    response = api(Role.COORDINATOR).put(
        reverse("api-need-detail", args=[need.pk]), {"owner": other_org.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["owner"] == other_org.pk


def test_the_refusal_is_in_japanese_for_a_japanese_client(api_client_for):
    client = api_client_for(Role.MEMBER)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ja"
    response = client.post(reverse("api-need-list"), {**NEED, "description": ""}, format="json")
    assert response.json()["detail"] == "ニーズの内容を入力してください（解決したい課題、または求める技術）。"


@pytest.mark.parametrize("name", ["api-seed-list", "api-need-list"])
def test_list_queries_stay_constant_as_entries_grow(name, api, django_assert_max_num_queries):
    factory = SeedFactory if name == "api-seed-list" else NeedFactory
    factory.create_batch(2)
    client = api(Role.COORDINATOR)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse(name))
    factory.create_batch(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse(name)).json()["count"] == 17
