"""The demo data of README command 1 (seed_demo): every kind, every state, valid data, a login per role."""

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import RequestFactory

from members.demo import DEMO_LOGINS, DEMO_PASSWORD, MEMBER_FIRM_NAME
from members.models import (
    Contact,
    FeeTier,
    Membership,
    MembershipStatus,
    MembershipTransition,
    Organization,
    OrganizationKind,
    Role,
    User,
)
from members.validators import validate_corporate_number, validate_katakana
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

S = MembershipStatus


def _seed(organizations: int = 60) -> str:
    out = StringIO()
    call_command("seed_demo", organizations=organizations, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="class")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """Loads the demo once for the class, inside a transaction rolled back at the end: each test still
    runs in its own savepoint, and the suite's database is left as it was."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _seed()
        transaction.set_rollback(True)


class TestSeededDemo:
    """All read the one demo load of 60 organisations."""

    def test_every_kind_of_organisation_is_there(self, demo):
        kinds = set(Organization.objects.values_list("kind", flat=True))
        assert kinds == set(OrganizationKind.values)
        assert Organization.objects.count() == 60
        assert Organization.objects.filter(kind=OrganizationKind.FIRM).count() >= 40

    def test_every_membership_status_is_there_with_dated_attributed_steps(self, demo):
        assert set(Membership.objects.values_list("status", flat=True)) == set(S.values)
        staff = User.objects.get(username="staff")
        assert not MembershipTransition.objects.exclude(actor=staff).exists()
        for membership in Membership.objects.prefetch_related("transitions"):
            steps = list(membership.transitions.all())
            assert steps[0].to_status == S.APPLICATION
            assert steps[-1].to_status == membership.status
            assert [s.effective_on for s in steps] == sorted(s.effective_on for s in steps)
        assert not Membership.objects.filter(status=S.WITHDRAWN, withdrawal_reason="").exists()
        assert not Membership.objects.filter(status=S.REJECTED, rejection_reason="").exists()

    def test_history_of_earlier_memberships_prospects_and_overrides(self, demo):
        rejoined = Organization.objects.filter(memberships__status=S.WITHDRAWN).filter(memberships__status=S.ACTIVE)
        assert rejoined.exists()
        assert Organization.objects.filter(memberships__isnull=True).exists()
        assert Membership.objects.filter(fee_override_amount__isnull=False).exclude(fee_override_reason="").exists()

    def test_demo_history_mails_nobody(self, demo):
        # The decision mails the services queue find every step already notified.
        assert not MembershipTransition.objects.filter(notified_at__isnull=True).exists()

    def test_corporate_numbers_and_kana_readings_are_valid(self, demo):
        for organization in Organization.objects.all():
            if organization.corporate_number:
                validate_corporate_number(organization.corporate_number)
            validate_katakana(organization.name_kana)
            assert organization.name_kana
            assert organization.search_key
            # Directories read the firm without its legal form.
            assert "カブシキガイシャ" not in organization.name_kana
        for contact in Contact.objects.all():
            validate_katakana(contact.name_kana)
            assert contact.email.endswith(".example.jp")
            assert contact.consent_given_at is not None
        assert Organization.objects.filter(corporate_number__isnull=False).count() >= 55
        assert set(Organization.objects.values_list("prefecture", flat=True)) <= {"13", "14", "19"}

    def test_every_organisation_has_one_billing_contact(self, demo):
        for organization in Organization.objects.prefetch_related("contacts"):
            contacts = list(organization.contacts.all())
            assert 1 <= len(contacts) <= 3
            assert sum(c.is_billing_contact for c in contacts) == 1

    def test_fee_tiers_include_the_billing_scenario_and_the_extras(self, demo):
        tiers = {t.name: t for t in FeeTier.objects.all()}
        assert tiers["中小企業"].annual_fee == 70_000
        assert tiers["大企業"].annual_fee == 490_000 and tiers["大企業"].capital_min == 10_000_000_000
        assert {t.organization_kind for t in tiers.values()} == set(OrganizationKind.values)

    def test_one_login_per_role_signs_in_with_the_demo_password(self, demo):
        request = RequestFactory().post("/login/")
        for login in DEMO_LOGINS:
            user = authenticate(request, username=login.username, password=DEMO_PASSWORD)
            assert user is not None, login.username
            assert user.role == login.role
        member = User.objects.get(username="member")
        assert member.organization.name == MEMBER_FIRM_NAME
        assert member.organization.memberships.get().status == S.ACTIVE
        bank = User.objects.get(username="bank")
        assert bank.organization.kind == OrganizationKind.FINANCIAL_INSTITUTION
        assert bank.organization.memberships.get().status == S.ACTIVE
        assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
        assert "| member | clusternet-demo |" in demo

    def test_second_run_changes_nothing(self, demo):
        models = (Organization, Contact, Membership, MembershipTransition, FeeTier, User)
        before = [m.objects.count() for m in models]
        output = _seed()
        assert [m.objects.count() for m in models] == before
        assert "clusternet-demo" in output


def test_a_register_with_real_data_is_left_alone():
    OrganizationFactory()
    _seed()
    assert Organization.objects.count() == 1
    assert not User.objects.exists()


def test_too_few_organisations_is_refused():
    with pytest.raises(CommandError):
        _seed(organizations=5)
