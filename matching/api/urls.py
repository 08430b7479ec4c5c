"""The matching API: seeds, needs, recommendations, cases and matching sessions."""

from django.urls import path

# -- imports: seeds & needs --
# -- imports: recommendations --
# -- imports: cases --
# -- imports: sessions --
# -- imports: scheduling --
# -- imports: timetables & outcomes --
from matching.api import outcomes as outcomes_api

urlpatterns: list = [
    # -- seeds & needs --
    # -- recommendations --
    # -- cases --
    # -- sessions --
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
