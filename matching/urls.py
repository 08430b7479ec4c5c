"""The server-rendered pages of seeds and needs, recommendations, matching cases and matching sessions."""

from django.urls import path

# -- imports: cases --
from matching.views import cases as cases_views

# -- imports: seeds & needs --
from matching.views import entries as entries_views

# -- imports: timetables & outcomes --
from matching.views import outcomes as outcomes_views

# -- imports: recommendations --
from matching.views import recommendations as recommendations_views

# -- imports: scheduling --
from matching.views import scheduling as scheduling_views

# -- imports: sessions --
from matching.views import sessions as sessions_views
from matching.views import timetables as timetables_views

urlpatterns: list = [
    # -- seeds & needs --
    path("seeds/", entries_views.seed_list, name="seed-list"),
    path("seeds/new/", entries_views.seed_create, name="seed-create"),
    path("seeds/<int:seed_id>/", entries_views.seed_detail, name="seed-detail"),
    path("seeds/<int:seed_id>/edit/", entries_views.seed_edit, name="seed-edit"),
    path("seeds/<int:seed_id>/withdraw/", entries_views.seed_withdraw, name="seed-withdraw"),
    path("needs/", entries_views.need_list, name="need-list"),
    path("needs/new/", entries_views.need_create, name="need-create"),
    path("needs/from-lead/<int:lead_id>/", entries_views.need_from_lead, name="need-from-lead"),
    path("needs/<int:need_id>/", entries_views.need_detail, name="need-detail"),
    path("needs/<int:need_id>/edit/", entries_views.need_edit, name="need-edit"),
    path("needs/<int:need_id>/withdraw/", entries_views.need_withdraw, name="need-withdraw"),
    path("mine/", entries_views.my_entries, name="my-entries"),
    path("screening/", entries_views.screening_queue, name="screening-queue"),
    # -- recommendations --
    path(
        "needs/<int:need_id>/recommendations/",
        recommendations_views.need_recommendations,
        name="need-recommendations",
    ),
    path(
        "seeds/<int:seed_id>/recommendations/",
        recommendations_views.seed_recommendations,
        name="seed-recommendations",
    ),
    path(
        "needs/<int:need_id>/recommendations/<int:seed_id>/feedback/",
        recommendations_views.recommendation_feedback,
        name="recommendation-feedback",
    ),
    path("synonyms/", recommendations_views.synonym_list, name="synonym-list"),
    path("synonyms/<int:synonym_group_id>/", recommendations_views.synonym_edit, name="synonym-edit"),
    path("synonyms/<int:synonym_group_id>/delete/", recommendations_views.synonym_delete, name="synonym-delete"),
    # -- cases --
    path("cases/", cases_views.case_list, name="case-list"),
    path("cases/new/", cases_views.case_create, name="case-create"),
    path("cases/funnel/", cases_views.case_funnel_page, name="case-funnel"),
    path("cases/funnel/export/", cases_views.case_funnel_export, name="case-funnel-export"),
    path("cases/<int:case_id>/", cases_views.case_detail, name="case-detail"),
    path("cases/<int:case_id>/edit/", cases_views.case_edit, name="case-edit"),
    path("cases/<int:case_id>/move/", cases_views.case_move, name="case-move"),
    path("pipeline/", cases_views.pipeline, name="pipeline"),
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
    path("sessions/<int:matching_session_id>/schedule/", scheduling_views.schedule_detail, name="schedule-detail"),
    path("sessions/<int:matching_session_id>/schedule/runs/", scheduling_views.schedule_runs, name="schedule-runs"),
    path("meetings/<int:meeting_id>/move/", scheduling_views.schedule_meeting_move, name="schedule-meeting-move"),
    path("meetings/<int:meeting_id>/lock/", scheduling_views.schedule_meeting_lock, name="schedule-meeting-lock"),
    path("participants/<int:participant_id>/no-show/", scheduling_views.schedule_no_show, name="schedule-no-show"),
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
