"""Who sees which seed or need in the lists and on a detail, and the lists' filters."""

import pytest
from django.http import Http404

from matching.models import EntryStatus, PatentStatus, TechField, Visibility
from matching.selectors.entries import EntryFilters, entry_get, need_list, seed_list
from members.models import Role
from tests.factories import UserFactory
from tests.matching.factories import NeedFactory, SeedFactory

pytestmark = pytest.mark.django_db


def _titles(queryset):
    return sorted(entry.title for entry in queryset)


def test_a_member_sees_their_own_entries_in_any_status(users, member_org):
    for status in EntryStatus.values:
        SeedFactory(owner=member_org, status=status, title=f"自社{status}", visibility=Visibility.COORDINATORS)
    assert len(seed_list(viewer=users[Role.MEMBER])) == len(EntryStatus.values)


def test_others_entries_are_seen_only_when_active_and_visible(users, bank_org, other_org):
    SeedFactory(owner=other_org, title="公開中")
    SeedFactory(owner=other_org, title="審査待ち", status=EntryStatus.SUBMITTED)
    SeedFactory(owner=other_org, title="取り下げ", status=EntryStatus.WITHDRAWN)
    SeedFactory(owner=other_org, title="CO限定", visibility=Visibility.COORDINATORS)
    named = SeedFactory(owner=other_org, title="指定先", visibility=Visibility.NAMED)
    named.audience.add(bank_org)
    assert _titles(seed_list(viewer=users[Role.MEMBER])) == ["公開中"]
    assert _titles(seed_list(viewer=users[Role.BANK])) == ["公開中", "指定先"]
    assert len(seed_list(viewer=users[Role.COORDINATOR])) == 5
    assert len(seed_list(viewer=users[Role.SECRETARIAT])) == 5


def test_evaluators_and_organisationless_users_see_nothing(users):
    NeedFactory()
    assert not need_list(viewer=users[Role.EVALUATOR]).exists()


def test_an_invisible_entry_answers_404(users, other_org):
    hidden = NeedFactory(owner=other_org, visibility=Visibility.COORDINATORS)
    with pytest.raises(Http404):
        entry_get(users[Role.MEMBER], "need", hidden.pk)
    assert entry_get(users[Role.COORDINATOR], "need", hidden.pk) == hidden


def test_text_search_folds_widths(users):
    SeedFactory(title="振動センサ", description="工作機械の異常を検知する。")
    SeedFactory(title="樹脂成形")
    coordinator = users[Role.COORDINATOR]
    assert _titles(seed_list(viewer=coordinator, filters=EntryFilters(q="ｾﾝｻ"))) == ["振動センサ"]
    assert _titles(seed_list(viewer=coordinator, filters=EntryFilters(q="工作機械 異常"))) == ["振動センサ"]


def test_filters_by_field_patent_willingness_and_timing(users):
    SeedFactory(
        title="特許あり", field=TechField.IT_ELECTRONICS, patent_status=PatentStatus.GRANTED, offers_license=True
    )
    SeedFactory(title="特許なし")
    NeedFactory(title="急ぎ", timing="soon")
    NeedFactory(title="未定")
    viewer = users[Role.COORDINATOR]
    assert _titles(seed_list(viewer=viewer, filters=EntryFilters(field=TechField.IT_ELECTRONICS))) == ["特許あり"]
    assert _titles(seed_list(viewer=viewer, filters=EntryFilters(patent_status=PatentStatus.GRANTED))) == ["特許あり"]
    assert _titles(seed_list(viewer=viewer, filters=EntryFilters(willingness="license"))) == ["特許あり"]
    assert _titles(need_list(viewer=viewer, filters=EntryFilters(timing="soon"))) == ["急ぎ"]


def test_mine_is_the_organisations_entries_or_a_coordinators_registrations(users, member_org):
    coordinator = users[Role.COORDINATOR]
    SeedFactory(owner=member_org, title="自社")
    SeedFactory(title="他社", registered_by=coordinator)
    assert _titles(seed_list(viewer=users[Role.MEMBER], filters=EntryFilters(mine=True))) == ["自社"]
    assert _titles(seed_list(viewer=coordinator, filters=EntryFilters(mine=True))) == ["他社"]
    assert not seed_list(viewer=UserFactory(role=Role.SECRETARIAT), filters=EntryFilters(mine=True)).exists()
