"""The server-rendered pages of events, registrations, study groups, exhibitions, visits and reminders."""

from django.urls import path

from events.views import events

urlpatterns = [
    # events
    path("events/", events.event_list, name="event-list"),
    path("events/new/", events.event_create, name="event-create"),
    path("events/<int:event_id>/", events.event_detail, name="event-detail"),
    path("events/<int:event_id>/edit/", events.event_edit, name="event-edit"),
    path("events/<int:event_id>/publish/", events.event_publish, name="event-publish"),
    path("events/<int:event_id>/sessions/new/", events.session_create, name="session-create"),
    path("events/<int:event_id>/sessions/<int:session_id>/edit/", events.session_edit, name="session-edit"),
    path("events/<int:event_id>/sessions/<int:session_id>/delete/", events.session_delete, name="session-delete"),
    # registrations
    # study groups and exhibitions
    # visits, plans and follow-ups
    # reminders, surveys and calendars
    # reports
]
