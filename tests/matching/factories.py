"""Factories for seeds, needs, matching cases and matching sessions, written directly (services are tested
through their own calls)."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from events.models import EventKind
from matching.models import (
    EntryStatus,
    MatchingCase,
    MatchingSession,
    MatchingSessionStatus,
    Meeting,
    MeetingRequest,
    Need,
    ParticipantStatus,
    RequestStatus,
    Seed,
    SessionParticipant,
    SessionSlot,
    TechField,
)
from members.models import Role
from tests.events.factories import EventFactory, tokyo
from tests.factories import ContactFactory, OrganizationFactory, UserFactory


class SeedFactory(DjangoModelFactory[Seed]):
    """An active seed visible to all members."""

    class Meta:
        model = Seed
        skip_postgeneration_save = True

    owner = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"樹脂部品の軽量化技術{n}")
    description = "ガラス繊維で補強した樹脂で金属部品を置き換え、重さを半分にする成形技術です。"
    field = TechField.MATERIALS_CHEMISTRY
    status = EntryStatus.ACTIVE


class NeedFactory(DjangoModelFactory[Need]):
    """An active need visible to all members."""

    class Meta:
        model = Need
        skip_postgeneration_save = True

    owner = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"部品を軽くしたい{n}")
    description = "自社の搬送装置の金属部品が重く、もっと軽くしたいが強さは落としたくない。"
    field = TechField.MANUFACTURING
    status = EntryStatus.ACTIVE


class MatchingCaseFactory(DjangoModelFactory[MatchingCase]):
    class Meta:
        model = MatchingCase

    title = factory.Sequence(lambda n: f"軽量化部品の共同開発{n}")
    field = TechField.MANUFACTURING
    coordinator = factory.SubFactory(UserFactory, role=Role.COORDINATOR)
    opened_on = factory.LazyFunction(timezone.localdate)


class MatchingSessionFactory(DjangoModelFactory[MatchingSession]):
    """A session of a matching fair 30 days ahead taking requests, 8 tables, with `slot_count` slots of 20
    minutes from 13:00 on the day (4 by default)."""

    class Meta:
        model = MatchingSession
        skip_postgeneration_save = True

    event = factory.SubFactory(
        EventFactory, kind=EventKind.MATCHING_FAIR, title=factory.Sequence(lambda n: f"ものづくりマッチング会{n}")
    )
    status = MatchingSessionStatus.REQUESTS_OPEN
    table_count = 8
    request_deadline = factory.LazyAttribute(lambda s: s.event.starts_at - datetime.timedelta(days=7))

    @factory.post_generation
    def slot_count(self, create, extracted, **kwargs):
        if not create:
            return
        day = self.event.starts_at.date()
        first = tokyo(day.year, day.month, day.day, 13)
        for index in range(4 if extracted is None else extracted):
            starts = first + datetime.timedelta(minutes=25 * index)
            SessionSlot.objects.create(
                session=self, index=index, starts_at=starts, ends_at=starts + datetime.timedelta(minutes=20)
            )


class SessionParticipantFactory(DjangoModelFactory[SessionParticipant]):
    class Meta:
        model = SessionParticipant

    session = factory.SubFactory(MatchingSessionFactory)
    organization = factory.SubFactory(OrganizationFactory)
    contact = factory.LazyAttribute(lambda p: ContactFactory(organization=p.organization))
    status = ParticipantStatus.PARTICIPATING


class MeetingRequestFactory(DjangoModelFactory[MeetingRequest]):
    """A pending request between two new participants of one session."""

    class Meta:
        model = MeetingRequest

    session = factory.SubFactory(MatchingSessionFactory)
    requester = factory.LazyAttribute(lambda r: SessionParticipantFactory(session=r.session))
    requested = factory.LazyAttribute(lambda r: SessionParticipantFactory(session=r.session))
    priority = 1
    status = RequestStatus.PENDING
    created_by = factory.SubFactory(UserFactory, role=Role.COORDINATOR)
    expires_at = factory.LazyAttribute(lambda r: r.session.request_deadline)


class MeetingFactory(DjangoModelFactory[Meeting]):
    """An accepted request placed in the session's first slot at table 1 (tables are numbered from 1)."""

    class Meta:
        model = Meeting

    request = factory.SubFactory(MeetingRequestFactory, status=RequestStatus.ACCEPTED)
    session = factory.LazyAttribute(lambda m: m.request.session)
    slot = factory.LazyAttribute(lambda m: m.session.slots.order_by("index").first())
    table = 1
