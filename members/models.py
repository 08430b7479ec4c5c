from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from clusternet.core.models import TimeStampedModel
from members.prefectures import Prefecture, prefecture_label
from members.validators import validate_corporate_number, validate_katakana


class OrganizationKind(models.TextChoices):
    FIRM = "firm", _("Firm")
    UNIVERSITY = "university", _("University / research institute")
    MUNICIPALITY = "municipality", _("Municipality / chamber of commerce")
    FINANCIAL_INSTITUTION = "financial_institution", _("Financial institution")
    SUPPORT_ORGANIZATION = "support_organization", _("Support organisation")
    INDIVIDUAL = "individual", _("Individual")


class Organization(TimeStampedModel):
    kind = models.CharField(_("kind"), max_length=32, choices=OrganizationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_kana = models.CharField(_("name (kana)"), max_length=200, validators=[validate_katakana])
    corporate_number = models.CharField(
        _("corporate number"),
        max_length=13,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_corporate_number],
        help_text=_("The 13-digit 法人番号, if the organisation has one."),
    )
    # Matches rows of the secretariat's spreadsheet on re-import when there is no corporate number.
    import_key = models.CharField(_("import key"), max_length=64, null=True, blank=True, unique=True)
    postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    prefecture = models.CharField(_("prefecture"), max_length=2, choices=Prefecture.choices, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    address_line = models.CharField(_("street address"), max_length=200, blank=True)
    capital = models.PositiveBigIntegerField(_("capital (yen)"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    founded_year = models.PositiveSmallIntegerField(
        _("founding year"), null=True, blank=True, validators=[MinValueValidator(1600), MaxValueValidator(2100)]
    )
    website = models.URLField(_("website"), blank=True)
    business_description = models.TextField(_("business"), blank=True)
    technologies = models.TextField(_("technologies"), blank=True)

    # What the public directory shows, section by section; name and kind are always shown once listed.
    listed_in_directory = models.BooleanField(_("listed in the member directory"), default=True)
    public_address = models.BooleanField(_("publish address"), default=True)
    public_figures = models.BooleanField(_("publish capital, employees and founding year"), default=False)
    public_description = models.BooleanField(_("publish business and technologies"), default=True)

    # Folded name + kana (see clusternet.core.text.search_key), maintained by the services.
    search_key = models.CharField(max_length=450, editable=False, db_index=True, default="")

    history = HistoricalRecords(excluded_fields=["search_key", "updated_at"])

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_kana", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=OrganizationKind.values), name="organization_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def prefecture_name(self) -> str:
        return prefecture_label(self.prefecture)


class ContactQuerySet(models.QuerySet["Contact"]):
    def active(self) -> "ContactQuerySet":
        return self.filter(erased_at__isnull=True)


class Contact(TimeStampedModel):
    """A person at an organisation. Not history-tracked: an erasure must leave no copy behind."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="contacts")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    name_kana = models.CharField(
        pgettext_lazy("person", "name (kana)"), max_length=100, blank=True, validators=[validate_katakana]
    )
    department = models.CharField(_("department"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_billing_contact = models.BooleanField(_("billing contact"), default=False)
    consent_given_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_purposes = models.TextField(
        _("purposes of use agreed"), blank=True, help_text=_("What the person agreed their data is used for.")
    )
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_billing_contact", "name_kana", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"], condition=Q(is_billing_contact=True), name="one_billing_contact_per_org"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipStatus(models.TextChoices):
    APPLICATION = "application", _("Application")
    APPROVED = "approved", _("Approved")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REJECTED = "rejected", _("Rejected")


# A membership in one of these states is "current": an organisation has at most one.
OPEN_MEMBERSHIP_STATUSES = [
    MembershipStatus.APPLICATION,
    MembershipStatus.APPROVED,
    MembershipStatus.ACTIVE,
    MembershipStatus.SUSPENDED,
]


class Membership(TimeStampedModel):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="memberships")
    status = models.CharField(
        _("status"), max_length=16, choices=MembershipStatus.choices, default=MembershipStatus.APPLICATION
    )
    applied_on = models.DateField(_("applied on"))
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("withdrawal reason"), blank=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    applicant_contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("applicant")
    )
    fee_override_amount = models.PositiveIntegerField(_("fee override (yen per year)"), null=True, blank=True)
    fee_override_reason = models.CharField(_("reason for the override"), max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-applied_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(status__in=OPEN_MEMBERSHIP_STATUSES),
                name="one_current_membership_per_org",
                violation_error_message=_("This organisation already has a current membership."),
            ),
            models.CheckConstraint(condition=Q(status__in=MembershipStatus.values), name="membership_status_valid"),
            models.CheckConstraint(
                condition=Q(fee_override_amount__isnull=True) | ~Q(fee_override_reason=""),
                name="fee_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_status_display()})"

    @property
    def is_current(self) -> bool:
        return self.status in OPEN_MEMBERSHIP_STATUSES


class MembershipTransition(models.Model):
    """One step of a membership's life cycle: when it took effect, who recorded it and why. Never edited."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=16, choices=MembershipStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=MembershipStatus.choices)
    effective_on = models.DateField(_("effective on"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    # Set once the people concerned were told of this step, so a retried task mails nobody twice.
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership transition")
        verbose_name_plural = _("membership transitions")
        ordering = ["effective_on", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.from_status or '-'} → {self.to_status} ({self.effective_on})"


class FeeTier(TimeStampedModel):
    """An administrator-edited rule: organisations of this kind within these ranges pay this annual fee.

    Bounds are inclusive; an empty bound is open. Where several rules match, the lowest priority wins.
    """

    name = models.CharField(_("name"), max_length=100)
    organization_kind = models.CharField(_("organisation kind"), max_length=32, choices=OrganizationKind.choices)
    capital_min = models.PositiveBigIntegerField(_("capital from (yen)"), null=True, blank=True)
    capital_max = models.PositiveBigIntegerField(_("capital up to (yen)"), null=True, blank=True)
    employees_min = models.PositiveIntegerField(_("employees from"), null=True, blank=True)
    employees_max = models.PositiveIntegerField(_("employees up to"), null=True, blank=True)
    annual_fee = models.PositiveIntegerField(_("annual fee (yen)"))
    priority = models.PositiveSmallIntegerField(_("priority"), default=100, help_text=_("Lower wins."))
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("fee tier")
        verbose_name_plural = _("fee tiers")
        ordering = ["priority", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capital_min__isnull=True)
                | Q(capital_max__isnull=True)
                | Q(capital_min__lte=models.F("capital_max")),
                name="fee_tier_capital_range_ordered",
                violation_error_message=_("The capital range ends before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(employees_min__isnull=True)
                | Q(employees_max__isnull=True)
                | Q(employees_min__lte=models.F("employees_max")),
                name="fee_tier_employee_range_ordered",
                violation_error_message=_("The employee range ends before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProrationPolicy(models.TextChoices):
    NONE = "none", _("None: the full annual fee")
    MONTHLY = "monthly", _("By month")
    HALF_YEARLY = "half_yearly", _("By half-year")


class AssociationSettings(TimeStampedModel):
    """The association's own settings, edited by the administrator; one row (pk=1)."""

    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year starts in month"), default=4, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    proration_policy = models.CharField(
        _("pro-rating for mid-year joiners"),
        max_length=16,
        choices=ProrationPolicy.choices,
        default=ProrationPolicy.MONTHLY,
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("association settings")
        verbose_name_plural = _("association settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    SECRETARIAT = "secretariat", _("Secretariat staff")
    COORDINATOR = "coordinator", _("Coordinator")
    MEMBER = "member", _("Member user")
    BANK = "bank", _("Financial-institution user")
    EVALUATOR = "evaluator", _("Evaluator")


ORGANIZATION_ROLES = [Role.MEMBER, Role.BANK]
STAFF_ROLES = [Role.ADMINISTRATOR, Role.SECRETARIAT]


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("organisation"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="ja")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_valid"),
            models.CheckConstraint(
                condition=~Q(role__in=ORGANIZATION_ROLES) | Q(organization__isnull=False),
                name="organization_user_has_organization",
            ),
        ]

    def get_full_name(self) -> str:
        """Family name first, as Japanese names are written (Django's default puts the given name first)."""
        return f"{self.last_name} {self.first_name}".strip()

    @property
    def is_staff_member(self) -> bool:
        """Secretariat or administrator: keeps the register."""
        return self.role in STAFF_ROLES

    @property
    def is_internal(self) -> bool:
        """Works for the association (staff or coordinator) and so sees every organisation's private data."""
        return self.role in (*STAFF_ROLES, Role.COORDINATOR)
