"""The coordinators' synonym dictionary: pages, rules, and re-indexing only the entries that use its words."""

import pytest
from django.urls import reverse

from matching.models import SeedIndex, SynonymGroup
from matching.recommender import index
from matching.selectors.recommendations import need_recommendations
from members.models import Role
from tests.matching.factories import NeedFactory, SeedFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_index():
    index.clear_cache()
    yield
    index.clear_cache()


def test_a_new_group_bridges_words_and_reindexes_only_entries_using_them(
    users, client_for, django_capture_on_commit_callbacks
):
    coordinator = users[Role.COORDINATOR]
    seed = SeedFactory.create(title="クリープを抑えるウレタン", description="長期荷重によるクリープを抑えます。")
    unrelated = SeedFactory.create(title="培養装置", description="細胞を培養します。")
    need = NeedFactory.create(title="座面がへたる", description="座面のクッションがすぐへたる。")
    for kind, entry in (("seed", seed), ("seed", unrelated), ("need", need)):
        index.entry_index(kind=kind, entry_id=entry.pk)
    untouched = SeedIndex.objects.get(pk=unrelated.pk).updated_at
    assert seed.pk not in [item.entry.pk for item in need_recommendations(viewer=coordinator, need=need)]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(Role.COORDINATOR).post(
            reverse("synonym-list"), {"terms": "へたる、へたり、クリープ", "note": "樹脂"}, follow=True
        )
    assert "へたる / へたり / クリープ" in response.content.decode()
    assert need_recommendations(viewer=coordinator, need=need)[0].entry == seed
    assert SeedIndex.objects.get(pk=unrelated.pk).updated_at == untouched


def test_a_group_of_one_word_is_refused_with_a_message(users, client_for):
    response = client_for(Role.COORDINATOR).post(reverse("synonym-list"), {"terms": "閉塞\n閉塞"})
    assert "同義語のグループには" in response.content.decode() or "at least two" in response.content.decode()
    assert not SynonymGroup.objects.exists()


def test_edit_and_delete(users, client_for):
    group = SynonymGroup.objects.create(terms=["閉塞", "ブリッジ"])
    client = client_for(Role.COORDINATOR)
    client.post(reverse("synonym-edit", args=[group.pk]), {"terms": "閉塞\nブリッジ\n詰まり", "note": ""})
    assert SynonymGroup.objects.get().terms == ["閉塞", "ブリッジ", "詰まり"]
    client.post(reverse("synonym-delete", args=[group.pk]))
    assert not SynonymGroup.objects.exists()


@pytest.mark.parametrize("role", [Role.MEMBER, Role.BANK, Role.EVALUATOR])
def test_only_coordinators_and_staff_see_the_dictionary(users, client_for, role):
    assert client_for(role).get(reverse("synonym-list")).status_code == 403
