"""A member firm's journey in a real browser: edit its own profile, see another firm only as its directory entry."""

import re

import pytest
from playwright.sync_api import Page, expect

from members import services
from members.models import Role
from tests.browser.conftest import PASSWORD
from tests.factories import ContactFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_edits_its_profile_and_sees_another_firm_only_as_its_directory_entry(page: Page, log_in) -> None:
    own = MembershipFactory(
        organization__name="株式会社八王子メッキ", organization__name_kana="ハチオウジメッキ"
    ).organization
    other = MembershipFactory(
        organization__name="相模原電機株式会社",
        organization__name_kana="サガミハラデンキ",
        organization__postal_code="252-0206",
        organization__prefecture="14",
        organization__city="相模原市",
        organization__address_line="中央区淵野辺1-2-3",
        organization__capital=87_654_321,
        organization__employees=321,
        organization__public_figures=False,
    ).organization
    ContactFactory(
        organization=other, name="相模 花子", email="hanako@sagamihara-denki.example.jp", phone="042-000-1111"
    )
    services.user_create(username="member", password=PASSWORD, role=Role.MEMBER, organization=own, language="en")

    log_in("member")
    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.locator("h1")).to_have_text("株式会社八王子メッキ")

    page.locator(f"main a[href='/organizations/{own.pk}/edit/']").click()
    page.locator("input[name=employees]").fill("4321")
    page.locator("textarea[name=business_description]").fill("精密めっき加工と表面処理")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/organizations/{own.pk}/$"))
    expect(page.locator(".messages li.success")).to_be_visible()

    page.locator("nav a[href='/portal/']").click()
    profile = page.locator("dl.profile")
    expect(profile).to_contain_text("4,321")
    expect(profile).to_contain_text("精密めっき加工と表面処理")
    own.refresh_from_db()
    assert (own.employees, own.business_description) == (4321, "精密めっき加工と表面処理")

    page.locator("nav a[href='/directory/']").click()
    page.locator("ul.directory").get_by_role("link", name="相模原電機株式会社").click()
    expect(page).to_have_url(re.compile(rf"/organizations/{other.pk}/$"))
    main = page.locator("main")
    expect(main.locator("h1")).to_have_text("相模原電機株式会社")
    expect(main).to_contain_text("相模原市中央区淵野辺1-2-3")  # the address is published
    for private in ("87,654,321", "87654321", "相模 花子", "hanako@sagamihara-denki.example.jp", "042-000-1111"):
        expect(main).not_to_contain_text(private)
    expect(main.locator("table")).to_have_count(0)  # no contacts, no membership history
    expect(page.locator(f"a[href='/organizations/{other.pk}/edit/']")).to_have_count(0)

    response = page.goto(f"/organizations/{other.pk}/edit/")
    assert response is not None and response.status == 403
    expect(page.locator("form input[name=employees]")).to_have_count(0)
