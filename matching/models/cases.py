"""Matching cases (連携案件): the parties a match brought together, followed stage by stage until first sales,
or to the stage where the case was dropped and why. The funnel of stages reached is the figure that matters.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from clusternet.core.models import TimeStampedModel
from matching.models.entries import Need, Seed, TechField
from members.models import Organization


class CaseStage(models.TextChoices):
    """In pipeline order; DROPPED is not a stage reached but the end of a case that stopped."""

    INTRODUCED = "introduced", _("Introduced")
    MEETING_HELD = "meeting_held", _("Meeting held")
    JOINT_DEVELOPMENT = "joint_development", _("Joint research / development")
    PROTOTYPE = "prototype", _("Prototype")
    COMMERCIALISED = "commercialised", _("Commercialised")
    FIRST_SALES = "first_sales", _("First sales")
    DROPPED = "dropped", _("Dropped")

    @classmethod
    def pipeline(cls) -> list["CaseStage"]:
        return [stage for stage in cls if stage != cls.DROPPED]

    @classmethod
    def rank(cls, stage: str) -> int:
        """Position in the pipeline (0 = introduced); DROPPED has none."""
        return [s.value for s in cls.pipeline()].index(stage)


class MatchingCase(TimeStampedModel):
    title = models.CharField(pgettext_lazy("matching", "title"), max_length=200)
    field = models.CharField(pgettext_lazy("matching", "field"), max_length=32, choices=TechField.choices)
    seed = models.ForeignKey(
        Seed, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases", verbose_name=_("seed")
    )
    need = models.ForeignKey(
        Need, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases", verbose_name=_("need")
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="matching_cases",
        verbose_name=_("coordinator"),
    )  # fmt: skip
    # The date of introduction: the case counts in the funnel of the fiscal year it falls in.
    opened_on = models.DateField(_("introduced on"))
    stage = models.CharField(_("stage"), max_length=24, choices=CaseStage.choices, default=CaseStage.INTRODUCED)
    # The furthest pipeline stage reached; stays put when the case is dropped, so the funnel counts it.
    furthest_stage = models.CharField(
        _("furthest stage reached"), max_length=24, choices=CaseStage.choices, default=CaseStage.INTRODUCED
    )
    drop_reason = models.TextField(_("reason for dropping"), blank=True)
    deal_value = models.PositiveBigIntegerField(_("deal value (yen)"), null=True, blank=True)
    subsidy_amount = models.PositiveBigIntegerField(_("subsidy obtained (yen)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("matching case")
        verbose_name_plural = _("matching cases")
        ordering = ["-opened_on", "-pk"]
        indexes = [models.Index(fields=["stage"]), models.Index(fields=["opened_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(furthest_stage="dropped"), name="matching_case_furthest_stage_is_a_pipeline_stage"
            ),
            models.CheckConstraint(
                condition=~Q(stage="dropped") | ~Q(drop_reason=""), name="matching_case_dropped_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CaseParty(models.Model):
    case = models.ForeignKey(MatchingCase, on_delete=models.CASCADE, related_name="parties")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="matching_case_parties", verbose_name=_("organisation")
    )

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [models.UniqueConstraint(fields=["case", "organization"], name="case_party_once")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.organization_id}"


class CaseStageMove(models.Model):
    """One dated, attributed move; the case's history of stages."""

    case = models.ForeignKey(MatchingCase, on_delete=models.CASCADE, related_name="moves")
    from_stage = models.CharField(_("from"), max_length=24, choices=CaseStage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=24, choices=CaseStage.choices)
    moved_on = models.DateField(_("date"))
    moved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stage move")
        verbose_name_plural = _("stage moves")
        ordering = ["moved_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_stage} → {self.to_stage}"
