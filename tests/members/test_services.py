import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from clusternet.core.exceptions import ApplicationError
from members import services
from members.models import Contact, Membership, MembershipStatus, MembershipTransition, Organization
from tests.factories import ContactFactory, MembershipFactory, OrganizationFactory, corporate_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


S = MembershipStatus


def _org_data(**overrides):
    return {"kind": "firm", "name": "株式会社府中精工", "name_kana": "ﾌﾁｭｳｾｲｺｳ", "capital": 30_000_000, **overrides}


def test_organization_create_stores_full_width_kana_and_search_key(users):
    organization = services.organization_create(actor=users["secretariat"], data=_org_data())
    assert organization.name_kana == "フチュウセイコウ"
    assert "フチュウセイコウ" in organization.search_key
    assert organization.history.first().history_user == users["secretariat"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"corporate_number": "1234567890123"}, "corporate_number"),  # wrong check digit
        ({"corporate_number": "12345"}, "corporate_number"),
        ({"kind": "spaceship"}, "kind"),
        ({"name_kana": "多摩"}, "name_kana"),
        ({"founded_year": 1200}, "founded_year"),
    ],
)
def test_organization_create_refuses_bad_input_and_writes_nothing(users, data, field):
    with pytest.raises(ValidationError) as error:
        services.organization_create(actor=users["secretariat"], data=_org_data(**data))
    assert field in error.value.message_dict
    assert not Organization.objects.filter(name="株式会社府中精工").exists()


def test_duplicate_corporate_number_is_refused():
    number = corporate_number(4242)
    OrganizationFactory(corporate_number=number)
    with pytest.raises(ValidationError) as error:
        services.organization_create(actor=None, data=_org_data(corporate_number=number))
    assert "corporate_number" in error.value.message_dict
    assert Organization.objects.filter(corporate_number=number).count() == 1


def test_valid_corporate_number_is_accepted():
    organization = services.organization_create(actor=None, data=_org_data(corporate_number="7000012050002"))
    assert organization.corporate_number == "7000012050002"


def test_empty_corporate_numbers_do_not_collide():
    services.organization_create(actor=None, data=_org_data(corporate_number=""))
    services.organization_create(actor=None, data=_org_data(name="有限会社府中工業", corporate_number=""))
    assert Organization.objects.filter(corporate_number__isnull=True).count() == 2


def test_full_life_cycle_is_dated_attributed_and_kept(users):
    staff = users["secretariat"]
    organization = OrganizationFactory()
    membership = services.membership_apply(actor=staff, organization=organization, applied_on=datetime.date(2026, 4, 1))
    for status, day, reason in [
        (S.APPROVED, datetime.date(2026, 4, 10), ""),
        (S.ACTIVE, datetime.date(2026, 5, 1), ""),
        (S.SUSPENDED, datetime.date(2026, 8, 1), "会費未納"),
        (S.ACTIVE, datetime.date(2026, 9, 1), ""),
        (S.WITHDRAWN, datetime.date(2026, 10, 31), "事業縮小"),
    ]:
        membership = services.membership_transition(
            actor=staff, membership=membership, to_status=status, effective_on=day, reason=reason
        )
    membership.refresh_from_db()
    assert membership.joined_on == datetime.date(2026, 5, 1)  # the first activation, not the reinstatement
    assert (membership.withdrawn_on, membership.withdrawal_reason) == (datetime.date(2026, 10, 31), "事業縮小")
    steps = list(membership.transitions.values_list("from_status", "to_status", "actor__username"))
    assert steps == [
        ("", "application", "staff"),
        ("application", "approved", "staff"),
        ("approved", "active", "staff"),
        ("active", "suspended", "staff"),
        ("suspended", "active", "staff"),
        ("active", "withdrawn", "staff"),
    ]
    assert membership.history.count() == 6


@pytest.mark.parametrize(
    ("start", "target"),
    [(S.WITHDRAWN, S.ACTIVE), (S.REJECTED, S.APPROVED), (S.APPLICATION, S.ACTIVE), (S.ACTIVE, S.APPROVED)],
)
def test_transitions_the_life_cycle_does_not_allow_are_refused(users, start, target):
    membership = MembershipFactory(status=start)
    with pytest.raises(ApplicationError, match="cannot go from"):
        services.membership_transition(actor=users["secretariat"], membership=membership, to_status=target)
    membership.refresh_from_db()
    assert membership.status == start
    assert not MembershipTransition.objects.filter(membership=membership).exists()


def test_rejection_and_withdrawal_need_a_reason(users):
    membership = MembershipFactory(status=S.APPLICATION)
    with pytest.raises(ApplicationError, match="reason"):
        services.membership_transition(actor=users["secretariat"], membership=membership, to_status=S.REJECTED)
    assert Membership.objects.get(pk=membership.pk).status == S.APPLICATION


def test_a_step_cannot_be_dated_before_the_previous_one(users):
    organization = OrganizationFactory()
    membership = services.membership_apply(actor=None, organization=organization, applied_on=datetime.date(2026, 4, 1))
    with pytest.raises(ApplicationError, match="before the previous step"):
        services.membership_transition(
            actor=None, membership=membership, to_status=S.APPROVED, effective_on=datetime.date(2026, 3, 1)
        )


def test_only_one_current_membership_per_organisation():
    membership = MembershipFactory(status=S.ACTIVE)
    with pytest.raises(ApplicationError, match="already has a current membership"):
        services.membership_apply(actor=None, organization=membership.organization)
    assert membership.organization.memberships.count() == 1


def test_a_former_member_can_apply_again_and_keeps_its_history(users):
    old = MembershipFactory(status=S.WITHDRAWN, withdrawn_on=datetime.date(2024, 3, 31))
    new = services.membership_apply(actor=users["secretariat"], organization=old.organization)
    assert list(old.organization.memberships.order_by("id")) == [old, new]


def test_fee_override_needs_a_reason_and_is_recorded(users):
    membership = MembershipFactory()
    with pytest.raises(ApplicationError, match="reason"):
        services.membership_fee_override(actor=users["secretariat"], membership=membership, amount=35_000)
    services.membership_fee_override(
        actor=users["secretariat"], membership=membership, amount=35_000, reason="創業3年以内の特例"
    )
    membership.refresh_from_db()
    assert (membership.fee_override_amount, membership.fee_override_reason) == (35_000, "創業3年以内の特例")
    record = membership.history.first()
    assert (record.history_user, record.history_change_reason) == (users["secretariat"], "創業3年以内の特例")


def test_fee_tier_changes_are_kept_with_who_changed_them(users):
    admin = users["administrator"]
    tier = services.fee_tier_save(
        actor=admin, data={"name": "中小企業", "organization_kind": "firm", "annual_fee": 70_000, "priority": 20}
    )
    services.fee_tier_save(actor=admin, tier=tier, data={"annual_fee": 75_000})
    assert list(tier.history.order_by("history_date").values_list("annual_fee", "history_user__username")) == [
        (70_000, "admin"),
        (75_000, "admin"),
    ]


def test_fee_tier_with_inverted_range_is_refused(users):
    with pytest.raises(ValidationError):
        services.fee_tier_save(
            actor=users["administrator"],
            data={"name": "x", "organization_kind": "firm", "annual_fee": 1, "capital_min": 10, "capital_max": 5},
        )


def test_a_new_billing_contact_takes_over_the_role():
    first = ContactFactory(is_billing_contact=True)
    second = services.contact_create(
        actor=None, organization=first.organization, data={"name": "経理 花子", "is_billing_contact": True}
    )
    first.refresh_from_db()
    assert (first.is_billing_contact, second.is_billing_contact) == (False, True)


def test_erasing_a_contact_removes_personal_data_but_keeps_the_row(users):
    contact = ContactFactory(phone="042-000-0000", is_billing_contact=True)
    services.contact_erase(actor=users["secretariat"], contact=contact)
    contact.refresh_from_db()
    assert contact.erased_at is not None
    assert (contact.email, contact.phone, contact.name_kana, contact.is_billing_contact) == ("", "", "", False)
    assert not Contact.objects.active().filter(pk=contact.pk).exists()


def test_join_application_creates_organisation_contact_application_and_acknowledges(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.join_application_submit(
            organization_data=_org_data(),
            contact_data={"name": "多摩 一郎", "name_kana": "たま いちろう", "email": "ichiro@example.jp"},
            consent=True,
        )
    assert membership.status == S.APPLICATION
    assert membership.applicant_contact.consent_given_at is not None
    assert membership.applicant_contact.name_kana == "タマ イチロウ"
    assert [m.to for m in mail.outbox] == [["ichiro@example.jp"]]


def test_join_application_without_consent_writes_nothing():
    with pytest.raises(ApplicationError):
        services.join_application_submit(organization_data=_org_data(), contact_data={"name": "x"}, consent=False)
    assert not Organization.objects.exists()


def test_approval_mails_the_applicant_once(users, django_capture_on_commit_callbacks):
    contact = ContactFactory(email="applicant@example.jp")
    membership = MembershipFactory(status=S.APPLICATION, organization=contact.organization, applicant_contact=contact)
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_transition(actor=users["secretariat"], membership=membership, to_status=S.APPROVED)
    assert [m.to for m in mail.outbox] == [["applicant@example.jp"]]
    # A retried task finds the step already notified and sends nothing more.
    from members.notifications import membership_decision_notify

    transition = membership.transitions.get(to_status=S.APPROVED)
    assert membership_decision_notify(transition_id=transition.pk) is False
    assert len(mail.outbox) == 1


def test_user_create_refuses_unknown_role_and_member_without_organisation():
    with pytest.raises(ApplicationError, match="Unknown role"):
        services.user_create(username="x", password="pw", role="pilot")
    with pytest.raises(ApplicationError, match="needs an organisation"):
        services.user_create(username="x", password="pw", role="member")


def test_bank_user_must_belong_to_a_financial_institution():
    with pytest.raises(ApplicationError, match="financial institution"):
        services.user_create(username="x", password="pw", role="bank", organization=OrganizationFactory())
