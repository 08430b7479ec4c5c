"""The yearly run: who is billed how much (the development scenario), idempotence, concurrency, progress."""

import datetime
import json
import threading
from pathlib import Path

import pytest
from django.db import connection

from billing.models import Invoice, InvoiceKind, InvoiceRun, InvoiceRunStatus, InvoiceStatus
from billing.services.runs import fee_charges, invoice_run_execute, invoice_run_start
from clusternet.core.exceptions import ApplicationError
from members.models import AssociationSettings, FeeTier, MembershipStatus, ProrationPolicy
from members.services import membership_apply, membership_fee_override, membership_transition
from tests.factories import ContactFactory, OrganizationFactory

SCENARIO = json.loads((Path(__file__).parent.parent / "data" / "billing_scenario.json").read_text(encoding="utf-8"))
RUN_DAY = datetime.date(2026, 11, 20)

pytestmark = pytest.mark.usefixtures("english")


def load_scenario(policy=ProrationPolicy.MONTHLY):
    """The shared scenario entered the way the secretariat would: tiers, organisations, dated membership steps."""
    AssociationSettings.objects.update_or_create(
        pk=1, defaults={"fiscal_year_start_month": SCENARIO["fiscal_year_start_month"], "proration_policy": policy}
    )
    for tier in SCENARIO["fee_tiers"]:
        FeeTier.objects.create(**tier)
    organizations = {}
    for entry in SCENARIO["organizations"]:
        organization = OrganizationFactory(
            kind=entry["kind"], name=entry["name"], name_kana=entry["name_kana"], capital=entry["capital"]
        )
        ContactFactory(organization=organization, is_billing_contact=True)
        history = entry["membership_history"]
        first = datetime.date.fromisoformat(history[0]["date"])
        membership = membership_apply(actor=None, organization=organization, applied_on=first)
        for step in history:
            day = datetime.date.fromisoformat(step["date"])
            if step["status"] == MembershipStatus.ACTIVE:
                membership = membership_transition(
                    actor=None, membership=membership, to_status=MembershipStatus.APPROVED, effective_on=day
                )
            if step["status"] not in ("applied", MembershipStatus.APPLICATION):  # the scenario says "applied"
                membership = membership_transition(
                    actor=None, membership=membership, to_status=step["status"], effective_on=day, reason="scenario"
                )
        if entry["fee_override"]:
            membership_fee_override(
                actor=None,
                membership=membership,
                amount=entry["fee_override"]["annual_fee"],
                reason=entry["fee_override"]["reason"],
            )
        organizations[entry["key"]] = organization
    return organizations


def run_now(year=2026, *, as_of=RUN_DAY, actor=None):
    run = InvoiceRun.objects.create(fiscal_year=year, as_of=as_of, started_by=actor, with_pdfs=False)
    return invoice_run_execute(run_id=run.pk)


@pytest.mark.django_db
def test_scenario_fees_match_the_expected_fee_of_every_organisation():
    organizations = load_scenario()
    charges, warnings = fee_charges(fiscal_year=2026, as_of=RUN_DAY)
    billed = {charge.organization.pk: charge.fee for charge in charges}
    for entry in SCENARIO["organizations"]:
        assert billed.get(organizations[entry["key"]].pk) == entry["expected_fee_fy2026"], entry["why"]
    assert warnings == []


@pytest.mark.django_db
def test_run_issues_the_expected_invoices_and_total():
    load_scenario()
    run = run_now()
    assert run.status == InvoiceRunStatus.FINISHED
    assert (run.total, run.created_count, run.existing_count) == (11, 11, 0)
    assert run.amount_total == SCENARIO["expected"]["total_yen"]
    invoices = Invoice.objects.filter(kind=InvoiceKind.MEMBERSHIP_FEE)
    assert invoices.count() == SCENARIO["expected"]["invoices"]
    assert sum(invoice.total for invoice in invoices) == SCENARIO["expected"]["total_yen"]
    assert sorted(invoices.values_list("number", flat=True)) == [f"2026-{n:05d}" for n in range(1, 12)]
    assert {invoice.status for invoice in invoices} == {InvoiceStatus.ISSUED}


@pytest.mark.django_db
def test_preview_explains_pro_rating_and_override():
    load_scenario()
    charges, _ = fee_charges(fiscal_year=2026, as_of=RUN_DAY)
    reasons = {charge.organization.name: charge.reason for charge in charges}
    assert reasons["株式会社多摩精密"] == "中小企業 ¥70,000"
    november_joiner = next(c for c in charges if c.joined_on == datetime.date(2026, 11, 1))
    assert (november_joiner.months, november_joiner.fee) == (5, 29166)
    assert "joined 2026-11-01: 5 of 12 months" in november_joiner.reason
    overridden = next(c for c in charges if c.overridden)
    assert overridden.fee == 35000 and "創業3年以内の特例" in overridden.reason


@pytest.mark.django_db
def test_half_yearly_policy_bills_half_from_the_seventh_month():
    load_scenario(policy=ProrationPolicy.HALF_YEARLY)
    charges, _ = fee_charges(fiscal_year=2026, as_of=RUN_DAY)
    by_join = {charge.joined_on: charge.fee for charge in charges if charge.joined_on}
    # August is the 5th month: full fee; October and November are past the 6th: half.
    assert by_join == {
        datetime.date(2026, 8, 1): 490000,
        datetime.date(2026, 10, 15): 35000,
        datetime.date(2026, 11, 1): 35000,
    }


@pytest.mark.django_db
def test_a_run_bills_up_to_its_day_and_a_later_run_bills_only_new_joiners():
    load_scenario()
    first = run_now(as_of=datetime.date(2026, 10, 20))
    assert (first.created_count, first.existing_count) == (10, 0)  # the November joiner had not joined yet
    second = run_now(as_of=RUN_DAY)
    assert (second.created_count, second.existing_count) == (1, 10)
    assert Invoice.objects.filter(kind=InvoiceKind.MEMBERSHIP_FEE).count() == 11


@pytest.mark.django_db
def test_running_the_same_year_again_creates_nothing_and_reports_what_existed():
    load_scenario()
    run_now()
    again = run_now()
    assert (again.created_count, again.existing_count, again.amount_total) == (0, 11, 0)
    assert Invoice.objects.count() == 11


@pytest.mark.django_db
def test_a_finished_run_executed_twice_is_left_alone():
    load_scenario()
    run = run_now()
    assert invoice_run_execute(run_id=run.pk).created_count == 11
    assert Invoice.objects.count() == 11


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_bill_everyone_once_with_gapless_numbers(monkeypatch):
    load_scenario()
    monkeypatch.setattr("billing.services.runs.BATCH_SIZE", 2)  # many small batches, so the runs interleave
    runs = [InvoiceRun.objects.create(fiscal_year=2026, as_of=RUN_DAY, with_pdfs=False) for _ in range(2)]
    barrier = threading.Barrier(2)
    errors = []

    def execute(run_id):
        try:
            barrier.wait()
            invoice_run_execute(run_id=run_id)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=execute, args=(run.pk,)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for run in runs:
        run.refresh_from_db()
    assert sum(run.created_count for run in runs) == 11
    assert [run.created_count + run.existing_count for run in runs] == [11, 11]
    numbers = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert numbers == list(range(1, 12))
    assert Invoice.objects.values("organization").distinct().count() == 11


@pytest.mark.django_db
@pytest.mark.parametrize("year", [1999, 2099, "2026", None, True])
def test_unknown_fiscal_year_is_refused_and_nothing_is_started(year):
    with pytest.raises(ApplicationError, match="Unknown fiscal year"):
        invoice_run_start(actor=None, fiscal_year=year)
    assert InvoiceRun.objects.count() == 0


@pytest.mark.django_db
def test_member_without_a_matching_tier_is_reported_not_billed():
    organization = OrganizationFactory(kind="individual")
    membership = membership_apply(actor=None, organization=organization, applied_on=datetime.date(2025, 1, 1))
    membership_transition(
        actor=None, membership=membership, to_status="approved", effective_on=datetime.date(2025, 1, 2)
    )
    membership_transition(actor=None, membership=membership, to_status="active", effective_on=datetime.date(2025, 1, 3))
    charges, warnings = fee_charges(fiscal_year=2026, as_of=RUN_DAY)
    assert charges == []
    assert [w.membership.organization for w in warnings] == [organization]
    assert "No fee tier matches" in warnings[0].message
