from django.urls import path

from events.api import events, registrations, visits

urlpatterns = [
    # events
    path("events/", events.EventListApi.as_view(), name="api-event-list"),
    path("events/<int:event_id>/", events.EventDetailApi.as_view(), name="api-event-detail"),
    # registrations
    path(
        "events/<int:event_id>/registrations/",
        registrations.RegistrationListApi.as_view(),
        name="api-registration-list",
    ),
    path(
        "events/<int:event_id>/registrations/<int:registration_id>/cancel/",
        registrations.RegistrationCancelApi.as_view(),
        name="api-registration-cancel",
    ),
    path(
        "events/<int:event_id>/registrations/<int:registration_id>/check-in/",
        registrations.RegistrationCheckInApi.as_view(),
        name="api-registration-check-in",
    ),
    # visits and follow-ups
    path("visits/", visits.VisitListApi.as_view(), name="api-visit-list"),
    path("visits/<int:visit_id>/", visits.VisitDetailApi.as_view(), name="api-visit-detail"),
    path("follow-ups/", visits.FollowUpListApi.as_view(), name="api-follow-up-list"),
    path("follow-ups/<int:follow_up_id>/", visits.FollowUpDetailApi.as_view(), name="api-follow-up-detail"),
]
