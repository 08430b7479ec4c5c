"""The events demo of README command 1 (seed_demo_events): the secretariat's everyday work, loaded once."""

from collections import Counter
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.mail import send_mail
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clusternet.celery import app
from clusternet.core.demo import demo_mails_dropped
from events.demo import STUDY_GROUP_NAME
from events.models import (
    CheckIn,
    Event,
    EventKind,
    EventStatus,
    FollowUp,
    FollowUpStatus,
    OutcomeCategory,
    Registration,
    RegistrationStatus,
    Reminder,
    StudyGroupRole,
    SurveyResponse,
    Visit,
    VisitPlan,
    VisitPlanStatus,
)
from members.demo import MEMBER_FIRM_NAME
from members.models import Role, User

pytestmark = pytest.mark.django_db

S = RegistrationStatus


def _seed_events() -> str:
    out = StringIO()
    call_command("seed_demo_events", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="class")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The member demo (30 organisations) and the events demo, once for the class, rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        from django.apps import apps

        from conftest import _outcome_defaults as _defaults

        _defaults.create_defaults(apps, None)  # the class fixture runs before the autouse one
        call_command("seed_demo", organizations=30, stdout=StringIO())
        yield _seed_events()
        transaction.set_rollback(True)


def _event(kind: str) -> Event:
    return Event.objects.get(kind=kind)


class TestSeededEventsDemo:
    def test_the_upcoming_seminar_has_member_registrations_and_an_invoiced_non_member(self, demo):
        seminar = _event(EventKind.SEMINAR)
        assert seminar.status == EventStatus.PUBLISHED
        assert timezone.localdate(seminar.starts_at) == timezone.localdate() + timezone.timedelta(days=10)
        assert (seminar.capacity, seminar.member_price, seminar.non_member_price) == (40, 0, 3000)
        assert list(seminar.organisers.values_list("username", flat=True)) == ["coordinator"]
        assert seminar.motivating_visits.count() == 2
        confirmed = seminar.registrations.filter(status=S.CONFIRMED)
        assert confirmed.filter(is_member=True).count() == 15
        outsider = confirmed.get(is_member=False)
        assert outsider.price == 3000
        assert outsider.invoice is not None and outsider.invoice.total == 3300  # ¥3,000 + 10 % tax
        assert not confirmed.filter(is_member=True, invoice__isnull=False).exists()
        assert seminar.registrations.filter(status=S.CANCELLED).count() == 1

    def test_the_member_user_sees_their_firm_registered_for_the_seminar(self, demo, client):
        client.force_login(User.objects.get(username="member"))
        page = client.get(reverse("my-registrations")).content.decode()
        assert _event(EventKind.SEMINAR).title in page
        assert Registration.objects.filter(
            event__kind=EventKind.SEMINAR, organization__name=MEMBER_FIRM_NAME, status=S.CONFIRMED
        ).exists()

    def test_the_cafe_is_full_with_two_on_the_waiting_list(self, demo):
        cafe = _event(EventKind.CAFE)
        statuses = Counter(cafe.registrations.values_list("status", flat=True))
        assert cafe.capacity == 8
        assert statuses == {S.CONFIRMED: 8, S.WAITLISTED: 2}

    def test_the_training_course_is_a_draft_of_five_sessions(self, demo):
        course = _event(EventKind.TRAINING_COURSE)
        assert course.status == EventStatus.DRAFT
        assert course.sessions.count() == 5

    def test_the_past_factory_tour_has_check_ins_no_shows_and_survey_answers(self, demo):
        tour = _event(EventKind.TOUR)
        assert tour.ends_at < timezone.now()
        registered = tour.registrations.filter(status=S.CONFIRMED)
        attended = registered.filter(check_ins__isnull=False).distinct()
        assert registered.count() == 12 and attended.count() == 10
        assert SurveyResponse.objects.filter(registration__event=tour).count() == 5
        # Checked in on the day of the tour, not on the day the demo was loaded.
        assert {timezone.localdate(c.checked_in_at) for c in CheckIn.objects.filter(session__event=tour)} == {
            timezone.localdate(tour.starts_at)
        }

    def test_the_study_group_has_its_roster_meetings_and_attendance(self, demo):
        meetings = Event.objects.filter(study_group__name=STUDY_GROUP_NAME)
        group = meetings.first().study_group
        roles = Counter(group.roster.values_list("role", flat=True))
        assert roles[StudyGroupRole.CHAIR] == 1 and roles[StudyGroupRole.OBSERVER] == 1
        assert roles[StudyGroupRole.SECRETARIAT] == 1 and 4 <= roles[StudyGroupRole.COMMITTEE] <= 5
        assert (
            group.roster.get(role=StudyGroupRole.SECRETARIAT).contact.email == User.objects.get(username="staff").email
        )
        assert group.participation_fee > 0
        now = timezone.now()
        assert meetings.filter(starts_at__lt=now).count() == 2 and meetings.filter(starts_at__gt=now).count() == 1
        for meeting in meetings.filter(starts_at__lt=now):
            assert CheckIn.objects.filter(session__event=meeting).count() == group.roster.count() - 1

    def test_the_exhibition_has_three_booth_firms_and_five_leads_one_a_contact(self, demo):
        exhibition = _event(EventKind.EXHIBITION)
        assert exhibition.exhibitors.count() == 3
        assert exhibition.leads.count() == 5
        assert exhibition.leads.filter(contact__isnull=False).count() == 1

    def test_thirty_visits_over_six_months_matching_first_then_media(self, demo):
        today = timezone.localdate()
        visits = Visit.objects.all()
        assert visits.count() == 30
        assert all(today - timezone.timedelta(days=183) <= v.visited_on <= today for v in visits)
        per_category = Counter(
            Visit.outcomes.through.objects.values_list("outcomecategory__name", flat=True)
        ).most_common()
        assert [name for name, _n in per_category[:2]] == ["受発注支援・企業間マッチング", "メディア紹介"]
        assert set(OutcomeCategory.objects.values_list("name", flat=True)) == {n for n, _c in per_category}
        assert visits.filter(visitors__role=Role.BANK).exists()
        assert set(visits.values_list("recorded_by__username", flat=True)) == {"coordinator", "staff"}
        assert all(v.heard_needs and v.heard_technology for v in visits)

    def test_the_coordinator_has_open_overdue_and_done_follow_ups(self, demo, client):
        today = timezone.localdate()
        mine = FollowUp.objects.filter(owner__username="coordinator")
        assert mine.count() == FollowUp.objects.count()
        open_ = mine.filter(status=FollowUpStatus.OPEN)
        assert open_.filter(due_on__lt=today).count() == 2
        assert open_.filter(due_on__gte=today).count() >= 3
        assert mine.filter(status=FollowUpStatus.DONE).count() >= 15
        client.force_login(User.objects.get(username="coordinator"))
        page = client.get(reverse("coordinator-work")).content.decode()
        assert all(f.description in page for f in open_)

    def test_the_visit_plan_has_every_status_with_its_sources(self, demo):
        statuses = Counter(VisitPlan.objects.values_list("status", flat=True))
        assert statuses == {
            VisitPlanStatus.PLANNED: 2, VisitPlanStatus.APPROVED: 1, VisitPlanStatus.VISITED: 3,
            VisitPlanStatus.DROPPED: 1,
        }  # fmt: skip
        assert {"newspaper", "bank", "referral"} <= set(VisitPlan.objects.values_list("source", flat=True))
        assert Visit.objects.filter(plan__status=VisitPlanStatus.VISITED).count() == 3

    def test_past_reminders_are_recorded_as_sent_so_the_job_does_not_mail_them_again(self, demo):
        assert Reminder.objects.filter(registration__event__kind=EventKind.TOUR).exists()
        assert Reminder.objects.filter(follow_up__isnull=False).exists()
        assert not Reminder.objects.filter(sent_at__isnull=True).exists()

    def test_the_pages_render_with_the_demo(self, demo, client):
        client.force_login(User.objects.get(username="staff"))
        seminar = _event(EventKind.SEMINAR)
        for url in [
            reverse("event-list"),
            reverse("event-detail", args=[seminar.pk]),
            reverse("reception-list", args=[seminar.pk]),
            reverse("visit-list"),
            reverse("activity-report"),
        ]:
            assert client.get(url).status_code == 200, url

    def test_the_command_prints_counts_and_a_second_run_changes_nothing(self, demo):
        first_line = demo.splitlines()[0]
        assert "8" in first_line and "30" in first_line
        counts = (Event.objects.count(), Registration.objects.count(), Visit.objects.count(), FollowUp.objects.count())
        assert "何も変更していません" in _seed_events()
        assert counts == (
            Event.objects.count(),
            Registration.objects.count(),
            Visit.objects.count(),
            FollowUp.objects.count(),
        )


def test_while_loading_tasks_run_in_process_and_their_mails_are_dropped():
    # The registrations' mails are queued on commit of the load, inside this context (with Redis too).
    eager = app.conf.task_always_eager
    with demo_mails_dropped():
        assert app.conf.task_always_eager is True
        send_mail("件名", "本文", None, ["someone@example.jp"])
    assert mail.outbox == []
    assert app.conf.task_always_eager == eager
    send_mail("件名", "本文", None, ["someone@example.jp"])
    assert len(mail.outbox) == 1


def test_without_the_member_demo_the_command_says_to_run_seed_demo_first():
    with pytest.raises(CommandError, match="seed_demo"):
        _seed_events()
    assert not Event.objects.exists()
