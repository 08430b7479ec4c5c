import csv
import io

import pytest
from django.core import mail
from openpyxl import load_workbook

from members.models import Membership, MembershipStatus, Organization
from tests.factories import ContactFactory, FeeTierFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_staff_list_finds_a_firm_by_half_width_kana(client_for, member_org, other_org):
    response = client_for("secretariat").get("/organizations/", {"search": "ﾀﾏｾｲ"})
    assert response.status_code == 200
    assert "株式会社多摩精密" in response.text
    assert "相模原電機株式会社" not in response.text


def test_htmx_search_returns_the_table_alone(client_for, member_org):
    response = client_for("secretariat").get("/organizations/", {"search": "たま"}, HTTP_HX_REQUEST="true")
    assert "株式会社多摩精密" in response.text
    assert "<html" not in response.text


def test_list_paginates_and_sorts(client_for, users):
    for i in range(55):
        OrganizationFactory(name=f"会社{i:02d}", name_kana=f"カイシャ{i:02d}")
    response = client_for("secretariat").get("/organizations/", {"ordering": "-name_kana", "search": "カイシャ"})
    assert response.context["page"].paginator.count == 55
    assert [o.name for o, _tier in response.context["rows"]][:2] == ["会社54", "会社53"]
    assert len(response.context["rows"]) == 50


def test_export_csv_and_excel_follow_the_filters(client_for, member_org, other_org):
    FeeTierFactory(name="中小企業", capital_max=9_999_999_999, annual_fee=70000)
    client = client_for("secretariat")
    response = client.get("/organizations/export.csv", {"search": "ﾀﾏｾｲ"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][0] == "株式会社多摩精密"
    assert rows[1][-2:] == ["中小企業", "70000"]
    response = client.get("/organizations/export.xlsx", {"kind": "firm"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {"株式会社多摩精密", "相模原電機株式会社"}


def test_create_form_shows_errors_in_japanese_and_saves_nothing(client_for, users):
    client = client_for("secretariat")
    response = client.post(
        "/organizations/new/",
        {"kind": "firm", "name": "株式会社日野製作所", "name_kana": "ヒノ", "corporate_number": "1234567890123",
         "capital": "-5"},
    )  # fmt: skip
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"corporate_number", "capital"} <= set(errors)
    assert "チェックデジット" in errors["corporate_number"][0]
    assert not Organization.objects.filter(name="株式会社日野製作所").exists()


def test_create_form_refuses_unknown_kind_and_duplicate_corporate_number(client_for, member_org):
    response = client_for("secretariat").post(
        "/organizations/new/",
        {
            "kind": "spaceship",
            "name": "別会社",
            "name_kana": "ベツガイシャ",
            "corporate_number": member_org.corporate_number,
        },
    )
    assert {"kind", "corporate_number"} <= set(response.context["form"].errors)
    assert Organization.objects.filter(corporate_number=member_org.corporate_number).count() == 1


def test_contact_form_records_consent(client_for, member_org):
    response = client_for("member").post(
        f"/organizations/{member_org.pk}/contacts/new/",
        {"name": "経理 花子", "name_kana": "ケイリ ハナコ", "email": "hanako@example.jp", "consent": "on"},
    )
    assert response.status_code == 302
    contact = member_org.contacts.get(name="経理 花子")
    assert contact.consent_given_at is not None


def test_create_form_registers_an_organisation(client_for, users):
    response = client_for("secretariat").post(
        "/organizations/new/", {"kind": "firm", "name": "株式会社日野製作所", "name_kana": "ひのせいさくしょ"}
    )
    organization = Organization.objects.get(name="株式会社日野製作所")
    assert response.url == f"/organizations/{organization.pk}/"
    assert organization.name_kana == "ヒノセイサクショ"


def test_member_edits_own_profile_from_the_portal(client_for, member_org):
    client = client_for("member")
    assert "株式会社多摩精密" in client.get("/portal/").text
    data = {"name": member_org.name, "name_kana": member_org.name_kana, "employees": "75", "prefecture": "13"}
    response = client.post(f"/organizations/{member_org.pk}/edit/", data)
    assert response.status_code == 302
    member_org.refresh_from_db()
    assert member_org.employees == 75
    assert member_org.kind == "firm"  # disabled for members: the posted form cannot change it


def test_member_sees_another_firm_only_as_its_directory_entry(client_for, member_org):
    other = MembershipFactory(
        organization__name="相模原電機株式会社",
        organization__capital=12_345_678_900,
        organization__public_figures=False,
    ).organization
    ContactFactory(organization=other, name="秘密 次郎")
    response = client_for("member").get(f"/organizations/{other.pk}/")
    assert "相模原電機株式会社" in response.text
    assert "12,345,678,900" not in response.text
    assert "秘密 次郎" not in response.text
    assert client_for("member").post(f"/organizations/{other.pk}/edit/", {"name": "x"}).status_code == 403
    other.refresh_from_db()
    assert other.name == "相模原電機株式会社"


def test_staff_sees_everything_about_an_organisation(client_for, member_org):
    ContactFactory(organization=member_org, name="多摩 一郎")
    response = client_for("secretariat").get(f"/organizations/{member_org.pk}/")
    assert "多摩 一郎" in response.text
    assert response.context["next_statuses"] == ["suspended", "withdrawn"]


def test_application_queue_approves_and_mails(client_for, django_capture_on_commit_callbacks):
    contact = ContactFactory(email="new@example.jp")
    membership = MembershipFactory(
        status=MembershipStatus.APPLICATION, organization=contact.organization, applicant_contact=contact
    )
    client = client_for("secretariat")
    assert contact.organization.name in client.get("/applications/").text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/memberships/{membership.pk}/transition/", {"to_status": "approved", "next": "/applications/"}
        )
    assert response.url == "/applications/"
    assert Membership.objects.get(pk=membership.pk).status == "approved"
    assert mail.outbox[0].to == ["new@example.jp"]


def test_disallowed_transition_shows_a_message_and_changes_nothing(client_for, users):
    membership = MembershipFactory(status=MembershipStatus.WITHDRAWN)
    client = client_for("secretariat")
    response = client.post(f"/memberships/{membership.pk}/transition/", {"to_status": "active"}, follow=True)
    # Staff work in Japanese by default.
    assert [str(m) for m in response.context["messages"]] == [
        "会員状態を「退会」から「有効」に変更することはできません。"
    ]
    assert Membership.objects.get(pk=membership.pk).status == "withdrawn"


def test_public_join_form_files_an_application(client, django_capture_on_commit_callbacks):
    data = {
        "org-kind": "firm", "org-name": "株式会社青梅技研", "org-name_kana": "オウメギケン",
        "contact-name": "青梅 太郎", "contact-email": "taro@oume.example.jp", "contact-consent": "on",
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/join/", data)
    assert response.url == "/join/thanks/"
    membership = Membership.objects.get(organization__name="株式会社青梅技研")
    assert membership.status == "application"
    assert mail.outbox[0].to == ["taro@oume.example.jp"]


def test_join_form_without_consent_is_refused(client):
    data = {"org-kind": "firm", "org-name": "株式会社青梅技研", "org-name_kana": "オウメギケン",
            "contact-name": "青梅 太郎", "contact-email": "taro@oume.example.jp"}  # fmt: skip
    response = client.post("/join/", data)
    assert response.status_code == 200
    assert "consent" in response.context["contact_form"].errors
    assert not Organization.objects.filter(name="株式会社青梅技研").exists()


def test_language_choice_is_stored_and_used(client_for, users):
    client = client_for("secretariat")
    client.post("/accounts/language/", {"language": "en", "next": "/organizations/"})
    users["secretariat"].refresh_from_db()
    assert users["secretariat"].language == "en"
    assert client.get("/organizations/").headers["Content-Language"] == "en"


def test_login_with_email_address(client, users):
    response = client.post("/accounts/login/", {"username": users["coordinator"].email, "password": "pw"})
    assert response.status_code == 302
    assert client.get("/").url == "/organizations/"
