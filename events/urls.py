"""The server-rendered pages of events, registrations, study groups, exhibitions, visits and reminders."""

from django.urls import path

from events.views import calendar, events, exhibitions, registrations, reminders, reports, study_groups, surveys, visits

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
    path("events/<int:event_id>/register/", registrations.registration_create, name="registration-create"),
    path("events/<int:event_id>/apply/", registrations.public_registration, name="public-registration"),
    path("events/<int:event_id>/registrations/", registrations.registration_list, name="registration-list"),
    path(
        "events/<int:event_id>/registrations/<int:registration_id>/cancel/",
        registrations.registration_cancel,
        name="registration-cancel",
    ),
    path("events/<int:event_id>/reception/", registrations.reception_list, name="reception-list"),
    path(
        "events/<int:event_id>/reception/<int:registration_id>/check-in/",
        registrations.reception_check_in,
        name="reception-check-in",
    ),
    path("events/registrations/mine/", registrations.my_registrations, name="my-registrations"),
    path("events/r/<uuid:registration_token>/", registrations.registration_page, name="registration-page"),
    path(
        "events/r/<uuid:registration_token>/confirm/", registrations.registration_confirm, name="registration-confirm"
    ),
    path(
        "events/r/<uuid:registration_token>/cancel/",
        registrations.registration_self_cancel,
        name="registration-self-cancel",
    ),
    path("events/checkin/<uuid:registration_token>/", registrations.checkin_qr, name="checkin-qr"),
    # study groups and exhibitions
    path("study-groups/", study_groups.group_list, name="study-group-list"),
    path("study-groups/new/", study_groups.group_create, name="study-group-create"),
    path("study-groups/<int:study_group_id>/", study_groups.group_detail, name="study-group-detail"),
    path("study-groups/<int:study_group_id>/edit/", study_groups.group_edit, name="study-group-edit"),
    path("study-groups/<int:study_group_id>/roster/add/", study_groups.member_add, name="study-group-member-add"),
    path(
        "study-groups/<int:study_group_id>/roster/<int:seat_id>/leave/",
        study_groups.member_leave,
        name="study-group-member-leave",
    ),
    path(
        "study-groups/<int:study_group_id>/meetings/new/",
        study_groups.meeting_create,
        name="study-group-meeting-create",
    ),
    path("study-groups/<int:study_group_id>/invoice/", study_groups.fee_invoice, name="study-group-invoice"),
    path("events/<int:study_meeting_id>/attendance/", study_groups.attendance, name="study-group-attendance"),
    path("events/<int:exhibition_id>/exhibitors/", exhibitions.exhibitors, name="exhibition-exhibitors"),
    path(
        "events/<int:exhibition_id>/exhibitors/<int:exhibitor_id>/remove/",
        exhibitions.exhibitor_remove,
        name="exhibition-exhibitor-remove",
    ),
    path("events/<int:exhibition_id>/leads/", exhibitions.leads, name="exhibition-leads"),
    path(
        "events/<int:exhibition_id>/leads/<int:lead_id>/contact/",
        exhibitions.lead_contact,
        name="exhibition-lead-contact",
    ),
    # visits, plans and follow-ups
    path("visits/", visits.visit_list, name="visit-list"),
    path("visits/new/", visits.visit_create, name="visit-create"),
    path("visits/mine/", visits.coordinator_work, name="coordinator-work"),
    path("visits/<int:visit_id>/", visits.visit_detail, name="visit-detail"),
    path("visits/<int:visit_id>/edit/", visits.visit_edit, name="visit-edit"),
    path("visits/<int:visit_id>/follow-ups/new/", visits.follow_up_create, name="follow-up-create"),
    path("visits/plans/", visits.plan_list, name="visit-plan-list"),
    path("visits/plans/new/", visits.plan_create, name="visit-plan-create"),
    path("visits/plans/<int:plan_id>/decide/", visits.plan_decide, name="visit-plan-decide"),
    path("visits/outcomes/", visits.outcome_list, name="outcome-category-list"),
    path("visits/outcomes/<int:outcome_category_id>/edit/", visits.outcome_edit, name="outcome-category-edit"),
    path("visits/outcomes/<int:outcome_category_id>/move/", visits.outcome_move, name="outcome-category-move"),
    path("follow-ups/", visits.follow_up_list, name="follow-up-list"),
    path("follow-ups/<int:follow_up_id>/status/", visits.follow_up_status, name="follow-up-status"),
    # reminders, surveys and calendars
    path("events/reminders/", reminders.reminder_list, name="reminder-list"),
    path("events/settings/", reminders.event_settings_edit, name="event-settings"),
    path("events/r/<uuid:registration_token>/survey/", surveys.survey, name="survey"),
    path("events/<int:event_id>/survey/", surveys.survey_results_page, name="survey-results"),
    path("events/<int:event_id>/calendar.ics", calendar.event_calendar, name="event-ics"),
    path("events/feed.ics", calendar.event_feed, name="event-feed"),
    # reports
    path("reports/activity/", reports.activity_report, name="activity-report"),
    path("reports/activity/export/", reports.activity_report_export, name="activity-report-export"),
]
