"""After the session: each side's rating of a meeting, the outcome of a meeting and the matching case it
becomes; bad input refused with nothing changed; the rating and outcome pages and API."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clusternet.core.exceptions import ApplicationError
from matching.models import (
    MatchingCase,
    MatchingSession,
    MatchingSessionStatus,
    Meeting,
    MeetingOutcome,
    MeetingRating,
    MeetingRatingChoice,
    MeetingStatus,
    SessionSlot,
)
from matching.services.outcomes import meeting_outcome_record, meeting_rate
from members.models import Role
from tests.factories import UserFactory
from tests.matching.factories import SessionParticipantFactory
from tests.matching.test_timetables import build_session, meeting

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def move_to_the_past(session: MatchingSession) -> None:
    """The session took place yesterday afternoon."""
    start = timezone.now() - datetime.timedelta(days=1)
    for slot in session.slots.order_by("index"):
        starts = start + datetime.timedelta(minutes=25 * slot.index)
        SessionSlot.objects.filter(pk=slot.pk).update(starts_at=starts, ends_at=starts + datetime.timedelta(minutes=20))


@pytest.fixture
def built(member_org, other_org):
    built = build_session(member_org, other_org, status=MatchingSessionStatus.PUBLISHED)
    move_to_the_past(built.session)
    return built


@pytest.fixture
def member(users):
    return users[Role.MEMBER]


@pytest.fixture
def staff(users):
    return users[Role.SECRETARIAT]


def _snapshot(meeting_: Meeting):
    fresh = Meeting.objects.get(pk=meeting_.pk)
    ratings = list(MeetingRating.objects.filter(meeting=meeting_).values_list("participant", "rating", "comment"))
    return fresh.status, fresh.outcome, fresh.deal_amount, fresh.case_id, ratings, MatchingCase.objects.count()


# -- ratings -----------------------------------------------------------------------------------------------


def test_a_member_rates_its_side_of_a_meeting_which_is_then_held(built, member):
    rating = meeting_rate(
        actor=member, meeting=built.ab, participant=built.a, rating=MeetingRatingChoice.COOPERATION_POSSIBLE,
        comment=" 試作品の評価を依頼したい ",
    )  # fmt: skip
    assert (rating.rating, rating.comment, rating.rated_by) == (
        "cooperation_possible",
        "試作品の評価を依頼したい",
        member,
    )
    assert Meeting.objects.get(pk=built.ab.pk).status == MeetingStatus.HELD


def test_rating_again_changes_the_one_rating(built, member):
    meeting_rate(actor=member, meeting=built.ab, participant=built.a, rating=MeetingRatingChoice.INFORMATIVE)
    meeting_rate(actor=member, meeting=built.ab, participant=built.a, rating=MeetingRatingChoice.NOT_INTERESTED)
    assert list(MeetingRating.objects.values_list("rating", flat=True)) == ["not_interested"]


def test_did_not_take_place_from_either_side_marks_the_meeting_not_held(built, member, staff):
    meeting_rate(actor=member, meeting=built.ab, participant=built.a, rating=MeetingRatingChoice.INFORMATIVE)
    meeting_rate(actor=staff, meeting=built.ab, participant=built.b, rating=MeetingRatingChoice.NOT_HELD)
    assert Meeting.objects.get(pk=built.ab.pk).status == MeetingStatus.NOT_HELD
    # Corrected: both sides say it took place.
    meeting_rate(actor=staff, meeting=built.ab, participant=built.b, rating=MeetingRatingChoice.INFORMATIVE)
    assert Meeting.objects.get(pk=built.ab.pk).status == MeetingStatus.HELD


def test_a_member_cannot_rate_for_the_other_side(built, member):
    before = _snapshot(built.ab)
    with pytest.raises(ApplicationError, match="only for your own organisation"):
        meeting_rate(actor=member, meeting=built.ab, participant=built.b, rating=MeetingRatingChoice.INFORMATIVE)
    assert _snapshot(built.ab) == before


def test_a_participant_not_in_the_meeting_cannot_be_rated_for(built, staff):
    before = _snapshot(built.bc)
    with pytest.raises(ApplicationError, match="did not take part in the meeting"):
        meeting_rate(actor=staff, meeting=built.bc, participant=built.a, rating=MeetingRatingChoice.INFORMATIVE)
    assert _snapshot(built.bc) == before


@pytest.mark.parametrize("role", [Role.MEMBER, Role.BANK, Role.COORDINATOR, Role.EVALUATOR])
def test_others_cannot_rate_a_meeting(built, users, role):
    # The member's organisation is not in the B–C meeting; the coordinator does not run this session.
    before = _snapshot(built.bc)
    with pytest.raises(PermissionDenied):
        meeting_rate(actor=users[role], meeting=built.bc, participant=built.b, rating=MeetingRatingChoice.INFORMATIVE)
    assert _snapshot(built.bc) == before


def test_an_unknown_rating_is_refused(built, member):
    before = _snapshot(built.ab)
    with pytest.raises(ApplicationError, match="Choose one of the ratings"):
        meeting_rate(actor=member, meeting=built.ab, participant=built.a, rating="great")
    assert _snapshot(built.ab) == before


def test_a_meeting_is_rated_only_once_its_slot_has_started(member_org, other_org, member):
    future = build_session(member_org, other_org, status=MatchingSessionStatus.PUBLISHED)
    before = _snapshot(future.ab)
    with pytest.raises(ApplicationError, match="has not started yet"):
        meeting_rate(actor=member, meeting=future.ab, participant=future.a, rating=MeetingRatingChoice.INFORMATIVE)
    assert _snapshot(future.ab) == before
    # Once the session is marked finished, whatever the clock says.
    MatchingSession.objects.filter(pk=future.session.pk).update(status=MatchingSessionStatus.FINISHED)
    meeting_rate(actor=member, meeting=future.ab, participant=future.a, rating=MeetingRatingChoice.INFORMATIVE)
    assert MeetingRating.objects.count() == 1


# -- outcomes ----------------------------------------------------------------------------------------------


def test_continuing_creates_a_matching_case_once(built, staff):
    meeting_outcome_record(actor=staff, meeting=built.ab, outcome=MeetingOutcome.CONTINUING)
    meeting_outcome_record(actor=staff, meeting=built.ab, outcome=MeetingOutcome.CONTINUING)
    case = MatchingCase.objects.get()
    fresh = Meeting.objects.get(pk=built.ab.pk)
    assert fresh.case == case and fresh.status == MeetingStatus.HELD
    assert set(case.parties.values_list("organization__name", flat=True)) == {"株式会社多摩精密", "相模原電機株式会社"}


def test_a_deal_keeps_its_amount_and_updates_the_same_case(built, member):
    meeting_outcome_record(actor=member, meeting=built.ab, outcome=MeetingOutcome.NEGOTIATING)
    meeting_outcome_record(actor=member, meeting=built.ab, outcome=MeetingOutcome.DEAL, deal_amount=3_000_000)
    fresh = Meeting.objects.get(pk=built.ab.pk)
    assert (fresh.outcome, fresh.deal_amount, fresh.outcome_recorded_by) == ("deal", 3_000_000, member)
    assert MatchingCase.objects.get().deal_value == 3_000_000


def test_no_follow_up_makes_no_case(built, staff):
    meeting_outcome_record(actor=staff, meeting=built.ab, outcome=MeetingOutcome.NO_FOLLOW_UP)
    assert not MatchingCase.objects.exists()
    assert Meeting.objects.get(pk=built.ab.pk).outcome == "no_follow_up"


@pytest.mark.parametrize(
    ("outcome", "amount", "message"),
    [
        (MeetingOutcome.DEAL, None, "Enter the amount of the deal"),
        (MeetingOutcome.DEAL, -1, "0 or more"),
        (MeetingOutcome.CONTINUING, 100, "Only a deal has an amount"),
        (MeetingOutcome.NO_FOLLOW_UP, 0, "Only a deal has an amount"),
        ("won", None, "Choose one of the outcomes"),
    ],
)
def test_bad_outcomes_are_refused_and_nothing_changes(built, staff, outcome, amount, message):
    before = _snapshot(built.ab)
    with pytest.raises(ApplicationError, match=message):
        meeting_outcome_record(actor=staff, meeting=built.ab, outcome=outcome, deal_amount=amount)
    assert _snapshot(built.ab) == before


def test_a_meeting_that_did_not_take_place_has_no_follow_up(built, staff):
    meeting_rate(actor=staff, meeting=built.ab, participant=built.a, rating=MeetingRatingChoice.NOT_HELD)
    before = _snapshot(built.ab)
    with pytest.raises(ApplicationError, match="did not take place"):
        meeting_outcome_record(actor=staff, meeting=built.ab, outcome=MeetingOutcome.CONTINUING)
    assert _snapshot(built.ab) == before


def test_a_meeting_with_a_follow_up_cannot_be_rated_as_not_held(built, staff):
    meeting_outcome_record(actor=staff, meeting=built.ab, outcome=MeetingOutcome.CONTINUING)
    before = _snapshot(built.ab)
    with pytest.raises(ApplicationError, match="correct the outcome first"):
        meeting_rate(actor=staff, meeting=built.ab, participant=built.a, rating=MeetingRatingChoice.NOT_HELD)
    assert _snapshot(built.ab) == before


@pytest.mark.parametrize("role", [Role.BANK, Role.COORDINATOR, Role.EVALUATOR])
def test_only_the_sides_staff_and_the_session_coordinators_record_outcomes(built, users, role):
    before = _snapshot(built.ab)
    with pytest.raises(PermissionDenied):
        meeting_outcome_record(actor=users[role], meeting=built.ab, outcome=MeetingOutcome.CONTINUING)
    assert _snapshot(built.ab) == before
    meeting_outcome_record(actor=built.coordinator, meeting=built.ab, outcome=MeetingOutcome.CONTINUING)


def test_an_outcome_waits_for_the_meeting_to_start(member_org, other_org, staff):
    future = build_session(member_org, other_org, status=MatchingSessionStatus.PUBLISHED)
    before = _snapshot(future.ab)
    with pytest.raises(ApplicationError, match="has not started yet"):
        meeting_outcome_record(actor=staff, meeting=future.ab, outcome=MeetingOutcome.NO_FOLLOW_UP)
    assert _snapshot(future.ab) == before


# -- pages -------------------------------------------------------------------------------------------------


def test_the_member_rates_its_meetings_on_its_page_in_japanese(built, client_for):
    client = client_for(Role.MEMBER)
    url = reverse("meeting-rate", args=[built.session.pk])
    page = client.get(url).content.decode()
    assert "マッチング会の面談の評価" in page
    assert "相模原電機株式会社" in page and "東京光学株式会社" in page
    assert "連携の可能性あり" in page
    response = client.post(
        url,
        {"meeting": built.ab.pk, f"m{built.ab.pk}-rating": "cooperation_possible", f"m{built.ab.pk}-comment": "良い"},
    )
    assert response.status_code == 302
    assert MeetingRating.objects.get().participant == built.a


def test_the_rating_page_shows_the_service_message_beside_the_form(built, client_for):
    response = client_for(Role.MEMBER).post(
        reverse("meeting-rate", args=[built.session.pk]), {"meeting": built.ab.pk, f"m{built.ab.pk}-rating": ""}
    )
    assert response.status_code == 200
    assert "評価を選んでください。" in response.content.decode()
    assert not MeetingRating.objects.exists()


def test_a_member_cannot_post_a_rating_for_a_meeting_it_was_not_in(built, client_for):
    response = client_for(Role.MEMBER).post(
        reverse("meeting-rate", args=[built.session.pk]),
        {"meeting": built.bc.pk, f"m{built.bc.pk}-rating": "informative"},
    )
    assert response.status_code == 404
    assert not MeetingRating.objects.exists()


def test_staff_choose_the_participant_whose_meetings_they_rate(built, client_for):
    client = client_for(Role.SECRETARIAT)
    url = reverse("meeting-rate", args=[built.session.pk])
    assert "東京光学株式会社" in client.get(url).content.decode()
    page = client.get(url, {"participant": built.c.pk}).content.decode()
    assert "株式会社多摩精密" in page and "相模原電機株式会社" in page


def test_the_outcome_page_saves_every_changed_row_at_once(built, client_for):
    client = client_for(Role.SECRETARIAT)
    url = reverse("meeting-outcome", args=[built.session.pk])
    page = client.get(url).content.decode()
    assert "面談の成果" in page and "東京光学株式会社" in page
    response = client.post(
        url,
        {
            f"m{built.ab.pk}-outcome": "deal", f"m{built.ab.pk}-deal_amount": "500000",
            f"m{built.bc.pk}-outcome": "no_follow_up", f"m{built.bc.pk}-deal_amount": "",
            f"m{built.ac.pk}-outcome": "", f"m{built.ac.pk}-deal_amount": "",
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert dict(Meeting.objects.values_list("pk", "outcome")) == {
        built.ab.pk: "deal",
        built.bc.pk: "no_follow_up",
        built.ac.pk: "",
    }
    assert MatchingCase.objects.count() == 1


def test_one_bad_row_on_the_outcome_page_saves_nothing(built, client_for):
    response = client_for(Role.SECRETARIAT).post(
        reverse("meeting-outcome", args=[built.session.pk]),
        {
            f"m{built.ab.pk}-outcome": "continuing", f"m{built.ab.pk}-deal_amount": "",
            f"m{built.bc.pk}-outcome": "deal", f"m{built.bc.pk}-deal_amount": "",
        },
    )  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert "保存していません" in page and "成約金額を円で入力してください。" in page
    assert set(Meeting.objects.values_list("outcome", flat=True)) == {""}
    assert not MatchingCase.objects.exists()


def test_members_cannot_open_the_outcome_page(built, client_for):
    assert client_for(Role.MEMBER).get(reverse("meeting-outcome", args=[built.session.pk])).status_code == 403


def test_the_outcome_page_costs_the_same_queries_however_many_meetings(built, client_for, staff):
    client = client_for(Role.SECRETARIAT)
    url = reverse("meeting-outcome", args=[built.session.pk])
    meeting_rate(actor=staff, meeting=built.ab, participant=built.a, rating=MeetingRatingChoice.INFORMATIVE)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for index in range(4):
        first, second = (
            SessionParticipantFactory(session=built.session),
            SessionParticipantFactory(session=built.session),
        )
        added = meeting(
            built.session, first, second, slot=index, table=3 + index, coordinator=UserFactory(role=Role.COORDINATOR)
        )
        meeting_rate(actor=staff, meeting=added, participant=first, rating=MeetingRatingChoice.INFORMATIVE)
        meeting_outcome_record(actor=staff, meeting=added, outcome=MeetingOutcome.CONTINUING)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


# -- API ---------------------------------------------------------------------------------------------------


def test_the_rating_api_rates_the_callers_own_side(built, api_client_for):
    response = api_client_for(Role.MEMBER).post(
        reverse("api-meeting-rating", args=[built.ab.pk]), {"rating": "informative", "comment": "参考になった"}
    )
    assert response.status_code == 200
    assert response.json() == {
        "meeting": built.ab.pk, "participant": built.a.pk, "rating": "informative", "comment": "参考になった",
        "meeting_status": "held",
    }  # fmt: skip


def test_the_rating_api_answers_404_for_another_organisations_meeting(built, api_client_for):
    response = api_client_for(Role.MEMBER).post(
        reverse("api-meeting-rating", args=[built.bc.pk]), {"rating": "informative"}
    )
    assert response.status_code == 404


def test_the_outcome_api_records_a_deal_and_names_the_case(built, api_client_for):
    response = api_client_for(Role.SECRETARIAT).post(
        reverse("api-meeting-outcome", args=[built.ab.pk]), {"outcome": "deal", "deal_amount": 1200000}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["case"] == MatchingCase.objects.get().pk
    assert response.json()["deal_amount"] == 1200000


def test_the_outcome_api_refuses_a_deal_without_amount_in_the_users_language(built, api_client_for):
    response = api_client_for(Role.SECRETARIAT).post(
        reverse("api-meeting-outcome", args=[built.ab.pk]), {"outcome": "deal"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "成約金額を円で入力してください。", "extra": {"field": "deal_amount"}}
    assert Meeting.objects.get(pk=built.ab.pk).outcome == ""


def test_the_rating_page_offers_no_form_before_the_meeting(member_org, other_org, client_for):
    future = build_session(member_org, other_org, status=MatchingSessionStatus.PUBLISHED)
    page = client_for(Role.MEMBER).get(reverse("meeting-rate", args=[future.session.pk])).content.decode()
    assert "この面談は開始後に評価できます。" in page
    assert 'name="meeting"' not in page
