"""Recommendations between seeds and needs: the Japanese vocabulary gap, visibility inside the recommender,
the coordinators' feedback, the API and pages, and re-indexing when an entry changes."""

import pytest
from django.urls import reverse

from matching.models import EntryStatus, RecommendationFeedback, Visibility
from matching.recommender import analysis, index
from matching.selectors.recommendations import need_recommendations, seed_recommendations
from matching.services.entries import seed_update
from members.models import Role
from tests.factories import OrganizationFactory
from tests.matching.factories import NeedFactory, SeedFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

FILLER = [
    ("培養細胞の自動観察装置", "顕微鏡画像から細胞の数を数え、増殖の様子を記録します。"),
    ("果樹園向けの収穫予測", "ドローンで撮った写真から果実の数を推定し、出荷計画に使えます。"),
    ("下水汚泥からのリン回収", "汚泥の焼却灰からリンを取り出し、肥料の原料にします。"),
]


@pytest.fixture(autouse=True)
def fresh_index():
    index.clear_cache()
    yield
    index.clear_cache()


def _seed(title, description, **kwargs):
    seed = SeedFactory.create(title=title, description=description, **kwargs)
    index.entry_index(kind="seed", entry_id=seed.pk)
    return seed


def _need(title, description, **kwargs):
    need = NeedFactory.create(title=title, description=description, **kwargs)
    index.entry_index(kind="need", entry_id=need.pk)
    return need


def _fillers():
    return [_seed(title, description) for title, description in FILLER]


def _ranked(viewer, need):
    return [item.entry.pk for item in need_recommendations(viewer=viewer, need=need, limit=10)]


@pytest.mark.parametrize(
    ("need_text", "seed_text"),
    [
        ("ラベルをはがす作業に時間がかかる", "糊残りのない剥離技術"),
        ("台車を軽くしたい", "アルミ部材による軽量化"),
        ("工場のにおいで苦情が来る", "微生物による臭気の低減"),
        ("ｾﾝｻの値が安定しない", "高精度なセンサーの設計"),
    ],
)
def test_everyday_words_find_the_technical_seed(users, need_text, seed_text):
    _fillers()
    seed = _seed(seed_text, seed_text + "を提供します。")
    need = _need(need_text, need_text + "。")
    assert _ranked(users[Role.COORDINATOR], need)[0] == seed.pk


def test_width_and_long_vowel_variants_share_one_word():
    assert analysis.analyse("ｾﾝｻ", "").terms.keys() & analysis.analyse("センサー", "").terms.keys() >= {"w:センサー"}


def test_reasons_show_the_words_as_written_in_each_text(users):
    _fillers()
    seed = _seed("糊残りのない剥離技術", "シールを剥離します。")
    need = _need("ラベルをはがす作業", "手ではがすのが大変。")
    [first, *_rest] = need_recommendations(viewer=users[Role.COORDINATOR], need=need, limit=3)
    assert first.entry == seed
    assert ("synonym", "はがす", "剥離") in [(r.kind, r.query_word, r.match_word) for r in first.reasons]


def test_confidential_seed_is_never_recommended_nor_quoted_to_a_member(users, member_org):
    _fillers()
    confidential = {
        _seed("極秘の剥離剤", "特殊な剥離剤で金型から樹脂をはがす秘密の配合。", visibility=visibility).pk
        for visibility in (Visibility.COORDINATORS, Visibility.NAMED)
    }
    public = _seed("一般の剥離技術", "樹脂をはがす技術です。")
    need = _need("樹脂をはがしたい", "金型から樹脂をはがすのに苦労している。", owner=member_org)
    member_results = need_recommendations(viewer=users[Role.MEMBER], need=need, limit=10)
    assert member_results[0].entry == public
    assert not confidential & {item.entry.pk for item in member_results}
    words = {word for item in member_results for r in item.reasons for word in (r.query_word, r.match_word)}
    assert not words & {"剥離剤", "秘密", "配合", "極秘", "特殊"}
    assert set(_ranked(users[Role.COORDINATOR], need)[:3]) == {*confidential, public.pk}


def test_confidential_words_do_not_change_a_members_scores(users, member_org):
    _fillers()
    public = _seed("一般の剥離技術", "樹脂をはがす技術です。")
    need = _need("樹脂をはがしたい", "樹脂をはがす。", owner=member_org)
    before = need_recommendations(viewer=users[Role.MEMBER], need=need, limit=5)[0].score
    _seed("極秘の剥離剤", "樹脂をはがす秘密の配合。", visibility=Visibility.COORDINATORS)
    after = need_recommendations(viewer=users[Role.MEMBER], need=need, limit=5)
    assert after[0].entry == public and after[0].score == before


def test_inactive_seeds_are_not_recommended(users):
    need = _need("樹脂をはがしたい", "樹脂をはがす。")
    _seed("審査待ちの剥離技術", "樹脂をはがす。", status=EntryStatus.SUBMITTED)
    assert _ranked(users[Role.COORDINATOR], need) == []


def test_feedback_raises_a_useful_pair_and_lowers_a_useless_one(users):
    coordinator = users[Role.COORDINATOR]
    first = _seed("樹脂部品の軽量化", "樹脂で部品を軽量化します。")
    second = _seed("金属部品の軽量化", "中空構造で部品を軽量化します。")
    need = _need("部品を軽くしたい", "樹脂の部品を軽くしたい。")
    assert _ranked(coordinator, need)[0] == first.pk
    RecommendationFeedback.objects.create(need=need, seed=first, user=coordinator, useful=False)
    RecommendationFeedback.objects.create(need=need, seed=second, user=coordinator, useful=True)
    found = need_recommendations(viewer=coordinator, need=need, limit=2)
    assert [item.entry.pk for item in found] == [second.pk, first.pk]
    assert "feedback" in [reason.kind for reason in found[0].reasons]


def test_an_edit_reindexes_the_seed_through_the_task(users, django_capture_on_commit_callbacks):
    coordinator = users[Role.COORDINATOR]
    _fillers()
    seed = _seed("培地の調製", "細胞の培地を作ります。")
    need = _need("においの苦情", "工場のにおいで苦情が来る。")
    assert seed.pk not in _ranked(coordinator, need)
    with django_capture_on_commit_callbacks(execute=True):
        seed_update(actor=coordinator, seed=seed, data={"title": "生物脱臭装置", "description": "臭気を分解します。"})
    assert _ranked(coordinator, need)[0] == seed.pk


def test_seed_to_needs_direction(users):
    seed = _seed("臭気の生物分解装置", "臭気を微生物で分解します。")
    need = _need("においの苦情", "工場のにおいで苦情が来る。")
    _need("人手不足", "検査する人が足りない。")
    found = seed_recommendations(viewer=users[Role.COORDINATOR], seed=seed, limit=5)
    assert [item.entry.pk for item in found] == [need.pk]


# -- API --


def test_api_lists_seeds_best_first_with_reasons(users, api_client_for):
    _fillers()
    seed = _seed("臭気の生物分解装置", "臭気を微生物で分解します。")
    need = _need("においの苦情", "工場のにおいで苦情が来る。")
    response = api_client_for(Role.COORDINATOR).get(reverse("api-need-recommendations", args=[need.pk]), {"limit": 2})
    assert response.status_code == 200
    body = response.json()
    assert body[0]["seed"] == seed.pk and isinstance(body[0]["score"], float) and len(body) <= 2
    assert {"kind": "synonym", "query_word": "におい", "match_word": "臭気"} in body[0]["reasons"]


def test_api_seed_recommendations_name_needs(users, api_client_for):
    seed = _seed("臭気の生物分解装置", "臭気を微生物で分解します。")
    need = _need("においの苦情", "工場のにおいで苦情が来る。")
    response = api_client_for(Role.COORDINATOR).get(reverse("api-seed-recommendations", args=[seed.pk]))
    assert response.json()[0]["need"] == need.pk


@pytest.mark.parametrize("limit", ["0", "101", "ten"])
def test_api_bad_limit_is_refused_with_a_message(users, api_client_for, limit):
    need = _need("においの苦情", "工場のにおいで苦情が来る。")
    response = api_client_for(Role.COORDINATOR).get(
        reverse("api-need-recommendations", args=[need.pk]), {"limit": limit}
    )
    assert response.status_code == 400
    assert response.json()["limit"] == ["件数は1から100までの整数で指定してください。"]


def test_api_member_asks_about_own_need_only(users, api_client_for, member_org):
    own = _need("においの苦情", "工場のにおい。", owner=member_org)
    other = _need("においの苦情", "工場のにおい。", owner=OrganizationFactory())
    client = api_client_for(Role.MEMBER)
    assert client.get(reverse("api-need-recommendations", args=[own.pk])).status_code == 200
    assert client.get(reverse("api-need-recommendations", args=[other.pk])).status_code == 404
    assert api_client_for(Role.EVALUATOR).get(reverse("api-need-recommendations", args=[own.pk])).status_code == 403


def test_api_feedback_by_a_coordinator_is_recorded_once(users, api_client_for):
    seed = _seed("生物脱臭装置", "臭気を分解します。")
    need = _need("においの苦情", "工場のにおい。")
    url = reverse("api-recommendation-feedback", args=[need.pk, seed.pk])
    client = api_client_for(Role.COORDINATOR)
    assert client.post(url, {"useful": True}, format="json").status_code == 201
    response = client.post(url, {"useful": False}, format="json")
    assert response.json() == {"need": need.pk, "seed": seed.pk, "useful": False}
    assert RecommendationFeedback.objects.get().useful is False
    assert api_client_for(Role.MEMBER).post(url, {"useful": True}, format="json").status_code == 403


# -- pages --


def test_page_highlights_matched_words_and_links_a_case(users, client_for):
    seed = _seed("臭気の生物分解装置", "臭気を微生物で分解します。")
    need = _need("においの苦情", "工場のにおいで苦情が来る。")
    response = client_for(Role.COORDINATOR).get(reverse("need-recommendations", args=[need.pk]))
    html = response.content.decode()
    assert "<mark>臭気</mark>" in html and "<mark>におい</mark>" in html
    assert f"{reverse('case-create')}?seed={seed.pk}&amp;need={need.pk}" in html


def test_feedback_button_works_without_javascript(users, client_for):
    seed = _seed("生物脱臭装置", "臭気を分解します。")
    need = _need("においの苦情", "工場のにおい。")
    response = client_for(Role.COORDINATOR).post(
        reverse("recommendation-feedback", args=[need.pk, seed.pk]), {"useful": "yes", "back": "need"}
    )
    assert response.status_code == 302 and response.url == reverse("need-recommendations", args=[need.pk])
    assert RecommendationFeedback.objects.get().useful is True


def test_feedback_with_htmx_answers_the_buttons(users, client_for):
    seed = _seed("生物脱臭装置", "臭気を分解します。")
    need = _need("においの苦情", "工場のにおい。")
    response = client_for(Role.COORDINATOR).post(
        reverse("recommendation-feedback", args=[need.pk, seed.pk]), {"useful": "no"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "有用でないと評価済み" in response.content.decode()


def test_page_query_count_stays_constant(users, client_for, django_assert_max_num_queries):
    client = client_for(Role.COORDINATOR)
    need = _need("部品を軽くしたい", "樹脂の部品を軽くしたい。")
    for number in range(3):
        _seed(f"樹脂部品の軽量化{number}", "樹脂で部品を軽量化します。")
    client.get(reverse("need-recommendations", args=[need.pk]))
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("need-recommendations", args=[need.pk]))
        count = len(few.captured_queries)
    for number in range(12):
        _seed(f"金属部品の軽量化{number}", "部品を軽量化します。")
    # The worker reads the new index rows once, then the page costs what it cost with 3 seeds.
    client.get(reverse("need-recommendations", args=[need.pk]))
    with django_assert_max_num_queries(count):
        client.get(reverse("need-recommendations", args=[need.pk]))
