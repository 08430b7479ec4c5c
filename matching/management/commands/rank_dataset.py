"""Rank a data set in the format of `../shared/data/matching-dev/` with the recommender, for measuring it.

    python manage.py rank_dataset DIR --output FILE.jsonl

Reads DIR/seeds.jsonl and DIR/needs.jsonl (never qrels.jsonl), registers every entry through the entry
services (`seed_create` / `need_create`, accepted at once by a scratch coordinator) for scratch
organisations, indexes them with the index code, asks `need_recommendations` for each need as that
coordinator, and writes one line per need with the data set's own ids. All of it runs in one transaction
that is rolled back: the real data is left untouched and the scratch entries never count alongside it.
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from matching.models import Need, Seed, TechField, Visibility
from matching.recommender import index
from matching.selectors.recommendations import need_recommendations
from matching.services.entries import need_create, seed_create
from members.models import Organization, OrganizationKind, Role, User

# The data set files entries under the association's Japanese category labels.
FIELDS = {
    "ものづくり": TechField.MANUFACTURING,
    "バイオ・医療": TechField.BIO_MEDICAL,
    "IT・エレクトロニクス": TechField.IT_ELECTRONICS,
    "環境・エネルギー": TechField.ENVIRONMENT_ENERGY,
    "食品・農業": TechField.FOOD_AGRICULTURE,
    "素材・化学": TechField.MATERIALS_CHEMISTRY,
}
OWNER_KINDS = {
    "firm": OrganizationKind.FIRM,
    "large_firm": OrganizationKind.FIRM,
    "university": OrganizationKind.UNIVERSITY,
}
LIMIT = 10


class _Rollback(Exception):
    pass


def read_jsonl(path: Path, kind: str) -> list[dict[str, Any]]:
    """The records of one file, each checked, or a CommandError naming the file and line."""
    if not path.is_file():
        raise CommandError(f"{path} does not exist.")
    records = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise CommandError(f"{path}, line {number}: not valid JSON ({error.msg}).") from None
            if not isinstance(record, dict):
                raise CommandError(f"{path}, line {number}: expected a JSON object.")
            for key in ("id", "title", "description", "field", "owner_kind"):
                if not isinstance(record.get(key), str) or not record[key].strip():
                    raise CommandError(f"{path}, line {number}: the {kind} has no {key}.")
            if record["field"] not in FIELDS:
                raise CommandError(f"{path}, line {number}: unknown field {record['field']!r}.")
            if record["owner_kind"] not in OWNER_KINDS:
                raise CommandError(f"{path}, line {number}: unknown owner_kind {record['owner_kind']!r}.")
            records.append(record)
    ids = [record["id"] for record in records]
    if len(set(ids)) != len(ids):
        raise CommandError(f"{path}: an id appears twice.")
    return records


def rank(seeds: list[dict[str, Any]], needs: list[dict[str, Any]], *, limit: int = LIMIT) -> list[dict[str, Any]]:
    """The ranking of every need, computed in a scratch transaction that is rolled back."""
    lines: list[dict[str, Any]] = []
    try:
        with transaction.atomic():
            # Inside the scratch transaction the entries already recorded step aside (rolled back with the
            # rest), so the data set is ranked against itself alone, whatever the database holds.
            index.clear_cache()
            for kind in ("seed", "need"):
                index.index_model(kind).objects.update(active=False, public=False)
            coordinator = User.objects.create(username="rank-dataset-scratch", role=Role.COORDINATOR)
            owners = {
                owner_kind: Organization.objects.create(kind=kind, name=f"scratch {owner_kind}", name_kana="スクラッチ")
                for owner_kind, kind in OWNER_KINDS.items()
            }
            seed_ids: dict[int, str] = {}
            for record in seeds:
                seed = seed_create(
                    actor=coordinator, owner=owners[record["owner_kind"]], data=_data(record), accept=True
                )
                seed_ids[seed.pk] = record["id"]
            created_needs: list[tuple[Need, str]] = []
            for record in needs:
                need = need_create(
                    actor=coordinator, owner=owners[record["owner_kind"]], data=_data(record), accept=True
                )
                created_needs.append((need, record["id"]))
            # The services index on commit, which never comes here: index now, with the same code.
            index.index_many("seed", Seed.objects.filter(pk__in=seed_ids))
            index.index_many("need", Need.objects.filter(pk__in=[need.pk for need, _id in created_needs]))
            for need, need_id in created_needs:
                found = need_recommendations(viewer=coordinator, need=need, limit=limit)
                lines.append({"need": need_id, "seeds": [seed_ids[item.entry.pk] for item in found]})
            raise _Rollback
    except _Rollback:
        pass
    finally:
        # The worker's cached matrix saw the scratch rows.
        index.clear_cache()
    return lines


def _data(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": record["title"].strip()[:200],
        "description": record["description"].strip(),
        "field": FIELDS[record["field"]],
        "visibility": Visibility.MEMBERS,
    }


class Command(BaseCommand):
    help = "Rank every need's seeds of a data set directory (seeds.jsonl, needs.jsonl) without keeping it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--output", type=Path, required=True, help="the JSON Lines file to write")

    def handle(self, *args: Any, directory: Path, output: Path, **options: Any) -> None:
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory.")
        seeds = read_jsonl(directory / "seeds.jsonl", "seed")
        needs = read_jsonl(directory / "needs.jsonl", "need")
        lines = rank(seeds, needs)
        output.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
        self.stdout.write(f"Ranked {len(lines)} needs against {len(seeds)} seeds into {output}.")
