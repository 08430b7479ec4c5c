"""The daily reminder job of events and visits: safe to run twice, or from two workers at once.

It sends four kinds of mail (the waiting list's "a seat is free" is mailed at once by the registrations
service and only shares the `Reminder` table):

- EVENT_UPCOMING, N days before an event's first session (Asia/Tokyo dates), to each confirmed registration
  of a published event, with the sessions and the event's .ics file;
- SURVEY, N days after its last session, to each registration that checked in and has not answered;
- FOLLOW_UP_DUE, N days before an open follow-up action is due, and FOLLOW_UP_OVERDUE, N days after, to
  its owner.

As billing's payment reminders (billing/services/reminders.py), the job works in two phases, each backed by
the database rather than by the job's own bookkeeping:

1. Claim. A `Reminder` row per (purpose, offset, registration or follow-up, recipient) now due is inserted
   with INSERT ... ON CONFLICT DO NOTHING against the model's partial unique constraints, so two runs claim
   each reminder once between them.
2. Send. Unsent rows are taken in batches with SELECT ... FOR UPDATE SKIP LOCKED, mailed in the recipient's
   language, and stamped `sent_at` in the same transaction: a concurrent run skips the rows this one holds
   and, once they commit, no longer sees them as unsent.

Of several offsets due at once only the latest is claimed: a registration made two days before the event
gets the 1-day reminder when it is due, not the 7-day one on top; and a job that was down for a week sends
one mail, not a burst. An offset also counts only for registrations confirmed by its day, for the same reason.
A skipped offset gets no row: a row means a mail that was, or is about to be, sent.

A row whose reason has gone by the time it would be mailed (the registration cancelled, the event cancelled
or begun, the survey answered, the follow-up done) stays unsent, and the staff's list says why.
"""

import datetime
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.template.loader import render_to_string
from django.utils import timezone, translation

from events.calendar import event_ics
from events.models import (
    CheckIn,
    EventStatus,
    FollowUp,
    FollowUpStatus,
    Registration,
    RegistrationStatus,
    Reminder,
    ReminderPurpose,
    SurveyResponse,
)
from events.permissions import can_manage_events
from events.services.events import event_settings_get
from events.services.surveys import survey_url
from members.models import User

logger = logging.getLogger(__name__)

# Reminders mailed per transaction: the row locks are held while this many mails go out.
BATCH_SIZE = 200
# A survey asked weeks after the event gets few useful answers; nor should turning the survey on (or a
# first run) mail everyone who ever attended.
SURVEY_WINDOW_DAYS = 14

JOB_PURPOSES = [
    ReminderPurpose.EVENT_UPCOMING,
    ReminderPurpose.SURVEY,
    ReminderPurpose.FOLLOW_UP_DUE,
    ReminderPurpose.FOLLOW_UP_OVERDUE,
]


def _tokyo() -> datetime.tzinfo:
    return timezone.get_default_timezone()


def _day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in Asia/Tokyo."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=_tokyo())


def _claim(rows: Iterable[Reminder]) -> int:
    claimed = list(rows)
    # ignore_conflicts: a row another run inserted meanwhile is that run's claim, and this one's no-op.
    Reminder.objects.bulk_create(claimed, ignore_conflicts=True, batch_size=1000)
    return len(claimed)


def _registration_address(registration: Mapping[str, Any]) -> str:
    return registration["email"] or registration["contact__email"] or registration["user__email"] or ""


def _registration_rows(registrations: QuerySet[Registration], *, purpose: str, offset_days: int) -> Iterable[Reminder]:
    values = registrations.order_by("pk").values("pk", "email", "contact__email", "user__email", "language")
    for registration in values:
        address = _registration_address(registration)
        if address:  # nowhere to write to: no row, so one is claimed once an address is recorded
            yield Reminder(
                purpose=purpose,
                offset_days=offset_days,
                registration_id=registration["pk"],
                recipient=address,
                language=registration["language"],
            )


def event_reminders_claim(*, now: datetime.datetime, days: Sequence[int]) -> int:
    """Claims the upcoming-event reminders now due; returns how many registrations qualified."""
    today = timezone.localdate(now, _tokyo())
    qualified = 0
    # Latest offset (fewest days before) first, so a registration claimed at it is excluded from earlier ones.
    for offset in sorted(set(days)):
        later_or_same = Reminder.objects.filter(
            registration=OuterRef("pk"), purpose=ReminderPurpose.EVENT_UPCOMING, offset_days__lte=offset
        )
        registrations = (
            Registration.objects.filter(
                status=RegistrationStatus.CONFIRMED,
                event__status=EventStatus.PUBLISHED,
                event__starts_at__gt=now,
                event__starts_at__lt=_day_start(today + datetime.timedelta(days=offset + 1)),
            )
            .annotate(
                starts_on=TruncDate("event__starts_at", tzinfo=_tokyo()),
                registered_on=TruncDate(Coalesce("confirmed_at", "created_at"), tzinfo=_tokyo()),
            )
            .filter(registered_on__lte=F("starts_on") - datetime.timedelta(days=offset))
            .exclude(Exists(later_or_same))
        )
        qualified += _claim(
            _registration_rows(registrations, purpose=ReminderPurpose.EVENT_UPCOMING, offset_days=offset)
        )
    return qualified


def survey_requests_claim(*, now: datetime.datetime, after_days: int) -> int:
    """Claims the survey requests now due: attended, not yet answered, the event over `after_days` days ago."""
    today = timezone.localdate(now, _tokyo())
    last_day = today - datetime.timedelta(days=after_days)
    registrations = Registration.objects.filter(
        Exists(CheckIn.objects.filter(registration=OuterRef("pk"))),
        status=RegistrationStatus.CONFIRMED,
        event__status=EventStatus.PUBLISHED,
        event__ends_at__lt=_day_start(last_day + datetime.timedelta(days=1)),
        event__ends_at__gte=_day_start(last_day - datetime.timedelta(days=SURVEY_WINDOW_DAYS)),
    ).exclude(
        Exists(SurveyResponse.objects.filter(registration=OuterRef("pk")))
        | Exists(Reminder.objects.filter(registration=OuterRef("pk"), purpose=ReminderPurpose.SURVEY))
    )
    return _claim(_registration_rows(registrations, purpose=ReminderPurpose.SURVEY, offset_days=after_days))


def _follow_up_rows(follow_ups: QuerySet[FollowUp], *, purpose: str, offset_days: int) -> Iterable[Reminder]:
    values = follow_ups.order_by("pk").values("pk", "owner__email", "owner__language")
    for follow_up in values:
        yield Reminder(
            purpose=purpose,
            offset_days=offset_days,
            follow_up_id=follow_up["pk"],
            recipient=follow_up["owner__email"],
            language=follow_up["owner__language"],
        )


def _open_follow_ups() -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(status=FollowUpStatus.OPEN, owner__is_active=True).exclude(owner__email="")


def follow_up_reminders_claim(
    *, today: datetime.date, due_days: Sequence[int], overdue_days: Sequence[int]
) -> tuple[int, int]:
    """Claims the coming-due and overdue reminders of open follow-ups; returns how many of each qualified."""
    due = 0
    # Coming due: the latest offset is the fewest days before the due date.
    for offset in sorted(set(due_days)):
        later_or_same = Reminder.objects.filter(
            follow_up=OuterRef("pk"), purpose=ReminderPurpose.FOLLOW_UP_DUE, offset_days__lte=offset
        )
        follow_ups = (
            _open_follow_ups()
            .filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=offset))
            .exclude(Exists(later_or_same))
        )
        due += _claim(_follow_up_rows(follow_ups, purpose=ReminderPurpose.FOLLOW_UP_DUE, offset_days=offset))
    overdue = 0
    # Overdue: the latest offset is the most days after the due date.
    for offset in sorted(set(overdue_days), reverse=True):
        later_or_same = Reminder.objects.filter(
            follow_up=OuterRef("pk"), purpose=ReminderPurpose.FOLLOW_UP_OVERDUE, offset_days__gte=offset
        )
        follow_ups = _open_follow_ups().filter(due_on__lte=today - datetime.timedelta(days=offset))
        follow_ups = follow_ups.exclude(Exists(later_or_same))
        overdue += _claim(_follow_up_rows(follow_ups, purpose=ReminderPurpose.FOLLOW_UP_OVERDUE, offset_days=offset))
    return due, overdue


# -- sending -----------------------------------------------------------------------------------------------


def sendable(now: datetime.datetime) -> Q:
    """Unsent rows of the job whose reason still holds; the others stay unsent (see the module docstring)."""
    registration_live = Q(
        registration__status=RegistrationStatus.CONFIRMED, registration__event__status=EventStatus.PUBLISHED
    )
    return Q(sent_at__isnull=True) & (
        Q(purpose=ReminderPurpose.EVENT_UPCOMING, registration__event__starts_at__gt=now) & registration_live
        | Q(purpose=ReminderPurpose.SURVEY, registration__survey_response__isnull=True) & registration_live
        | Q(
            purpose__in=[ReminderPurpose.FOLLOW_UP_DUE, ReminderPurpose.FOLLOW_UP_OVERDUE],
            follow_up__status=FollowUpStatus.OPEN,
        )
    )


def _render(name: str, context: dict[str, Any]) -> tuple[str, str]:
    subject = render_to_string(f"events/email/{name}_subject.txt", context).strip()
    body = render_to_string(f"events/email/{name}.txt", context)
    return subject, body


def _event_upcoming_message(reminder: Reminder, today: datetime.date, ics: Callable[[Any], bytes]) -> EmailMessage:
    # Claimed for a registration, sent only while its event is ahead (see `sendable`).
    registration = cast(Registration, reminder.registration)
    event = registration.event
    starts_at = cast(datetime.datetime, event.starts_at)
    context = {
        "registration": registration,
        "event": event,
        "sessions": event.sessions.all(),
        "days": (timezone.localdate(starts_at, _tokyo()) - today).days,
    }
    subject, body = _render("event_upcoming", context)
    message = EmailMessage(subject, body, to=[reminder.recipient])
    message.attach(f"event-{event.pk}.ics", ics(event), "text/calendar")
    return message


def _survey_message(reminder: Reminder) -> EmailMessage:
    registration = cast(Registration, reminder.registration)
    context = {"registration": registration, "event": registration.event, "url": survey_url(registration)}
    subject, body = _render("survey", context)
    return EmailMessage(subject, body, to=[reminder.recipient])


def _follow_up_message(reminder: Reminder, today: datetime.date) -> EmailMessage:
    follow_up = cast(FollowUp, reminder.follow_up)
    context = {
        "follow_up": follow_up,
        "owner": follow_up.owner,
        "organization": follow_up.organization,
        # The days actually left or past, which differ from the offset when the job ran late.
        "days": abs((follow_up.due_on - today).days),
    }
    name = "follow_up_due" if reminder.purpose == ReminderPurpose.FOLLOW_UP_DUE else "follow_up_overdue"
    subject, body = _render(name, context)
    return EmailMessage(subject, body, to=[reminder.recipient])


def reminder_message(
    reminder: Reminder, *, today: datetime.date, ics: Callable[[Any], bytes] = event_ics
) -> EmailMessage:
    """The mail of one reminder, in the recipient's language."""
    with translation.override(reminder.language or settings.LANGUAGE_CODE):
        if reminder.purpose == ReminderPurpose.EVENT_UPCOMING:
            return _event_upcoming_message(reminder, today, ics)
        if reminder.purpose == ReminderPurpose.SURVEY:
            return _survey_message(reminder)
        return _follow_up_message(reminder, today)


def _send_batch(*, after_pk: int, now: datetime.datetime) -> tuple[dict[str, int], int | None, OSError | None]:
    """Mails the next batch of unsent reminders after `after_pk`.

    Returns (sent per purpose, last pk looked at or None when nothing was left, the mail error that stopped it).
    """
    today = timezone.localdate(now, _tokyo())
    sent: dict[str, int] = {purpose.value: 0 for purpose in JOB_PURPOSES}
    with transaction.atomic():
        batch = list(
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(sendable(now), pk__gt=after_pk)
            .select_related("registration__event", "follow_up__owner", "follow_up__organization")
            .prefetch_related("registration__event__sessions")
            .order_by("pk")[:BATCH_SIZE]
        )
        if not batch:
            return sent, None, None
        files: dict[int, bytes] = {}

        def ics(event: Any) -> bytes:  # one calendar file per event and batch, however many registrants
            if event.pk not in files:
                files[event.pk] = event_ics(event)
            return files[event.pk]

        done: list[int] = []
        error: OSError | None = None
        connection = get_connection()
        connection.open()
        try:
            for reminder in batch:
                message = reminder_message(reminder, today=today, ics=ics)
                try:
                    connection.send_messages([message])
                except OSError as exc:  # smtplib.SMTPException is an OSError
                    # Keep what went out (committed below) and stop: the task retries the rest later.
                    logger.warning("Reminder %s not sent: %s", reminder.pk, exc)
                    error = exc
                    break
                done.append(reminder.pk)
                sent[reminder.purpose] += 1
        finally:
            connection.close()
        if done:
            Reminder.objects.filter(pk__in=done).update(sent_at=timezone.now())
    return sent, batch[-1].pk, error


def reminders_send(*, now: datetime.datetime) -> dict[str, int]:
    """Mails every sendable unsent reminder once; returns how many went out per purpose."""
    total: dict[str, int] = {purpose.value: 0 for purpose in JOB_PURPOSES}
    after_pk = 0
    while True:
        sent, last_pk, error = _send_batch(after_pk=after_pk, now=now)
        for purpose, count in sent.items():
            total[purpose] += count
        if error is not None:
            raise error
        if last_pk is None:
            return total
        after_pk = last_pk


def event_reminders_run(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """The daily job: claims the reminders now due and mails every unsent one once.

    Returns how many mails went out per purpose (`event_upcoming`, `survey`, `follow_up_due`,
    `follow_up_overdue`). Deliberately not one transaction: claims commit first and each batch commits its
    mails, so a second run, or a run on another worker at the same time, finds them taken.
    A mail server error stops the run after committing what was sent, and is raised for the task to retry.
    """
    now = now or timezone.now()
    today = timezone.localdate(now, _tokyo())
    event_settings = event_settings_get()
    event_reminders_claim(now=now, days=event_settings.event_reminder_days or [])
    survey_requests_claim(now=now, after_days=event_settings.survey_after_days)
    follow_up_reminders_claim(
        today=today,
        due_days=event_settings.follow_up_due_days or [],
        overdue_days=event_settings.follow_up_overdue_days or [],
    )
    return reminders_send(now=now)


# -- reads -------------------------------------------------------------------------------------------------
# The staff's list of what was sent lives beside the job that writes it (events/selectors belongs to the
# event pages' work).


def reminder_list(
    *, viewer: User | AnonymousUser, purpose: str | None = None, sent: bool | None = None
) -> QuerySet[Reminder]:
    """Every reminder, newest first, with what it was about, for staff; nothing for anyone else."""
    if not can_manage_events(viewer):
        return Reminder.objects.none()
    reminders = Reminder.objects.select_related(
        "registration__event", "follow_up__organization", "follow_up__owner"
    ).order_by("-created_at", "-pk")
    if purpose:
        reminders = reminders.filter(purpose=purpose)
    if sent is not None:
        reminders = reminders.filter(sent_at__isnull=not sent)
    return reminders
