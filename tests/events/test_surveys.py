"""The follow-up survey: one answer per registration that attended, reached by its token, results per event."""

import datetime

import pytest

from clusternet.core.exceptions import ApplicationError
from events.models import CheckIn, RegistrationStatus, SurveyResponse
from events.services.surveys import survey_results, survey_submit
from tests.events.factories import TOKYO, EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def held_event(**kwargs):
    """An event that took place yesterday afternoon."""
    starts = datetime.datetime.now(TOKYO).replace(microsecond=0) - datetime.timedelta(days=1)
    return EventFactory(starts_at=starts, **kwargs)


def participant(event=None, **kwargs):
    registration = RegistrationFactory(event=event or held_event(), **kwargs)
    CheckIn.objects.create(registration=registration, session=registration.event.sessions.get(), method="list")
    return registration


def url(registration) -> str:
    return f"/events/r/{registration.token}/survey/"


# -- the service -------------------------------------------------------------------------------------------


def test_a_participant_who_attended_answers_once():
    registration = participant()

    response = survey_submit(actor=None, registration=registration, rating=4, comment=" 事例が具体的で良かった ")

    assert (response.rating, response.comment) == (4, "事例が具体的で良かった")
    with pytest.raises(ApplicationError, match="回答済み"):
        survey_submit(actor=None, registration=registration, rating=1, comment="やっぱり")
    assert list(SurveyResponse.objects.values_list("rating", "comment")) == [(4, "事例が具体的で良かった")]


def test_the_survey_is_refused_before_the_event_has_started():
    registration = RegistrationFactory(event=EventFactory())  # 30 days ahead

    with pytest.raises(ApplicationError, match="イベント開始後"):
        survey_submit(actor=None, registration=registration, rating=5)
    assert not SurveyResponse.objects.exists()


def test_the_survey_is_refused_to_a_registration_that_did_not_attend():
    registration = RegistrationFactory(event=held_event())

    with pytest.raises(ApplicationError, match="出席された方"):
        survey_submit(actor=None, registration=registration, rating=5)
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_a_rating_outside_1_to_5_is_refused(rating):
    registration = participant()

    with pytest.raises(ApplicationError, match="1から5"):
        survey_submit(actor=None, registration=registration, rating=rating)
    assert not SurveyResponse.objects.exists()


# -- the page ----------------------------------------------------------------------------------------------


def test_the_page_takes_the_answer_without_signing_in(client):
    registration = participant()

    form = client.get(url(registration))
    assert form.status_code == 200
    assert 'name="rating"' in form.content.decode()

    thanks = client.post(url(registration), {"rating": "5", "comment": "次回も参加したい"})
    assert "ご回答ありがとうございました" in thanks.content.decode()
    assert SurveyResponse.objects.get(registration=registration).rating == 5


def test_a_second_submission_shows_a_friendly_message_and_changes_nothing(client):
    registration = participant()
    client.post(url(registration), {"rating": "5", "comment": "最初の回答"})

    again = client.post(url(registration), {"rating": "1", "comment": "二回目"})

    assert again.status_code == 200
    assert "このアンケートには回答済みです" in again.content.decode()
    assert list(SurveyResponse.objects.values_list("rating", "comment")) == [(5, "最初の回答")]


def test_the_page_says_the_survey_opens_after_the_event_and_takes_nothing(client):
    registration = RegistrationFactory(event=EventFactory())

    page = client.get(url(registration))
    posted = client.post(url(registration), {"rating": "5"})

    assert "アンケートはイベント開始後に回答できます" in page.content.decode()
    assert 'name="rating"' not in page.content.decode()
    assert "アンケートはイベント開始後に回答できます" in posted.content.decode()
    assert not SurveyResponse.objects.exists()


def test_the_page_refuses_a_registration_that_did_not_attend(client):
    registration = RegistrationFactory(event=held_event())

    page = client.post(url(registration), {"rating": "5"})

    assert "イベントに出席された方が対象です" in page.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_cancelled_registration_cannot_answer(client):
    registration = participant(status=RegistrationStatus.CANCELLED)

    page = client.post(url(registration), {"rating": "5"})

    assert "イベントに出席された方が対象です" in page.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_missing_rating_is_asked_for_again(client):
    registration = participant()

    page = client.post(url(registration), {"rating": "", "comment": "評価を忘れた"})

    assert "評価を1から5で選んでください" in page.content.decode()
    assert not SurveyResponse.objects.exists()


def test_an_unknown_token_is_not_found(client):
    assert client.get("/events/r/00000000-0000-0000-0000-000000000000/survey/").status_code == 404


# -- results -----------------------------------------------------------------------------------------------


def test_results_count_average_distribution_and_comments():
    event = held_event()
    for rating, comment in [(5, "とても良かった"), (4, ""), (4, "資料がほしい"), (2, "")]:
        survey_submit(actor=None, registration=participant(event), rating=rating, comment=comment)
    participant(event)  # attended, has not answered
    survey_submit(actor=None, registration=participant(), rating=1)  # another event's

    results = survey_results(event=event)

    assert (results.count, results.attended, results.average) == (4, 5, 3.8)
    assert [(rating, n) for rating, n, _share in results.distribution] == [(5, 1), (4, 2), (3, 0), (2, 1), (1, 0)]
    assert results.distribution[1][2] == 50
    assert sorted(r.comment for r in results.comments) == ["とても良かった", "資料がほしい"]


def test_results_of_an_event_without_answers():
    results = survey_results(event=held_event())
    assert (results.count, results.average) == (0, None)
    assert all(n == 0 for _rating, n, _share in results.distribution)


def test_results_page_for_staff_and_organisers_only(client_for, users):
    event = held_event()
    survey_submit(actor=None, registration=participant(event), rating=5, comment="工場見学が良かった")

    page = client_for("secretariat").get(f"/events/{event.pk}/survey/")
    assert page.status_code == 200
    assert "工場見学が良かった" in page.content.decode()
    assert "5.0 / 5" in page.content.decode()

    client_for("coordinator")
    assert page.client.get(f"/events/{event.pk}/survey/").status_code == 403
    event.organisers.add(users["coordinator"])
    assert page.client.get(f"/events/{event.pk}/survey/").status_code == 200
    client_for("member")
    assert page.client.get(f"/events/{event.pk}/survey/").status_code == 403
