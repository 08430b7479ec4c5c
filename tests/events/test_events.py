"""The event services: an event with its sessions, its registration window, publishing, and the settings."""

import datetime

import pytest
from django.utils import timezone

from clusternet.core.exceptions import ApplicationError
from events.models import Event, EventKind, EventStatus
from events.services import events as services
from tests.events.factories import EventFactory, tokyo

pytestmark = pytest.mark.django_db


def _session(day: int, hour: int = 14, **extra):
    return {
        "starts_at": tokyo(2027, 3, day, hour),
        "ends_at": tokyo(2027, 3, day, hour + 2),
        "venue": "会議室A",
        **extra,
    }


def test_an_event_spans_its_sessions_and_starts_as_a_draft():
    event = services.event_create(
        actor=None,
        data={"kind": EventKind.TRAINING_COURSE, "title": "品質管理講座", "capacity": 20},
        sessions=[_session(12), _session(5), _session(19)],
    )
    assert event.status == EventStatus.DRAFT
    assert (event.starts_at, event.ends_at) == (tokyo(2027, 3, 5, 14), tokyo(2027, 3, 19, 16))
    assert [s.starts_at.day for s in event.sessions.all()] == [5, 12, 19]


def test_an_event_without_a_session_is_refused():
    with pytest.raises(ApplicationError, match="少なくとも1回の開催日程"):
        services.event_create(actor=None, data={"kind": EventKind.SEMINAR, "title": "x"}, sessions=[])
    assert not Event.objects.exists()


def test_a_session_ending_before_it_starts_is_refused():
    bad = {"starts_at": tokyo(2027, 3, 5, 14), "ends_at": tokyo(2027, 3, 5, 13), "venue": "会議室A"}
    with pytest.raises(ApplicationError, match="終了は開始より後"):
        services.event_create(actor=None, data={"kind": EventKind.SEMINAR, "title": "x"}, sessions=[bad])
    assert not Event.objects.exists()


def test_a_session_needs_a_venue_or_an_online_link():
    with pytest.raises(ApplicationError, match="会場またはオンラインのリンク"):
        services.event_create(
            actor=None, data={"kind": EventKind.SEMINAR, "title": "x"}, sessions=[_session(5, venue="")]
        )
    event = services.event_create(
        actor=None,
        data={"kind": EventKind.SEMINAR, "title": "オンライン講演"},
        sessions=[_session(5, venue="", online_url="https://meet.example.jp/abc")],
    )
    assert event.sessions.get().online_url == "https://meet.example.jp/abc"


def test_registration_must_close_before_the_first_session():
    with pytest.raises(ApplicationError, match="申込締切は初回の開始より前"):
        services.event_create(
            actor=None,
            data={"kind": EventKind.SEMINAR, "title": "x", "registration_closes_at": tokyo(2027, 3, 6)},
            sessions=[_session(5)],
        )


def test_registration_must_close_after_it_opens():
    with pytest.raises(ApplicationError, match="申込締切は申込開始より後"):
        services.event_create(
            actor=None,
            data={
                "kind": EventKind.SEMINAR,
                "title": "x",
                "registration_opens_at": tokyo(2027, 3, 1),
                "registration_closes_at": tokyo(2027, 2, 1),
            },
            sessions=[_session(5)],
        )


def test_adding_and_removing_sessions_moves_the_events_span():
    event = services.event_create(actor=None, data={"kind": EventKind.SEMINAR, "title": "x"}, sessions=[_session(5)])
    later = services.session_save(actor=None, event=event, data=_session(26))
    event.refresh_from_db()
    assert event.ends_at == tokyo(2027, 3, 26, 16)
    services.session_delete(actor=None, session=later)
    event.refresh_from_db()
    assert event.ends_at == tokyo(2027, 3, 5, 16)


def test_the_only_session_cannot_be_removed():
    event = EventFactory()
    with pytest.raises(ApplicationError, match="少なくとも1回の開催日程"):
        services.session_delete(actor=None, session=event.sessions.get())
    assert event.sessions.count() == 1


def test_only_a_draft_is_published():
    event = EventFactory(status=EventStatus.DRAFT)
    services.event_publish(actor=None, event=event)
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
    with pytest.raises(ApplicationError, match="公開できるのは下書き"):
        services.event_publish(actor=None, event=event)


def test_registration_window_says_why_it_is_closed():
    now = timezone.now()
    event = EventFactory(registration_opens_at=now + datetime.timedelta(days=1))
    assert services.registration_window_state(event, now) == "申込はまだ始まっていません。"
    event.registration_opens_at = None
    event.registration_closes_at = now - datetime.timedelta(minutes=1)
    assert services.registration_window_state(event, now) == "このイベントの申込は締め切りました。"
    event.registration_closes_at = None
    assert services.registration_window_state(event, now) is None
    event.status = EventStatus.DRAFT
    assert services.registration_window_state(event, now) == "このイベントは申込を受け付けていません。"


def test_reminder_offsets_must_be_whole_days():
    with pytest.raises(ApplicationError, match="0〜365の整数"):
        services.event_settings_update(actor=None, data={"event_reminder_days": [7, "x"]})
    assert services.event_settings_get().event_reminder_days == [7, 1]
    settings = services.event_settings_update(actor=None, data={"event_reminder_days": [1, 14, 7, 7]})
    assert settings.event_reminder_days == [14, 7, 1]
