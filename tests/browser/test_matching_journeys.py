"""Issue 5's main journey in a real browser: a member firm registers a need in everyday words, the coordinators
accept it at screening, and a coordinator finds the seed that answers it, sees why, and marks it useful."""

import re

import pytest
from playwright.sync_api import Page, expect

from matching.models import EntryStatus, Need, RecommendationFeedback, TechField
from matching.recommender.index import clear_cache, entry_index
from members import services
from members.models import Role, User
from tests.browser.conftest import PASSWORD
from tests.factories import MembershipFactory
from tests.matching.factories import SeedFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _user(username: str, role: str, **kwargs) -> User:
    return services.user_create(username=username, password=PASSWORD, role=role, language="en", **kwargs)


def test_a_members_need_is_screened_and_the_coordinator_finds_the_seed_that_answers_it(page: Page, log_in) -> None:
    firm = MembershipFactory(organization__name="株式会社多摩堆肥", organization__name_kana="タマタイヒ").organization
    _user("taihi", Role.MEMBER, organization=firm)
    _user("coordinator", Role.COORDINATOR)
    seed = SeedFactory(
        title="微生物による脱臭装置",
        description="畜舎や堆肥場から出る臭気を微生物で分解し、周辺への悪臭を抑える装置です。",
        field=TechField.ENVIRONMENT_ENERGY,
    )
    SeedFactory(title="炭素繊維の車いすフレーム", description="車いすのフレームを軽量化する技術です。")
    for other in (seed, *type(seed).objects.exclude(pk=seed.pk)):
        entry_index(kind="seed", entry_id=other.pk)
    clear_cache()

    log_in("taihi")
    page.goto("/matching/needs/new/")
    page.get_by_label("Title").fill("堆肥のにおいで近所から苦情が来る")
    page.get_by_label("Description").fill(
        "堆肥を作るときのにおいがきつく、近所から苦情が来ている。においを減らしたい。"
    )
    page.get_by_label("Field").select_option(TechField.FOOD_AGRICULTURE)
    page.get_by_role("button", name="Register").click()
    expect(page.locator("main")).to_contain_text("Awaiting screening")
    need = Need.objects.get(owner=firm)
    assert need.status == EntryStatus.SUBMITTED
    page.locator("header").get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))

    log_in("coordinator")
    page.goto("/matching/screening/")
    row = page.locator("tr", has_text="堆肥のにおいで近所から苦情が来る")
    row.get_by_label("Accept", exact=True).check()
    page.get_by_role("button", name="Save the decisions").click()
    expect(page.locator("main")).to_contain_text("Nothing awaits screening.")
    need.refresh_from_db()
    assert need.status == EntryStatus.ACTIVE

    page.goto(f"/matching/needs/{need.pk}/recommendations/")
    first = page.locator("ol.recommendations > li").first
    expect(first).to_contain_text("微生物による脱臭装置")
    expect(first.locator(".reasons")).to_contain_text("におい ≈")
    first.get_by_role("button", name="Useful", exact=True).click()
    expect(first).to_contain_text("Marked useful")
    assert RecommendationFeedback.objects.get(need=need, seed=seed).useful is True
