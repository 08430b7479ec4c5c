"""The public join form in a real browser: a wrong corporate number is pointed out beside its field."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from members.models import Contact, Membership, MembershipStatus, Organization
from tests.factories import corporate_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_corrects_a_wrong_corporate_number_and_sends_the_application(page: Page) -> None:
    valid = corporate_number(770077)
    wrong_check_digit = f"{int(valid[0]) % 9 + 1}{valid[1:]}"

    page.goto("/join/")
    page.locator("select[name='org-kind']").select_option("firm")
    page.locator("input[name='org-name']").fill("株式会社府中精機")
    page.locator("input[name='org-name_kana']").fill("ﾌﾁｭｳｾｲｷ")
    page.locator("input[name='org-corporate_number']").fill(wrong_check_digit)
    page.locator("select[name='org-prefecture']").select_option("13")
    page.locator("input[name='org-city']").fill("府中市")
    page.locator("input[name='contact-name']").fill("府中 次郎")
    page.locator("input[name='contact-email']").fill("jiro@fuchu-seiki.example.jp")
    page.locator("input[name='contact-consent']").check()
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/join/$"))
    field = page.locator(".field.has-error")
    expect(field).to_have_count(1)
    expect(field.locator("input[name='org-corporate_number']")).to_have_value(wrong_check_digit)
    expect(field.get_by_role("alert")).to_contain_text("check digit")
    assert not Organization.objects.exists()
    assert not Contact.objects.exists()

    # Everything else is still filled in: only the number needs correcting.
    expect(page.locator("input[name='org-name']")).to_have_value("株式会社府中精機")
    page.locator("input[name='org-corporate_number']").fill(valid)
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/join/thanks/$"))
    expect(page.locator("h1")).to_be_visible()
    organization = Organization.objects.get(corporate_number=valid)
    assert (organization.name, organization.name_kana) == ("株式会社府中精機", "フチュウセイキ")
    membership = Membership.objects.get(organization=organization)
    assert membership.status == MembershipStatus.APPLICATION
    assert membership.applicant_contact is not None
    assert membership.applicant_contact.email == "jiro@fuchu-seiki.example.jp"
    assert [m.to for m in mail.outbox] == [["jiro@fuchu-seiki.example.jp"]]
