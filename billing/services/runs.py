"""The yearly fee invoicing: who is billed how much and why, and the run that issues the invoices.

Who is billed for fiscal year Y (billing the membership fee once per organisation and year):
- memberships active on Y's first day pay the full annual fee, whatever happens later in the year;
- memberships that became active during Y, up to the day the run works on, pay a pro-rated fee;
- nobody else: withdrawn or suspended on the first day, not yet approved, or a fee of 0 (exempt).
The fee is the recorded override or the organisation's derived tier's annual fee.
"""

import datetime
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Prefetch, prefetch_related_objects
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from billing.fiscal import fiscal_year_bounds, fiscal_year_of, today
from billing.models import DocumentType, Invoice, InvoiceKind, InvoiceRun, InvoiceRunStatus
from billing.services.invoices import InvoiceSpec, LineSpec, invoices_issue_new
from clusternet.core.exceptions import ApplicationError
from members.fees import membership_fee_quote
from members.models import (
    AssociationSettings,
    Contact,
    FeeTier,
    Membership,
    MembershipStatus,
    MembershipTransition,
    Organization,
    ProrationPolicy,
    User,
)

logger = logging.getLogger(__name__)

BATCH_SIZE = 250
EARLIEST_FISCAL_YEAR = 2000


@dataclass(frozen=True)
class FeeCharge:
    """One organisation's fee for the year, and why."""

    membership: Membership
    tier: FeeTier | None
    annual_fee: int
    fee: int
    # Months billed of twelve; 12 for a member of the whole year.
    months: int
    joined_on: datetime.date | None
    overridden: bool
    override_reason: str
    already_invoiced: bool = False

    @property
    def organization(self) -> Organization:
        return self.membership.organization

    @property
    def reason(self) -> str:
        """The basis printed in the preview and kept on the invoice."""
        fee = f"{self.annual_fee:,}"
        if self.overridden:
            basis = _("override ¥%(fee)s (%(reason)s)") % {"fee": fee, "reason": self.override_reason}
        else:
            basis = _("%(tier)s ¥%(fee)s") % {"tier": self.tier.name if self.tier else "", "fee": fee}
        if self.months == 12:
            return basis
        return _("%(basis)s, joined %(joined)s: %(months)s of 12 months") % {
            "basis": basis,
            "joined": self.joined_on.isoformat() if self.joined_on else "",
            "months": self.months,
        }


@dataclass(frozen=True)
class FeeWarning:
    """A member the run cannot bill and staff should look at (no fee tier matches it)."""

    membership: Membership
    message: str


def validate_fiscal_year(fiscal_year: object) -> int:
    """Years from 2000 up to next fiscal year; anything else is not a year the association can invoice."""
    latest = fiscal_year_of(today()) + 1
    if (
        not isinstance(fiscal_year, int)
        or isinstance(fiscal_year, bool)
        or not (EARLIEST_FISCAL_YEAR <= fiscal_year <= latest)
    ):
        raise ApplicationError(
            _("Unknown fiscal year: %(year)s. Choose a year from %(first)s to %(last)s.")
            % {"year": fiscal_year, "first": EARLIEST_FISCAL_YEAR, "last": latest}
        )
    return fiscal_year


def fee_reference(fiscal_year: int, organization_id: int) -> str:
    return f"membership-fee:{fiscal_year}:{organization_id}"


def _status_on(membership: Membership, day: datetime.date) -> str | None:
    """The membership's status on a day, from its dated transitions (prefetched in effective-date order).

    A membership without transitions (entered before the register kept them) is read from its dates.
    """
    transitions = list(membership.transitions.all())
    if not transitions:
        joined, left = membership.joined_on, membership.withdrawn_on
        if membership.status != MembershipStatus.SUSPENDED and joined and joined <= day and (not left or left > day):
            return MembershipStatus.ACTIVE
        return None
    status = None
    for transition in transitions:
        if transition.effective_on > day:
            break
        status = transition.to_status
    return status


def _months_billed(policy: str, *, first_day: datetime.date, joined_on: datetime.date) -> int:
    """Months of twelve a member who joined during the year pays for, by the association's policy."""
    month_index = (joined_on.year - first_day.year) * 12 + joined_on.month - first_day.month  # 0 = first month
    if policy == ProrationPolicy.MONTHLY:
        return 12 - month_index  # counting the joining month
    if policy == ProrationPolicy.HALF_YEARLY:
        return 12 if month_index < 6 else 6
    return 12


def fee_charges(*, fiscal_year: int, as_of: datetime.date) -> tuple[list[FeeCharge], list[FeeWarning]]:
    """Everyone the run for `fiscal_year` bills when it runs on `as_of`, and members it cannot bill.

    Reads a fixed number of queries however many members there are.
    """
    settings = AssociationSettings.objects.filter(pk=1).first() or AssociationSettings()
    first_day, last_day = fiscal_year_bounds(fiscal_year, start_month=settings.fiscal_year_start_month)
    billed_until = min(as_of, last_day)
    tiers = list(FeeTier.objects.filter(is_active=True))
    memberships = (
        Membership.objects.filter(joined_on__isnull=False, joined_on__lte=billed_until)
        .exclude(withdrawn_on__lt=first_day)
        .select_related("organization")
        .prefetch_related(
            Prefetch("transitions", queryset=MembershipTransition.objects.order_by("effective_on", "recorded_at", "id"))
        )
        .order_by("organization__name_kana", "organization_id", "-joined_on")
    )
    invoiced = set(
        Invoice.objects.filter(
            kind=InvoiceKind.MEMBERSHIP_FEE, document_type=DocumentType.INVOICE, replaces__isnull=True,
            fiscal_year=fiscal_year,
        ).values_list("organization_id", flat=True)
    )  # fmt: skip
    charges: list[FeeCharge] = []
    warnings: list[FeeWarning] = []
    seen: set[int] = set()
    for membership in memberships:
        if membership.organization_id in seen:
            continue
        if _status_on(membership, first_day) == MembershipStatus.ACTIVE:
            months, joined_on = 12, None
        elif membership.joined_on and first_day < membership.joined_on <= billed_until:
            joined_on = membership.joined_on
            months = _months_billed(settings.proration_policy, first_day=first_day, joined_on=joined_on)
        else:
            continue
        seen.add(membership.organization_id)
        quote = membership_fee_quote(membership, tiers)
        if quote.annual_fee is None:
            warnings.append(FeeWarning(membership, _("No fee tier matches this organisation; it is not billed.")))
            continue
        fee = quote.annual_fee * months // 12  # rounded down to the yen
        if fee == 0:
            continue  # exempt
        charge = FeeCharge(
            membership=membership, tier=quote.tier, annual_fee=quote.annual_fee, fee=fee, months=months,
            joined_on=joined_on, overridden=quote.overridden, override_reason=quote.override_reason,
            already_invoiced=membership.organization_id in invoiced,
        )  # fmt: skip
        charges.append(charge)
    return charges, warnings


def _spec_for(charge: FeeCharge, fiscal_year: int) -> InvoiceSpec:
    # Invoices are Japanese documents whatever the language of the person who starts the run.
    with translation.override("ja"):
        description = _("Membership fee, fiscal year %(year)s") % {"year": fiscal_year}
        basis = charge.reason
    return InvoiceSpec(
        organization=charge.organization,
        lines=[LineSpec(description=description, unit_price=charge.fee)],
        reference=fee_reference(fiscal_year, charge.organization.pk),
        kind=InvoiceKind.MEMBERSHIP_FEE,
        fee_tier=charge.tier,
        fee_basis=basis,
    )


@transaction.atomic
def invoice_run_start(*, actor: User | None, fiscal_year: object, with_pdfs: bool = True) -> InvoiceRun:
    """Records the run and hands it to a worker once committed; the page and the API poll its progress."""
    from billing.tasks import invoice_run_execute_task

    year = validate_fiscal_year(fiscal_year)
    run = InvoiceRun.objects.create(fiscal_year=year, as_of=today(), started_by=actor, with_pdfs=with_pdfs)
    transaction.on_commit(lambda: invoice_run_execute_task.delay(run.pk))
    return run


def _chunks(items: Sequence[FeeCharge], size: int) -> Iterator[Sequence[FeeCharge]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def invoice_run_execute(*, run_id: int) -> InvoiceRun:
    """Issues the year's missing fee invoices in batches, each in its own transaction, updating progress.

    Safe to run twice and beside another run of the same year: each batch takes the year's number
    sequence lock before it looks for existing invoices (see billing.services.invoices), and the unique
    billed-item constraint backs it. A run that already finished is left as it is.
    """
    with transaction.atomic():
        run = InvoiceRun.objects.select_for_update().get(pk=run_id)
        if run.status in (InvoiceRunStatus.FINISHED, InvoiceRunStatus.FAILED):
            return run
        run.status, run.started_at = InvoiceRunStatus.RUNNING, timezone.now()
        run.processed = run.created_count = run.existing_count = run.amount_total = 0
        run.save()
    try:
        charges, _warnings = fee_charges(fiscal_year=run.fiscal_year, as_of=run.as_of)
        InvoiceRun.objects.filter(pk=run.pk).update(total=len(charges))
        for batch in _chunks(charges, BATCH_SIZE):
            _run_batch(run, batch)
    except Exception as error:
        logger.exception("Invoicing run %s failed", run_id)
        InvoiceRun.objects.filter(pk=run.pk).update(
            status=InvoiceRunStatus.FAILED, error=str(error), finished_at=timezone.now()
        )
        raise
    InvoiceRun.objects.filter(pk=run.pk).update(status=InvoiceRunStatus.FINISHED, finished_at=timezone.now())
    run.refresh_from_db()
    return run


def _run_batch(run: InvoiceRun, batch: Sequence[FeeCharge]) -> None:
    # The recipient snapshot reads the billing contact; fetch them for the whole batch at once.
    prefetch_related_objects(
        [charge.organization for charge in batch],
        Prefetch(
            "contacts", queryset=Contact.objects.active().filter(is_billing_contact=True), to_attr="billing_contacts"
        ),
    )
    with transaction.atomic():
        specs = [_spec_for(charge, run.fiscal_year) for charge in batch]
        created, existing = invoices_issue_new(
            actor=run.started_by, specs=specs, fiscal_year=run.fiscal_year, issued_on=run.as_of, run=run
        )
        InvoiceRun.objects.filter(pk=run.pk).update(
            processed=F("processed") + len(batch),
            created_count=F("created_count") + len(created),
            existing_count=F("existing_count") + len(existing),
            amount_total=F("amount_total") + sum(invoice.total for invoice in created),
        )
        if run.with_pdfs and created:
            from billing.tasks import invoices_documents_send_task

            ids = [invoice.pk for invoice in created]
            transaction.on_commit(lambda: invoices_documents_send_task.delay(ids))
