"""The demo cases: about 25 over three fiscal years, through the services, with a valley of death."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from billing.fiscal import fiscal_year_of
from matching.demo.cases import PLANS, load_cases
from matching.models import CaseStage, MatchingCase
from matching.reports import case_funnel
from members.demo import MEMBER_FIRM_NAME

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    call_command("seed_demo", organizations=30, stdout=StringIO())
    return load_cases()


def test_the_demo_cases_have_parties_and_dated_moves(loaded):
    assert loaded == len(PLANS) == MatchingCase.objects.count()
    today = timezone.localdate()
    for case in MatchingCase.objects.prefetch_related("moves", "parties"):
        assert case.parties.count() >= 2
        dates = [move.moved_on for move in case.moves.all()]
        assert dates == sorted(dates) and dates[0] == case.opened_on and dates[-1] <= today
    assert MatchingCase.objects.filter(parties__organization__name=MEMBER_FIRM_NAME).exists()


def test_the_demo_shows_the_valley_of_death(loaded):
    two_years_ago = case_funnel(fiscal_year=fiscal_year_of(timezone.localdate()) - 2)
    valley = next(row for row in two_years_ago.rows if row.valley)

    assert valley.stage == CaseStage.PROTOTYPE
    assert MatchingCase.objects.filter(stage=CaseStage.FIRST_SALES).count() == 2


def test_loading_twice_adds_nothing(loaded):
    assert load_cases() == 0
    assert MatchingCase.objects.count() == len(PLANS)
