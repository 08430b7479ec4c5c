"""The follow-up survey: one answer (a rating of 1 to 5 and free text) per registration that attended.

Participants reach it by their registration's token, without an account, from the mail the reminder job sends
after the event (events/services/reminders.py). The results per event are for the people running it.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clusternet.core.exceptions import ApplicationError
from events.models import Event, EventStatus, Registration, RegistrationStatus, SurveyResponse
from members.models import User


def survey_url(registration: Registration) -> str:
    """The survey's address for a mail: the site's address (SITE_URL) and the token's path."""
    base = settings.SITE_URL.rstrip("/")
    return base + reverse("survey", kwargs={"registration_token": registration.token})


def survey_refusal(registration: Registration, *, now: datetime.datetime | None = None) -> str | None:
    """Why this registration cannot answer the survey now, or None when it can."""
    now = now or timezone.now()
    event = registration.event
    if event.status == EventStatus.CANCELLED:
        return _("This event was cancelled, so there is no survey.")
    if event.starts_at is None or event.starts_at > now:
        return _("The survey opens once the event has started.")
    if registration.status != RegistrationStatus.CONFIRMED or not registration.check_ins.exists():
        return _("The survey is for participants who attended the event.")
    return None


def survey_answered(registration: Registration) -> bool:
    return SurveyResponse.objects.filter(registration=registration).exists()


@transaction.atomic
def survey_submit(
    *,
    actor: User | None,
    registration: Registration,
    rating: int,
    comment: str = "",
    now: datetime.datetime | None = None,
) -> SurveyResponse:
    """Records the registration's answer. Refused before the event, without attendance, or a second time.

    `actor` is None on the token page: the token stands for the participant.
    """
    # Locks the registration, so two submissions at once are told apart here rather than by the unique key.
    registration = Registration.objects.select_for_update().select_related("event").get(pk=registration.pk)
    refusal = survey_refusal(registration, now=now)
    if refusal:
        raise ApplicationError(refusal)
    if survey_answered(registration):
        raise ApplicationError(_("You have already answered this survey. Thank you!"), extra={"field": "rating"})
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise ApplicationError(_("Choose a rating from 1 to 5."), extra={"field": "rating"})
    try:
        with transaction.atomic():
            return SurveyResponse.objects.create(registration=registration, rating=rating, comment=comment.strip())
    except IntegrityError as error:  # answered meanwhile by a path that does not lock the registration
        raise ApplicationError(_("You have already answered this survey. Thank you!")) from error


@dataclass
class SurveyResults:
    count: int
    average: float | None
    # (rating, answers, share of answers in percent) for 5 down to 1, zeros included, for a bar per rating.
    distribution: list[tuple[int, int, int]] = field(default_factory=list)
    comments: list[SurveyResponse] = field(default_factory=list)
    attended: int = 0


def survey_results(*, event: Event) -> SurveyResults:
    """An event's answers: how many, the average rating, how many per rating, and the comments, newest first.

    The caller has checked that the viewer may run the event. Four queries, whatever the number of answers.
    """
    responses = SurveyResponse.objects.filter(registration__event=event)
    summary = responses.aggregate(count=Count("pk"), average=Avg("rating"))
    per_rating = dict(responses.values_list("rating").annotate(n=Count("pk")).order_by())
    count = summary["count"]
    distribution = [
        (rating, per_rating.get(rating, 0), round(100 * per_rating.get(rating, 0) / count) if count else 0)
        for rating in range(5, 0, -1)
    ]
    comments = list(responses.exclude(comment="").order_by("-submitted_at", "-pk"))
    attended = Registration.objects.filter(event=event, check_ins__isnull=False).distinct().count()
    return SurveyResults(
        count=count,
        average=round(summary["average"], 1) if summary["average"] is not None else None,
        distribution=distribution,
        comments=comments,
        attended=attended,
    )
