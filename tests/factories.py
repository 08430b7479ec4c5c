"""factory_boy factories for the member register; other apps add their own beside their tests."""

import datetime

import factory
from factory.django import DjangoModelFactory

from clusternet.core.text import search_key
from members.models import Contact, FeeTier, Membership, MembershipStatus, Organization, OrganizationKind, Role, User
from members.validators import corporate_number_check_digit


def corporate_number(n: int) -> str:
    base = f"{n:012d}"
    return f"{corporate_number_check_digit(base)}{base}"


class OrganizationFactory(DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    kind = OrganizationKind.FIRM
    name = factory.Sequence(lambda n: f"株式会社テスト{n}")
    name_kana = factory.Sequence(lambda n: f"テスト{n}")
    corporate_number = factory.Sequence(lambda n: corporate_number(1000 + n))
    prefecture = "13"
    city = "八王子市"
    capital = 30_000_000
    employees = 50
    search_key = factory.LazyAttribute(lambda o: search_key(o.name, o.name_kana))


class ContactFactory(DjangoModelFactory[Contact]):
    class Meta:
        model = Contact

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"担当 太郎{n}")
    name_kana = "タントウ タロウ"
    email = factory.Sequence(lambda n: f"contact{n}@example.jp")


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    status = MembershipStatus.ACTIVE
    applied_on = datetime.date(2020, 3, 1)
    joined_on = factory.LazyAttribute(
        lambda m: datetime.date(2020, 4, 1) if m.status in ("active", "suspended", "withdrawn") else None
    )


class FeeTierFactory(DjangoModelFactory[FeeTier]):
    class Meta:
        model = FeeTier

    name = factory.Sequence(lambda n: f"Tier {n}")
    organization_kind = OrganizationKind.FIRM
    annual_fee = 70_000
    priority = 100


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.jp")
    role = Role.SECRETARIAT
    password = factory.django.Password("pw")


def invoice_issued(organization=None, amount=70000, reference=None, **kwargs):
    """An issued membership-fee-like invoice through the billing service (no factory: numbers come from it)."""
    from billing.services.invoices import LineSpec, invoice_for_reference

    organization = organization or OrganizationFactory()
    return invoice_for_reference(
        actor=None,
        organization=organization,
        reference=reference or f"test:{organization.pk}:{amount}:{kwargs.pop('tag', '')}",
        lines=[
            LineSpec(
                kwargs.pop("description", "2026年度 年会費"), amount, 1, kwargs.pop("tax_category", "out_of_scope")
            )
        ],
        **kwargs,
    )
