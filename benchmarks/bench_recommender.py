"""The recommender at scale: `scale` × 10 seeds and `scale` needs (100,000 and 10,000 at the default scale).

Texts recombine the development set's titles and sentences (deterministic), owned by 500 organisations;
a tenth of the seeds are confidential (coordinators only), a tenth await screening. Figures: the time to
analyse and index everything (bulk), to build a worker's matrix, the median and 95th percentile latency of
one `need_recommendations` call (limit 10) as a member user (for a need of their own) and as a coordinator,
the time to index one new seed and have the next call see it, the matrix's size and the process's peak
resident memory.
"""

import json
import random
import resource
import statistics
import time
from pathlib import Path
from typing import Any

from matching.models import EntryStatus, Need, Seed, TechField, Visibility
from matching.recommender import index
from matching.selectors.recommendations import need_recommendations
from members.models import Organization, OrganizationKind, Role, User

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "matching-dev"
ROUNDS = 40
BATCH = 5000
FIELDS = list(TechField.values)


def _texts(name: str) -> tuple[list[str], list[str]]:
    titles, sentences = [], []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        titles.append(record["title"])
        sentences += [part + "。" for part in record["description"].split("。") if part]
    return titles, sentences


def _entries(model: Any, count: int, owners: list[Organization], source: str) -> None:
    rng = random.Random(count)
    titles, sentences = _texts(source)
    batch = []
    for number in range(count):
        draw = rng.random()
        batch.append(model(
            owner=rng.choice(owners), title=rng.choice(titles), field=rng.choice(FIELDS),
            description="".join(rng.sample(sentences, rng.randint(2, 4))),
            status=EntryStatus.SUBMITTED if draw < 0.1 else EntryStatus.ACTIVE,
            visibility=Visibility.COORDINATORS if 0.1 <= draw < 0.2 else Visibility.MEMBERS,
        ))  # fmt: skip
        if len(batch) == BATCH or number == count - 1:
            model.objects.bulk_create(batch)
            batch = []


def _latency(viewer: User, needs: list[Need]) -> tuple[float, float]:
    timings = []
    for round_number in range(ROUNDS):
        need = needs[round_number % len(needs)]
        started = time.perf_counter()
        need_recommendations(viewer=viewer, need=need, limit=10)
        timings.append(time.perf_counter() - started)
    timings.sort()
    return statistics.median(timings) * 1000, timings[int(len(timings) * 0.95) - 1] * 1000


def run(scale: int) -> list[tuple[str, float, str]]:
    seeds, needs = scale * 10, scale
    owners = Organization.objects.bulk_create(
        Organization(kind=OrganizationKind.FIRM, name=f"ベンチ工業{n}", name_kana="ベンチコウギョウ")
        for n in range(500)
    )
    member = User.objects.create(username="bench-member", role=Role.MEMBER, organization=owners[0])
    coordinator = User.objects.create(username="bench-coordinator", role=Role.COORDINATOR)
    _entries(Seed, seeds, owners, "seeds.jsonl")
    _entries(Need, needs, owners, "needs.jsonl")

    started = time.perf_counter()
    index.index_many("seed", Seed.objects.all())
    index.index_many("need", Need.objects.all())
    indexing = time.perf_counter() - started

    index.clear_cache()
    started = time.perf_counter()
    store = index.collection("seed")
    build = time.perf_counter() - started
    matrix_mb = (store.matrix.weights.data.nbytes + store.matrix.weights.indices.nbytes) / 2**20

    own_needs = list(Need.objects.filter(owner=owners[0], status=EntryStatus.ACTIVE)[:ROUNDS])
    any_needs = list(Need.objects.filter(status=EntryStatus.ACTIVE).order_by("?")[:ROUNDS])
    _latency(coordinator, any_needs[:3])  # warm up: the dictionary, the query plans
    member_median, member_p95 = _latency(member, own_needs)
    coordinator_median, coordinator_p95 = _latency(coordinator, any_needs)

    new = Seed.objects.create(
        owner=owners[1], title="微生物で臭気を分解する脱臭装置", description="畜舎のにおいを微生物で分解します。",
        field=TechField.ENVIRONMENT_ENERGY, status=EntryStatus.ACTIVE,
    )  # fmt: skip
    started = time.perf_counter()
    index.entry_index(kind="seed", entry_id=new.pk)
    index_one = time.perf_counter() - started
    started = time.perf_counter()
    need_recommendations(viewer=coordinator, need=any_needs[0], limit=10)
    first_call = time.perf_counter() - started

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return [
        ("seeds / needs", seeds, f"/ {needs}"),
        ("analyse and index all entries (bulk)", round(indexing, 1), "s"),
        ("build a worker's seed matrix", round(build, 1), "s"),
        ("seed matrix size (nonzeros)", round(matrix_mb, 1), "MB"),
        ("recommendations, member user: median", round(member_median, 1), "ms"),
        ("recommendations, member user: p95", round(member_p95, 1), "ms"),
        ("recommendations, coordinator: median", round(coordinator_median, 1), "ms"),
        ("recommendations, coordinator: p95", round(coordinator_p95, 1), "ms"),
        ("index one new seed", round(index_one * 1000, 1), "ms"),
        ("next call, seeing the new seed", round(first_call * 1000, 1), "ms"),
        ("peak resident memory of the process", round(peak_mb), "MB"),
    ]
