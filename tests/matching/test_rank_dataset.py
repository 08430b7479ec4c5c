"""rank_dataset: ranks a data set through the same services and recommender, leaving the real data untouched."""

import json

import pytest
from django.core.management import CommandError, call_command

from matching.models import Need, Seed, SeedIndex
from members.models import Organization, User

pytestmark = pytest.mark.django_db

SEEDS = [
    {"id": "S1", "title": "生物脱臭装置", "description": "臭気を微生物で分解します。", "owner_kind": "firm",
     "field": "環境・エネルギー"},
    {"id": "S2", "title": "炭素繊維パイプ", "description": "金属部品を軽量化します。", "owner_kind": "university",
     "field": "素材・化学"},
    {"id": "S3", "title": "ミリ波レーダー見守り", "description": "離床を検知します。", "owner_kind": "large_firm",
     "field": "IT・エレクトロニクス"},
]  # fmt: skip
NEEDS = [
    {"id": "N1", "title": "においの苦情", "description": "堆肥のにおいで苦情が来る。", "owner_kind": "firm",
     "field": "食品・農業"},
    {"id": "N2", "title": "車いすを軽くしたい", "description": "フレームを軽くしたい。", "owner_kind": "large_firm",
     "field": "ものづくり"},
]  # fmt: skip


def _write(directory, name, records):
    (directory / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


@pytest.fixture
def dataset(tmp_path):
    _write(tmp_path, "seeds.jsonl", SEEDS)
    _write(tmp_path, "needs.jsonl", NEEDS)
    return tmp_path


def test_writes_one_line_per_need_with_the_data_sets_ids_and_keeps_nothing(dataset, tmp_path):
    output = tmp_path / "out.jsonl"
    before = (Seed.objects.count(), Need.objects.count(), Organization.objects.count(), User.objects.count())
    call_command("rank_dataset", str(dataset), "--output", str(output))
    lines = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [line["need"] for line in lines] == ["N1", "N2"]
    assert lines[0]["seeds"][0] == "S1" and lines[1]["seeds"][0] == "S2"
    assert (Seed.objects.count(), Need.objects.count(), Organization.objects.count(), User.objects.count()) == before
    assert not SeedIndex.objects.exists()


def test_a_bad_json_line_is_refused_and_nothing_written(dataset, tmp_path):
    (dataset / "needs.jsonl").write_text('{"id": "N1"\n', encoding="utf-8")
    output = tmp_path / "out.jsonl"
    with pytest.raises(CommandError, match=r"needs\.jsonl, line 1: not valid JSON"):
        call_command("rank_dataset", str(dataset), "--output", str(output))
    assert not output.exists()


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match=r"seeds\.jsonl does not exist"):
        call_command("rank_dataset", str(tmp_path), "--output", str(tmp_path / "out.jsonl"))


def test_an_unknown_field_is_refused(dataset, tmp_path):
    _write(dataset, "seeds.jsonl", [{**SEEDS[0], "field": "宇宙"}])
    with pytest.raises(CommandError, match="unknown field"):
        call_command("rank_dataset", str(dataset), "--output", str(tmp_path / "out.jsonl"))


def test_entries_already_recorded_neither_appear_nor_change_the_ranking(dataset, tmp_path):
    from matching.recommender.index import clear_cache, entry_index
    from tests.matching.factories import SeedFactory

    alone, crowded = tmp_path / "alone.jsonl", tmp_path / "crowded.jsonl"
    call_command("rank_dataset", str(dataset), "--output", str(alone))
    recorded = SeedFactory(title="においを分解する脱臭装置", description="堆肥のにおいを微生物で分解します。")
    entry_index(kind="seed", entry_id=recorded.pk)
    clear_cache()
    call_command("rank_dataset", str(dataset), "--output", str(crowded))
    assert crowded.read_text(encoding="utf-8") == alone.read_text(encoding="utf-8")
    assert SeedIndex.objects.get(pk=recorded.pk).active
