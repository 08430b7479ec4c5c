"""Matching sessions (マッチング会): participants ask to meet each other, the requested side answers, and the
scheduler places the accepted meetings into time slots and tables. After the day, each meeting is rated and
its outcome feeds the matching cases.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from clusternet.core.models import TimeStampedModel
from matching.models.cases import MatchingCase
from matching.models.entries import Need, Seed
from members.models import Contact, Organization


class MatchingSessionStatus(models.TextChoices):
    PREPARING = "preparing", _("Preparing")
    REQUESTS_OPEN = "requests_open", _("Taking requests")
    SCHEDULING = "scheduling", _("Scheduling")
    PUBLISHED = "published", _("Schedule published")
    FINISHED = "finished", _("Finished")


class MatchingSession(TimeStampedModel):
    event = models.OneToOneField(
        "events.Event", on_delete=models.PROTECT, related_name="matching_session", verbose_name=_("event"),
        limit_choices_to={"kind": "matching_fair"},
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=16, choices=MatchingSessionStatus.choices, default=MatchingSessionStatus.PREPARING
    )
    table_count = models.PositiveSmallIntegerField(_("tables"), validators=[MinValueValidator(1)])
    # Requests and answers close here; a request still pending then has expired.
    request_deadline = models.DateTimeField(_("requests and answers close"))
    # A request not answered within this many days expires earlier, so it stops blocking the requester's slots.
    response_days = models.PositiveSmallIntegerField(_("days to answer a request"), default=3)
    # Fairness: every participant with an accepted request gets at least this many meetings where feasible.
    min_meetings = models.PositiveSmallIntegerField(_("guaranteed meetings per participant"), default=1)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="SessionCoordinator", related_name="matching_sessions",
        verbose_name=_("coordinators"),
    )  # fmt: skip
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("matching session")
        verbose_name_plural = _("matching sessions")
        ordering = ["-request_deadline", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(table_count__gte=1), name="matching_session_has_a_table")]

    def __str__(self) -> str:
        return str(self.event)


class SessionSlot(models.Model):
    session = models.ForeignKey(MatchingSession, on_delete=models.CASCADE, related_name="slots")
    index = models.PositiveSmallIntegerField(_("slot"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")
        ordering = ["session", "index"]
        constraints = [
            models.UniqueConstraint(fields=["session", "index"], name="session_slot_index_unique"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_slot_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.index + 1}"


class ParticipantStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    PARTICIPATING = "participating", _("Participating")
    DECLINED = "declined", _("Not coming")


class SessionParticipant(TimeStampedModel):
    session = models.ForeignKey(MatchingSession, on_delete=models.CASCADE, related_name="participants")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="matching_sessions", verbose_name=_("organisation")
    )
    # The person who comes: the timetable is mailed to them.
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("attendee")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ParticipantStatus.choices, default=ParticipantStatus.INVITED
    )
    unavailable_slots = models.JSONField(_("unavailable slots"), default=list, blank=True)
    # Set on the day: the participant did not come, and their later meetings free their slots.
    no_show = models.BooleanField(_("did not come"), default=False)
    profile = models.TextField(_("what we offer and look for"), blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["session", "organization__name_kana", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "organization"], name="session_participant_once"),
        ]

    def __str__(self) -> str:
        return str(self.organization)


class SessionCoordinator(models.Model):
    session = models.ForeignKey(MatchingSession, on_delete=models.CASCADE, related_name="session_coordinators")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unavailable_slots = models.JSONField(_("unavailable slots"), default=list, blank=True)

    class Meta:
        verbose_name = _("session coordinator")
        verbose_name_plural = _("session coordinators")
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="session_coordinator_once")]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.user_id}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", pgettext_lazy("meeting request", "Declined")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", pgettext_lazy("meeting request", "Withdrawn")


PRIORITY_WEIGHT = {1: 3, 2: 2, 3: 1}


class MeetingRequest(TimeStampedModel):
    session = models.ForeignKey(MatchingSession, on_delete=models.CASCADE, related_name="requests")
    requester = models.ForeignKey(
        SessionParticipant, on_delete=models.CASCADE, related_name="requests_made", verbose_name=_("requested by")
    )
    requested = models.ForeignKey(
        SessionParticipant, on_delete=models.CASCADE, related_name="requests_received",
        verbose_name=_("requested participant"),
    )  # fmt: skip
    priority = models.PositiveSmallIntegerField(
        _("priority"), validators=[MinValueValidator(1), MaxValueValidator(3)], default=2
    )
    purpose = models.TextField(_("purpose"), blank=True)
    needs_coordinator = models.BooleanField(_("needs a coordinator present"), default=False)
    seed = models.ForeignKey(Seed, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    need = models.ForeignKey(Need, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    # Coordinators add meetings themselves: those are accepted from the start.
    added_by_coordinator = models.BooleanField(_("added by a coordinator"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField(_("answer by"))
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Once-only guard for the mail telling the requester that the request expired.
    expiry_notice_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        ordering = ["session", "priority", "pk"]
        indexes = [models.Index(fields=["status", "expires_at"])]
        constraints = [
            models.CheckConstraint(condition=~Q(requester=F("requested")), name="meeting_request_not_with_oneself"),
            models.CheckConstraint(condition=Q(priority__gte=1, priority__lte=3), name="meeting_request_priority_1_3"),
            # One request per pair, whichever side asked first.
            models.UniqueConstraint(
                "session", Least("requester", "requested"), Greatest("requester", "requested"),
                name="meeting_request_once_per_pair",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.requester} → {self.requested}"

    @property
    def weight(self) -> int:
        return PRIORITY_WEIGHT[self.priority]


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    NOT_HELD = "not_held", _("Did not take place")


class MeetingOutcome(models.TextChoices):
    NO_FOLLOW_UP = "no_follow_up", _("No follow-up")
    CONTINUING = "continuing", _("Continuing")
    NEGOTIATING = "negotiating", _("Negotiating")
    DEAL = "deal", _("Deal")


class Meeting(TimeStampedModel):
    """A request placed in the schedule: a slot, a table and, where needed, a coordinator."""

    session = models.ForeignKey(MatchingSession, on_delete=models.CASCADE, related_name="meetings")
    request = models.OneToOneField(MeetingRequest, on_delete=models.CASCADE, related_name="meeting")
    slot = models.ForeignKey(SessionSlot, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("slot"))
    table = models.PositiveSmallIntegerField(_("table"))
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("coordinator"),
    )  # fmt: skip
    # Placed or kept by hand: a re-run of the scheduler leaves it where it is.
    locked = models.BooleanField(_("locked"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=MeetingOutcome.choices, blank=True)
    deal_amount = models.PositiveBigIntegerField(_("deal amount (yen)"), null=True, blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Continuing meetings become (or update) a matching case.
    case = models.ForeignKey(
        MatchingCase, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings",
        verbose_name=_("matching case"),
    )  # fmt: skip

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["session", "slot__index", "table"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "table"], name="meeting_one_per_table_and_slot"),
            models.UniqueConstraint(
                fields=["slot", "coordinator"], condition=Q(coordinator__isnull=False),
                name="meeting_coordinator_one_per_slot",
            ),
            models.CheckConstraint(
                condition=Q(outcome="deal") | Q(deal_amount__isnull=True), name="meeting_deal_amount_only_for_deals"
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.request} ({self.slot}/{self.table})"


class MeetingRatingChoice(models.TextChoices):
    NOT_HELD = "not_held", _("Did not take place")
    NOT_INTERESTED = "not_interested", _("Not enough interest")
    INFORMATIVE = "informative", _("Informative, no cooperation planned")
    COOPERATION_POSSIBLE = "cooperation_possible", _("Cooperation possible")


class MeetingRating(TimeStampedModel):
    """Each side's own view of a meeting, given after the session."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="ratings")
    participant = models.ForeignKey(SessionParticipant, on_delete=models.CASCADE, related_name="ratings")
    rating = models.CharField(_("rating"), max_length=24, choices=MeetingRatingChoice.choices)
    comment = models.TextField(_("comment"), blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("meeting rating")
        verbose_name_plural = _("meeting ratings")
        constraints = [models.UniqueConstraint(fields=["meeting", "participant"], name="meeting_rating_once_per_side")]

    def __str__(self) -> str:
        return f"{self.meeting_id}/{self.participant_id}: {self.rating}"


class ScheduleRunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ScheduleRun(models.Model):
    """One run of the scheduler, kept so staff see what the optimiser achieved and how far from the bound."""

    session = models.ForeignKey(MatchingSession, on_delete=models.CASCADE, related_name="schedule_runs")
    exact = models.BooleanField(_("optimised"), default=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ScheduleRunStatus.choices, default=ScheduleRunStatus.QUEUED
    )
    min_meetings = models.PositiveSmallIntegerField(_("guaranteed meetings per participant"), default=0)
    time_limit = models.PositiveIntegerField(_("time limit (seconds)"), default=20)
    weight = models.PositiveIntegerField(_("weight"), null=True, blank=True)
    bound = models.FloatField(_("bound"), null=True, blank=True)
    gap = models.FloatField(_("gap"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    placed = models.PositiveIntegerField(_("meetings placed"), null=True, blank=True)
    solver_status = models.CharField(max_length=40, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("schedule run")
        verbose_name_plural = _("schedule runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.status}"


class TimetableMail(models.Model):
    """Once-only record of a timetable mailed on publication: one per participant, one per coordinator."""

    session = models.ForeignKey(MatchingSession, on_delete=models.CASCADE, related_name="timetable_mails")
    participant = models.ForeignKey(
        SessionParticipant, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    email = models.EmailField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], condition=Q(participant__isnull=False),
                name="timetable_mail_once_per_participant",
            ),
            models.UniqueConstraint(
                fields=["session", "coordinator"], condition=Q(coordinator__isnull=False),
                name="timetable_mail_once_per_coordinator",
            ),
            models.CheckConstraint(
                condition=Q(participant__isnull=True) ^ Q(coordinator__isnull=True),
                name="timetable_mail_one_recipient",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.email
