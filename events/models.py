"""The secretariat's everyday work with firms: events (seminars, study groups, exhibitions, ...), company visits
with their follow-up actions, and the reminders sent about both.

Visits live here beside events rather than in an app of their own: both are the association's activities
with member firms, share the reminder machinery and the activity report, and link to each other (an event
is planned from what visits revealed).
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from clusternet.core.models import TimeStampedModel
from members.models import Contact, Organization

# -- settings ----------------------------------------------------------------------------------------------


def default_event_reminder_days() -> list[int]:
    return [7, 1]


def default_follow_up_due_days() -> list[int]:
    return [3]


def default_follow_up_overdue_days() -> list[int]:
    return [1]


class EventSettings(TimeStampedModel):
    """When reminders go out; one row (pk=1). The time of day is the beat schedule's (Asia/Tokyo)."""

    event_reminder_days = models.JSONField(
        _("event reminders (days before the first session)"), default=default_event_reminder_days, blank=True
    )
    follow_up_due_days = models.JSONField(
        _("follow-up reminders (days before due)"), default=default_follow_up_due_days, blank=True
    )
    follow_up_overdue_days = models.JSONField(
        _("overdue follow-up reminders (days after due)"), default=default_follow_up_overdue_days, blank=True
    )
    survey_after_days = models.PositiveSmallIntegerField(_("survey request (days after the last session)"), default=1)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("event and visit settings")
        verbose_name_plural = _("event and visit settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


# -- study groups ------------------------------------------------------------------------------------------


class StudyGroup(TimeStampedModel):
    """A 研究会: meets 4–5 times a year; its meetings are events of kind study group."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    participation_fee = models.PositiveIntegerField(
        _("participation fee (yen per fiscal year)"),
        default=0,
        help_text=_("Charged to each committee member's organisation; 0 when the group has none."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("study group")
        verbose_name_plural = _("study groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StudyGroupRole(models.TextChoices):
    CHAIR = "chair", _("Chair")  # 座長
    COMMITTEE = "committee", _("Committee member")  # 委員
    OBSERVER = "observer", _("Observer")  # オブザーバー
    SECRETARIAT = "secretariat", pgettext_lazy("study group role", "Secretariat")  # 事務局


class StudyGroupMember(TimeStampedModel):
    """A person on a study group's roster, through the register's contact (so their firm is known)."""

    study_group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="roster")
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="study_group_seats")
    role = models.CharField(_("role"), max_length=16, choices=StudyGroupRole.choices)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("study group member")
        verbose_name_plural = _("study group members")
        constraints = [
            models.UniqueConstraint(fields=["study_group", "contact"], name="one_seat_per_person_and_study_group")
        ]

    def __str__(self) -> str:
        return f"{self.study_group} / {self.contact}"


# -- company visits ----------------------------------------------------------------------------------------


class OutcomeCategory(models.Model):
    """A configurable outcome of a visit (課題解決支援, ...). Names are data, kept in both languages."""

    name = models.CharField(_("name (Japanese)"), max_length=100, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("outcome category")
        verbose_name_plural = _("outcome categories")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.name_en and translation.get_language() == "en":
            return self.name_en
        return self.name


class VisitSource(models.TextChoices):
    NEWSPAPER = "newspaper", _("Newspaper")
    TECHNICAL_REPORT = "technical_report", _("Technical report")
    BANK = "bank", _("Bank tip")
    SURVEY = "survey", _("Survey")
    REFERRAL = "referral", _("Referral")
    OTHER = "other", _("Other")


class VisitPlanStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    APPROVED = "approved", _("Approved")
    VISITED = "visited", _("Visited")
    DROPPED = "dropped", _("Dropped")


class VisitPlan(TimeStampedModel):
    """A firm to visit, with why and where the tip came from, approved by the steering committee."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="visit_plans")
    reason = models.TextField(_("reason"))
    source = models.CharField(_("source"), max_length=20, choices=VisitSource.choices)
    source_detail = models.CharField(_("source detail"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=VisitPlanStatus.choices, default=VisitPlanStatus.PLANNED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    dropped_reason = models.CharField(_("reason for dropping"), max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("visit plan")
        verbose_name_plural = _("visit plans")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.organization)


class Visit(TimeStampedModel):
    """A company visit (企業訪問). What was heard is for staff and coordinators only."""

    visited_on = models.DateField(_("visited on"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="visits")
    plan = models.ForeignKey(
        VisitPlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="visits", verbose_name=_("plan")
    )
    visitors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="visits", verbose_name=_("who went"), blank=True
    )
    other_visitors = models.CharField(
        _("others who went"),
        max_length=300,
        blank=True,
        help_text=_("People of partner organisations without an account, e.g. a city's industry section."),
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    heard_technology = models.TextField(_("technology"), blank=True)
    heard_management = models.TextField(_("management issues"), blank=True)
    heard_seeds = models.TextField(_("seeds"), blank=True)
    heard_needs = models.TextField(_("needs"), blank=True)
    outcomes = models.ManyToManyField(OutcomeCategory, related_name="visits", verbose_name=_("outcomes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("company visit")
        verbose_name_plural = _("company visits")
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["organization", "visited_on"]), models.Index(fields=["visited_on"])]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.organization}"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class FollowUp(TimeStampedModel):
    """An action promised on a visit: what, who owns it, by when."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="follow_ups")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="follow_ups")
    description = models.CharField(_("what"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("owner")
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=16, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"]), models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return self.description


# -- events ------------------------------------------------------------------------------------------------


class EventKind(models.TextChoices):
    SEMINAR = "seminar", _("Seminar / lecture")
    STUDY_GROUP = "study_group", _("Study group meeting")
    CAFE = "cafe", _("Café / networking evening")
    TOUR = "tour", _("Factory or site tour")
    PRESENTATION_DAY = "presentation_day", _("Presentation day")
    EXHIBITION = "exhibition", _("Exhibition (joint booth)")
    MATCHING_FAIR = "matching_fair", _("Matching fair")
    TRAINING_COURSE = "training_course", _("Training course")
    OVERSEAS_MISSION = "overseas_mission", _("Overseas mission")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class Event(TimeStampedModel):
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=EventStatus.choices, default=EventStatus.DRAFT)
    is_public = models.BooleanField(
        _("open to non-members"),
        default=True,
        help_text=_("Listed in the public calendar feed, with a registration page anyone can use."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    has_waiting_list = models.BooleanField(_("waiting list when full"), default=True)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    cancellation_deadline = models.DateTimeField(_("cancellation deadline"), null=True, blank=True)
    member_price = models.PositiveIntegerField(_("member price (yen)"), default=0)
    non_member_price = models.PositiveIntegerField(_("non-member price (yen)"), default=0)
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="organised_events", verbose_name=_("organisers"), blank=True
    )
    study_group = models.ForeignKey(
        StudyGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="meetings",
        verbose_name=_("study group"),
    )  # fmt: skip
    # Seminars are planned from what visits revealed; the needs that motivated an event arrive with matching.
    motivating_visits = models.ManyToManyField(
        Visit, related_name="motivated_events", verbose_name=_("visits that motivated it"), blank=True
    )
    # First session's start and last session's end, kept by the session services: the list, the feed and the
    # reminder job order and filter on them without touching sessions.
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True, editable=False)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(registration_closes_at__isnull=True)
                | Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__gt=F("registration_opens_at")),
                name="event_registration_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class EventSession(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200, blank=True, help_text=_("e.g. Part 3: quality control"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_it_starts"),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.event} {self.starts_at:%Y-%m-%d}"


class Exhibitor(models.Model):
    """A member firm sharing the association's joint booth at an exhibition."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="exhibitors")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="exhibitions")
    exhibit = models.CharField(_("what they show"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("exhibitor")
        verbose_name_plural = _("exhibitors")
        constraints = [models.UniqueConstraint(fields=["event", "organization"], name="one_booth_place_per_firm")]

    def __str__(self) -> str:
        return str(self.organization)


class ExhibitionLead(TimeStampedModel):
    """A visitor met at the booth: who, interested in what. Becomes a contact (and, with matching, a need)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="leads")
    exhibitor = models.ForeignKey(
        Exhibitor, on_delete=models.SET_NULL, null=True, blank=True, related_name="leads",
        verbose_name=_("met at the booth of"),
    )  # fmt: skip
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    organization_name = models.CharField(_("organisation"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    interest = models.TextField(_("interested in"))
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("contact")
    )

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organization_name} {self.name}"


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting email confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


LIVE_REGISTRATION_STATUSES = [RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]


def person_key_for(email: str, contact_id: int | None) -> str:
    """Who a registration is for, as the uniqueness constraint sees it: the email, else the register's contact."""
    if email:
        return email.strip().lower()
    if contact_id is None:
        raise ValueError("a registration needs an email or a contact")
    return f"contact:{contact_id}"


class Registration(TimeStampedModel):
    """One person's place at an event (all of its sessions), or on its waiting list.

    `person_key` (the email, lower-cased, or the contact when there is no email) keeps one live registration
    per person and event. `token` is the person's key to their registration without an account: the email
    confirmation link, the QR code checked in at reception, the survey link.
    """

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="registrations")
    status = models.CharField(_("status"), max_length=16, choices=RegistrationStatus.choices)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="event_registrations",
        verbose_name=_("organisation"),
    )  # fmt: skip
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="event_registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="event_registrations"
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    name_kana = models.CharField(_("name (kana)"), max_length=100)
    email = models.EmailField(_("email"), blank=True)
    organization_name = models.CharField(_("organisation"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="ja")
    is_member = models.BooleanField(_("member price"), default=False)
    price = models.PositiveIntegerField(_("price (yen)"), default=0)
    invoice = models.ForeignKey(
        "billing.Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="event_registrations"
    )
    person_key = models.CharField(max_length=254, editable=False)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    waitlisted_at = models.DateTimeField(_("waitlisted at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["name_kana", "pk"]
        indexes = [models.Index(fields=["event", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person_key"],
                condition=Q(status__in=LIVE_REGISTRATION_STATUSES),
                name="one_live_registration_per_person_and_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} / {self.name}"


class CheckIn(models.Model):
    """Attendance: a registration checked in at one session."""

    class Method(models.TextChoices):
        LIST = "list", _("Reception list")
        QR = "qr", _("QR code")
        API = "api", _("API")

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="check_ins")
    session = models.ForeignKey(EventSession, on_delete=models.CASCADE, related_name="check_ins")
    method = models.CharField(_("check-in method"), max_length=8, choices=Method.choices)
    checked_in_at = models.DateTimeField(_("checked in at"), auto_now_add=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [models.UniqueConstraint(fields=["registration", "session"], name="one_check_in_per_session")]

    def __str__(self) -> str:
        return f"{self.registration} @ {self.session}"


class SurveyResponse(models.Model):
    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="survey_response")
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)], help_text=_("1 (poor) to 5 (excellent)")
    )
    comment = models.TextField(_("comments"), blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="survey_rating_1_to_5")]

    def __str__(self) -> str:
        return f"{self.registration}: {self.rating}"


# -- reminders ---------------------------------------------------------------------------------------------


class ReminderPurpose(models.TextChoices):
    EVENT_UPCOMING = "event_upcoming", _("Upcoming event")
    SEAT_FREED = "seat_freed", _("Seat freed from the waiting list")
    SURVEY = "survey", _("Follow-up survey")
    FOLLOW_UP_DUE = "follow_up_due", _("Follow-up coming due")
    FOLLOW_UP_OVERDUE = "follow_up_overdue", _("Follow-up overdue")


class Reminder(models.Model):
    """One reminder to one recipient for one purpose (and offset, e.g. 7 or 1 days before): at most once.

    A row is claimed before the mail goes out and stamped `sent_at` when it has; the partial unique
    constraints make a second claim by a re-run job or a second worker a no-op.
    """

    purpose = models.CharField(_("purpose"), max_length=24, choices=ReminderPurpose.choices)
    offset_days = models.SmallIntegerField(_("days"), default=0)
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders")
    recipient = models.EmailField(_("recipient"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="ja")
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(registration__isnull=True) ^ Q(follow_up__isnull=True), name="reminder_has_one_subject"
            ),
            models.UniqueConstraint(
                fields=["purpose", "offset_days", "registration", "recipient"],
                condition=Q(registration__isnull=False),
                name="one_registration_reminder_per_recipient",
            ),
            models.UniqueConstraint(
                fields=["purpose", "offset_days", "follow_up", "recipient"],
                condition=Q(follow_up__isnull=False),
                name="one_follow_up_reminder_per_recipient",
            ),
        ]
        indexes = [models.Index(fields=["sent_at"], name="reminder_unsent", condition=Q(sent_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} → {self.recipient}"
