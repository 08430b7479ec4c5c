"""Invoices, credit notes, payments and the bank statements they arrive in. Money is integer yen throughout."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from billing.validators import validate_registration_number
from clusternet.core.models import TimeStampedModel
from members.models import FeeTier, Organization


class TaxCategory(models.TextChoices):
    OUT_OF_SCOPE = "out_of_scope", _("Outside the scope of consumption tax")  # 不課税
    EXEMPT = "exempt", _("Tax exempt")  # 非課税
    STANDARD = "standard_10", _("Taxable 10%")
    REDUCED = "reduced_8", _("Taxable 8% (reduced rate)")


# Percent per taxable category; the others carry no tax.
TAX_RATES: dict[str, int] = {TaxCategory.STANDARD: 10, TaxCategory.REDUCED: 8}


class TaxRounding(models.TextChoices):
    FLOOR = "floor", _("Round down")
    HALF_UP = "half_up", _("Round half up")
    CEILING = "ceiling", _("Round up")


def default_reminder_steps() -> list[int]:
    return [14, 30]


class BillingSettings(TimeStampedModel):
    """What every invoice says about the association, and how billing behaves; one row (pk=1)."""

    issuer_name = models.CharField(_("association name"), max_length=200, blank=True)
    issuer_postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    issuer_address = models.CharField(_("address"), max_length=300, blank=True)
    issuer_phone = models.CharField(_("phone"), max_length=30, blank=True)
    registration_number = models.CharField(
        _("qualified-invoice registration number"),
        max_length=14,
        blank=True,
        validators=[validate_registration_number],
        help_text=_("T followed by 13 digits; leave empty if the association is not registered."),
    )
    bank_account = models.TextField(
        _("bank account for transfers"), blank=True, help_text=_("Bank, branch, account type and number, holder.")
    )
    tax_rounding = models.CharField(
        _("rounding of consumption tax"), max_length=16, choices=TaxRounding.choices, default=TaxRounding.FLOOR
    )
    payment_terms_days = models.PositiveSmallIntegerField(
        _("days until due"), default=30, validators=[MinValueValidator(1)]
    )
    reminder_steps = models.JSONField(
        _("reminder steps (days after due date)"), default=default_reminder_steps, blank=True
    )
    short_payment_tolerance = models.PositiveIntegerField(
        _("accepted shortfall for bank fees (yen)"),
        default=880,
        help_text=_("A transfer short by up to this much can be accepted, the difference recorded as a bank fee."),
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("billing settings")
        verbose_name_plural = _("billing settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class DocumentType(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class InvoiceKind(models.TextChoices):
    MEMBERSHIP_FEE = "membership_fee", _("Membership fee")
    SERVICE = "service", _("Services and events")


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", _("Paid")
    VOID = "void", _("Void")


# Invoices that still wait for money.
OPEN_INVOICE_STATUSES = [InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID]


class DocumentSequence(models.Model):
    """The last number given per document type and fiscal year; its row lock makes numbering gapless."""

    document_type = models.CharField(max_length=16, choices=DocumentType.choices)
    fiscal_year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document_type", "fiscal_year"], name="one_sequence_per_type_and_year")
        ]

    def __str__(self) -> str:
        return f"{self.document_type} {self.fiscal_year}: {self.last_number}"


class InvoiceRunStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Failed")


class InvoiceRun(TimeStampedModel):
    """One start of the yearly fee invoicing, with the progress the UI polls and the counts it reports."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    as_of = models.DateField(_("billing up to"))
    status = models.CharField(
        _("status"), max_length=16, choices=InvoiceRunStatus.choices, default=InvoiceRunStatus.PENDING
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    with_pdfs = models.BooleanField(_("render and mail PDFs"), default=True)
    total = models.PositiveIntegerField(_("members to bill"), default=0)
    processed = models.PositiveIntegerField(_("processed"), default=0)
    created_count = models.PositiveIntegerField(_("invoices created"), default=0)
    existing_count = models.PositiveIntegerField(_("already invoiced"), default=0)
    amount_total = models.PositiveBigIntegerField(_("amount invoiced (yen)"), default=0)
    rendered_count = models.PositiveIntegerField(_("PDFs rendered"), default=0)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invoicing run")
        verbose_name_plural = _("invoicing runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.fiscal_year} ({self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        return 100 if not self.total else min(100, self.processed * 100 // self.total)


class Invoice(TimeStampedModel):
    """An invoice or a credit note. Once issued, what it says is frozen: the service refuses and a
    database trigger (migration 0002) rejects any change to its number, recipient, lines or amounts."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("organisation")
    )
    document_type = models.CharField(
        _("document"), max_length=16, choices=DocumentType.choices, default=DocumentType.INVOICE
    )
    kind = models.CharField(_("kind"), max_length=16, choices=InvoiceKind.choices, default=InvoiceKind.SERVICE)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    # What is billed, e.g. "membership-fee:2026:42" or "event-registration:17": billing it twice returns this one.
    reference = models.CharField(_("billed item"), max_length=120, blank=True)
    replaces = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replacements",
        verbose_name=_("corrects invoice"),
    )  # fmt: skip
    credit_note_for = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_notes",
        verbose_name=_("credits invoice"),
    )  # fmt: skip
    run = models.ForeignKey(InvoiceRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="invoices")
    status = models.CharField(_("status"), max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    number = models.CharField(_("number"), max_length=20, null=True, blank=True, unique=True)
    sequence = models.PositiveIntegerField(null=True, blank=True, editable=False)
    issued_on = models.DateField(_("issue date"), null=True, blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)

    # The recipient and the issuer as they were on the day of issue.
    recipient_name = models.CharField(_("recipient"), max_length=200, blank=True)
    recipient_department = models.CharField(_("department"), max_length=200, blank=True)
    recipient_postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    recipient_address = models.CharField(_("address"), max_length=300, blank=True)
    recipient_honorific = models.CharField(_("honorific"), max_length=8, default="御中")
    issuer_name = models.CharField(_("issuer"), max_length=200, blank=True)
    issuer_postal_code = models.CharField(max_length=8, blank=True)
    issuer_address = models.CharField(max_length=300, blank=True)
    issuer_phone = models.CharField(max_length=30, blank=True)
    registration_number = models.CharField(_("registration number"), max_length=14, blank=True)
    bank_account = models.TextField(_("bank account"), blank=True)

    subtotal = models.BigIntegerField(_("subtotal"), default=0)
    tax_total = models.BigIntegerField(_("consumption tax"), default=0)
    total = models.BigIntegerField(_("total"), default=0)
    # [{"category": "standard_10", "base": 100000, "tax": 10000}, ...], one entry per category present.
    tax_summary = models.JSONField(_("totals per tax rate"), default=list, blank=True)
    amount_paid = models.BigIntegerField(_("paid"), default=0)
    amount_credited = models.BigIntegerField(_("credited"), default=0)

    fee_tier = models.ForeignKey(FeeTier, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    fee_basis = models.CharField(_("how the fee was worked out"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    pdf = models.FileField(_("PDF"), upload_to="invoices/%Y/", blank=True)
    mailed_at = models.DateTimeField(_("mailed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at", "pdf"])

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-fiscal_year", "-sequence", "-id"]
        indexes = [models.Index(fields=["organization", "fiscal_year"]), models.Index(fields=["status", "due_on"])]
        constraints = [
            # One original invoice per billed item; corrections point at it through `replaces`.
            models.UniqueConstraint(
                fields=["reference"],
                condition=Q(document_type=DocumentType.INVOICE, replaces__isnull=True) & ~Q(reference=""),
                name="one_invoice_per_billed_item",
            ),
            models.UniqueConstraint(
                fields=["document_type", "fiscal_year", "sequence"], name="unique_document_sequence"
            ),
            models.CheckConstraint(condition=Q(status__in=InvoiceStatus.values), name="invoice_status_valid"),
            models.CheckConstraint(
                condition=Q(number__isnull=True, status__in=[InvoiceStatus.DRAFT, InvoiceStatus.VOID])
                | Q(number__isnull=False, issued_on__isnull=False, sequence__isnull=False)
                & ~Q(status=InvoiceStatus.DRAFT),
                name="invoice_numbered_once_issued",
            ),
            models.CheckConstraint(
                condition=Q(subtotal__gte=0, tax_total__gte=0, amount_paid__gte=0, amount_credited__gte=0),
                name="invoice_amounts_not_negative",
            ),
            models.CheckConstraint(condition=Q(total=F("subtotal") + F("tax_total")), name="invoice_total_adds_up"),
            models.CheckConstraint(
                condition=Q(amount_credited__lte=F("total")), name="invoice_not_credited_beyond_total"
            ),
            models.CheckConstraint(
                condition=Q(amount_paid__lte=F("total") - F("amount_credited")), name="invoice_not_paid_beyond_due"
            ),
        ]

    def __str__(self) -> str:
        return self.number or _("Draft %(id)s") % {"id": self.pk}

    @property
    def balance(self) -> int:
        """What is still owed."""
        return self.total - self.amount_credited - self.amount_paid

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_INVOICE_STATUSES

    @property
    def is_credit_note(self) -> bool:
        return self.document_type == DocumentType.CREDIT_NOTE


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField(default=1)
    description = models.CharField(_("description"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"), default=1, validators=[MinValueValidator(1)])
    unit_price = models.PositiveBigIntegerField(_("unit price (yen)"))
    amount = models.PositiveBigIntegerField(_("amount (yen)"))
    tax_category = models.CharField(
        _("tax category"), max_length=16, choices=TaxCategory.choices, default=TaxCategory.OUT_OF_SCOPE
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount=F("quantity") * F("unit_price")), name="line_amount_adds_up"),
            models.CheckConstraint(condition=Q(tax_category__in=TaxCategory.values), name="line_tax_category_valid"),
        ]

    def __str__(self) -> str:
        return self.description


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CASH = "cash", _("Cash")
    OTHER = "other", _("Other")


class Payment(TimeStampedModel):
    """Money received. Until it is matched to an organisation (a bank deposit with an unknown payer) it has none."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="payments",
        verbose_name=_("organisation"),
    )  # fmt: skip
    received_on = models.DateField(_("received on"))
    amount = models.PositiveBigIntegerField(_("amount (yen)"), validators=[MinValueValidator(1)])
    amount_allocated = models.BigIntegerField(_("allocated"), default=0)
    payer_name = models.CharField(_("payer"), max_length=200, blank=True)
    method = models.CharField(
        _("method"), max_length=16, choices=PaymentMethod.choices, default=PaymentMethod.BANK_TRANSFER
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(amount_allocated__gte=0, amount_allocated__lte=F("amount")),
                name="payment_not_allocated_beyond_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.received_on} ¥{self.amount:,} {self.payer_name}"

    @property
    def unallocated(self) -> int:
        """Money not yet applied to an invoice: a credit the organisation holds."""
        return self.amount - self.amount_allocated


class Allocation(models.Model):
    """Part of a payment applied to an invoice, with any bank fee accepted alongside. Never edited: a
    reversal (when a credit note takes back what was paid) is a row with a negative amount."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = models.BigIntegerField(_("amount (yen)"))
    bank_fee = models.PositiveIntegerField(_("bank fee accepted (yen)"), default=0)
    automatic = models.BooleanField(_("matched automatically"), default=False)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("allocated at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0) | Q(bank_fee__gt=0), name="allocation_moves_money")
        ]

    def __str__(self) -> str:
        return f"{self.payment_id} → {self.invoice_id}: {self.amount}"


class StatementFormat(models.TextChoices):
    ZENGIN = "zengin", _("Zengin fixed-length (200 bytes)")
    CSV = "csv", _("CSV (date, amount, payer)")


class BankStatement(models.Model):
    """One imported bank file. Its SHA-256 is unique, so the same file never imports twice."""

    file_format = models.CharField(_("format"), max_length=16, choices=StatementFormat.choices)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, unique=True)
    account = models.CharField(_("account"), max_length=200, blank=True)
    line_count = models.PositiveIntegerField(_("deposits"), default=0)
    total_amount = models.PositiveBigIntegerField(_("total (yen)"), default=0)
    new_count = models.PositiveIntegerField(_("new deposits"), default=0)
    duplicate_count = models.PositiveIntegerField(_("already imported"), default=0)
    auto_allocated_count = models.PositiveIntegerField(_("matched automatically"), default=0)
    queued_count = models.PositiveIntegerField(_("left for staff"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return self.filename or str(self.pk)


class MatchState(models.TextChoices):
    AUTO = "auto", _("Matched automatically")
    QUEUED = "queued", _("Waiting for staff")
    MATCHED = "matched", _("Matched by staff")
    IGNORED = "ignored", _("Not a member payment")


class BankStatementLine(models.Model):
    """One deposit of a statement; it becomes a payment when imported, and a matched one when reconciled."""

    statement = models.ForeignKey(BankStatement, on_delete=models.PROTECT, related_name="lines")
    line_number = models.PositiveIntegerField()
    transaction_on = models.DateField(_("date"))
    amount = models.PositiveBigIntegerField(_("amount (yen)"))
    payer_name = models.CharField(_("payer as written by the bank"), max_length=200)
    payer_key = models.CharField(max_length=200, db_index=True)
    remitter_code = models.CharField(_("remitter code"), max_length=20, blank=True)
    edi_info = models.CharField(_("EDI information"), max_length=40, blank=True)
    # The bank's reference (照会番号) or, lacking one, a digest of date, amount and payer: a deposit already
    # imported from an overlapping file is recognised and skipped.
    dedupe_key = models.CharField(max_length=80, unique=True)
    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="statement_line"
    )
    state = models.CharField(_("state"), max_length=16, choices=MatchState.choices, default=MatchState.QUEUED)
    # Why the matcher suggests what it suggests: [{"invoice": id, "reasons": [...]}, ...]
    suggestions = models.JSONField(default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deposit")
        verbose_name_plural = _("deposits")
        ordering = ["statement", "line_number"]

    def __str__(self) -> str:
        return f"{self.transaction_on} ¥{self.amount:,} {self.payer_name}"


class PayerAlias(models.Model):
    """A payer name as the bank writes it, remembered when staff match it by hand."""

    payer_key = models.CharField(_("payer"), max_length=200, unique=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="payer_aliases")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payer alias")
        verbose_name_plural = _("payer aliases")

    def __str__(self) -> str:
        return self.payer_key


class InvoiceMailing(models.Model):
    """A sending of an invoice to its billing contacts: the first, or an explicit resend."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="mailings")
    recipients = models.TextField(_("recipients"))
    is_resend = models.BooleanField(_("resend"), default=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("invoice mailing")
        verbose_name_plural = _("invoice mailings")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.sent_at}"


class PaymentReminder(models.Model):
    """A payment reminder sent for an invoice at one step (days after its due date); at most one per step."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="reminders")
    step_days = models.PositiveSmallIntegerField(_("days overdue"))
    recipients = models.TextField(_("recipients"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment reminder")
        verbose_name_plural = _("payment reminders")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "step_days"], name="one_reminder_per_invoice_and_step")
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id} +{self.step_days}"
