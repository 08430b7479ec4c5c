"""The matching-session API: shapes, scoping per role, requests made and answered, and the refusals."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import MeetingRequest, ParticipantStatus, RequestStatus, SessionCoordinator
from members.models import Role
from tests.factories import UserFactory
from tests.matching.factories import MatchingSessionFactory, MeetingRequestFactory, SessionParticipantFactory

# Messages are checked in Japanese, the users' language.
pytestmark = [pytest.mark.django_db]


@pytest.fixture
def session():
    return MatchingSessionFactory(table_count=3)


@pytest.fixture
def own(session, member_org):
    return SessionParticipantFactory(session=session, organization=member_org, unavailable_slots=[2])


def test_the_list_is_scoped_to_the_organisations_sessions(api_client_for, session, own):
    MatchingSessionFactory()
    member = api_client_for(Role.MEMBER).get(reverse("api-matching-session-list")).json()
    assert [row["id"] for row in member["results"]] == [session.pk]
    assert set(member["results"][0]) == {
        "id", "event", "title", "starts_at", "status", "table_count", "request_deadline", "response_days",
        "min_meetings",
    }  # fmt: skip
    assert api_client_for(Role.COORDINATOR).get(reverse("api-matching-session-list")).json()["count"] == 2
    assert api_client_for(Role.BANK).get(reverse("api-matching-session-list")).json()["count"] == 0
    assert api_client_for(Role.EVALUATOR).get(reverse("api-matching-session-list")).status_code == 403


def test_the_detail_shows_staff_slots_tables_participants_and_coordinators(api_client_for, session, own):
    SessionCoordinator.objects.create(session=session, user=UserFactory(role=Role.COORDINATOR), unavailable_slots=[0])
    url = reverse("api-matching-session-detail", kwargs={"matching_session_id": session.pk})
    body = api_client_for(Role.SECRETARIAT).get(url).json()
    assert body["tables"] == [1, 2, 3]
    assert [slot["index"] for slot in body["slots"]] == [0, 1, 2, 3]
    assert body["participants"][0] == {
        "id": own.pk,
        "organization": own.organization_id,
        "organization_name": "株式会社多摩精密",
        "profile": "",
        "status": "participating",
        "attendee": own.contact.name,
        "unavailable_slots": [2],
    }
    assert body["coordinators"][0]["unavailable_slots"] == [0]
    assert body["own_participant"] is None


def test_a_participant_sees_the_others_names_and_profiles_only(api_client_for, session, own):
    other = SessionParticipantFactory(session=session, profile="樹脂の軽量化")
    SessionParticipantFactory(session=session, status=ParticipantStatus.INVITED)
    url = reverse("api-matching-session-detail", kwargs={"matching_session_id": session.pk})
    body = api_client_for(Role.MEMBER).get(url).json()
    assert body["own_participant"] == own.pk
    assert body["coordinators"] == []
    shown = {row["id"]: row for row in body["participants"]}
    assert set(shown) == {own.pk, other.pk}
    assert shown[other.pk] == {
        "id": other.pk, "organization": other.organization_id, "organization_name": other.organization.name,
        "profile": "樹脂の軽量化",
    }  # fmt: skip


def test_other_organisations_get_404(api_client_for, session, own):
    url = reverse("api-matching-session-detail", kwargs={"matching_session_id": session.pk})
    assert api_client_for(Role.BANK).get(url).status_code == 404


def test_a_member_requests_for_their_own_organisation_by_default(api_client_for, session, own):
    other = SessionParticipantFactory(session=session)
    url = reverse("api-meeting-request-list", kwargs={"matching_session_id": session.pk})
    response = api_client_for(Role.MEMBER).post(
        url, {"requested": other.pk, "priority": 1, "purpose": "共同開発"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["requester"], body["requested"], body["priority"], body["status"]) == (own.pk, other.pk, 1, "pending")
    assert body["requester_name"] == "株式会社多摩精密"


def test_a_member_cannot_request_for_another_participant(api_client_for, session, own):
    a, b = SessionParticipantFactory(session=session), SessionParticipantFactory(session=session)
    url = reverse("api-meeting-request-list", kwargs={"matching_session_id": session.pk})
    response = api_client_for(Role.MEMBER).post(
        url, {"requester": a.pk, "requested": b.pk, "priority": 1}, format="json"
    )
    assert response.status_code == 403
    assert not MeetingRequest.objects.exists()


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"priority": 1}, "自社との面談は申し込めません。"),
        ({"priority": 4}, "優先度は1、2、3のいずれかにしてください。"),
    ],
)
def test_bad_requests_answer_400_and_change_nothing(api_client_for, session, own, payload, message):
    url = reverse("api-meeting-request-list", kwargs={"matching_session_id": session.pk})
    requested = own.pk if "自社" in message else SessionParticipantFactory(session=session).pk
    response = api_client_for(Role.MEMBER).post(url, {"requested": requested, **payload}, format="json")
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not MeetingRequest.objects.exists()


def test_a_second_request_for_the_same_pair_answers_400(api_client_for, session, own):
    other = SessionParticipantFactory(session=session)
    MeetingRequestFactory(session=session, requester=other, requested=own)
    url = reverse("api-meeting-request-list", kwargs={"matching_session_id": session.pk})
    response = api_client_for(Role.MEMBER).post(url, {"requested": other.pk, "priority": 1}, format="json")
    assert response.status_code == 400 and "既に面談申込があります" in response.json()["detail"]
    assert MeetingRequest.objects.count() == 1


def test_a_member_lists_only_their_organisations_requests(api_client_for, session, own):
    mine = MeetingRequestFactory(session=session, requested=own)
    MeetingRequestFactory(session=session)
    url = reverse("api-meeting-request-list", kwargs={"matching_session_id": session.pk})
    assert [row["id"] for row in api_client_for(Role.MEMBER).get(url).json()["results"]] == [mine.pk]
    assert api_client_for(Role.COORDINATOR).get(url).json()["count"] == 2
    assert api_client_for(Role.COORDINATOR).get(url, {"status": "accepted"}).json()["count"] == 0


def test_the_requested_side_answers(api_client_for, session, own):
    request = MeetingRequestFactory(session=session, requested=own)
    url = reverse("api-meeting-request-answer", kwargs={"request_id": request.pk})
    response = api_client_for(Role.MEMBER).post(url, {"accept": True}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "accepted"


def test_accepting_after_the_deadline_answers_400_and_changes_nothing(api_client_for, session, own):
    request = MeetingRequestFactory(
        session=session, requested=own, expires_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    url = reverse("api-meeting-request-answer", kwargs={"request_id": request.pk})
    response = api_client_for(Role.MEMBER).post(url, {"accept": True}, format="json")
    assert response.status_code == 400 and "回答期限を過ぎています" in response.json()["detail"]
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_the_requester_may_not_answer(api_client_for, session, own):
    request = MeetingRequestFactory(session=session, requester=own)
    url = reverse("api-meeting-request-answer", kwargs={"request_id": request.pk})
    assert api_client_for(Role.MEMBER).post(url, {"accept": True}, format="json").status_code == 403


def test_the_request_list_takes_the_same_queries_however_many_requests(
    api_client_for, session, own, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_client_for(Role.SECRETARIAT)
    url = reverse("api-meeting-request-list", kwargs={"matching_session_id": session.pk})
    MeetingRequestFactory(session=session)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _index in range(15):
        MeetingRequestFactory(session=session)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
    detail = reverse("api-matching-session-detail", kwargs={"matching_session_id": session.pk})
    with CaptureQueriesContext(connection) as few_detail:
        client.get(detail)
    for _index in range(10):
        SessionParticipantFactory(session=session)
    with django_assert_max_num_queries(len(few_detail.captured_queries)):
        client.get(detail)
