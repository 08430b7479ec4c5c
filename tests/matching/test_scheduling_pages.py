"""The schedule page and API: who may use them, what they show, and the forms that post and redirect."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching.models import Meeting, RequestStatus, ScheduleRun, ScheduleRunStatus, SessionCoordinator
from matching.tasks import schedule_run_task
from members.models import Role
from tests.matching.factories import (
    MatchingSessionFactory,
    MeetingFactory,
    MeetingRequestFactory,
    SessionParticipantFactory,
)


def _session_with_requests(count: int = 3, **kwargs):
    session = MatchingSessionFactory(**kwargs)
    people = [SessionParticipantFactory(session=session) for _ in range(count + 1)]
    requests = [
        MeetingRequestFactory(
            session=session, requester=people[i], requested=people[i + 1], status=RequestStatus.ACCEPTED
        )
        for i in range(count)
    ]
    return session, people, requests


@pytest.mark.django_db
def test_staff_see_the_grid_and_the_requests_left_out_in_japanese(client_for):
    session, people, requests = _session_with_requests()
    MeetingFactory(request=requests[0], table=2, locked=True)
    page = client_for(Role.SECRETARIAT).get(reverse("schedule-detail", args=[session.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "簡易配置（高速）" in html and "最適化する" in html and "配置されていない承諾済みの申込" in html
    assert str(people[0].organization) in html and "🔒" in html
    assert str(people[2].organization) in html  # in the unscheduled list


@pytest.mark.django_db
def test_only_the_sessions_own_coordinators_run_it(client_for, users):
    session, _people, _requests = _session_with_requests()
    url = reverse("schedule-detail", args=[session.pk])
    assert client_for(Role.COORDINATOR).get(url).status_code == 403
    SessionCoordinator.objects.create(session=session, user=users[Role.COORDINATOR])
    assert client_for(Role.COORDINATOR).get(url).status_code == 200


@pytest.mark.django_db
def test_a_member_cannot_see_or_run_the_schedule(client_for, api_client_for):
    session, _people, _requests = _session_with_requests()
    assert client_for(Role.MEMBER).get(reverse("schedule-detail", args=[session.pk])).status_code == 403
    assert client_for(Role.MEMBER).post(reverse("schedule-runs", args=[session.pk]), {"preview": ""}).status_code == 403
    api = api_client_for(Role.MEMBER)
    assert api.post(reverse("api-schedule-run-create", args=[session.pk]), {"exact": False}).status_code == 403
    assert not ScheduleRun.objects.exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("english_users")
def test_the_preview_button_places_the_meetings_and_the_page_says_so(client_for):
    session, _people, requests = _session_with_requests()
    client = client_for(Role.SECRETARIAT)
    response = client.post(
        reverse("schedule-runs", args=[session.pk]), {"preview": "", "min_meetings": 1, "time_limit": 20}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("schedule-detail", args=[session.pk])
    assert "Preview placed 3 meetings, weight 9." in response.content.decode()
    assert Meeting.objects.filter(request__in=requests).count() == 3


@pytest.mark.django_db
@pytest.mark.usefixtures("english_users")
def test_a_move_to_a_table_that_does_not_exist_is_refused_on_the_page(client_for):
    _session, _people, requests = _session_with_requests()
    meeting = MeetingFactory(request=requests[0])
    response = client_for(Role.SECRETARIAT).post(
        reverse("schedule-meeting-move", args=[meeting.pk]),
        {"slot": meeting.slot_id, "table": 9, "coordinator": ""},
        follow=True,
    )
    assert "There is no table 9: the session has 8 tables." in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.table, meeting.locked) == (1, False)


@pytest.mark.django_db
def test_the_runs_box_polls_only_while_an_optimisation_is_under_way(client_for, users):
    session, _people, _requests = _session_with_requests()
    run = ScheduleRun.objects.create(
        session=session, status=ScheduleRunStatus.RUNNING, created_by=users[Role.SECRETARIAT]
    )
    url = reverse("schedule-runs", args=[session.pk])
    assert 'hx-trigger="every 2s"' in client_for(Role.SECRETARIAT).get(url).content.decode()
    ScheduleRun.objects.filter(pk=run.pk).update(status=ScheduleRunStatus.DONE)
    finished = client_for(Role.SECRETARIAT).get(url, headers={"HX-Request": "true"})
    assert "hx-trigger" not in finished.content.decode()
    assert finished["HX-Refresh"] == "true"  # the page reloads to show the new grid


@pytest.mark.django_db
def test_the_page_makes_as_many_queries_for_many_meetings_as_for_few(client_for, django_assert_max_num_queries):
    client = client_for(Role.SECRETARIAT)
    session, _people, requests = _session_with_requests(count=2)
    for request in requests:
        MeetingFactory(request=request, slot=session.slots.get(index=requests.index(request)))
    url = reverse("schedule-detail", args=[session.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    more = [SessionParticipantFactory(session=session) for _ in range(12)]
    for i in range(0, 12, 2):
        request = MeetingRequestFactory(
            session=session, requester=more[i], requested=more[i + 1], status=RequestStatus.ACCEPTED
        )
        MeetingFactory(request=request, slot=session.slots.get(index=i % 4), table=2 + i // 2)
    with django_assert_max_num_queries(len(few)):
        client.get(url)


@pytest.mark.django_db
def test_the_api_starts_a_preview_and_shows_the_schedule_and_the_run(api_client_for):
    session, _people, requests = _session_with_requests()
    api = api_client_for(Role.SECRETARIAT)
    created = api.post(
        reverse("api-schedule-run-create", args=[session.pk]), {"exact": False, "min_meetings": 0}, format="json"
    )
    assert created.status_code == 201
    assert created.data["status"] == "done" and created.data["weight"] == 9
    schedule = api.get(reverse("api-schedule", args=[session.pk])).data
    assert schedule["weight"] == 9 and schedule["unscheduled_requests"] == []
    assert {m["request"] for m in schedule["meetings"]} == {r.pk for r in requests}
    assert all(1 <= m["table"] <= 8 for m in schedule["meetings"])
    detail = api.get(reverse("api-schedule-run-detail", args=[created.data["id"]])).data
    assert detail["placed"] == 3


@pytest.mark.django_db
def test_a_bad_time_limit_through_the_api_is_a_400_and_no_run(api_client_for):
    session, _people, _requests = _session_with_requests()
    response = api_client_for(Role.SECRETARIAT).post(
        reverse("api-schedule-run-create", args=[session.pk]), {"time_limit": 0}, format="json"
    )
    assert response.status_code == 400
    assert not ScheduleRun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_optimisation_through_a_real_worker_finishes_and_applies(users, celery_worker):
    session, _people, _requests = _session_with_requests(count=5, table_count=2)
    run = ScheduleRun.objects.create(
        session=session, exact=True, min_meetings=1, time_limit=10, created_by=users[Role.SECRETARIAT]
    )
    schedule_run_task.delay(run.pk).get(timeout=60)
    schedule_run_task.delay(run.pk).get(timeout=60)  # delivered twice: the second does nothing
    run.refresh_from_db()
    assert run.status == ScheduleRunStatus.DONE and run.gap == 0 and run.weight == 15
    assert Meeting.objects.filter(session=session).count() == 5
    deadline = time.monotonic() + 1
    while time.monotonic() < deadline and ScheduleRun.objects.filter(status=ScheduleRunStatus.RUNNING).exists():
        time.sleep(0.1)
    assert ScheduleRun.objects.get().status == ScheduleRunStatus.DONE
