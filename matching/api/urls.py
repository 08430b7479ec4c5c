"""The matching API: seeds, needs, recommendations, cases and matching sessions."""

from django.urls import path

# -- imports: cases --
from matching.api import cases as cases_api

# -- imports: seeds & needs --
from matching.api import entries as entries_api

# -- imports: timetables & outcomes --
from matching.api import outcomes as outcomes_api

# -- imports: recommendations --
from matching.api import recommendations as recommendations_api

# -- imports: scheduling --
from matching.api import scheduling as scheduling_api

# -- imports: sessions --
from matching.api import sessions as sessions_api

urlpatterns: list = [
    # -- seeds & needs --
    path("seeds/", entries_api.SeedListApi.as_view(), name="api-seed-list"),
    path("seeds/<int:seed_id>/", entries_api.SeedDetailApi.as_view(), name="api-seed-detail"),
    path("needs/", entries_api.NeedListApi.as_view(), name="api-need-list"),
    path("needs/<int:need_id>/", entries_api.NeedDetailApi.as_view(), name="api-need-detail"),
    # -- recommendations --
    path(
        "needs/<int:need_id>/recommendations/",
        recommendations_api.NeedRecommendationsApi.as_view(),
        name="api-need-recommendations",
    ),
    path(
        "seeds/<int:seed_id>/recommendations/",
        recommendations_api.SeedRecommendationsApi.as_view(),
        name="api-seed-recommendations",
    ),
    path(
        "needs/<int:need_id>/recommendations/<int:seed_id>/feedback/",
        recommendations_api.RecommendationFeedbackApi.as_view(),
        name="api-recommendation-feedback",
    ),
    # -- cases --
    path("cases/", cases_api.CaseListApi.as_view(), name="api-case-list"),
    path("cases/funnel/", cases_api.CaseFunnelApi.as_view(), name="api-case-funnel"),
    path("cases/<int:case_id>/", cases_api.CaseDetailApi.as_view(), name="api-case-detail"),
    path("cases/<int:case_id>/moves/", cases_api.CaseMoveApi.as_view(), name="api-case-move"),
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
    path(
        "matching-sessions/<int:matching_session_id>/schedule/",
        scheduling_api.ScheduleApi.as_view(),
        name="api-schedule",
    ),
    path(
        "matching-sessions/<int:matching_session_id>/schedule/runs/",
        scheduling_api.ScheduleRunCreateApi.as_view(),
        name="api-schedule-run-create",
    ),
    path(
        "schedule-runs/<int:schedule_run_id>/",
        scheduling_api.ScheduleRunDetailApi.as_view(),
        name="api-schedule-run-detail",
    ),
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
