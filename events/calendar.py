"""Calendar files (iCalendar, RFC 5545): one event's sessions, and the feed of upcoming public events.

Each session is one VEVENT, in Asia/Tokyo with its VTIMEZONE, so calendar apps show 14:00 wherever the
phone happens to be. A session's UID is derived from its primary key, so re-importing the file or refreshing
the feed updates the entry instead of adding a second one.
"""

import functools
from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar, Timezone
from icalendar import Event as CalendarEvent

from events.models import Event, EventStatus

PRODUCT_ID = "-//clusternet//events//JA"
UID_DOMAIN = "clusternet"


@functools.cache
def _vtimezone() -> Timezone:
    """The site's time zone as a VTIMEZONE, worked out once per process: icalendar takes some 10 ms to derive
    it, which the reminder job would otherwise pay for every calendar file it attaches."""
    return Timezone.from_tzinfo(timezone.get_default_timezone())


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", timezone.get_default_timezone_name())
    calendar.add_component(_vtimezone())
    return calendar


def _add_sessions(calendar: Calendar, event: Event) -> None:
    tokyo = timezone.get_default_timezone()
    sessions = list(event.sessions.all())  # prefetched by the feed
    for number, session in enumerate(sessions, start=1):
        entry = CalendarEvent()
        entry.add("uid", f"event-{event.pk}-session-{session.pk}@{UID_DOMAIN}")
        summary = event.title
        if session.title:
            summary = f"{event.title}: {session.title}"
        elif len(sessions) > 1:
            summary = f"{event.title} ({number}/{len(sessions)})"
        entry.add("summary", summary)
        entry.add("dtstart", timezone.localtime(session.starts_at, tokyo))
        entry.add("dtend", timezone.localtime(session.ends_at, tokyo))
        # The event's last change, not the time of the download: the same file each time it is fetched.
        entry.add("dtstamp", event.updated_at)
        location = session.venue or session.online_url
        if location:
            entry.add("location", location)
        if session.online_url:
            entry.add("url", session.online_url)
        if event.description:
            entry.add("description", event.description)
        entry.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
        calendar.add_component(entry)


def event_ics(event: Event) -> bytes:
    """One event as an .ics file: a VEVENT per session."""
    calendar = _calendar(event.title)
    _add_sessions(calendar, event)
    return calendar.to_ical()


def events_feed_ics(events: Iterable[Event], *, name: str) -> bytes:
    """Several events in one calendar, for the subscribable feed; pass them with their sessions prefetched."""
    calendar = _calendar(name)
    for event in events:
        _add_sessions(calendar, event)
    return calendar.to_ical()
