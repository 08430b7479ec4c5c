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
    path("sessions/<int:matching_session_id>/", sessions_views.session_detail, name="session-detail"),
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
