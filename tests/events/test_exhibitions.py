"""Exhibitions: the member firms sharing the joint booth, and the leads collected there becoming contacts."""

import pytest
from django.utils import translation

from clusternet.core.exceptions import ApplicationError
from events.models import EventKind, ExhibitionLead, Exhibitor
from events.services import exhibitions as services
from members.models import Contact, Organization, OrganizationKind
from tests.events.factories import EventFactory
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The rules are asserted on the English messages; the pages' tests check the Japanese ones."""
    with translation.override("en"):
        yield


@pytest.fixture
def exhibition():
    return EventFactory(kind=EventKind.EXHIBITION, title="国際フロンティア産業メッセ")


def lead(event, **data):
    values = {"name": "来場 一郎", "organization_name": "株式会社来場", "interest": "小型モーターの防水", **data}
    return services.lead_create(actor=None, event=event, data=values)


def test_member_firms_share_the_booth_with_what_they_show(exhibition, member_org):
    services.exhibitor_add(actor=None, event=exhibition, organization=member_org, exhibit=" 精密切削部品 ")
    exhibitor = Exhibitor.objects.get()
    assert (exhibitor.organization, exhibitor.exhibit) == (member_org, "精密切削部品")


def test_a_firm_shares_the_booth_once(exhibition, member_org):
    services.exhibitor_add(actor=None, event=exhibition, organization=member_org)
    with pytest.raises(ApplicationError, match="株式会社多摩精密 already shares this booth"):
        services.exhibitor_add(actor=None, event=exhibition, organization=member_org, exhibit="別の展示")
    assert Exhibitor.objects.count() == 1


def test_an_exhibitor_needs_an_organisation(exhibition):
    with pytest.raises(ApplicationError, match="Choose the organisation"):
        services.exhibitor_add(actor=None, event=exhibition, organization=None)


def test_booths_and_leads_belong_to_exhibitions_only(member_org):
    seminar = EventFactory()
    with pytest.raises(ApplicationError, match="exhibitions only"):
        services.exhibitor_add(actor=None, event=seminar, organization=member_org)
    with pytest.raises(ApplicationError, match="exhibitions only"):
        lead(seminar)
    assert not Exhibitor.objects.exists() and not ExhibitionLead.objects.exists()


def test_removing_a_firm_keeps_the_leads_met_at_its_booth(exhibition, member_org):
    exhibitor = services.exhibitor_add(actor=None, event=exhibition, organization=member_org)
    met = lead(exhibition, exhibitor=exhibitor)
    services.exhibitor_remove(actor=None, exhibitor=exhibitor)
    met.refresh_from_db()
    assert met.exhibitor is None and met.interest == "小型モーターの防水"


@pytest.mark.parametrize(
    ("missing", "message"),
    [("name", "visitor's name"), ("interest", "interested in"), ("organization_name", "visitor's organisation")],
)
def test_a_lead_needs_a_name_an_organisation_and_an_interest(exhibition, missing, message):
    with pytest.raises(ApplicationError, match=message):
        lead(exhibition, **{missing: "  "})
    assert not ExhibitionLead.objects.exists()


def test_a_lead_is_met_at_a_booth_of_this_exhibition_only(exhibition, member_org):
    elsewhere = services.exhibitor_add(
        actor=None, event=EventFactory(kind=EventKind.EXHIBITION), organization=member_org
    )
    with pytest.raises(ApplicationError, match="does not share this booth"):
        lead(exhibition, exhibitor=elsewhere)


def test_a_lead_of_a_new_organisation_creates_it_and_the_contact(exhibition):
    visitor = lead(exhibition, email="ichiro@raijo.example.jp", phone="042-000-0000")
    contact = services.lead_contact_create(
        actor=None, lead=visitor, name_kana="ライジョウ イチロウ",
        organization_kind=OrganizationKind.FIRM, organization_name_kana="ライジョウ",
    )  # fmt: skip
    visitor.refresh_from_db()
    assert visitor.contact == contact
    assert (contact.name, contact.email, contact.phone) == ("来場 一郎", "ichiro@raijo.example.jp", "042-000-0000")
    organization = contact.organization
    assert (organization.name, organization.name_kana, organization.kind) == ("株式会社来場", "ライジョウ", "firm")


def test_a_lead_of_a_firm_in_the_register_joins_it_whatever_the_width_of_its_name(exhibition):
    firm = OrganizationFactory(name="株式会社ABC精工", name_kana="エービーシーセイコウ")
    visitor = lead(exhibition, organization_name="株式会社ＡＢＣ精工")
    contact = services.lead_contact_create(actor=None, lead=visitor)
    assert contact.organization == firm
    assert Organization.objects.count() == 1


def test_a_new_organisation_needs_its_kind_and_reading(exhibition):
    visitor = lead(exhibition)
    with pytest.raises(ApplicationError, match="kind of organisation"):
        services.lead_contact_create(actor=None, lead=visitor, organization_name_kana="ライジョウ")
    with pytest.raises(ApplicationError, match="in kana"):
        services.lead_contact_create(actor=None, lead=visitor, organization_kind=OrganizationKind.FIRM)
    assert not Contact.objects.exists() and not Organization.objects.filter(name="株式会社来場").exists()


def test_a_lead_becomes_a_contact_once(exhibition, member_org):
    visitor = lead(exhibition, organization_name=member_org.name)
    services.lead_contact_create(actor=None, lead=visitor)
    with pytest.raises(ApplicationError, match="already a contact"):
        services.lead_contact_create(actor=None, lead=visitor)
    assert Contact.objects.filter(organization=member_org).count() == 1
