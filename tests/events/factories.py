"""Factories for events and visits. Events get one session unless given `sessions=[...]` via the service."""

import datetime
import zoneinfo

import factory
from factory.django import DjangoModelFactory

from events.models import (
    Event,
    EventKind,
    EventSession,
    EventStatus,
    FollowUp,
    Registration,
    RegistrationStatus,
    StudyGroup,
    Visit,
)
from tests.factories import OrganizationFactory, UserFactory

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def tokyo(*args: int) -> datetime.datetime:
    """tokyo(2026, 12, 1, 14) -> an aware datetime in Asia/Tokyo."""
    return datetime.datetime(*args, tzinfo=TOKYO)  # type: ignore[misc]


class EventFactory(DjangoModelFactory[Event]):
    """A published seminar with one session 30 days ahead, open for registration now."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    kind = EventKind.SEMINAR
    title = factory.Sequence(lambda n: f"技術セミナー第{n}回")
    status = EventStatus.PUBLISHED
    starts_at = factory.LazyFunction(
        lambda: datetime.datetime.now(TOKYO).replace(microsecond=0) + datetime.timedelta(days=30)
    )
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + datetime.timedelta(hours=2))

    @factory.post_generation
    def session(self, create, extracted, **kwargs):
        if create:
            EventSession.objects.create(
                event=self, starts_at=self.starts_at, ends_at=self.ends_at, venue="立川市 産業支援センター 会議室A"
            )


class RegistrationFactory(DjangoModelFactory[Registration]):
    """A confirmed free registration written directly (services are tested through their own calls)."""

    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    status = RegistrationStatus.CONFIRMED
    name = factory.Sequence(lambda n: f"参加 花子{n}")
    name_kana = factory.Sequence(lambda n: f"サンカ ハナコ{n}")
    email = factory.Sequence(lambda n: f"guest{n}@example.jp")
    person_key = factory.LazyAttribute(lambda r: r.email.lower())
    organization_name = "株式会社テスト"
    confirmed_at = factory.LazyFunction(lambda: datetime.datetime.now(TOKYO))


class StudyGroupFactory(DjangoModelFactory[StudyGroup]):
    class Meta:
        model = StudyGroup

    name = factory.Sequence(lambda n: f"精密加工研究会{n}")


class VisitFactory(DjangoModelFactory[Visit]):
    class Meta:
        model = Visit

    visited_on = datetime.date(2026, 10, 1)
    organization = factory.SubFactory(OrganizationFactory)
    purpose = "技術課題のヒアリング"
    heard_needs = "樹脂部品の軽量化と、塗膜がはがれる問題を解決したい。"


class FollowUpFactory(DjangoModelFactory[FollowUp]):
    class Meta:
        model = FollowUp

    visit = factory.SubFactory(VisitFactory)
    organization = factory.LazyAttribute(lambda f: f.visit.organization)
    description = "大学の表面処理研究室を紹介する"
    owner = factory.SubFactory(UserFactory)
    due_on = datetime.date(2026, 11, 30)
