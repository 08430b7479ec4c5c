"""The matching API: seeds, needs, recommendations, cases and matching sessions."""

from django.urls import path

# -- imports: seeds & needs --
# -- imports: recommendations --
# -- imports: cases --
# -- imports: sessions --
from matching.api import sessions as sessions_api
# -- imports: scheduling --
# -- imports: timetables & outcomes --
from matching.api import outcomes as outcomes_api

urlpatterns: list = [
    # -- seeds & needs --
    # -- recommendations --
    # -- cases --
    # -- sessions --
    path("matching-sessions/", sessions_api.MatchingSessionListApi.as_view(), name="api-matching-session-list"),
    path(
        "matching-sessions/<int:matching_session_id>/",
        sessions_api.MatchingSessionDetailApi.as_view(),
        name="api-matching-session-detail",
    ),
    path(
        "matching-sessions/<int:matching_session_id>/requests/",
        sessions_api.MeetingRequestListApi.as_view(),
        name="api-meeting-request-list",
    ),
    path(
        "meeting-requests/<int:request_id>/answer/",
        sessions_api.MeetingRequestAnswerApi.as_view(),
        name="api-meeting-request-answer",
    ),
    # -- scheduling --
    # -- timetables & outcomes --
    path(
        "matching-sessions/<int:matching_session_id>/publish/",
        outcomes_api.SessionPublishApi.as_view(),
        name="api-session-publish",
    ),
    path(
        "matching-sessions/<int:matching_session_id>/report/",
        outcomes_api.SessionReportApi.as_view(),
        name="api-session-report",
    ),
    path("meetings/<int:meeting_id>/rating/", outcomes_api.MeetingRatingApi.as_view(), name="api-meeting-rating"),
    path("meetings/<int:meeting_id>/outcome/", outcomes_api.MeetingOutcomeApi.as_view(), name="api-meeting-outcome"),
]
