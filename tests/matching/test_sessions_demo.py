"""The demo matching session: a matching fair with about 40 participants, 8 slots, 12 tables, 3 coordinators
and about 150 requests, most accepted, loaded through the services."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from events.models import EventKind
from matching.demo.sessions import load_sessions
from matching.models import MatchingSession, MatchingSessionStatus, RequestStatus
from members.demo import MEMBER_FIRM_NAME

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    call_command("seed_demo", organizations=60, stdout=StringIO())
    return load_sessions()


def test_the_demo_session_is_set_up_and_taking_requests(loaded):
    session = MatchingSession.objects.get()
    assert session.event.kind == EventKind.MATCHING_FAIR
    assert session.status == MatchingSessionStatus.REQUESTS_OPEN
    assert (session.slots.count(), session.table_count, session.session_coordinators.count()) == (8, 12, 3)
    assert 35 <= session.participants.count() <= 40
    assert session.participants.filter(organization__name=MEMBER_FIRM_NAME).exists()
    assert session.session_coordinators.exclude(unavailable_slots=[]).count() == 3


def test_the_demo_requests_are_mixed_and_mostly_accepted(loaded):
    counts = loaded.requests
    total = sum(counts.values())
    assert 140 <= total <= 150
    assert counts[RequestStatus.ACCEPTED] > total / 2
    for status in (RequestStatus.PENDING, RequestStatus.DECLINED, RequestStatus.EXPIRED, RequestStatus.WITHDRAWN):
        assert counts.get(status, 0) > 0, status
    session = MatchingSession.objects.get()
    assert session.requests.filter(needs_coordinator=True).exists()
    assert session.requests.filter(added_by_coordinator=True).exists()
    assert len(mail.outbox) >= 1  # the expired requests' requesters were told


def test_loading_twice_adds_nothing(loaded):
    assert load_sessions() is None
    assert MatchingSession.objects.count() == 1
