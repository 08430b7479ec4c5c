"""Publishing the schedule: the rules, and each participant's attendee and coordinator mailed their timetable
exactly once (publishing twice, two publishes at once, a real Celery worker)."""

import io
import threading
import time

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from clusternet.core.exceptions import ApplicationError
from matching.models import MatchingSession, MatchingSessionStatus, ParticipantStatus, TimetableMail
from matching.services.timetables import session_publish, timetable_mails_send
from members.models import Role
from tests.factories import UserFactory
from tests.matching.factories import MatchingSessionFactory
from tests.matching.test_timetables import build_session

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def built(member_org, other_org):
    return build_session(member_org, other_org)


@pytest.fixture
def staff(users):
    return users[Role.SECRETARIAT]


def _publish(staff, session, capture):
    with capture(execute=True):
        return session_publish(actor=staff, session=session)


def test_publishing_sets_the_status_and_mails_each_attendee_and_coordinator_once(
    built, staff, django_capture_on_commit_callbacks
):
    result = _publish(staff, built.session, django_capture_on_commit_callbacks)
    session = MatchingSession.objects.get(pk=built.session.pk)
    assert session.status == MatchingSessionStatus.PUBLISHED
    assert session.published_at is not None and session.published_by == staff
    assert result.claimed == 3
    assert result.not_mailed == [built.c]  # its attendee has no address
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["hanako@tama.example.jp", built.b.contact.email, "sato@example.jp"]
    )
    assert TimetableMail.objects.filter(session=session, sent_at__isnull=True).count() == 0


def test_the_participant_mail_is_japanese_with_the_timetable_in_text_html_and_pdf(
    built, staff, django_capture_on_commit_callbacks
):
    _publish(staff, built.session, django_capture_on_commit_callbacks)
    message = next(m for m in mail.outbox if m.to == ["hanako@tama.example.jp"])
    assert message.subject == "【多摩ものづくりマッチング会】タイムテーブルのお知らせ"
    assert "山田 花子 様" in message.body
    assert "テーブル1" in message.body and "相模原電機株式会社" in message.body and "東京光学株式会社" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "相模原電機株式会社" in html and "面談相手" in html
    name, content, pdf_type = message.attachments[0]
    assert pdf_type == "application/pdf" and name.endswith(".pdf")
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert "株式会社多摩精密" in text and "相模原電機株式会社" in text


def test_a_coordinator_is_written_to_in_their_own_language(built, staff, django_capture_on_commit_callbacks):
    built.coordinator.language = "en"
    built.coordinator.save()
    _publish(staff, built.session, django_capture_on_commit_callbacks)
    message = next(m for m in mail.outbox if m.to == ["sato@example.jp"])
    assert message.subject == "Your timetable for 多摩ものづくりマッチング会"
    assert "Table 1" in message.body and "株式会社多摩精密 / 相模原電機株式会社" in message.body


def test_publishing_twice_does_not_mail_twice_but_mails_a_new_address(built, staff, django_capture_on_commit_callbacks):
    _publish(staff, built.session, django_capture_on_commit_callbacks)
    published_at = MatchingSession.objects.get(pk=built.session.pk).published_at
    second = _publish(staff, built.session, django_capture_on_commit_callbacks)
    assert second.claimed == 0 and len(mail.outbox) == 3
    assert MatchingSession.objects.get(pk=built.session.pk).published_at == published_at
    built.c.contact.email = "kogaku@example.jp"
    built.c.contact.save()
    third = _publish(staff, built.session, django_capture_on_commit_callbacks)
    assert third.claimed == 1 and third.not_mailed == []
    assert [m.to for m in mail.outbox[3:]] == [["kogaku@example.jp"]]


def test_sending_again_sends_nothing(built, staff, django_capture_on_commit_callbacks):
    _publish(staff, built.session, django_capture_on_commit_callbacks)
    assert timetable_mails_send(matching_session_id=built.session.pk) == 0
    assert len(mail.outbox) == 3


def test_a_participant_that_stopped_coming_gets_no_timetable(built, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        session_publish(actor=staff, session=built.session)
    built.b.status = ParticipantStatus.DECLINED
    built.b.save()
    assert timetable_mails_send(matching_session_id=built.session.pk) == 2
    assert TimetableMail.objects.get(participant=built.b).sent_at is None


def _unchanged(session):
    fresh = MatchingSession.objects.get(pk=session.pk)
    return fresh.status == session.status and fresh.published_at is None and not TimetableMail.objects.exists()


def test_a_session_without_meetings_cannot_be_published(staff):
    session = MatchingSessionFactory(status=MatchingSessionStatus.SCHEDULING)
    with pytest.raises(ApplicationError, match="No meeting is scheduled yet"):
        session_publish(actor=staff, session=session)
    assert _unchanged(session)


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (MatchingSessionStatus.PREPARING, "still being prepared"),
        (MatchingSessionStatus.FINISHED, "The session is over"),
    ],
)
def test_a_session_being_prepared_or_over_cannot_be_published(built, staff, status, message):
    MatchingSession.objects.filter(pk=built.session.pk).update(status=status)
    built.session.refresh_from_db()
    with pytest.raises(ApplicationError, match=message):
        session_publish(actor=staff, session=built.session)
    assert _unchanged(built.session)


def test_only_staff_and_the_session_coordinators_publish(built, users):
    for user in [users[Role.MEMBER], users[Role.COORDINATOR], users[Role.EVALUATOR]]:
        with pytest.raises(PermissionDenied):
            session_publish(actor=user, session=built.session)
    assert _unchanged(built.session)
    session_publish(actor=built.coordinator, session=built.session)
    assert MatchingSession.objects.get(pk=built.session.pk).status == MatchingSessionStatus.PUBLISHED


def test_the_publish_button_lists_who_was_not_mailed(built, client_for, django_capture_on_commit_callbacks):
    client = client_for(Role.SECRETARIAT)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("session-publish", args=[built.session.pk]), follow=True)
    page = response.content.decode()
    assert "メール未送付（出席者のメールアドレスなし）：東京光学株式会社" in page  # the staff user reads Japanese
    assert len(mail.outbox) == 3


def test_the_publish_api_answers_the_status_and_the_mails(built, api_client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client_for(Role.SECRETARIAT).post(reverse("api-session-publish", args=[built.session.pk]))
    assert response.status_code == 200
    assert response.json()["status"] == "published"
    assert response.json()["mails_claimed"] == 3 and response.json()["not_mailed"] == [built.c.pk]


def test_the_publish_api_refuses_an_empty_session_with_the_reason(api_client_for):
    session = MatchingSessionFactory(status=MatchingSessionStatus.SCHEDULING)
    response = api_client_for(Role.SECRETARIAT).post(reverse("api-session-publish", args=[session.pk]))
    assert response.status_code == 400
    assert response.json()["detail"].startswith("面談がまだ組まれていません")


@pytest.mark.django_db(transaction=True)
def test_two_publishes_at_once_mail_each_recipient_exactly_once(member_org, other_org):
    built = build_session(member_org, other_org)
    staff = UserFactory(role=Role.SECRETARIAT)
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def publish() -> None:
        try:
            barrier.wait()
            session_publish(actor=staff, session=built.session)  # the task runs eagerly after commit
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(["hanako@tama.example.jp", built.b.contact.email, "sato@example.jp"])


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_mail_each_row_once(member_org, other_org):
    built = build_session(member_org, other_org)
    from django.db import transaction

    with transaction.atomic():
        # Claimed without the task (it would run on commit): the two senders below race for the rows.
        MatchingSession.objects.filter(pk=built.session.pk).update(status=MatchingSessionStatus.PUBLISHED)
        TimetableMail.objects.create(session=built.session, participant=built.a, email="hanako@tama.example.jp")
        TimetableMail.objects.create(session=built.session, participant=built.b, email=built.b.contact.email)
        TimetableMail.objects.create(session=built.session, coordinator=built.coordinator, email="sato@example.jp")
    barrier = threading.Barrier(2)

    def send() -> None:
        try:
            barrier.wait()
            timetable_mails_send(matching_session_id=built.session.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(mail.outbox) == 3
    assert not TimetableMail.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_mails_the_timetables_once(member_org, other_org, celery_worker):
    built = build_session(member_org, other_org)
    staff = UserFactory(role=Role.SECRETARIAT)
    session_publish(actor=staff, session=built.session)
    session_publish(actor=staff, session=built.session)  # a second task finds nothing left to send
    deadline = time.monotonic() + 30
    while TimetableMail.objects.filter(sent_at__isnull=True).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(0.5)  # let the second task finish too
    assert not TimetableMail.objects.filter(sent_at__isnull=True).exists()
    assert len(mail.outbox) == 3
    assert "【多摩ものづくりマッチング会】タイムテーブルのお知らせ" in {m.subject for m in mail.outbox}
