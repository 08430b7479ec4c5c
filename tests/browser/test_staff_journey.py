"""The secretariat's journey in a real browser: find a firm by half-width kana, open it, approve its application."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from members import services
from members.models import Membership, MembershipStatus, OrganizationKind, Role
from tests.browser.conftest import PASSWORD
from tests.factories import MembershipFactory, OrganizationFactory, corporate_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretariat_finds_a_firm_by_half_width_kana_and_approves_its_application(page: Page, log_in) -> None:
    application = services.join_application_submit(
        organization_data={
            "kind": OrganizationKind.FIRM,
            "name": "株式会社多摩精密",
            "name_kana": "タマセイミツ",
            "corporate_number": corporate_number(424242),
            "prefecture": "13",
            "city": "八王子市",
            "address_line": "明神町4-7-3",
        },
        contact_data={"name": "多摩 一郎", "name_kana": "タマ イチロウ", "email": "ichiro@tama-seimitsu.example.jp"},
        consent=True,
    )
    # Firms that share part of the reading (タマ..., ...セイ...) but not ﾀﾏｾｲ itself.
    MembershipFactory(organization__name="多摩川精工株式会社", organization__name_kana="タマガワセイコウ")
    MembershipFactory(organization__name="多摩信用金庫", organization__name_kana="タマシンヨウキンコ")
    OrganizationFactory(name="相模原電機株式会社", name_kana="サガミハラデンキ")
    services.user_create(username="secretariat", password=PASSWORD, role=Role.SECRETARIAT, language="en")
    mails_before = len(mail.outbox)  # the applicant's acknowledgement of receipt

    log_in("secretariat")
    expect(page).to_have_url(re.compile(r"/organizations/$"))
    table = page.locator("#organization-table")
    expect(table).to_contain_text("相模原電機株式会社")

    # Typing filters the list through htmx, without reloading the page.
    page.locator("input[type=search][name=search]").press_sequentially("ﾀﾏｾｲ", delay=20)
    expect(table).not_to_contain_text("相模原電機株式会社")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("株式会社多摩精密")
    expect(table).not_to_contain_text("多摩川精工株式会社")
    expect(table).not_to_contain_text("多摩信用金庫")
    expect(page).to_have_url(re.compile(r"search="))
    # Submitting the form gives the same answer.
    page.locator("form.filters button[type=submit]").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("株式会社多摩精密")

    table.get_by_role("link", name="株式会社多摩精密").click()
    expect(page).to_have_url(re.compile(rf"/organizations/{application.organization_id}/$"))
    expect(page.locator("h1")).to_contain_text("株式会社多摩精密")
    expect(page.locator("main")).to_contain_text("ichiro@tama-seimitsu.example.jp")

    page.locator("nav a[href='/applications/']").click()
    row = page.locator("tbody tr", has_text="株式会社多摩精密")
    expect(row).to_contain_text("多摩 一郎")
    row.locator("form:has(input[name=to_status][value=approved]) button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/applications/$"))
    expect(page.locator(".messages li.success")).to_contain_text("株式会社多摩精密")
    expect(page.locator("tbody")).not_to_contain_text("株式会社多摩精密")
    application.refresh_from_db()
    assert application.status == MembershipStatus.APPROVED
    assert Membership.objects.get(pk=application.pk).transitions.filter(to_status="approved").exists()
    new_mails = mail.outbox[mails_before:]
    assert [m.to for m in new_mails] == [["ichiro@tama-seimitsu.example.jp"]]
