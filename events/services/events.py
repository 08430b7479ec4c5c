"""Writes to events and their sessions, and the reminder settings."""

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max, Min
from django.utils.translation import gettext as _

from clusternet.core.exceptions import ApplicationError
from clusternet.core.services import apply_fields
from events.models import Event, EventSession, EventSettings, EventStatus
from members.models import User

EVENT_FIELDS = [
    "kind", "title", "description", "is_public", "capacity", "has_waiting_list", "registration_opens_at",
    "registration_closes_at", "cancellation_deadline", "member_price", "non_member_price", "study_group",
]  # fmt: skip
SESSION_FIELDS = ["title", "starts_at", "ends_at", "venue", "online_url"]


def _validate_event(event: Event) -> None:
    opens, closes, deadline = event.registration_opens_at, event.registration_closes_at, event.cancellation_deadline
    if opens and closes and closes <= opens:
        raise ApplicationError(_("Registration must close after it opens."), extra={"field": "registration_closes_at"})
    if event.starts_at and closes and closes > event.starts_at:
        raise ApplicationError(
            _("Registration must close before the first session starts."), extra={"field": "registration_closes_at"}
        )
    if event.starts_at and deadline and deadline > event.starts_at:
        raise ApplicationError(
            _("The cancellation deadline must be before the first session starts."),
            extra={"field": "cancellation_deadline"},
        )
    event.full_clean(exclude=["organisers", "motivating_visits"])


def _validate_session(session: EventSession) -> None:
    if session.ends_at <= session.starts_at:
        raise ApplicationError(_("A session must end after it starts."), extra={"field": "ends_at"})
    if not session.venue and not session.online_url:
        raise ApplicationError(_("Give the session a venue or an online link."), extra={"field": "venue"})
    session.full_clean(exclude=["event"])


def _refresh_span(event: Event) -> None:
    """Keeps the event's first start and last end in step with its sessions."""
    span = event.sessions.aggregate(starts=Min("starts_at"), ends=Max("ends_at"))
    event.starts_at, event.ends_at = span["starts"], span["ends"]


@transaction.atomic
def event_create(
    *,
    actor: User | None,
    data: dict[str, Any],
    sessions: list[dict[str, Any]],
    organisers: list[User] | None = None,
    motivating_visits: list[Any] | None = None,
) -> Event:
    """A new event (a draft until published) with at least one session."""
    if not sessions:
        raise ApplicationError(_("An event needs at least one session."), extra={"field": "sessions"})
    event = Event(created_by=actor)
    apply_fields(event, data, EVENT_FIELDS)
    built = []
    for session_data in sessions:
        session = EventSession(event=event)
        apply_fields(session, session_data, SESSION_FIELDS)
        _validate_session(session)
        built.append(session)
    event.starts_at = min(s.starts_at for s in built)
    event.ends_at = max(s.ends_at for s in built)
    _validate_event(event)
    event._history_user = actor  # type: ignore[attr-defined]
    event.save()
    for session in built:
        session.event = event
    EventSession.objects.bulk_create(built)
    event.organisers.set(organisers or [])
    event.motivating_visits.set(motivating_visits or [])
    return event


@transaction.atomic
def event_update(
    *,
    actor: User | None,
    event: Event,
    data: dict[str, Any],
    organisers: list[User] | None = None,
    motivating_visits: list[Any] | None = None,
) -> Event:
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == EventStatus.CANCELLED:
        raise ApplicationError(_("A cancelled event cannot be changed."))
    apply_fields(event, data, EVENT_FIELDS)
    _validate_event(event)
    event._history_user = actor  # type: ignore[attr-defined]
    event.save()
    if organisers is not None:
        event.organisers.set(organisers)
    if motivating_visits is not None:
        event.motivating_visits.set(motivating_visits)
    return event


@transaction.atomic
def event_publish(*, actor: User | None, event: Event) -> Event:
    """Opens the event to registration (within its window) and lists it."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status != EventStatus.DRAFT:
        raise ApplicationError(_("Only a draft event can be published."))
    event.status = EventStatus.PUBLISHED
    event._history_user = actor  # type: ignore[attr-defined]
    event.save(update_fields=["status", "updated_at"])
    return event


@transaction.atomic
def session_save(
    *, actor: User | None, event: Event, data: dict[str, Any], session: EventSession | None = None
) -> EventSession:
    """Adds a session to the event, or changes one of its sessions."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == EventStatus.CANCELLED:
        raise ApplicationError(_("A cancelled event cannot be changed."))
    session = session or EventSession(event=event)
    apply_fields(session, data, SESSION_FIELDS)
    _validate_session(session)
    session.save()
    _refresh_span(event)
    _validate_event(event)
    event._history_user = actor  # type: ignore[attr-defined]
    event.save(update_fields=["starts_at", "ends_at", "updated_at"])
    return session


@transaction.atomic
def session_delete(*, actor: User | None, session: EventSession) -> None:
    event = Event.objects.select_for_update().get(pk=session.event_id)
    if event.sessions.count() == 1:
        raise ApplicationError(_("An event needs at least one session."))
    if session.check_ins.exists():
        raise ApplicationError(_("People have checked in at this session; it cannot be removed."))
    session.delete()
    _refresh_span(event)
    event._history_user = actor  # type: ignore[attr-defined]
    event.save(update_fields=["starts_at", "ends_at", "updated_at"])


def event_settings_get() -> EventSettings:
    settings, _created = EventSettings.objects.get_or_create(pk=1)
    return settings


def _validate_days(value: Any, field: str) -> list[int]:
    if not isinstance(value, list) or not all(isinstance(d, int) and 0 <= d <= 365 for d in value):
        raise ApplicationError(_("Give whole numbers of days between 0 and 365."), extra={"field": field})
    return sorted(set(value), reverse=True)


@transaction.atomic
def event_settings_update(*, actor: User | None, data: dict[str, Any]) -> EventSettings:
    settings = event_settings_get()
    for field in ("event_reminder_days", "follow_up_due_days", "follow_up_overdue_days"):
        if field in data:
            setattr(settings, field, _validate_days(data[field], field))
    if "survey_after_days" in data:
        settings.survey_after_days = data["survey_after_days"]
    settings.full_clean()
    settings._history_user = actor  # type: ignore[attr-defined]
    settings.save()
    return settings


def registration_window_state(event: Event, now: datetime.datetime) -> str | None:
    """Why registration is closed right now, or None when it is open."""
    if event.status != EventStatus.PUBLISHED:
        return _("This event is not open for registration.")
    if event.registration_opens_at and now < event.registration_opens_at:
        return _("Registration has not opened yet.")
    closes = event.registration_closes_at or event.starts_at
    if closes and now >= closes:
        return _("Registration for this event has closed.")
    return None
