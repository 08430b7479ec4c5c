"""Issue 4's main journeys in a real browser: a member firm registers for a seminar and reception checks one of
them in; a coordinator logs a company visit with a follow-up; a non-member registers on the public page."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from events.models import (
    CheckIn,
    EventSession,
    FollowUp,
    FollowUpStatus,
    Registration,
    RegistrationStatus,
    Visit,
)
from members import services
from members.models import Role, User
from tests.browser.conftest import PASSWORD
from tests.events.factories import EventFactory
from tests.factories import ContactFactory, MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _user(username: str, role: str, **kwargs) -> User:
    # No first and last names: pages then show the username, whatever order they put names in.
    return services.user_create(username=username, password=PASSWORD, role=role, language="en", **kwargs)


def _log_out(page: Page) -> None:
    page.locator("header").get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_member_registers_a_colleague_and_themselves_and_reception_checks_the_colleague_in(page: Page, log_in) -> None:
    firm = MembershipFactory(
        organization__name="株式会社八王子メッキ", organization__name_kana="ハチオウジメッキ"
    ).organization
    colleague = ContactFactory(
        organization=firm, name="鍍金 次郎", name_kana="トキン ジロウ", email="jiro@hachioji-mekki.example.jp"
    )
    ContactFactory(
        organization=firm, name="鍍金 一子", name_kana="トキン カズコ", email="kazuko@hachioji-mekki.example.jp"
    )
    member = _user("member", Role.MEMBER, organization=firm, email="kazuko@hachioji-mekki.example.jp")
    _user("secretariat", Role.SECRETARIAT, email="jimu@cluster.example.jp")
    seminar = EventFactory(title="表面処理技術セミナー", is_public=False)
    first = seminar.sessions.get()
    second = EventSession.objects.create(
        event=seminar,
        title="第2部 実習",
        starts_at=first.starts_at + datetime.timedelta(days=7),
        ends_at=first.ends_at + datetime.timedelta(days=7),
        venue="立川市 産業支援センター 実習室",
    )
    seminar.ends_at = second.ends_at
    seminar.save(update_fields=["ends_at"])
    EventFactory(title="下書きの交流会", status="draft")  # members do not see drafts

    log_in("member")
    page.locator("nav").get_by_role("link", name="Events").click()
    events = page.locator("table.list")
    expect(events).not_to_contain_text("下書きの交流会")
    events.get_by_role("link", name="表面処理技術セミナー").click()
    expect(page).to_have_url(re.compile(rf"/events/{seminar.pk}/$"))
    expect(page.locator("h1")).to_have_text("表面処理技術セミナー")
    expect(page.locator("main")).to_contain_text("第2部 実習")

    page.locator("#registrations").get_by_role("link", name="Register").click()
    # The member's own contact is chosen to begin with; a colleague is picked from the firm's contacts.
    own_contact = firm.contacts.get(email=member.email)
    expect(page.get_by_label("Colleague")).to_have_value(str(own_contact.pk))
    page.get_by_label("Colleague").select_option(label="鍍金 次郎")
    page.locator("main form").get_by_role("button", name="Register").click()
    expect(page).to_have_url(re.compile(rf"/events/{seminar.pk}/$"))
    expect(page.locator(".messages li.success")).to_have_text("鍍金 次郎 is registered.")

    page.locator("#registrations").get_by_role("link", name="Register").click()
    page.locator("main form").get_by_role("button", name="Register").click()
    expect(page.locator(".messages li.success")).to_have_text("鍍金 一子 is registered.")
    own = page.locator("#registrations ul")
    expect(own.locator("li")).to_have_count(2)
    expect(own.locator("li", has_text="鍍金 次郎")).to_contain_text("Confirmed")
    expect(own.locator("li", has_text="鍍金 一子")).to_contain_text("Confirmed")

    # The portal's block (loaded by htmx) lists both.
    page.locator("nav").get_by_role("link", name="My organisation").click()
    block = page.locator("section", has_text="Our event registrations")
    expect(block.locator("li", has_text="鍍金 次郎")).to_contain_text("表面処理技術セミナー")
    expect(block.locator("li", has_text="鍍金 一子")).to_contain_text("表面処理技術セミナー")

    registrations = {r.name: r for r in Registration.objects.filter(event=seminar)}
    assert set(registrations) == {"鍍金 次郎", "鍍金 一子"}
    assert {r.status for r in registrations.values()} == {RegistrationStatus.CONFIRMED}
    assert registrations["鍍金 次郎"].contact == colleague and registrations["鍍金 次郎"].user is None
    assert registrations["鍍金 一子"].user == member
    assert {r.registered_by for r in registrations.values()} == {member}

    _log_out(page)
    log_in("secretariat")
    page.locator("nav").get_by_role("link", name="Events").click()
    page.locator("table.list").get_by_role("link", name="表面処理技術セミナー").click()
    page.locator("#registrations").get_by_role("link", name="Reception list").click()
    expect(page.locator("h1")).to_have_text("Reception list: 表面処理技術セミナー")
    page.locator("form.filters").get_by_label("Session").select_option(str(second.pk))
    page.locator("form.filters").get_by_role("button", name="Show").click()
    expect(page.locator(".page-head")).to_contain_text("第2部 実習")
    rows = page.locator("table.list tbody tr")
    # Kana order: カズコ before ジロウ.
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("鍍金 一子")
    expect(rows.nth(1)).to_contain_text("鍍金 次郎")

    jiro = registrations["鍍金 次郎"]
    row = page.locator(f"#registration-{jiro.pk}")
    url_before = page.url
    row.get_by_role("button", name="Check in").click()
    # htmx swapped the row in place: no reload, the button gave way to the checked-in mark.
    expect(row.locator(".status")).to_have_text("Checked in")
    expect(row.get_by_role("button", name="Check in")).to_have_count(0)
    expect(page.locator(f"#registration-{registrations['鍍金 一子'].pk}").get_by_role("button")).to_have_text(
        "Check in"
    )
    assert page.url == url_before
    expect(page.locator("#reception-count")).to_have_text("1 of 2 checked in")  # updated without a reload

    check_in = CheckIn.objects.get()
    assert (check_in.registration, check_in.session, check_in.method) == (jiro, second, CheckIn.Method.LIST)
    assert check_in.checked_in_by.username == "secretariat"

    # A reload shows the same, and the count.
    page.reload()
    expect(page.locator("p.count")).to_have_text("1 of 2 checked in")
    expect(page.locator(f"#registration-{jiro.pk} .status")).to_have_text("Checked in")


def test_coordinator_logs_a_visit_with_a_follow_up_that_their_own_page_lists_and_a_member_cannot_open(
    page: Page, log_in
) -> None:
    firm = MembershipFactory(
        organization__name="相模原電機株式会社", organization__name_kana="サガミハラデンキ"
    ).organization
    OrganizationFactory(name="多摩川精工株式会社", name_kana="タマガワセイコウ")
    coordinator = _user("coordinator", Role.COORDINATOR)
    _user("colleague", Role.COORDINATOR)
    _user("member", Role.MEMBER, organization=firm)
    today = timezone.localdate()
    due = today + datetime.timedelta(days=14)

    log_in("coordinator")
    page.locator("nav").get_by_role("link", name="Organisations").click()
    page.locator("#organization-table").get_by_role("link", name="相模原電機株式会社").click()
    page.locator(".page-head").get_by_role("link", name="Log a visit").click()
    expect(page.locator("h1")).to_have_text("Log a visit")
    form = page.locator("main form")
    # Started from the firm's page: the firm is chosen, the date is today, the coordinator went.
    expect(form.get_by_role("radio", name=re.compile("相模原電機株式会社"))).to_be_checked()
    expect(form.get_by_label("Visited on")).to_have_value(today.isoformat())
    expect(form.get_by_role("checkbox", name="coordinator", exact=True)).to_be_checked()

    form.get_by_label("Purpose").fill("モーター巻線工程のヒアリング")
    form.get_by_role("checkbox", name="Problem-solving support").check()
    form.get_by_role("checkbox", name="Industry–academia link").check()
    form.get_by_label("Technology").fill("高密度巻線、含浸処理")
    form.get_by_label("Needs").fill("巻線の絶縁不良を減らしたい。大学の評価設備を使いたい。")
    form.locator("input[name='follow_ups-0-description']").fill("大学の絶縁材料研究室を紹介する")
    form.locator("select[name='follow_ups-0-owner']").select_option(label="coordinator")
    form.locator("input[name='follow_ups-0-due_on']").fill(due.isoformat())
    form.get_by_role("button", name="Log the visit").click()

    expect(page).to_have_url(re.compile(r"/visits/\d+/$"))
    expect(page.locator(".messages li.success")).to_have_text("The visit was logged.")
    expect(page.locator("h1")).to_have_text("モーター巻線工程のヒアリング")
    main = page.locator("main")
    expect(main.locator(".badge")).to_have_text(["Problem-solving support", "Industry–academia link"])
    expect(main).to_contain_text("巻線の絶縁不良を減らしたい。大学の評価設備を使いたい。")
    follow_up_row = main.locator("tr", has_text="大学の絶縁材料研究室を紹介する")
    expect(follow_up_row).to_contain_text(due.isoformat())
    expect(follow_up_row).to_contain_text("coordinator")
    expect(follow_up_row).to_contain_text("Open")

    visit = Visit.objects.get()
    assert visit.organization == firm and visit.recorded_by == coordinator
    assert list(visit.visitors.all()) == [coordinator]
    assert sorted(visit.outcomes.values_list("name_en", flat=True)) == [
        "Industry–academia link",
        "Problem-solving support",
    ]
    follow_up = FollowUp.objects.get()
    assert (follow_up.visit, follow_up.owner, follow_up.due_on, follow_up.status) == (
        visit,
        coordinator,
        due,
        FollowUpStatus.OPEN,
    )
    assert page.url.endswith(f"/visits/{visit.pk}/")

    page.locator("nav").get_by_role("link", name="My work").click()
    expect(page).to_have_url(re.compile(r"/visits/mine/$"))
    open_actions = page.locator("section", has_text="My open follow-up actions")
    expect(open_actions.locator("tbody tr")).to_have_count(1)
    expect(open_actions.locator("tbody tr")).to_contain_text("相模原電機株式会社")
    expect(open_actions.locator("tbody tr")).to_contain_text(due.isoformat())
    open_actions.get_by_role("link", name="大学の絶縁材料研究室を紹介する").click()
    expect(page).to_have_url(re.compile(rf"/visits/{visit.pk}/$"))

    _log_out(page)
    log_in("member")
    response = page.goto(f"/visits/{visit.pk}/")
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text("Not allowed")
    expect(page.locator("main")).to_contain_text("for the association's staff and coordinators only")
    expect(page.locator("main")).not_to_contain_text("巻線の絶縁不良")
    expect(page.locator("nav").get_by_role("link", name="Visits")).to_have_count(0)


def test_non_member_registers_on_the_public_page_and_confirms_from_the_mail_to_get_a_check_in_code(
    page: Page,
) -> None:
    event = EventFactory(title="ものづくり交流カフェ", is_public=True, non_member_price=0)
    members_only = EventFactory(title="会員限定の工場見学", is_public=False)

    page.goto(f"/events/{event.pk}/apply/")
    expect(page.locator("h1")).to_have_text("ものづくり交流カフェ")
    form = page.locator("main form")
    form.get_by_label(re.compile(r"^name:?$", re.IGNORECASE)).fill("山田 太郎")
    form.get_by_label("Name (kana)").fill("ヤマダ タロウ")
    form.get_by_label("Email").fill("taro@yamada-koubou.example.jp")
    form.get_by_label("Organisation").fill("山田工房")
    form.get_by_role("button", name="Register").click()
    expect(page.get_by_role("status")).to_contain_text("taro@yamada-koubou.example.jp")

    registration = Registration.objects.get(event=event)
    assert registration.status == RegistrationStatus.PENDING
    assert (registration.name, registration.name_kana, registration.organization_name) == (
        "山田 太郎",
        "ヤマダ タロウ",
        "山田工房",
    )
    assert [m.to for m in mail.outbox] == [["taro@yamada-koubou.example.jp"]]
    link = re.search(r"http://\S+/events/r/[0-9a-f-]+/confirm/", mail.outbox[0].body)
    assert link is not None, mail.outbox[0].body
    assert str(registration.token) in link.group(0)

    page.goto(link.group(0))
    expect(page.locator("main")).to_contain_text("Confirm the registration of 山田 太郎.")
    page.get_by_role("button", name="Confirm the registration").click()
    expect(page).to_have_url(re.compile(rf"/events/r/{registration.token}/$"))
    expect(page.locator(".messages li.success")).to_have_text("山田 太郎 is registered.")
    expect(page.locator(".facts")).to_contain_text("Confirmed")
    code = page.locator("section", has_text="Check-in code")
    expect(code.locator("svg")).to_have_count(1)
    expect(code).to_contain_text("Show this code at reception.")

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED and registration.confirmed_at is not None
    assert [m.to for m in mail.outbox[1:]] == [["taro@yamada-koubou.example.jp"]]  # the confirmation with the event

    # The public page of a members-only event is not there.
    response = page.goto(f"/events/{members_only.pk}/apply/")
    assert response is not None and response.status == 404
