"""Matching quality on the development set `../shared/data/matching-dev/`: nDCG@10 and Recall@10 of the
recommender (through rank_dataset's code path: entry services, index, `need_recommendations`) and of a plain
character-bigram TF-IDF ranking (cosine, no analyser), with the metric definitions of the set's README:
gains 3 (grade 2) and 1 (grade 1), macro-averaged over the needs, ties broken by seed id.
"""

import json
import math
import time
from collections import Counter
from pathlib import Path
from typing import Any

from matching.management.commands.rank_dataset import rank, read_jsonl
from matching.recommender.analysis import bigrams

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "matching-dev"
GAINS = {2: 3, 1: 1}


def judgements(path: Path) -> dict[str, dict[str, int]]:
    judged: dict[str, dict[str, int]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            judged.setdefault(record["need"], {})[record["seed"]] = GAINS[record["grade"]]
    return judged


def metrics(rankings: dict[str, list[str]], judged: dict[str, dict[str, int]]) -> tuple[float, float]:
    """(nDCG@10, Recall@10), macro over the judged needs."""
    ndcg = recall = 0.0
    for need, gains in judged.items():
        top = rankings.get(need, [])[:10]
        dcg = sum(gains.get(seed, 0) / math.log2(rank + 2) for rank, seed in enumerate(top))
        ideal = sum(gain / math.log2(rank + 2) for rank, gain in enumerate(sorted(gains.values(), reverse=True)[:10]))
        ndcg += dcg / ideal
        recall += sum(1 for seed in top if seed in gains) / len(gains)
    return ndcg / len(judged), recall / len(judged)


def bigram_baseline(seeds: list[dict[str, Any]], needs: list[dict[str, Any]]) -> dict[str, list[str]]:
    """TF-IDF over character bigrams of title + description, cosine similarity."""
    documents = [Counter(bigrams(f"{seed['title']}。{seed['description']}")) for seed in seeds]
    total = len(documents)
    df = Counter(gram for document in documents for gram in document)

    def vector(counts: Counter) -> dict[str, float]:
        weights = {gram: tf * (math.log(total / df[gram]) + 1) for gram, tf in counts.items() if gram in df}
        norm = math.sqrt(sum(value * value for value in weights.values())) or 1.0
        return {gram: value / norm for gram, value in weights.items()}

    vectors = [vector(document) for document in documents]
    rankings = {}
    for need in needs:
        query = vector(Counter(bigrams(f"{need['title']}。{need['description']}")))
        scored = [(-sum(w * seed_vector.get(g, 0.0) for g, w in query.items()), seed["id"])
                  for seed_vector, seed in zip(vectors, seeds, strict=True)]  # fmt: skip
        rankings[need["id"]] = [seed_id for _score, seed_id in sorted(scored)]
    return rankings


def run(scale: int) -> list[tuple[str, float, str]]:
    seeds = read_jsonl(DATA / "seeds.jsonl", "seed")
    needs = read_jsonl(DATA / "needs.jsonl", "need")
    judged = judgements(DATA / "qrels.jsonl")
    started = time.perf_counter()
    ours = {line["need"]: line["seeds"] for line in rank(seeds, needs)}
    seconds = time.perf_counter() - started
    ndcg, recall = metrics(ours, judged)
    base_ndcg, base_recall = metrics(bigram_baseline(seeds, needs), judged)
    return [
        ("recommender nDCG@10", round(ndcg, 4), ""),
        ("recommender Recall@10", round(recall, 4), ""),
        ("bigram TF-IDF baseline nDCG@10", round(base_ndcg, 4), ""),
        ("bigram TF-IDF baseline Recall@10", round(base_recall, 4), ""),
        ("nDCG@10 above the baseline", round(ndcg - base_ndcg, 4), ""),
        ("rank_dataset run (150 seeds, 50 needs)", round(seconds, 1), "s"),
    ]
