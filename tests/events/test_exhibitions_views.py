"""The exhibition pages, in Japanese: the booth's firms, quick lead entry, and a lead made a contact."""

import pytest

from events.models import EventKind, ExhibitionLead, Exhibitor
from events.services import exhibitions as services
from members.models import Contact, Organization
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def staff(client_for):
    return client_for("secretariat")


@pytest.fixture
def exhibition():
    return EventFactory(kind=EventKind.EXHIBITION, title="国際フロンティア産業メッセ")


VISITOR = {"name": "来場 一郎", "organization_name": "株式会社来場", "interest": "防水"}


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


def test_the_event_page_shows_the_booths_firms_and_links_the_leads(staff, client_for, exhibition, member_org):
    services.exhibitor_add(actor=None, event=exhibition, organization=member_org, exhibit="精密切削部品")
    page = staff.get(f"/events/{exhibition.pk}/")
    assert "共同出展者" in page.text and "株式会社多摩精密" in page.text and "精密切削部品" in page.text
    assert f"/events/{exhibition.pk}/leads/" in page.text
    member_page = client_for("member").get(f"/events/{exhibition.pk}/")
    assert "株式会社多摩精密" in member_page.text and f"/events/{exhibition.pk}/leads/" not in member_page.text


def test_adding_a_firm_found_by_kana_with_htmx(staff, exhibition, member_org):
    url = f"/events/{exhibition.pk}/exhibitors/"
    choices = staff.get(url, {"q": "たませい"}, **HTMX)
    assert "株式会社多摩精密" in choices.text and "<html" not in choices.text
    response = staff.post(url, {"organization": member_org.pk, "exhibit": "医療用精密部品"})
    assert response.status_code == 302
    assert Exhibitor.objects.get().exhibit == "医療用精密部品"


def test_a_duplicate_firm_is_refused_with_a_message(staff, exhibition, member_org):
    services.exhibitor_add(actor=None, event=exhibition, organization=member_org)
    response = staff.post(f"/events/{exhibition.pk}/exhibitors/", {"organization": member_org.pk})
    assert response.status_code == 200 and "株式会社多摩精密は既にこのブースに出展しています" in response.text
    assert Exhibitor.objects.count() == 1


def test_adding_a_firm_without_choosing_one_says_so(staff, exhibition):
    response = staff.post(f"/events/{exhibition.pk}/exhibitors/", {"exhibit": "何か"})
    assert response.status_code == 200 and "共同出展する組織を選んでください" in response.text
    assert not Exhibitor.objects.exists()


def test_removing_a_firm_from_the_booth(staff, exhibition, member_org):
    exhibitor = services.exhibitor_add(actor=None, event=exhibition, organization=member_org)
    staff.post(f"/events/{exhibition.pk}/exhibitors/{exhibitor.pk}/remove/")
    assert not Exhibitor.objects.exists()


def test_booth_pages_are_for_exhibitions_only(staff):
    seminar = EventFactory()
    assert staff.get(f"/events/{seminar.pk}/exhibitors/").status_code == 404
    assert staff.get(f"/events/{seminar.pk}/leads/").status_code == 404


def test_leads_are_entered_one_after_another_keeping_the_booth(staff, users, exhibition, member_org):
    exhibitor = services.exhibitor_add(actor=None, event=exhibition, organization=member_org)
    url = f"/events/{exhibition.pk}/leads/"
    first = staff.post(
        url,
        {"name": "来場 一郎", "organization_name": "株式会社来場", "email": "ichiro@raijo.example.jp",
         "interest": "小型モーターの防水", "exhibitor": exhibitor.pk},
    )  # fmt: skip
    assert first["Location"] == f"{url}?booth={exhibitor.pk}"
    form_page = staff.get(first["Location"])
    assert form_page.context["form"]["exhibitor"].value() == str(exhibitor.pk)
    assert "来場 一郎" in form_page.text and "小型モーターの防水" in form_page.text
    staff.post(url, {"name": "見学 二郎", "organization_name": "見学工業", "interest": "樹脂の軽量化"})
    assert ExhibitionLead.objects.count() == 2
    assert ExhibitionLead.objects.get(name="来場 一郎").collected_by == users["secretariat"]


@pytest.mark.parametrize(("omit", "message"), [("name", "来場者の氏名"), ("interest", "関心事項")])
def test_a_lead_without_a_name_or_interest_says_so(staff, exhibition, omit, message):
    data = {"name": "来場 一郎", "organization_name": "株式会社来場", "interest": "防水"}
    data[omit] = ""
    response = staff.post(f"/events/{exhibition.pk}/leads/", data)
    assert response.status_code == 200 and message in response.text
    assert not ExhibitionLead.objects.exists()


def test_making_a_contact_of_a_lead_from_a_new_organisation(staff, exhibition):
    lead = services.lead_create(
        actor=None,
        event=exhibition,
        data={"name": "来場 一郎", "organization_name": "株式会社来場", "interest": "防水"},
    )
    url = f"/events/{exhibition.pk}/leads/{lead.pk}/contact/"
    assert "まだ名簿にありません" in staff.get(url).text
    response = staff.post(url, {"organization_kind": "firm", "organization_name_kana": "ライジョウ"}, follow=True)
    assert "来場 一郎さんを株式会社来場の担当者として登録しました" in " ".join(messages_of(response))
    contact = Contact.objects.get()
    assert contact.organization.name == "株式会社来場"
    lead.refresh_from_db()
    assert lead.contact == contact


def test_a_new_organisation_without_its_reading_is_refused_on_the_form(staff, exhibition):
    lead = services.lead_create(
        actor=None,
        event=exhibition,
        data={"name": "来場 一郎", "organization_name": "株式会社来場", "interest": "防水"},
    )
    response = staff.post(f"/events/{exhibition.pk}/leads/{lead.pk}/contact/", {"organization_kind": "firm"})
    assert response.status_code == 200 and "組織名のフリガナを入力してください" in response.text
    assert not Organization.objects.filter(name="株式会社来場").exists()


def test_making_a_contact_twice_is_refused_with_a_message(staff, exhibition, member_org):
    lead = services.lead_create(
        actor=None, event=exhibition, data={"name": "来場 一郎", "organization_name": member_org.name, "interest": "x"}
    )
    url = f"/events/{exhibition.pk}/leads/{lead.pk}/contact/"
    assert "株式会社多摩精密は名簿にあります" in staff.get(url).text
    staff.post(url, {"name_kana": "ライジョウ イチロウ"})
    page = staff.get(url)
    assert "既に株式会社多摩精密の担当者として登録されています" in page.text
    again = staff.post(url, {})
    assert again.status_code == 200 and "既に担当者として名簿に登録されています" in again.text
    assert Contact.objects.filter(organization=member_org).count() == 1


def test_coordinators_not_organising_the_exhibition_cannot_see_its_leads(client_for, exhibition):
    assert client_for("coordinator").get(f"/events/{exhibition.pk}/leads/").status_code == 403


def test_a_coordinator_organising_the_exhibition_collects_leads(client_for, users, exhibition):
    exhibition.organisers.add(users["coordinator"])
    response = client_for("coordinator").post(
        f"/events/{exhibition.pk}/leads/", {"name": "来場 一郎", "organization_name": "来場", "interest": "防水"}
    )
    assert response.status_code == 302 and ExhibitionLead.objects.get().collected_by == users["coordinator"]
