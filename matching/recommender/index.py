"""SCAFFOLD (replaced by the recommender work): keeps one entry's index current."""


def entry_index(*, kind: str, entry_id: int) -> None:
    """kind is "seed" or "need"."""
