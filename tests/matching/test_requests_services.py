"""Meeting requests: who may ask whom, answering before the deadline, coordinators' meetings, expiry mails."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from clusternet.core.exceptions import ApplicationError
from matching.models import MatchingSession, MatchingSessionStatus, MeetingRequest, ParticipantStatus, RequestStatus
from matching.services import sessions as services
from matching.tasks import meeting_requests_expire_task
from members.models import Role
from tests.factories import OrganizationFactory, UserFactory
from tests.matching.factories import MatchingSessionFactory, MeetingRequestFactory, SessionParticipantFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def session():
    return MatchingSessionFactory()


@pytest.fixture
def pair(session):
    return SessionParticipantFactory(session=session), SessionParticipantFactory(session=session)


def member_of(participant, **kwargs):
    return UserFactory(role=Role.MEMBER, organization=participant.organization, **kwargs)


def test_a_member_requests_a_meeting_which_expires_after_the_response_days(session, pair):
    a, b = pair
    before = timezone.now()
    request = services.meeting_request_create(
        actor=member_of(a), session=session, requester=a, requested=b, priority=1, purpose=" 共同開発の相談 "
    )
    assert (request.status, request.priority, request.purpose) == (RequestStatus.PENDING, 1, "共同開発の相談")
    assert before + datetime.timedelta(days=3) <= request.expires_at <= timezone.now() + datetime.timedelta(days=3)
    assert not request.needs_coordinator


def test_the_expiry_is_capped_by_the_deadline(session, pair):
    MatchingSession.objects.filter(pk=session.pk).update(request_deadline=timezone.now() + datetime.timedelta(hours=5))
    session.refresh_from_db()
    request = services.meeting_request_create(
        actor=member_of(pair[0]), session=session, requester=pair[0], requested=pair[1], priority=2
    )
    assert request.expires_at == session.request_deadline


def test_requesting_a_meeting_with_oneself_is_refused_and_nothing_changes(session, pair):
    a, _b = pair
    with pytest.raises(ApplicationError, match="cannot request a meeting with itself"):
        services.meeting_request_create(actor=member_of(a), session=session, requester=a, requested=a, priority=1)
    assert not MeetingRequest.objects.exists()


@pytest.mark.parametrize("reverse", [False, True])
def test_requesting_the_same_pair_twice_is_refused_and_nothing_changes(session, pair, reverse):
    a, b = pair
    first = services.meeting_request_create(actor=member_of(a), session=session, requester=a, requested=b, priority=1)
    requester, requested = (b, a) if reverse else (a, b)
    with pytest.raises(ApplicationError, match="already have a meeting request"):
        services.meeting_request_create(
            actor=member_of(requester), session=session, requester=requester, requested=requested, priority=3
        )
    assert list(MeetingRequest.objects.values_list("pk", "priority")) == [(first.pk, 1)]


def test_the_database_refuses_a_pair_the_check_missed(session, pair, monkeypatch):
    """Two requests for one pair at the same moment: the unique constraint answers with the same message."""
    a, b = pair
    services.meeting_request_create(actor=member_of(a), session=session, requester=a, requested=b, priority=1)
    monkeypatch.setattr(services, "_check_pair", lambda *args: None)
    with pytest.raises(ApplicationError, match="already have a meeting request"):
        services.meeting_request_create(actor=member_of(b), session=session, requester=b, requested=a, priority=1)
    assert MeetingRequest.objects.count() == 1


def test_requests_after_the_deadline_are_refused(session, pair):
    MatchingSession.objects.filter(pk=session.pk).update(
        request_deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    session.refresh_from_db()
    with pytest.raises(ApplicationError, match="deadline for meeting requests has passed"):
        services.meeting_request_create(
            actor=member_of(pair[0]), session=session, requester=pair[0], requested=pair[1], priority=1
        )
    assert not MeetingRequest.objects.exists()


@pytest.mark.parametrize("status", [MatchingSessionStatus.PREPARING, MatchingSessionStatus.SCHEDULING])
def test_requests_only_while_the_session_takes_them(pair, status):
    session = pair[0].session
    MatchingSession.objects.filter(pk=session.pk).update(status=status)
    session.refresh_from_db()
    with pytest.raises(ApplicationError, match="not taking meeting requests"):
        services.meeting_request_create(
            actor=member_of(pair[0]), session=session, requester=pair[0], requested=pair[1], priority=1
        )
    assert not MeetingRequest.objects.exists()


@pytest.mark.parametrize("status", [ParticipantStatus.INVITED, ParticipantStatus.DECLINED])
def test_a_requester_not_participating_is_refused(session, status):
    a = SessionParticipantFactory(session=session, status=status)
    b = SessionParticipantFactory(session=session)
    with pytest.raises(ApplicationError, match="is not taking part"):
        services.meeting_request_create(actor=member_of(a), session=session, requester=a, requested=b, priority=1)
    assert not MeetingRequest.objects.exists()


@pytest.mark.parametrize("priority", [0, 4, "1", True])
def test_the_priority_must_be_1_to_3(session, pair, priority):
    with pytest.raises(ApplicationError, match="priority must be 1, 2 or 3"):
        services.meeting_request_create(
            actor=member_of(pair[0]), session=session, requester=pair[0], requested=pair[1], priority=priority
        )
    assert not MeetingRequest.objects.exists()


def test_a_member_cannot_request_for_another_organisation(session, pair):
    outsider = UserFactory(role=Role.MEMBER, organization=OrganizationFactory())
    with pytest.raises(ApplicationError):
        services.meeting_request_create(
            actor=outsider, session=session, requester=pair[0], requested=pair[1], priority=1
        )
    assert not MeetingRequest.objects.exists()


def test_a_member_cannot_ask_for_a_coordinator_but_a_session_coordinator_can(session, pair):
    a, b = pair
    request = services.meeting_request_create(
        actor=member_of(a), session=session, requester=a, requested=b, priority=1, needs_coordinator=True
    )
    assert not request.needs_coordinator
    coordinator = UserFactory(role=Role.COORDINATOR)
    services.coordinator_add(actor=UserFactory(role=Role.SECRETARIAT), session=session, user=coordinator)
    services.meeting_request_mark_coordinator(actor=coordinator, request=request, needs_coordinator=True)
    request.refresh_from_db()
    assert request.needs_coordinator
    c = SessionParticipantFactory(session=session)
    on_behalf = services.meeting_request_create(
        actor=coordinator, session=session, requester=c, requested=a, priority=2, needs_coordinator=True
    )
    assert on_behalf.needs_coordinator and on_behalf.created_by == coordinator


def test_a_coordinator_not_of_the_session_cannot_mark_requests(session, pair):
    request = MeetingRequestFactory(session=session)
    with pytest.raises(ApplicationError):
        services.meeting_request_mark_coordinator(
            actor=UserFactory(role=Role.COORDINATOR), request=request, needs_coordinator=True
        )


def test_a_coordinator_adds_a_meeting_accepted_from_the_start_even_after_the_deadline(session, pair):
    MatchingSession.objects.filter(pk=session.pk).update(
        status=MatchingSessionStatus.SCHEDULING, request_deadline=timezone.now() - datetime.timedelta(days=1)
    )
    session.refresh_from_db()
    staff = UserFactory(role=Role.SECRETARIAT)
    request = services.meeting_add_by_coordinator(
        actor=staff, session=session, a=pair[0], b=pair[1], priority=1, needs_coordinator=True
    )
    assert (request.status, request.added_by_coordinator, request.needs_coordinator) == (
        RequestStatus.ACCEPTED, True, True,
    )  # fmt: skip
    with pytest.raises(ApplicationError, match="already have a meeting request"):
        services.meeting_add_by_coordinator(actor=staff, session=session, a=pair[1], b=pair[0], priority=1)
    with pytest.raises(ApplicationError):
        services.meeting_add_by_coordinator(actor=member_of(pair[0]), session=session, a=pair[0], b=pair[1], priority=1)


def test_the_requested_side_accepts(session):
    request = MeetingRequestFactory(session=session)
    answerer = member_of(request.requested)
    services.meeting_request_answer(actor=answerer, request=request, accept=True)
    request.refresh_from_db()
    assert (request.status, request.responded_by) == (RequestStatus.ACCEPTED, answerer)
    assert request.history.first().history_user == answerer


def test_the_requested_side_declines_and_cannot_answer_twice(session):
    request = MeetingRequestFactory(session=session)
    answerer = member_of(request.requested)
    services.meeting_request_answer(actor=answerer, request=request, accept=False)
    with pytest.raises(ApplicationError, match="already been answered"):
        services.meeting_request_answer(actor=answerer, request=request, accept=True)
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED


def test_the_requester_cannot_answer_their_own_request(session):
    request = MeetingRequestFactory(session=session)
    with pytest.raises(ApplicationError):
        services.meeting_request_answer(actor=member_of(request.requester), request=request, accept=True)
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_accepting_after_the_answer_time_is_refused_and_nothing_changes(session):
    request = MeetingRequestFactory(session=session, expires_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(ApplicationError, match="time to answer this request has passed"):
        services.meeting_request_answer(actor=member_of(request.requested), request=request, accept=True)
    request.refresh_from_db()
    assert (request.status, request.responded_at, request.responded_by) == (RequestStatus.PENDING, None, None)


def test_accepting_after_the_session_deadline_is_refused_and_nothing_changes(session):
    request = MeetingRequestFactory(session=session, expires_at=timezone.now() + datetime.timedelta(days=2))
    MatchingSession.objects.filter(pk=session.pk).update(request_deadline=timezone.now() - datetime.timedelta(hours=1))
    with pytest.raises(ApplicationError, match="time to answer this request has passed"):
        services.meeting_request_answer(actor=UserFactory(role=Role.SECRETARIAT), request=request, accept=True)
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_the_requester_withdraws_a_request(session):
    request = MeetingRequestFactory(session=session)
    with pytest.raises(ApplicationError):
        services.meeting_request_withdraw(actor=member_of(request.requested), request=request)
    services.meeting_request_withdraw(actor=member_of(request.requester), request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN
    with pytest.raises(ApplicationError, match="Only a pending or accepted"):
        services.meeting_request_withdraw(actor=member_of(request.requester), request=request)


# -- expiry -------------------------------------------------------------------------------------------------


def overdue_request(session, **kwargs):
    request = MeetingRequestFactory(session=session, expires_at=timezone.now() - datetime.timedelta(hours=1), **kwargs)
    return request


def test_expiry_expires_overdue_requests_and_mails_each_requester_once(session):
    requester = SessionParticipantFactory(session=session)
    first = overdue_request(session, requester=requester)
    second = overdue_request(session, requester=requester)
    later = MeetingRequestFactory(session=session, expires_at=timezone.now() + datetime.timedelta(hours=1))
    user = member_of(requester, email="tanaka@example.jp", language="en")

    assert services.meeting_requests_expire() == {"expired": 2, "notified": 2}
    assert services.meeting_requests_expire() == {"expired": 0, "notified": 0}

    assert [m.to for m in mail.outbox] == [[user.email]]
    assert "expired" in mail.outbox[0].body
    assert first.requested.organization.name in mail.outbox[0].body
    assert second.requested.organization.name in mail.outbox[0].body
    statuses = dict(MeetingRequest.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "expired", second.pk: "expired", later.pk: "pending"}


def test_expiry_mail_is_in_the_recipients_language(session):
    request = overdue_request(session)
    member_of(request.requester, email="ja@example.jp", language="ja")
    member_of(request.requester, email="en@example.jp", language="en")
    services.meeting_requests_expire()
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "期限" in bodies["ja@example.jp"] or "回答" in bodies["ja@example.jp"]
    assert "were not answered in time" in bodies["en@example.jp"]


def test_without_organisation_users_the_attendee_is_told(session):
    request = overdue_request(session)
    services.meeting_requests_expire()
    assert [m.to for m in mail.outbox] == [[request.requester.contact.email]]


@pytest.mark.django_db(transaction=True)
def test_two_expiry_runs_at_once_mail_each_requester_once(monkeypatch):
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    session = MatchingSessionFactory()
    requests = [overdue_request(session) for _ in range(9)]
    addresses = sorted(member_of(r.requester, email=f"user{r.pk}@example.jp").email for r in requests)
    start = threading.Barrier(2)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait(timeout=30)
            results.append(services.meeting_requests_expire())
        except BaseException as exc:  # surfaced in the main thread's assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(r["expired"] for r in results) == 9
    assert sum(r["notified"] for r in results) == 9
    assert sorted(m.to[0] for m in mail.outbox) == addresses
    assert MeetingRequest.objects.filter(expiry_notice_sent_at__isnull=False).count() == 9


def test_the_task_runs_the_expiry(session):
    overdue_request(session)
    assert meeting_requests_expire_task.delay().get() == {"expired": 1, "notified": 1}


def test_the_expiry_is_scheduled_hourly():
    from clusternet.celery import app

    entry = app.conf.beat_schedule["meeting-requests-expire-hourly"]
    assert entry["task"] == meeting_requests_expire_task.name
    assert entry["schedule"].minute == {5} and len(entry["schedule"].hour) == 24
