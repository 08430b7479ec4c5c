"""The matching-session pages per role: staff set a session up, a participant's user requests and answers,
other organisations see nothing, and the session page and request list take a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import EventKind
from matching.models import (
    MatchingSession,
    MatchingSessionStatus,
    MeetingRequest,
    ParticipantStatus,
    RequestStatus,
    SessionCoordinator,
)
from members.models import Role
from tests.events.factories import EventFactory
from tests.factories import ContactFactory, OrganizationFactory, UserFactory
from tests.matching.factories import MatchingSessionFactory, MeetingRequestFactory, SessionParticipantFactory

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def session():
    return MatchingSessionFactory()


@pytest.fixture
def own(session, member_org):
    return SessionParticipantFactory(session=session, organization=member_org, profile="精密加工の試作")


def detail(session):
    return reverse("session-detail", kwargs={"matching_session_id": session.pk})


def test_staff_create_a_session_from_a_matching_fair_with_its_slots(client_for):
    event = EventFactory(kind=EventKind.MATCHING_FAIR, title="ものづくりマッチング会2026")
    client = client_for(Role.SECRETARIAT)
    page = client.get(reverse("matching-session-create") + f"?event={event.pk}")
    assert page.status_code == 200
    assert "ものづくりマッチング会2026" in page.content.decode()
    starts = timezone.localtime(event.starts_at)
    response = client.post(
        reverse("matching-session-create"),
        {
            "event": event.pk,
            "table_count": 12,
            "request_deadline": (starts - datetime.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
            "response_days": 3,
            "min_meetings": 1,
            "slots-first_starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "slots-minutes": 20,
            "slots-break_minutes": 5,
            "slots-count": 8,
        },
    )
    session = MatchingSession.objects.get(event=event)
    assert response.status_code == 302 and response["Location"] == detail(session)
    assert (session.table_count, session.slots.count()) == (12, 8)


def test_the_event_page_links_staff_to_setting_the_session_up(client_for):
    event = EventFactory(kind=EventKind.MATCHING_FAIR)
    page = client_for(Role.SECRETARIAT).get(reverse("event-detail", kwargs={"event_id": event.pk})).content.decode()
    assert reverse("matching-session-create") + f"?event={event.pk}" in page


def test_the_session_page_shows_staff_the_set_up(client_for, session, own):
    MeetingRequestFactory(session=session, requested=own)
    SessionCoordinator.objects.create(session=session, user=UserFactory(role=Role.COORDINATOR, last_name="山田"))
    page = client_for(Role.SECRETARIAT).get(detail(session)).content.decode()
    assert "株式会社多摩精密" in page
    assert "山田" in page
    assert "回答待ち: 1" in page
    assert "13:00–13:20" in page


def test_a_participant_sees_their_requests_and_the_others_profiles_only(client_for, session, own):
    other = SessionParticipantFactory(session=session, profile="樹脂の軽量化")
    declined = SessionParticipantFactory(session=session, status=ParticipantStatus.DECLINED)
    MeetingRequestFactory(session=session, requester=other, requested=own, purpose="共同開発の相談")
    unrelated = MeetingRequestFactory(session=session, purpose="他社同士の面談")
    page = client_for(Role.MEMBER).get(detail(session)).content.decode()
    assert "共同開発の相談" in page and "承諾" in page and "辞退" in page
    assert "樹脂の軽量化" in page
    assert unrelated.purpose not in page
    assert declined.organization.name not in page
    assert other.contact.name not in page
    assert f'href="{reverse("request-list", kwargs={"matching_session_id": session.pk})}"' not in page


def test_another_organisations_user_gets_404(client_for, session, own):
    assert client_for(Role.BANK).get(detail(session)).status_code == 404


def test_a_participant_requests_a_meeting_from_the_session_page(client_for, session, own):
    other = SessionParticipantFactory(session=session)
    response = client_for(Role.MEMBER).post(
        reverse("request-create", kwargs={"matching_session_id": session.pk}),
        {"requested": other.pk, "priority": 1, "purpose": "試作の相談"},
    )
    assert response.status_code == 302
    request = MeetingRequest.objects.get()
    assert (request.requester, request.requested, request.priority) == (own, other, 1)


def test_requesting_a_meeting_with_oneself_is_refused_on_the_page(client_for, session, own):
    response = client_for(Role.MEMBER).post(
        reverse("request-create", kwargs={"matching_session_id": session.pk}), {"requested": own.pk, "priority": 1}
    )
    assert response.status_code == 200
    assert not MeetingRequest.objects.exists()


def test_requesting_twice_shows_the_message(client_for, session, own):
    other = SessionParticipantFactory(session=session)
    MeetingRequestFactory(session=session, requester=other, requested=own)
    response = client_for(Role.MEMBER).post(
        reverse("request-create", kwargs={"matching_session_id": session.pk}), {"requested": other.pk, "priority": 2}
    )
    assert "既に面談申込があります" in response.content.decode()
    assert MeetingRequest.objects.count() == 1


def test_the_requested_side_accepts_from_the_page(client_for, session, own):
    request = MeetingRequestFactory(session=session, requested=own)
    response = client_for(Role.MEMBER).post(
        reverse("request-answer", kwargs={"request_id": request.pk}), {"accept": "1"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED


def test_accepting_after_the_deadline_shows_why_and_changes_nothing(client_for, session, own):
    request = MeetingRequestFactory(
        session=session, requested=own, expires_at=timezone.now() - datetime.timedelta(hours=1)
    )
    client = client_for(Role.MEMBER)
    response = client.post(reverse("request-answer", kwargs={"request_id": request.pk}), {"accept": "1"}, follow=True)
    assert "回答期限を過ぎています" in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_the_requester_cannot_answer_their_own_request(client_for, session, own):
    request = MeetingRequestFactory(session=session, requester=own)
    response = client_for(Role.MEMBER).post(
        reverse("request-answer", kwargs={"request_id": request.pk}), {"accept": "1"}
    )
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_staff_add_a_participant_by_searching_without_javascript(client_for, session):
    organization = OrganizationFactory(name="株式会社八王子金型", name_kana="ハチオウジカナガタ")
    contact = ContactFactory(organization=organization)
    client = client_for(Role.SECRETARIAT)
    url = reverse("participant-add", kwargs={"matching_session_id": session.pk})
    searched = client.post(url, {"q": "八王子", "search": "1", "status": "invited"})
    assert f'value="{organization.pk}"' in searched.content.decode()
    response = client.post(
        url, {"organization": organization.pk, "status": "participating", "unavailable_slots": ["1"]}
    )
    assert response.status_code == 302
    participant = session.participants.get()
    assert (participant.organization, participant.unavailable_slots) == (organization, [1])
    client.post(
        reverse("participant-edit", kwargs={"matching_session_id": session.pk, "participant_id": participant.pk}),
        {"contact": contact.pk, "status": "participating", "unavailable_slots": ["0", "3"], "profile": "金型"},
    )
    participant.refresh_from_db()
    assert (participant.contact, participant.unavailable_slots) == (contact, [0, 3])


def test_the_htmx_search_answers_the_choices(client_for, session):
    OrganizationFactory(name="株式会社八王子金型", name_kana="ハチオウジカナガタ")
    response = client_for(Role.SECRETARIAT).get(
        reverse("participant-add", kwargs={"matching_session_id": session.pk}), {"q": "八王子"}, HTTP_HX_REQUEST="true"
    )
    assert "株式会社八王子金型" in response.content.decode() and "<html" not in response.content.decode()


def test_staff_open_and_close_requests(client_for):
    session = MatchingSessionFactory(status=MatchingSessionStatus.PREPARING)
    client = client_for(Role.SECRETARIAT)
    url = reverse("session-status", kwargs={"matching_session_id": session.pk})
    client.post(url, {"action": "open"})
    session.refresh_from_db()
    assert session.status == MatchingSessionStatus.REQUESTS_OPEN
    client.post(url, {"action": "close"})
    session.refresh_from_db()
    assert session.status == MatchingSessionStatus.SCHEDULING


def test_a_session_coordinator_adds_a_meeting_and_marks_a_coordinator_needed(client_for, users, session):
    SessionCoordinator.objects.create(session=session, user=users[Role.COORDINATOR])
    a, b = SessionParticipantFactory(session=session), SessionParticipantFactory(session=session)
    client = client_for(Role.COORDINATOR)
    response = client.post(
        reverse("meeting-add", kwargs={"matching_session_id": session.pk}), {"a": a.pk, "b": b.pk, "priority": 1}
    )
    assert response.status_code == 302
    request = MeetingRequest.objects.get()
    assert (request.status, request.added_by_coordinator, request.needs_coordinator) == ("accepted", True, False)
    client.post(reverse("request-mark-coordinator", kwargs={"request_id": request.pk}), {"needs_coordinator": "1"})
    request.refresh_from_db()
    assert request.needs_coordinator


def test_the_request_list_filters_by_status(client_for, session):
    MeetingRequestFactory(session=session, purpose="承諾済みの面談", status=RequestStatus.ACCEPTED)
    MeetingRequestFactory(session=session, purpose="回答待ちの面談")
    url = reverse("request-list", kwargs={"matching_session_id": session.pk})
    page = client_for(Role.SECRETARIAT).get(url, {"status": "accepted"}).content.decode()
    assert "承諾済みの面談" in page and "回答待ちの面談" not in page


def test_the_nav_links_matching_sessions_for_organisation_users(client_for):
    page = client_for(Role.MEMBER).get(reverse("session-list")).content.decode()
    assert reverse("session-list") in page and "マッチング会" in page


def test_the_session_list_shows_an_organisation_only_its_sessions(client_for, session, own):
    elsewhere = MatchingSessionFactory()
    page = client_for(Role.MEMBER).get(reverse("session-list")).content.decode()
    assert session.event.title in page and elsewhere.event.title not in page


def _grow(session, count):
    for _index in range(count):
        MeetingRequestFactory(session=session)


def test_the_session_page_takes_the_same_queries_however_many_requests(
    client_for, session, own, django_assert_max_num_queries
):
    client = client_for(Role.SECRETARIAT)
    _grow(session, 2)
    MeetingRequestFactory(session=session, requested=own)
    client.get(detail(session))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(detail(session))
    _grow(session, 15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(detail(session))
    member = client_for(Role.MEMBER)
    with CaptureQueriesContext(connection) as few_member:
        member.get(detail(session))
    for _index in range(10):
        MeetingRequestFactory(session=session, requested=own)
    with django_assert_max_num_queries(len(few_member.captured_queries)):
        member.get(detail(session))


def test_the_request_list_takes_the_same_queries_however_many_requests(
    client_for, session, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(Role.SECRETARIAT)
    url = reverse("request-list", kwargs={"matching_session_id": session.pk})
    _grow(session, 2)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _grow(session, 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_request_statuses_are_in_the_words_of_meeting_requests(client_for, session):
    MeetingRequestFactory(session=session, status=RequestStatus.DECLINED)
    MeetingRequestFactory(session=session, status=RequestStatus.WITHDRAWN)
    page = client_for(Role.SECRETARIAT).get(reverse("request-list", kwargs={"matching_session_id": session.pk}))
    text = page.content.decode()
    assert "辞退" in text and "取り下げ" in text and "退会" not in text
