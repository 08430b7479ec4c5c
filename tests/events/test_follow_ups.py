"""Follow-up actions: their status (owner or staff), the lists (mine, all open, overdue)."""

import pytest
from django.urls import reverse

from clusternet.core.exceptions import ApplicationError
from events.models import FollowUpStatus
from events.services.visits import follow_up_create, follow_up_set_status
from members.models import Role
from tests.events.factories import FollowUpFactory, VisitFactory
from tests.events.visits_helpers import days, today
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_done_is_dated_today_unless_told(users):
    follow_up = FollowUpFactory(owner=users["coordinator"])
    follow_up_set_status(actor=users["coordinator"], follow_up=follow_up, status=FollowUpStatus.DONE)
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.done_on) == (FollowUpStatus.DONE, today())
    assert follow_up.history.first().history_user == users["coordinator"]


def test_a_done_date_in_the_future_is_refused(users):
    follow_up = FollowUpFactory(owner=users["coordinator"])
    with pytest.raises(ApplicationError, match="完了日に未来の日付は指定できません。"):
        follow_up_set_status(actor=users["coordinator"], follow_up=follow_up, status="done", done_on=days(1))
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.OPEN


def test_a_cancelled_action_cannot_be_marked_done_without_reopening(users):
    follow_up = FollowUpFactory(owner=users["coordinator"], status=FollowUpStatus.CANCELLED)
    with pytest.raises(ApplicationError, match="「キャンセル」のフォローアップを「完了」にはできません。"):
        follow_up_set_status(actor=users["coordinator"], follow_up=follow_up, status="done")
    follow_up_set_status(actor=users["coordinator"], follow_up=follow_up, status="open")
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.done_on) == (FollowUpStatus.OPEN, None)


def test_a_follow_up_added_to_a_visit_needs_an_owner_and_takes_the_visits_organisation(users, member_org):
    visit = VisitFactory(organization=member_org)
    with pytest.raises(ApplicationError, match="フォローアップごとに担当者を選んでください。"):
        follow_up_create(actor=users["coordinator"], visit=visit, data={"description": "a", "due_on": days(2)})
    follow_up = follow_up_create(
        actor=users["coordinator"], visit=visit,
        data={"description": "a", "owner": users["coordinator"], "due_on": days(2)},
    )  # fmt: skip
    assert follow_up.organization == member_org
    assert visit.follow_ups.count() == 1


def test_the_owner_and_staff_change_the_status_and_another_coordinator_cannot(client, users):
    follow_up = FollowUpFactory(owner=users["coordinator"])
    url = reverse("follow-up-status", args=[follow_up.pk])
    other = UserFactory(role=Role.COORDINATOR, username="coordinator2")

    client.force_login(other, backend="members.backends.UsernameOrEmailBackend")
    assert client.post(url, {"status": "done"}).status_code == 403
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.OPEN

    client.force_login(users["coordinator"], backend="members.backends.UsernameOrEmailBackend")
    assert client.post(url, {"status": "done", "done_on": days(-1).isoformat()}).status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.done_on) == (FollowUpStatus.DONE, days(-1))

    client.force_login(users["secretariat"], backend="members.backends.UsernameOrEmailBackend")
    assert client.post(url, {"status": "open"}).status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.OPEN


def test_a_refused_status_change_is_told_on_the_page(client_for, users):
    follow_up = FollowUpFactory(owner=users["coordinator"])
    url = reverse("follow-up-status", args=[follow_up.pk])
    response = client_for("coordinator").post(url, {"status": "done", "done_on": days(3).isoformat()}, follow=True)
    assert "完了日に未来の日付は指定できません。" in response.content.decode()


def test_the_list_shows_mine_all_open_or_overdue(client_for, users):
    FollowUpFactory(owner=users["coordinator"], description="私の未了", due_on=days(5))
    FollowUpFactory(owner=users["secretariat"], description="事務局の期限切れ", due_on=days(-5))
    FollowUpFactory(owner=users["coordinator"], description="私の完了", due_on=days(-9), status="done")
    client = client_for("coordinator")

    def shown(show):
        page = client.get(reverse("follow-up-list"), {"show": show} if show else {}).content.decode()
        return {d for d in ("私の未了", "事務局の期限切れ", "私の完了") if d in page}

    assert shown(None) == shown("mine") == {"私の未了"}
    assert shown("open") == {"私の未了", "事務局の期限切れ"}
    assert shown("overdue") == {"事務局の期限切れ"}
    assert shown("all") == {"私の未了", "事務局の期限切れ", "私の完了"}
