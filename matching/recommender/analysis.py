"""Japanese prose → weighted term features, the one analysis the index, the queries and rank_dataset share.

Japanese has no spaces, and a need is written in everyday words while a seed uses technical ones, so one
text yields several kinds of feature, each a string with a prefix:

- ``w:`` a content word (noun, verb, adjective, adjectival noun) in SudachiPy's normalised form, which
  already unifies script and spelling variants (ｾﾝｻ / センサ / センサー, 剥がす / はがす, 沢山 / たくさん).
  Long compounds (mode C) are indexed with their parts (mode A) too: 軽量化 → 軽量化, 軽量.
- ``k:`` a kanji of a content word: kanji carry meaning, so 緩む / 緩み止め or 乾かす / 乾燥 meet on 緩, 乾.
- ``y:`` a group of the coordinators' synonym dictionary (`matching.models.SynonymGroup`, seeded with
  general everyday ↔ technical equivalents): bridges what normalisation cannot (におい / 臭気).
- ``g:`` a character bigram of the NFKC text, the fallback for words the dictionary splits badly.

SudachiDict's own synonym group ids (`Morpheme.synonym_group_ids()`, shipped in sudachidict-core) were
measured as a feature and left out: on the development set they changed nDCG@10 by -0.004.

`analyse` returns, per feature, the term frequency weighted by the field it came from (the title counts
more than the description) and, for the reasons shown to users, the words as they appear in the text.
"""

import re
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from sudachipy import Dictionary, SplitMode, Tokenizer

TITLE_WEIGHT = 2.0
DESCRIPTION_WEIGHT = 1.0

# Parts of speech that carry content; 非自立 (dependent) verbs and nouns such as する・こと are not.
_CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞"}
_SKIP_SUBPOS = {"数詞", "固有名詞_人名", "助数詞", "非自立可能"}
# Words frequent in any entry that say nothing of its subject: owners talk of themselves, of wanting,
# of using. Normalised forms.
_STOPWORD_TEXT = """
為る 有る 居る 成る 出来る 言う 思う 考える 行う 使う 用いる 呉れる 貰う 見る
置く 来る 持つ 分かる 知る 事 物 為 様 所 方 時 中 上 下 前 後 他 等 際
場合 以上 以下 以外 程度 毎 々 約 倍 割 年 月 日 回 個 件 人 者 等 当社
弊社 自社 御社 本 同 各 当 貴社 従来 現在 今 今回 一般 様々 色々 多い 少ない
無い 良い 良く 大きい 小さい お客様 客 取引先 技術 製品 可能 必要 対応 実績 事例
提供 開発 研究 利用 活用 使用 実現 目指す 図る ない たい 欲しい 困る 悩み
難しい 求める 探す 出来 よう こと もの ところ
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_KANJI = re.compile(r"[\u4e00-\u9fff]")
_BIGRAM_SKIP = re.compile(r"[\s、。，．・「」『』（）()【】［］\[\]：:；;！!？?/／\-ー〜～0-9０-９%％,.]")


@dataclass
class Analysis:
    """Field-weighted term frequencies and the surface words each word/synonym feature came from."""

    terms: dict[str, float] = field(default_factory=dict)
    surfaces: dict[str, str] = field(default_factory=dict)

    def add(self, term: str, weight: float, surface: str | None = None) -> None:
        self.terms[term] = self.terms.get(term, 0.0) + weight
        if surface is not None:
            self.surfaces.setdefault(term, surface)


_local = threading.local()


def _tokenizer() -> Tokenizer:
    # A tokenizer is not thread-safe; the dictionary is loaded once per thread (about 40 ms).
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        tokenizer = _local.tokenizer = Dictionary(dict="core").tokenizer(mode=SplitMode.C)
    return tokenizer


def normalise(text: str) -> str:
    """NFKC (full-width digits and letters, half-width katakana) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def _is_content(pos: tuple[str, ...]) -> bool:
    if pos[0] not in _CONTENT_POS:
        return False
    return not (pos[1] in _SKIP_SUBPOS or f"{pos[1]}_{pos[2]}" in _SKIP_SUBPOS or pos[2] == "人名")


def words(text: str, *, parts: bool = True) -> list[tuple[str, str]]:
    """The content words of a text: (normalised form, surface), with the mode A parts of compounds after
    each compound."""
    found: list[tuple[str, str]] = []
    for morpheme in _tokenizer().tokenize(normalise(text)):
        pos = morpheme.part_of_speech()
        if not _is_content(pos):
            continue
        form = morpheme.normalized_form()
        if form in STOPWORDS or (len(form) < 2 and not re.match(r"[\u4e00-\u9fff]", form)):
            continue
        found.append((form, morpheme.surface()))
        pieces = morpheme.split(SplitMode.A) if parts else []
        if len(pieces) > 1:
            for part in pieces:
                part_form = part.normalized_form()
                if _is_content(part.part_of_speech()) and part_form not in STOPWORDS and len(part_form) > 1:
                    found.append((part_form, part.surface()))
    return found


def bigrams(text: str) -> list[str]:
    """Character bigrams of the NFKC text, not across punctuation or spaces."""
    grams: list[str] = []
    for chunk in _BIGRAM_SKIP.split(normalise(text)):
        grams.extend(chunk[i : i + 2] for i in range(len(chunk) - 1))
    return grams


def analyse(title: str, description: str, *, synonyms: Mapping[str, list[str]] | None = None) -> Analysis:
    """The features of one entry. `synonyms` maps a normalised word to the keys of its synonym groups."""
    synonyms = synonyms or {}
    result = Analysis()
    for text, weight in ((title, TITLE_WEIGHT), (description, DESCRIPTION_WEIGHT)):
        for form, surface in words(text):
            result.add(f"w:{form}", weight, surface)
            for kanji in set(_KANJI.findall(form)):
                result.add(f"k:{kanji}", weight)
            for key in synonyms.get(form, ()):
                result.add(f"y:{key}", weight, surface)
        for gram in bigrams(text):
            result.add(f"g:{gram}", weight)
    # Bigrams only back the words up; their surfaces are never shown.
    return result


def synonym_key(term: str) -> str:
    """The normalised form under which a synonym term is looked up: a word may be typed in any script or
    width, and a phrase of one content word (軽くする, 軽くしたい) is reduced to it (軽い). A phrase of
    several content words is kept whole and only matches a text whose analysis yields it as one word."""
    forms = [form for form, _surface in words(term, parts=False)]
    return forms[0] if len(forms) == 1 else normalise(term).strip()
