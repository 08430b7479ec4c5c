"""Normalisation of Japanese text for search.

Staff type a firm's name the way it comes to mind: half-width katakana from an old
bank file (ﾀﾏ), full-width katakana (タマ) or hiragana (たま). We fold all of them
to one key so that a plain `icontains` finds the same organisation.
"""

import unicodedata

_HIRAGANA_START, _HIRAGANA_END = 0x3041, 0x3096
_KATAKANA_OFFSET = 0x60
# Dashes people type for the long-vowel mark.
_LONG_VOWEL_VARIANTS = str.maketrans({"-": "ー", "－": "ー", "‐": "ー", "―": "ー", "ｰ": "ー", "−": "ー"})


def hiragana_to_katakana(text: str) -> str:
    return "".join(
        chr(ord(ch) + _KATAKANA_OFFSET) if _HIRAGANA_START <= ord(ch) <= _HIRAGANA_END else ch for ch in text
    )


def normalize_kana(text: str) -> str:
    """Full-width katakana for a reading: 'ﾀﾏｾｲﾐﾂ' and 'たませいみつ' become 'タマセイミツ'."""
    return hiragana_to_katakana(unicodedata.normalize("NFKC", text)).strip()


def search_key(*parts: str) -> str:
    """The folded form stored beside an entity and applied to the query alike."""
    text = " ".join(p for p in parts if p)
    text = hiragana_to_katakana(unicodedata.normalize("NFKC", text)).casefold()
    text = text.translate(_LONG_VOWEL_VARIANTS)
    return "".join(text.split())
