"""The seed and need pages in Japanese: lists with a constant number of queries, registering (with the
service's message beside the field), the detail's screening note for the owner only, edit, withdraw, and a
need from an exhibition lead."""

import pytest
from django.urls import reverse

from events.models import EventKind, ExhibitionLead
from matching.models import EntryStatus, Need, Seed, TechField, Visibility
from members.models import Role
from tests.events.factories import EventFactory, VisitFactory
from tests.matching.factories import NeedFactory, SeedFactory

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("name", ["seed-list", "need-list"])
def test_lists_render_in_japanese_with_constant_queries(name, client_for, django_assert_max_num_queries):
    factory = SeedFactory if name == "seed-list" else NeedFactory
    factory.create_batch(2)
    client = client_for(Role.MEMBER)
    with django_assert_max_num_queries(12) as few:
        page = _page(client.get(reverse(name)))
    factory.create_batch(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse(name))
    assert ("シーズ" if name == "seed-list" else "ニーズ") in page
    assert "材料・化学" in page or "ものづくり・製造" in page


def test_nav_shows_seeds_needs_and_screening_for_coordinators(client_for):
    page = _page(client_for(Role.COORDINATOR).get(reverse("seed-list")))
    assert reverse("need-list") in page and reverse("screening-queue") in page


def test_a_member_registers_a_need_and_sees_it_awaiting_screening(client_for, member_org):
    client = client_for(Role.MEMBER)
    assert "ニーズを登録" in _page(client.get(reverse("need-create")))
    response = client.post(
        reverse("need-create"),
        {
            "title": "においを減らしたい",
            "description": "工場の排気のにおいで近所から苦情がある。",
            "field": TechField.ENVIRONMENT_ENERGY,
            "keywords": "臭気、脱臭",
            "stage": "idea",
            "visibility": Visibility.MEMBERS,
            "timing": "soon",
            "budget_min": "",
            "budget_max": "2000000",
        },
    )
    need = Need.objects.get()
    assert response.status_code == 302
    assert (need.owner, need.status, need.keywords) == (member_org, EntryStatus.SUBMITTED, ["臭気", "脱臭"])
    assert "審査待ち" in _page(client.get(reverse("need-detail", args=[need.pk])))


def test_an_empty_description_shows_the_japanese_message_and_saves_nothing(client_for):
    response = client_for(Role.MEMBER).post(
        reverse("need-create"),
        {"title": "においを減らしたい", "description": "  ", "field": TechField.MANUFACTURING, "stage": "idea",
         "visibility": Visibility.MEMBERS, "timing": "soon"},
    )  # fmt: skip
    assert "ニーズの内容を入力してください" in _page(response)
    assert not Need.objects.exists()


def test_a_coordinator_registers_a_seed_from_a_visit_and_accepts_it(client_for, other_org):
    visit = VisitFactory(organization=other_org)
    client = client_for(Role.COORDINATOR)
    form = _page(client.get(reverse("seed-create"), {"visit": visit.pk}))
    assert other_org.name in form
    response = client.post(
        reverse("seed-create"),
        {"owner": other_org.pk, "visit": visit.pk, "title": "精密研磨", "description": "鏡面まで磨く技術。",
         "field": TechField.MANUFACTURING, "stage": "product", "visibility": Visibility.MEMBERS,
         "patent_status": "filed", "offers_supply": "on", "accept": "on"},
    )  # fmt: skip
    seed = Seed.objects.get()
    assert response.status_code == 302
    assert (seed.owner, seed.visit, seed.status, seed.offers_supply) == (other_org, visit, EntryStatus.ACTIVE, True)
    detail = _page(client.get(reverse("seed-detail", args=[seed.pk])))
    assert reverse("visit-detail", args=[visit.pk]) in detail
    assert reverse("seed-recommendations", args=[seed.pk]) in detail


def test_the_screening_question_is_shown_to_the_owner_not_to_others(client_for, users, member_org):
    need = NeedFactory(owner=member_org, status=EntryStatus.ACTIVE, screening_note="図面はありますか")
    assert "図面はありますか" in _page(client_for(Role.MEMBER).get(reverse("need-detail", args=[need.pk])))
    client = client_for(Role.BANK)
    assert "図面はありますか" not in _page(client.get(reverse("need-detail", args=[need.pk])))


def test_a_members_edit_answers_the_question_and_resubmits(client_for, member_org):
    need = NeedFactory(owner=member_org, status=EntryStatus.QUESTION, screening_note="予算は？")
    client = client_for(Role.MEMBER)
    form = _page(client.get(reverse("need-edit", args=[need.pk])))
    assert "予算は？" in form
    response = client.post(
        reverse("need-edit", args=[need.pk]),
        {"title": need.title, "description": need.description, "field": need.field, "stage": need.stage,
         "visibility": Visibility.MEMBERS, "timing": "within_year", "budget_max": "1000000"},
    )  # fmt: skip
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.status, need.budget_max) == (EntryStatus.SUBMITTED, 1_000_000)


def test_named_visibility_without_organisations_is_refused_on_the_page(client_for, member_org):
    seed = SeedFactory(owner=member_org)
    response = client_for(Role.MEMBER).post(
        reverse("seed-edit", args=[seed.pk]),
        {"title": seed.title, "description": seed.description, "field": seed.field, "stage": seed.stage,
         "visibility": Visibility.NAMED, "patent_status": "not_filed"},
    )  # fmt: skip
    assert "公開先の組織を1つ以上選ぶか" in _page(response)
    assert Seed.objects.get().visibility == Visibility.MEMBERS


def test_the_owner_withdraws_an_entry(client_for, member_org):
    seed = SeedFactory(owner=member_org)
    response = client_for(Role.MEMBER).post(reverse("seed-withdraw", args=[seed.pk]))
    assert response.status_code == 302
    assert Seed.objects.get().status == EntryStatus.WITHDRAWN


def test_my_entries_lists_the_organisations_entries(client_for, member_org):
    SeedFactory(owner=member_org, title="自社シーズ", status=EntryStatus.DECLINED)
    NeedFactory(owner=member_org, title="自社ニーズ", status=EntryStatus.WITHDRAWN)
    SeedFactory(title="他社シーズ")
    page = _page(client_for(Role.MEMBER).get(reverse("my-entries")))
    assert "自社シーズ" in page and "他社シーズ" not in page
    assert "不採択" in page and "取り下げ" in page
    assert "自社のシーズ・ニーズ" in page


def test_a_coordinator_registers_a_need_from_an_exhibition_lead(client_for, other_org):
    lead = ExhibitionLead.objects.create(
        event=EventFactory(kind=EventKind.EXHIBITION), name="来場 一郎", organization_name="来場", interest="金型の摩耗"
    )
    client = client_for(Role.COORDINATOR)
    assert "金型の摩耗" in _page(client.get(reverse("need-from-lead", args=[lead.pk])))
    response = client.post(
        reverse("need-from-lead", args=[lead.pk]),
        {"owner": other_org.pk, "title": "金型の摩耗", "description": "金型の摩耗を減らしたい。",
         "field": TechField.MANUFACTURING, "stage": "idea", "visibility": Visibility.MEMBERS, "timing": "soon"},
    )  # fmt: skip
    assert response.status_code == 302
    need = Need.objects.get()
    assert (need.lead, need.owner) == (lead, other_org)


def test_the_owner_search_answers_htmx(client_for, other_org):
    response = client_for(Role.COORDINATOR).get(reverse("seed-create"), {"q": "サガミ"}, HTTP_HX_REQUEST="true")
    assert other_org.name in _page(response)


def test_the_visit_and_the_exhibition_leads_link_to_registering(client_for):
    visit = VisitFactory()
    lead = ExhibitionLead.objects.create(
        event=EventFactory(kind=EventKind.EXHIBITION), name="来場 一郎", organization_name="来場", interest="防水"
    )
    client = client_for(Role.SECRETARIAT)
    assert f"{reverse('need-create')}?visit={visit.pk}" in _page(client.get(reverse("visit-detail", args=[visit.pk])))
    leads = _page(client.get(reverse("exhibition-leads", args=[lead.event_id])))
    assert reverse("need-from-lead", args=[lead.pk]) in leads
    assert "ニーズとして登録" in leads
