"""Visits, follow-ups and events on the organisation's timeline: who sees what, and a fixed query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from events.models import CheckIn, FollowUp
from members.timeline import organization_timeline
from tests.events.factories import RegistrationFactory, VisitFactory
from tests.events.visits_helpers import days, outcome

pytestmark = pytest.mark.django_db


def _visit(users, organization, **fields):
    visit = VisitFactory(organization=organization, visited_on=days(-5), purpose="技術相談",
                         other_visitors="八王子市 産業振興課", heard_needs="秘密の課題", **fields)  # fmt: skip
    visit.visitors.add(users["coordinator"])
    visit.outcomes.add(outcome("産学連携"))
    FollowUp.objects.create(visit=visit, organization=organization, description="研究室を紹介",
                            owner=users["coordinator"], due_on=days(9))  # fmt: skip
    return visit


def _attend(organization, title):
    registration = RegistrationFactory(organization=organization, event__title=title)
    CheckIn.objects.create(registration=registration, session=registration.event.sessions.get(), method="list")
    RegistrationFactory(organization=organization, event=registration.event)
    RegistrationFactory(organization=organization, event__title="申込だけのセミナー")


def test_staff_see_the_visit_who_went_outcomes_and_follow_ups_but_not_the_notes(users, member_org):
    _visit(users, member_org)
    with translation.override("en"):
        entries = organization_timeline(viewer=users["secretariat"], organization=member_org)
    shown = {(e.category, e.title, e.detail) for e in entries if e.category in ("Visit", "Follow-up")}
    assert shown == {
        ("Visit", "技術相談", "who went: coordinator, 八王子市 産業振興課 · outcomes: Industry–academia link"),
        ("Follow-up", "研究室を紹介", "Open"),
    }
    assert not any("秘密の課題" in f"{e.title}{e.detail}" for e in entries)


def test_events_show_attended_and_registered(users, member_org):
    _attend(member_org, "精密加工セミナー")
    entries = organization_timeline(viewer=users["coordinator"], organization=member_org)
    events = {(e.category, e.title, e.detail) for e in entries if e.category == "イベント"}
    assert events == {
        ("イベント", "精密加工セミナー に参加", "セミナー・講演会 · 申込 2 名中 1 名が参加"),
        ("イベント", "申込だけのセミナー に申込", "セミナー・講演会 · 申込 1 名"),
    }


@pytest.mark.parametrize("role", ["member", "bank", "evaluator"])
def test_other_roles_never_see_visits_or_follow_ups_on_the_organisation_page(role, client_for, users, member_org):
    """The member user sees its own organisation's page (with its events), but no visit at all: see events.timeline."""
    _visit(users, member_org)
    _attend(member_org, "精密加工セミナー")
    page = client_for(role).get(reverse("organization-detail", args=[member_org.pk])).content.decode()
    assert "技術相談" not in page and "研究室を紹介" not in page and "秘密の課題" not in page
    assert ("精密加工セミナー に参加" in page) == (role == "member")


def test_the_organisation_page_runs_the_same_number_of_queries_for_3_and_30_visits(client_for, users, member_org):
    client = client_for("coordinator")
    url = reverse("organization-detail", args=[member_org.pk])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    for _ in range(3):
        _visit(users, member_org)
        _attend(member_org, "セミナー")
    few = queries()
    for _ in range(27):
        _visit(users, member_org)
        _attend(member_org, "セミナー")
    assert queries() == few


def test_the_organisation_page_offers_logging_a_visit_to_internal_users_only(client_for, member_org):
    url = reverse("organization-detail", args=[member_org.pk])
    link = f"{reverse('visit-create')}?organization={member_org.pk}"
    assert link in client_for("coordinator").get(url).content.decode()
    assert link not in client_for("member").get(url).content.decode()
