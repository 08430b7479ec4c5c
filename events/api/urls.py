from django.urls import path

from events.api import events

urlpatterns = [
    # events
    path("events/", events.EventListApi.as_view(), name="api-event-list"),
    path("events/<int:event_id>/", events.EventDetailApi.as_view(), name="api-event-detail"),
    # registrations
    # visits and follow-ups
]
