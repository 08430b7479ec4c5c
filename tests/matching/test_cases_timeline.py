"""Cases on an organisation's timeline: for staff and coordinators, not for the organisation's own users."""

import datetime

import pytest

from matching.models import CaseStage
from matching.timeline import case_timeline_entries
from members.models import Role
from tests.factories import OrganizationFactory
from tests.matching.factories import MatchingCaseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_party_sees_its_cases_on_the_timeline_for_coordinators_only(users, member_org, django_assert_num_queries):
    open_case = MatchingCaseFactory(title="樹脂ギア", opened_on=datetime.date(2026, 5, 1))
    dropped = MatchingCaseFactory(
        title="乾燥炉", opened_on=datetime.date(2026, 6, 1), stage=CaseStage.DROPPED,
        furthest_stage=CaseStage.PROTOTYPE, drop_reason="コストが合わない",
    )  # fmt: skip
    for case in (open_case, dropped):
        case.parties.create(organization=member_org)
        case.parties.create(organization=OrganizationFactory())
    MatchingCaseFactory(title="他社の案件").parties.create(organization=OrganizationFactory())

    with django_assert_num_queries(1):
        entries = list(case_timeline_entries(member_org, users[Role.COORDINATOR]))

    assert [(e.date, e.title, e.detail) for e in entries] == [
        (datetime.date(2026, 5, 1), "樹脂ギア", "Introduced"),
        (datetime.date(2026, 6, 1), "乾燥炉", "Dropped at Prototype: コストが合わない"),
    ]
    assert list(case_timeline_entries(member_org, users[Role.MEMBER])) == []
