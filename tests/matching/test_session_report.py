"""The session report: the figures as associations report them, on a session built by hand; the page, the
Excel export and the API."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from matching.models import (
    MatchingSessionStatus,
    Meeting,
    MeetingOutcome,
    MeetingRatingChoice,
    MeetingRequest,
    MeetingStatus,
    ParticipantStatus,
    RequestStatus,
)
from matching.selectors.outcomes import session_report
from matching.services.outcomes import meeting_outcome_record, meeting_rate
from members.models import Role
from tests.matching.factories import MeetingRequestFactory, SessionParticipantFactory
from tests.matching.test_outcomes import move_to_the_past
from tests.matching.test_timetables import build_session, meeting

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def reported(member_org, other_org, users):
    """Invited 6 (A, B, C and D participating; E declined; F a no-show); requests: the three placed meetings,
    one more meeting D–F added by a coordinator, one pending, one declined, one withdrawn; four meetings:
    A–B continuing then a deal of ¥2,500,000; B–C negotiating; C–A rated "did not take place" by C;
    D–F not rated (its slot has passed: counted held)."""
    staff = users[Role.SECRETARIAT]
    built = build_session(member_org, other_org, status=MatchingSessionStatus.PUBLISHED)
    session = built.session
    d = SessionParticipantFactory(session=session)
    e = SessionParticipantFactory(session=session, status=ParticipantStatus.DECLINED)
    f = SessionParticipantFactory(session=session, no_show=True)
    meeting(session, d, f, slot=3, table=4, added_by_coordinator=True)
    MeetingRequestFactory(session=session, requester=d, requested=built.a, status=RequestStatus.PENDING)
    MeetingRequestFactory(session=session, requester=d, requested=built.b, status=RequestStatus.DECLINED)
    MeetingRequestFactory(session=session, requester=e, requested=built.c, status=RequestStatus.WITHDRAWN)
    move_to_the_past(session)
    meeting_rate(actor=staff, meeting=built.ab, participant=built.a, rating=MeetingRatingChoice.COOPERATION_POSSIBLE)
    meeting_rate(actor=staff, meeting=built.ab, participant=built.b, rating=MeetingRatingChoice.COOPERATION_POSSIBLE)
    meeting_rate(actor=staff, meeting=built.bc, participant=built.b, rating=MeetingRatingChoice.INFORMATIVE)
    meeting_rate(actor=staff, meeting=built.ac, participant=built.c, rating=MeetingRatingChoice.NOT_HELD)
    meeting_outcome_record(actor=staff, meeting=built.ab, outcome=MeetingOutcome.CONTINUING)
    meeting_outcome_record(actor=staff, meeting=built.ab, outcome=MeetingOutcome.DEAL, deal_amount=2_500_000)
    meeting_outcome_record(actor=staff, meeting=built.bc, outcome=MeetingOutcome.NEGOTIATING)
    return built


EXPECTED = {
    "invited": 6,
    "participating": 4,
    "requested": 5,  # the three placed, pending and declined; not the withdrawn one nor the coordinator's
    "added_by_coordinators": 1,
    "accepted": 4,
    "scheduled": 4,
    "held": 3,  # A–B and B–C rated, D–F past; C–A did not take place
    "not_held": 1,
    "no_follow_up": 0,
    "continuing": 0,
    "negotiating": 1,
    "deals": 1,
    "deal_total": 2_500_000,
    "continued": 2,
}


def test_the_report_counts_as_associations_report(reported):
    report = session_report(session=reported.session)
    assert {key: value for key, _label, value in report.figures()} == EXPECTED
    assert report.ratings == {"not_held": 1, "not_interested": 0, "informative": 1, "cooperation_possible": 2}
    assert Meeting.objects.filter(status=MeetingStatus.NOT_HELD).count() == 1
    assert MeetingRequest.objects.filter(session=reported.session).count() == 7


def test_the_report_costs_a_few_queries(reported, django_assert_num_queries):
    with django_assert_num_queries(4):
        session_report(session=reported.session)


def test_the_report_page_in_japanese(reported, client_for):
    page = client_for(Role.SECRETARIAT).get(reverse("session-report", args=[reported.session.pk])).content.decode()
    assert "招待6社、参加4社、実施した面談3件、継続2件（うち商談中1件、成約1件）。" in page
    assert "2,500,000" in page
    assert "連携の可能性あり" in page


def test_the_excel_export_opens_with_headers_in_the_viewers_language(reported, client_for, users):
    users[Role.SECRETARIAT].language = "en"
    users[Role.SECRETARIAT].save()
    client = client_for(Role.SECRETARIAT)
    response = client.get(reverse("session-report-export", args=[reported.session.pk]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    figures = workbook["Session report"]
    rows = {row[0]: row[1] for row in figures.iter_rows(min_row=3, values_only=True)}
    assert rows["Invited"] == 6 and rows["Meetings held"] == 3 and rows["Deals, total amount (yen)"] == 2_500_000
    ratings = {row[0]: row[1] for row in workbook["Ratings"].iter_rows(min_row=2, values_only=True)}
    assert ratings["Cooperation possible"] == 2


def test_the_report_api_answers_the_figures(reported, api_client_for):
    response = api_client_for(Role.SECRETARIAT).get(reverse("api-session-report", args=[reported.session.pk]))
    assert response.status_code == 200
    data = response.json()
    assert {key: data[key] for key in EXPECTED} == EXPECTED
    assert data["ratings"]["cooperation_possible"] == 2


def test_participants_cannot_see_the_report(reported, client_for, api_client_for):
    assert client_for(Role.MEMBER).get(reverse("session-report", args=[reported.session.pk])).status_code == 403
    assert api_client_for(Role.MEMBER).get(reverse("api-session-report", args=[reported.session.pk])).status_code == 403
