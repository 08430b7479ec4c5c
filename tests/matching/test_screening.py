"""Screening at the coordinators' meeting: decisions in bulk, all or nothing, and one mail per organisation."""

import pytest
from django.urls import reverse

from clusternet.core.exceptions import ApplicationError
from matching.models import EntryStatus, Need, Seed
from matching.selectors.entries import screening_queue
from matching.services.entries import entries_screen
from members.models import Role
from tests.factories import UserFactory
from tests.matching.factories import NeedFactory, SeedFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def coordinator(users):
    return users[Role.COORDINATOR]


def test_the_queue_holds_submitted_entries_of_both_kinds_oldest_first(coordinator, users):
    first = NeedFactory(status=EntryStatus.SUBMITTED)
    second = SeedFactory(status=EntryStatus.SUBMITTED)
    SeedFactory(status=EntryStatus.ACTIVE)
    assert screening_queue(viewer=coordinator) == [first, second]
    assert screening_queue(viewer=users[Role.MEMBER]) == []


def test_accept_question_and_decline_in_one_go(
    coordinator, users, member_org, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(role=Role.MEMBER, organization=member_org, email="a@example.jp")
    accepted = SeedFactory(owner=member_org, status=EntryStatus.SUBMITTED)
    questioned = NeedFactory(owner=member_org, status=EntryStatus.SUBMITTED)
    declined = SeedFactory(status=EntryStatus.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        entries_screen(
            actor=coordinator,
            decisions=[
                (accepted, "accept", ""),
                (questioned, "question", "予算の目安を教えてください。"),
                (declined, "decline", "会員外の技術のため。"),
            ],
        )
    accepted.refresh_from_db()
    questioned.refresh_from_db()
    declined.refresh_from_db()
    assert accepted.status == EntryStatus.ACTIVE
    assert accepted.screened_by == coordinator
    assert (questioned.status, questioned.screening_note) == (EntryStatus.QUESTION, "予算の目安を教えてください。")
    assert (declined.status, declined.screening_note) == (EntryStatus.DECLINED, "会員外の技術のため。")
    # One mail to the member organisation's users (the users fixture's member and the one made here), both
    # entries in it; the other owner has no users.
    assert sorted(m.to[0] for m in mailoutbox) == sorted(["a@example.jp", users[Role.MEMBER].email])
    body = mailoutbox[0].body
    assert accepted.title in body and questioned.title in body and "予算の目安を教えてください。" in body


def test_a_question_without_text_refuses_the_whole_batch(coordinator):
    accepted = SeedFactory(status=EntryStatus.SUBMITTED)
    questioned = NeedFactory(status=EntryStatus.SUBMITTED)
    with pytest.raises(ApplicationError, match="Write the question") as refused:
        entries_screen(actor=coordinator, decisions=[(accepted, "accept", ""), (questioned, "question", "  ")])
    assert refused.value.extra["entry"] == 1
    assert set(Seed.objects.values_list("status", flat=True)) == {EntryStatus.SUBMITTED}
    assert set(Need.objects.values_list("status", flat=True)) == {EntryStatus.SUBMITTED}


def test_a_decline_needs_a_reason(coordinator):
    seed = SeedFactory(status=EntryStatus.SUBMITTED)
    with pytest.raises(ApplicationError, match="Give the reason for declining"):
        entries_screen(actor=coordinator, decisions=[(seed, "decline", "")])
    assert Seed.objects.get().status == EntryStatus.SUBMITTED


def test_an_entry_already_screened_refuses_the_batch(coordinator):
    waiting = SeedFactory(status=EntryStatus.SUBMITTED)
    done = SeedFactory(status=EntryStatus.ACTIVE)
    with pytest.raises(ApplicationError, match="no longer awaiting screening"):
        entries_screen(actor=coordinator, decisions=[(waiting, "accept", ""), (done, "decline", "重複")])
    assert Seed.objects.get(pk=waiting.pk).status == EntryStatus.SUBMITTED


def test_members_do_not_screen(users):
    seed = SeedFactory(status=EntryStatus.SUBMITTED)
    with pytest.raises(ApplicationError, match="Only coordinators screen"):
        entries_screen(actor=users[Role.MEMBER], decisions=[(seed, "accept", "")])
    assert Seed.objects.get().status == EntryStatus.SUBMITTED


def test_the_screening_page_saves_the_decided_rows_and_keeps_the_rest(client_for):
    later = SeedFactory(status=EntryStatus.SUBMITTED)
    accepted = NeedFactory(status=EntryStatus.SUBMITTED)
    client = client_for(Role.COORDINATOR)
    page = client.get(reverse("screening-queue"))
    assert later.title in page.content.decode() and accepted.title in page.content.decode()
    data = {
        "screen-TOTAL_FORMS": "2",
        "screen-INITIAL_FORMS": "2",
        "screen-0-kind": "seed",
        "screen-0-entry_id": str(later.pk),
        "screen-0-decision": "",
        "screen-0-note": "",
        "screen-1-kind": "need",
        "screen-1-entry_id": str(accepted.pk),
        "screen-1-decision": "accept",
        "screen-1-note": "",
    }
    response = client.post(reverse("screening-queue"), data)
    assert response.status_code == 302
    assert Seed.objects.get().status == EntryStatus.SUBMITTED
    assert Need.objects.get().status == EntryStatus.ACTIVE


def test_the_screening_page_shows_a_missing_reason_beside_its_row_and_saves_nothing(client_for):
    accepted = SeedFactory(status=EntryStatus.SUBMITTED)
    declined = NeedFactory(status=EntryStatus.SUBMITTED)
    data = {
        "screen-TOTAL_FORMS": "2",
        "screen-INITIAL_FORMS": "2",
        "screen-0-kind": "seed",
        "screen-0-entry_id": str(accepted.pk),
        "screen-0-decision": "accept",
        "screen-1-kind": "need",
        "screen-1-entry_id": str(declined.pk),
        "screen-1-decision": "decline",
        "screen-1-note": "",
    }
    response = client_for(Role.COORDINATOR).post(reverse("screening-queue"), data)
    assert response.status_code == 200
    assert "理由を入力してください" in response.content.decode()
    assert Seed.objects.get().status == EntryStatus.SUBMITTED
