"""Publishing a matching session's schedule, and mailing each participant and coordinator their timetable once.

Publishing (`session_publish`) is allowed to staff and the session's coordinators while the session takes
requests or is being scheduled, once at least one meeting is placed. It sets the session PUBLISHED and claims
one `TimetableMail` row per participating participant whose attendee has an email address and one per
coordinator of the session (INSERT ... ON CONFLICT DO NOTHING against the rows' unique constraints), then,
after commit, enqueues the mailing task.

Publishing an already published session again is allowed: it claims rows only for recipients who have none
yet (a participant whose attendee's address was recorded since, a coordinator added since) and mails those.
A timetable already mailed is not mailed again when the schedule changes afterwards: the timetable pages and
their PDF always show the current schedule, and telling people about a change is the coordinators' call
(re-mailing changed timetables is out of scope).

Sending (`timetable_mails_send`) takes unsent rows with SELECT ... FOR UPDATE SKIP LOCKED and stamps
`sent_at` in the same transaction as the mail goes out, so two tasks (or a retried one) mail each row once.
Participants' attendees (contacts) are written to in Japanese; coordinators in their own `language`.
"""

import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clusternet.core.exceptions import ApplicationError
from clusternet.core.permissions import require
from matching.models import (
    MatchingSession,
    MatchingSessionStatus,
    ParticipantStatus,
    SessionParticipant,
    TimetableMail,
)
from matching.permissions import can_run_session
from matching.selectors.timetables import (
    COORDINATOR,
    PARTICIPANT,
    Timetable,
    participant_address,
    participants_not_mailed,
    timetable_build,
)
from matching.timetable_pdf import timetables_pdf
from members.models import User

logger = logging.getLogger(__name__)

PUBLISHABLE = [MatchingSessionStatus.REQUESTS_OPEN, MatchingSessionStatus.SCHEDULING, MatchingSessionStatus.PUBLISHED]
# Mails sent per transaction: the row locks are held while this many mails go out.
BATCH_SIZE = 50


@dataclass
class PublishResult:
    session: MatchingSession
    claimed: int  # timetable mails newly claimed by this call
    not_mailed: list[SessionParticipant] = field(default_factory=list)  # participants without an address


@transaction.atomic
def session_publish(*, actor: User | AnonymousUser, session: MatchingSession) -> PublishResult:
    """Publishes the schedule and claims the timetable mails; see the module docstring for the rules."""
    require(can_run_session(actor, session))
    # Locks the session: two publishes at once run one after the other.
    session = MatchingSession.objects.select_for_update().get(pk=session.pk)
    if session.status not in PUBLISHABLE:
        if session.status == MatchingSessionStatus.FINISHED:
            message = _("The session is over: its schedule can no longer be published.")
        else:
            message = _("The session is still being prepared: take requests and schedule the meetings first.")
        raise ApplicationError(message, extra={"field": "status"})
    if not session.meetings.exists():
        raise ApplicationError(
            _("No meeting is scheduled yet: run the scheduler before publishing."), extra={"field": "meetings"}
        )
    if session.status != MatchingSessionStatus.PUBLISHED:
        session.status = MatchingSessionStatus.PUBLISHED
        session.published_at = timezone.now()
        session.published_by = actor if isinstance(actor, User) else None
        session._history_user = actor  # type: ignore[attr-defined]
        session.save(update_fields=["status", "published_at", "published_by", "updated_at"])

    participants = session.participants.filter(status=ParticipantStatus.PARTICIPATING).select_related("contact")
    rows = [
        TimetableMail(session=session, participant=p, email=participant_address(p))
        for p in participants
        if participant_address(p)
    ]
    for coordinator in session.session_coordinators.select_related("user").filter(user__is_active=True):
        if coordinator.user.email:
            rows.append(TimetableMail(session=session, coordinator=coordinator.user, email=coordinator.user.email))
    existing = TimetableMail.objects.filter(session=session).count()
    # ignore_conflicts: a recipient already claimed (by an earlier publish) keeps its row and its one mail.
    TimetableMail.objects.bulk_create(rows, ignore_conflicts=True)
    claimed = TimetableMail.objects.filter(session=session).count() - existing

    from matching.tasks.timetables import timetable_mails_send_task

    session_id = session.pk
    transaction.on_commit(lambda: timetable_mails_send_task.delay(session_id))
    return PublishResult(session=session, claimed=claimed, not_mailed=participants_not_mailed(session=session))


# -- sending -----------------------------------------------------------------------------------------------


def _timetable_of(mail: TimetableMail) -> Timetable | None:
    if mail.participant_id:
        return timetable_build(session=mail.session, audience=PARTICIPANT, target_id=mail.participant_id)
    return timetable_build(session=mail.session, audience=COORDINATOR, target_id=mail.coordinator_id or 0)


def _language(mail: TimetableMail) -> str:
    if mail.coordinator is not None:
        return mail.coordinator.language or settings.LANGUAGE_CODE
    return "ja"


def timetable_message(mail: TimetableMail) -> EmailMultiAlternatives | None:
    """The mail of one timetable in the recipient's language: plain text, HTML and the PDF; None when the
    recipient no longer has a timetable (a participant who has since declined, say)."""
    timetable = _timetable_of(mail)
    if timetable is None:
        return None
    session = mail.session
    with translation.override(_language(mail)):
        context: dict[str, Any] = {"session": session, "event": session.event, "timetable": timetable}
        subject = render_to_string("matching/emails/timetable_subject.txt", context).strip()
        text = render_to_string("matching/emails/timetable_body.txt", context)
        html = render_to_string("matching/emails/timetable_body.html", context)
    message = EmailMultiAlternatives(subject, text, to=[mail.email])
    message.attach_alternative(html, "text/html")
    message.attach(f"timetable-{session.pk}-{timetable.audience}-{timetable.target_id}.pdf",
                   timetables_pdf(session, [timetable]), "application/pdf")  # fmt: skip
    return message


def _send_batch(*, matching_session_id: int, after_pk: int) -> tuple[int, int | None, OSError | None]:
    """Mails the next batch of unsent rows; returns (sent, last pk looked at or None when none was left, error)."""
    sent = 0
    with transaction.atomic():
        batch = list(
            TimetableMail.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(session_id=matching_session_id, sent_at__isnull=True, pk__gt=after_pk)
            .select_related("session__event", "coordinator")
            .order_by("pk")[:BATCH_SIZE]
        )
        if not batch:
            return 0, None, None
        done: list[int] = []
        error: OSError | None = None
        connection = get_connection()
        connection.open()
        try:
            for mail in batch:
                message = timetable_message(mail)
                if message is None:
                    continue
                try:
                    connection.send_messages([message])
                except OSError as exc:  # smtplib.SMTPException is an OSError
                    logger.warning("Timetable mail %s not sent: %s", mail.pk, exc)
                    error = exc
                    break
                done.append(mail.pk)
                sent += 1
        finally:
            connection.close()
        if done:
            TimetableMail.objects.filter(pk__in=done).update(sent_at=timezone.now())
    return sent, batch[-1].pk, error


def timetable_mails_send(*, matching_session_id: int) -> int:
    """Mails every unsent timetable of a published session once; returns how many went out.

    A mail server error stops the run after committing what was sent, and is raised for the task to retry.
    """
    if not MatchingSession.objects.filter(
        pk=matching_session_id, status__in=[MatchingSessionStatus.PUBLISHED, MatchingSessionStatus.FINISHED]
    ).exists():
        return 0
    total, after_pk = 0, 0
    while True:
        sent, last_pk, error = _send_batch(matching_session_id=matching_session_id, after_pk=after_pk)
        total += sent
        if error is not None:
            raise error
        if last_pk is None:
            return total
        after_pk = last_pk
