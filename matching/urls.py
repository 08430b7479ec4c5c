"""The server-rendered pages of seeds and needs, recommendations, matching cases and matching sessions."""

from django.urls import path

# -- imports: seeds & needs --
# -- imports: recommendations --
# -- imports: cases --
# -- imports: sessions --
from matching.views import sessions as sessions_views
# -- imports: scheduling --
# -- imports: timetables & outcomes --
from matching.views import outcomes as outcomes_views
from matching.views import timetables as timetables_views

urlpatterns: list = [
    # -- seeds & needs --
    # -- recommendations --
    # -- cases --
    # -- sessions --
    path("sessions/", sessions_views.session_list, name="session-list"),
    path("sessions/new/", sessions_views.session_create, name="matching-session-create"),
    path("sessions/<int:matching_session_id>/", sessions_views.session_detail, name="session-detail"),
    path("sessions/<int:matching_session_id>/edit/", sessions_views.session_edit, name="matching-session-edit"),
    path("sessions/<int:matching_session_id>/slots/", sessions_views.session_slots, name="session-slots"),
    path("sessions/<int:matching_session_id>/status/", sessions_views.session_status, name="session-status"),
    path(
        "sessions/<int:matching_session_id>/participants/new/", sessions_views.participant_add, name="participant-add"
    ),
    path(
        "sessions/<int:matching_session_id>/participants/<int:participant_id>/",
        sessions_views.participant_edit,
        name="participant-edit",
    ),
    path(
        "sessions/<int:matching_session_id>/participants/<int:participant_id>/remove/",
        sessions_views.participant_remove,
        name="participant-remove",
    ),
    path(
        "sessions/<int:matching_session_id>/coordinators/new/",
        sessions_views.coordinator_add,
        name="session-coordinator-add",
    ),
    path(
        "sessions/<int:matching_session_id>/coordinators/<int:coordinator_id>/",
        sessions_views.coordinator_edit,
        name="session-coordinator-edit",
    ),
    path("sessions/<int:matching_session_id>/requests/", sessions_views.request_list, name="request-list"),
    path("sessions/<int:matching_session_id>/requests/new/", sessions_views.request_create, name="request-create"),
    path("sessions/<int:matching_session_id>/meetings/new/", sessions_views.meeting_add, name="meeting-add"),
    path("requests/<int:request_id>/answer/", sessions_views.request_answer, name="request-answer"),
    path("requests/<int:request_id>/withdraw/", sessions_views.request_withdraw, name="request-withdraw"),
    path(
        "requests/<int:request_id>/coordinator/",
        sessions_views.request_mark_coordinator,
        name="request-mark-coordinator",
    ),
    # -- scheduling --
    # -- timetables & outcomes --
    path("sessions/<int:matching_session_id>/publish/", timetables_views.session_publish, name="session-publish"),
    path("sessions/<int:matching_session_id>/timetables/", timetables_views.timetable_index, name="timetable-index"),
    path(
        "sessions/<int:matching_session_id>/timetables/pdf/",
        timetables_views.timetable_index_pdf,
        name="timetable-index-pdf",
    ),
    path(
        "sessions/<int:matching_session_id>/timetables/<str:audience>/<int:target_id>/",
        timetables_views.timetable,
        name="timetable",
    ),
    path(
        "sessions/<int:matching_session_id>/timetables/<str:audience>/<int:target_id>/pdf/",
        timetables_views.timetable_pdf,
        name="timetable-pdf",
    ),
    path("sessions/<int:matching_session_id>/my-meetings/", outcomes_views.meeting_rate, name="meeting-rate"),
    path("sessions/<int:matching_session_id>/outcomes/", outcomes_views.meeting_outcome, name="meeting-outcome"),
    path("sessions/<int:matching_session_id>/report/", outcomes_views.session_report, name="session-report"),
    path(
        "sessions/<int:matching_session_id>/report/export/",
        outcomes_views.session_report_export,
        name="session-report-export",
    ),
]
