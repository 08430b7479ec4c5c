"""Seeds (技術シーズ, technologies on offer) and needs (ニーズ, problems or wanted technologies).

Both share one abstract shape: an owner organisation, Japanese prose, a field, a stage, a visibility, and the
screening state the coordinators' meeting moves them through. Only active entries are matched.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from clusternet.core.models import TimeStampedModel
from members.models import Organization


class TechField(models.TextChoices):
    """The field an entry is filed under; the labels are the association's categories."""

    MANUFACTURING = "manufacturing", _("Manufacturing")
    BIO_MEDICAL = "bio_medical", _("Bio / medical")
    IT_ELECTRONICS = "it_electronics", _("IT / electronics")
    ENVIRONMENT_ENERGY = "environment_energy", _("Environment / energy")
    FOOD_AGRICULTURE = "food_agriculture", _("Food / agriculture")
    MATERIALS_CHEMISTRY = "materials_chemistry", _("Materials / chemistry")


class Stage(models.TextChoices):
    IDEA = "idea", _("Idea")
    RESEARCH = "research", _("Research")
    PROTOTYPE = "prototype", _("Prototype")
    PRODUCT = "product", _("Product")


class Visibility(models.TextChoices):
    MEMBERS = "members", _("All members")
    COORDINATORS = "coordinators", _("Coordinators only")
    NAMED = "named", _("Named organisations")


class EntryStatus(models.TextChoices):
    """Screening: submitted entries wait for the coordinators' meeting; only active ones are matched."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting screening")
    QUESTION = "question", _("Sent back with a question")
    ACTIVE = "active", _("Active")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("entry status", "Withdrawn")


class PatentStatus(models.TextChoices):
    NOT_FILED = "not_filed", _("Not filed")
    FILED = "filed", _("Filed")
    GRANTED = "granted", _("Granted")


class NeedTiming(models.TextChoices):
    SOON = "soon", _("As soon as possible")
    WITHIN_YEAR = "within_year", _("Within a year")
    WITHIN_THREE_YEARS = "within_three_years", _("Within three years")
    UNDECIDED = "undecided", _("Undecided")


class Entry(TimeStampedModel):
    owner = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="%(class)ss", verbose_name=_("owner organisation")
    )
    title = models.CharField(pgettext_lazy("matching", "title"), max_length=200)
    description = models.TextField(_("description"))
    field = models.CharField(pgettext_lazy("matching", "field"), max_length=32, choices=TechField.choices)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.RESEARCH)
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    # Read only when visibility is NAMED: the organisations (besides the owner) that may see the entry.
    audience = models.ManyToManyField(
        Organization, related_name="+", blank=True, verbose_name=_("organisations that may see it")
    )
    status = models.CharField(_("status"), max_length=16, choices=EntryStatus.choices, default=EntryStatus.SUBMITTED)
    # The coordinators' question (status QUESTION) or reason (status DECLINED), shown to the owner.
    screening_note = models.TextField(_("screening note"), blank=True)
    screened_at = models.DateTimeField(_("screened"), null=True, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A coordinator registers what a firm said on a visit; the entry keeps the link.
    visit = models.ForeignKey(
        "events.Visit", on_delete=models.SET_NULL, null=True, blank=True, related_name="%(class)ss",
        verbose_name=_("visit"),
    )  # fmt: skip

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Seed(Entry):
    patent_status = models.CharField(
        _("patent status"), max_length=16, choices=PatentStatus.choices, default=PatentStatus.NOT_FILED
    )
    offers_license = models.BooleanField(_("open to licensing"), default=False)
    offers_joint_research = models.BooleanField(_("open to joint research"), default=False)
    offers_supply = models.BooleanField(_("open to supply"), default=False)

    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[Entry.audience.field])

    class Meta(Entry.Meta):
        verbose_name = _("seed")
        verbose_name_plural = _("seeds")
        indexes = [models.Index(fields=["status", "field"])]


class Need(Entry):
    timing = models.CharField(
        _("desired timing"), max_length=24, choices=NeedTiming.choices, default=NeedTiming.UNDECIDED
    )
    budget_min = models.PositiveBigIntegerField(_("budget from (yen)"), null=True, blank=True)
    budget_max = models.PositiveBigIntegerField(_("budget up to (yen)"), null=True, blank=True)
    # A need heard at an exhibition booth keeps the lead it came from.
    lead = models.ForeignKey(
        "events.ExhibitionLead", on_delete=models.SET_NULL, null=True, blank=True, related_name="needs",
        verbose_name=_("exhibition lead"),
    )  # fmt: skip

    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[Entry.audience.field])

    class Meta(Entry.Meta):
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        indexes = [models.Index(fields=["status", "field"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True) | Q(budget_max__isnull=True) | Q(budget_max__gte=F("budget_min")),
                name="need_budget_range_ordered",
            ),
        ]


class RecommendationFeedback(TimeStampedModel):
    """A coordinator's verdict on one recommended pair; the recommender reads it back as a signal."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="feedback")
    seed = models.ForeignKey(Seed, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    useful = models.BooleanField(_("useful"))

    class Meta:
        verbose_name = _("recommendation feedback")
        verbose_name_plural = _("recommendation feedback")
        constraints = [
            models.UniqueConstraint(fields=["need", "seed", "user"], name="recommendation_feedback_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.need_id}–{self.seed_id}: {self.useful}"
