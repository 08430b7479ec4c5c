"""Calendar files: an event's .ics for anyone who may see the event, and the public feed of upcoming events."""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from events.calendar import event_ics, events_feed_ics
from events.selectors.events import event_get, upcoming_public_events

CONTENT_TYPE = "text/calendar; charset=utf-8"


def event_calendar(request: HttpRequest, event_id: int) -> HttpResponse:
    """No sign-in needed for a published public event; the selector answers 404 for what the viewer may not see."""
    event = event_get(viewer=request.user, pk=event_id)
    response = HttpResponse(event_ics(event), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


def event_feed(request: HttpRequest) -> HttpResponse:
    """Subscribable: calendar apps fetch it without signing in, so it lists only published public events."""
    events = upcoming_public_events().prefetch_related("sessions")
    return HttpResponse(events_feed_ics(events, name=_("Cluster events")), content_type=CONTENT_TYPE)
