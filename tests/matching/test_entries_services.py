"""The seed and need services: who registers for whom, the checks on an entry (each refusal saves nothing),
edits, resubmission and withdrawal, needs from exhibition leads, and the re-indexing after every change."""

import pytest

from clusternet.core.exceptions import ApplicationError
from events.models import EventKind, ExhibitionLead
from matching.models import EntryStatus, Need, NeedTiming, Seed, TechField, Visibility
from matching.services import entries as services
from members.models import Role
from tests.events.factories import EventFactory, VisitFactory
from tests.factories import ContactFactory, OrganizationFactory
from tests.matching.factories import NeedFactory, SeedFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SEED_DATA = {
    "title": "超撥水めっき技術",
    "description": "金属表面に微細な凹凸をつくり、水を弾くめっきを施す技術です。",
    "field": TechField.MATERIALS_CHEMISTRY,
}
NEED_DATA = {
    "title": "塗装がはがれる",
    "description": "屋外で使う金属部品の塗装が1年ではがれてしまう。",
    "field": TechField.MANUFACTURING,
}


@pytest.fixture
def member(users):
    return users[Role.MEMBER]


@pytest.fixture
def coordinator(users):
    return users[Role.COORDINATOR]


def test_a_member_registers_for_their_own_organisation_whatever_owner_is_given(member, member_org, other_org):
    seed = services.seed_create(actor=member, owner=other_org, data=SEED_DATA)
    assert seed.owner == member_org
    assert seed.status == EntryStatus.SUBMITTED
    assert seed.registered_by == member
    assert seed.history.get().history_user == member


def test_a_coordinator_must_name_the_owner(coordinator):
    with pytest.raises(ApplicationError, match="Choose the organisation the entry belongs to"):
        services.need_create(actor=coordinator, owner=None, data=NEED_DATA)
    assert not Need.objects.exists()


def test_a_coordinator_may_accept_at_once_or_leave_it_for_screening(coordinator, other_org):
    accepted = services.seed_create(actor=coordinator, owner=other_org, data=SEED_DATA, accept=True)
    waiting = services.seed_create(actor=coordinator, owner=other_org, data=SEED_DATA)
    assert accepted.status == EntryStatus.ACTIVE
    assert accepted.screened_by == coordinator
    assert waiting.status == EntryStatus.SUBMITTED


def test_a_member_cannot_accept_their_own_entry(member):
    with pytest.raises(ApplicationError, match="Only coordinators accept"):
        services.seed_create(actor=member, owner=None, data=SEED_DATA, accept=True)
    assert not Seed.objects.exists()


def test_a_coordinator_registers_from_a_visit_which_stays_linked(coordinator, other_org):
    visit = VisitFactory(organization=other_org)
    need = services.need_create(actor=coordinator, owner=other_org, data={**NEED_DATA, "visit": visit})
    assert need.visit == visit


def test_only_coordinators_link_a_visit(member, member_org):
    visit = VisitFactory(organization=member_org)
    with pytest.raises(ApplicationError, match="Only coordinators link an entry to a visit"):
        services.need_create(actor=member, owner=None, data={**NEED_DATA, "visit": visit})
    assert not Need.objects.exists()


def test_the_visit_must_be_to_the_owner(coordinator, other_org):
    with pytest.raises(ApplicationError, match="must be to the entry's organisation"):
        services.need_create(actor=coordinator, owner=other_org, data={**NEED_DATA, "visit": VisitFactory()})
    assert not Need.objects.exists()


@pytest.mark.parametrize("description", ["", "   ", "\n\u3000"])
def test_a_need_with_an_empty_description_is_refused_and_nothing_saved(member, description):
    with pytest.raises(ApplicationError, match="Describe the need") as refused:
        services.need_create(actor=member, owner=None, data={**NEED_DATA, "description": description})
    assert refused.value.extra["field"] == "description"
    assert not Need.objects.exists()


def test_a_seed_without_a_title_is_refused(member):
    with pytest.raises(ApplicationError, match="Give the entry a title"):
        services.seed_create(actor=member, owner=None, data={**SEED_DATA, "title": " "})
    assert not Seed.objects.exists()


def test_an_unknown_field_is_refused(member):
    with pytest.raises(ApplicationError, match="Choose the field"):
        services.seed_create(actor=member, owner=None, data={**SEED_DATA, "field": "astrology"})
    assert not Seed.objects.exists()


def test_a_named_visibility_needs_an_organisation(member):
    with pytest.raises(ApplicationError, match="Name at least one organisation"):
        services.seed_create(actor=member, owner=None, data={**SEED_DATA, "visibility": Visibility.NAMED})
    assert not Seed.objects.exists()


def test_a_visibility_naming_an_unknown_organisation_is_refused_naming_it(member, other_org):
    with pytest.raises(ApplicationError, match="no organisation with the id 999999") as refused:
        services.seed_create(
            actor=member,
            owner=None,
            data={**SEED_DATA, "visibility": Visibility.NAMED},
            audience=[other_org.pk, 999999],
        )
    assert refused.value.extra == {"field": "audience", "unknown": [999999]}
    assert not Seed.objects.exists()


def test_named_organisations_are_kept_without_the_owner(member, member_org, other_org):
    seed = services.seed_create(
        actor=member, owner=None, data={**SEED_DATA, "visibility": Visibility.NAMED}, audience=[other_org, member_org]
    )
    assert list(seed.audience.all()) == [other_org]


def test_the_audience_is_dropped_for_other_visibilities(member, other_org):
    seed = services.seed_create(actor=member, owner=None, data=SEED_DATA, audience=[other_org])
    assert not seed.audience.exists()


def test_the_budget_range_must_be_ordered(member):
    with pytest.raises(ApplicationError, match="lower end cannot be above"):
        services.need_create(
            actor=member, owner=None, data={**NEED_DATA, "budget_min": 5_000_000, "budget_max": 1_000_000}
        )
    assert not Need.objects.exists()


def test_keywords_come_as_a_string_separated_by_commas_or_toten(member):
    seed = services.seed_create(actor=member, owner=None, data={**SEED_DATA, "keywords": "撥水、めっき,ｾﾝｻ， 撥水"})
    assert seed.keywords == ["撥水", "めっき", "センサ"]


def test_a_keyword_that_is_a_sentence_is_refused(member):
    with pytest.raises(ApplicationError, match="A keyword is at most 40 characters"):
        services.seed_create(actor=member, owner=None, data={**SEED_DATA, "keywords": ["あ" * 41]})
    assert not Seed.objects.exists()


def test_an_unknown_data_field_is_refused(member):
    with pytest.raises(ApplicationError, match="Unknown field: status"):
        services.seed_create(actor=member, owner=None, data={**SEED_DATA, "status": EntryStatus.ACTIVE})
    assert not Seed.objects.exists()


def test_every_change_reindexes_the_entry(member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        seed = services.seed_create(actor=member, owner=None, data=SEED_DATA)
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks() as callbacks:
        services.seed_update(actor=member, seed=seed, data={"title": "超撥水めっき"})
        services.entry_withdraw(actor=member, entry=seed)
    assert len(callbacks) == 2


def test_a_members_edit_of_an_entry_sent_back_resubmits_it(member, member_org):
    need = NeedFactory(owner=member_org, status=EntryStatus.QUESTION, screening_note="予算は？")
    services.need_update(actor=member, need=need, data={"budget_max": 3_000_000})
    need.refresh_from_db()
    assert need.status == EntryStatus.SUBMITTED
    assert need.budget_max == 3_000_000


def test_a_member_cannot_edit_another_organisations_entry(member, other_org):
    seed = SeedFactory(owner=other_org)
    with pytest.raises(ApplicationError, match="You cannot change this entry"):
        services.seed_update(actor=member, seed=seed, data={"title": "乗っ取り"})
    seed.refresh_from_db()
    assert seed.title != "乗っ取り"


def test_a_member_cannot_move_an_entry_to_another_organisation(member, member_org, other_org):
    seed = SeedFactory(owner=member_org)
    with pytest.raises(ApplicationError, match="cannot be moved"):
        services.seed_update(actor=member, seed=seed, data={"owner": other_org})
    assert Seed.objects.get().owner == member_org


def test_a_declined_entry_is_closed_to_its_owner(member, member_org):
    seed = SeedFactory(owner=member_org, status=EntryStatus.DECLINED)
    with pytest.raises(ApplicationError, match="cannot be changed"):
        services.seed_update(actor=member, seed=seed, data={"title": "再挑戦"})


def test_an_update_with_a_blank_description_changes_nothing(member, member_org):
    need = NeedFactory(owner=member_org)
    with pytest.raises(ApplicationError, match="Describe the need"):
        services.need_update(actor=member, need=need, data={"title": "新しい題", "description": ""})
    need.refresh_from_db()
    assert need.title != "新しい題"
    assert need.description


def test_an_update_keeps_the_audience_unless_given(member, member_org, other_org):
    seed = services.seed_create(
        actor=member, owner=None, data={**SEED_DATA, "visibility": Visibility.NAMED}, audience=[other_org]
    )
    services.seed_update(actor=member, seed=seed, data={"title": "新しい題"})
    assert list(seed.audience.all()) == [other_org]


def test_withdrawn_entries_can_be_submitted_again(member, member_org):
    seed = SeedFactory(owner=member_org)
    services.entry_withdraw(actor=member, entry=seed)
    assert Seed.objects.get().status == EntryStatus.WITHDRAWN
    with pytest.raises(ApplicationError, match="already out of matching"):
        services.entry_withdraw(actor=member, entry=seed)
    services.entry_submit(actor=member, entry=seed)
    assert Seed.objects.get().status == EntryStatus.SUBMITTED


def _lead(**kwargs):
    event = EventFactory(kind=EventKind.EXHIBITION)
    return ExhibitionLead.objects.create(
        event=event, name="来場 一郎", organization_name="来場工業", interest="金型の寿命を延ばしたい", **kwargs
    )


def test_a_need_from_a_lead_in_the_register_belongs_to_its_organisation(coordinator, other_org):
    lead = _lead(contact=ContactFactory(organization=other_org))
    need = services.need_from_lead(actor=coordinator, lead=lead, data={**NEED_DATA, "timing": NeedTiming.SOON})
    assert need.owner == other_org
    assert need.lead == lead


def test_a_need_from_a_lead_not_yet_in_the_register_needs_its_organisation(coordinator):
    lead = _lead()
    with pytest.raises(ApplicationError, match="not in the register yet"):
        services.need_from_lead(actor=coordinator, lead=lead, data=NEED_DATA)
    assert not Need.objects.exists()
    organization = OrganizationFactory(name="来場工業")
    need = services.need_from_lead(actor=coordinator, lead=lead, owner=organization, data=NEED_DATA)
    assert need.owner == organization


def test_only_coordinators_register_needs_from_leads(member):
    with pytest.raises(ApplicationError, match="Only coordinators"):
        services.need_from_lead(actor=member, lead=_lead(), data=NEED_DATA)
