"""BM25 over the analysed features, as a sparse matrix (rows = candidate entries, columns = features).

Pure numpy/scipy, no Django: the index (`matching.recommender.index`) feeds it rows and masks, and so does
the quality benchmark's baseline. Each feature kind has its own weight: an exact content word counts most,
a synonym a little less, a character bigram (the fallback) least. Document frequencies come from the
entries the caller marks as public (see the index docstring: a confidential entry's words never weigh in
anyone's statistics); a feature no public entry has gets the highest idf.
"""

import math
from array import array
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy import sparse

K1 = 1.2
B = 0.75
# Tuned on the development set (nDCG@10); see benchmarks/bench_matching_quality.py.
KIND_WEIGHTS = {"w": 1.0, "y": 1.2, "k": 0.3, "g": 0.1}
# Same field is a hint, not a filter: matches across fields are often the interesting ones.
SAME_FIELD_BONUS = 0.1


def kind_weight(term: str) -> float:
    return KIND_WEIGHTS.get(term[:1], 1.0)


def length_of(terms: Mapping[str, float]) -> float:
    """Document length for BM25: the weight of its words (bigrams would only repeat them)."""
    return sum(value for term, value in terms.items() if term.startswith("w:")) or 1.0


@dataclass
class Row:
    entry_id: int
    terms: Mapping[str, float]
    public: bool = True


class Matrix:
    """The BM25 document weights of a set of rows, ready to score a query against all of them at once.

    Built in one pass over `rows` (an iterator is fine: at 100,000 entries only the compact arrays are kept,
    never the rows' dictionaries)."""

    def __init__(self, rows: Iterable[Row]) -> None:
        vocabulary: dict[str, int] = {}
        ids, lengths, public = array("q"), array("d"), array("b")
        indptr, indices, values = array("q", [0]), array("i"), array("f")
        for row in rows:
            ids.append(row.entry_id)
            lengths.append(length_of(row.terms))
            public.append(row.public)
            for term, tf in row.terms.items():
                indices.append(vocabulary.setdefault(term, len(vocabulary)))
                values.append(tf)
            indptr.append(len(indices))
        self.ids = np.frombuffer(ids, dtype=np.int64) if ids else np.zeros(0, dtype=np.int64)
        self.position = {int(entry_id): i for i, entry_id in enumerate(self.ids)}
        self.vocabulary = vocabulary
        length = np.frombuffer(lengths, dtype=np.float64) if lengths else np.zeros(0)
        self.average_length = float(length.mean()) if len(length) else 1.0
        counts = np.diff(np.frombuffer(indptr, dtype=np.int64)).astype(np.int64)
        frequencies: np.ndarray = np.frombuffer(values, dtype=np.float32) if values else np.zeros(0, dtype=np.float32)
        columns = np.frombuffer(indices, dtype=np.int32) if indices else np.zeros(0, dtype=np.int32)
        norm = np.repeat(K1 * (1 - B + B * length / self.average_length), counts).astype(np.float32)
        is_public = np.frombuffer(public, dtype=np.int8).astype(bool) if public else np.zeros(0, dtype=bool)
        self.public_count = int(is_public.sum())
        self.df = np.bincount(columns[np.repeat(is_public, counts)], minlength=len(vocabulary))
        self.weights = sparse.csr_matrix(
            (frequencies * (K1 + 1) / (frequencies + norm), columns, np.frombuffer(indptr, dtype=np.int64)),
            shape=(len(self.ids), len(vocabulary)),
        ).tocsc()

    def idf(self, term: str) -> float:
        column = self.vocabulary.get(term)
        df = 0 if column is None else int(self.df[column])
        return idf(df, self.public_count)

    def query_vector(self, query: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
        columns, values = [], []
        for term, tf in query.items():
            column = self.vocabulary.get(term)
            if column is None:
                continue
            columns.append(column)
            values.append(query_weight(term, tf) * idf(int(self.df[column]), self.public_count))
        return np.asarray(columns, dtype=np.int64), np.asarray(values, dtype=np.float32)

    def scores(self, query: Mapping[str, float]) -> np.ndarray:
        """One score per row."""
        columns, values = self.query_vector(query)
        if not len(columns):
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self.weights[:, columns] @ values).ravel()


def idf(df: int, total: int) -> float:
    return math.log(1 + (total - df + 0.5) / (df + 0.5))


def query_weight(term: str, tf: float) -> float:
    """Repeating a word in the query counts, but sub-linearly."""
    return kind_weight(term) * (1 + math.log(tf)) if tf >= 1 else kind_weight(term) * tf


def score_one(
    query: Mapping[str, float], terms: Mapping[str, float], *, idf_of: Callable[[str], float], average_length: float
) -> float:
    """The same score as `Matrix.scores` for one document kept outside the matrix (a row changed since)."""
    norm = K1 * (1 - B + B * length_of(terms) / average_length)
    total = 0.0
    for term, qtf in query.items():
        tf = terms.get(term)
        if tf:
            total += query_weight(term, qtf) * idf_of(term) * tf * (K1 + 1) / (tf + norm)
    return total


def top(ids: np.ndarray, scores: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """The best `limit` (id, score) with a positive score, best first, ties by id (reproducible)."""
    positive = np.flatnonzero(scores > 0)
    if len(positive) > limit * 2:
        # Twice as many as needed, so that ties at the cut are still ordered by id.
        positive = positive[np.argpartition(-scores[positive], limit * 2)[: limit * 2]]
    order = positive[np.lexsort((ids[positive], -scores[positive]))][:limit]
    return [(int(ids[i]), float(scores[i])) for i in order]
