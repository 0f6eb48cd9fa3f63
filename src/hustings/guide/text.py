"""Short extracts of what candidates wrote, cut on a word boundary."""

from __future__ import annotations


def excerpt(text: str, words: int) -> tuple[str, bool]:
    """Return the first `words` words of the text on one line, and whether anything was cut."""
    if words < 1:
        raise ValueError(f"an excerpt needs at least one word, not {words}")
    # The same word rule as the statement limit (candidates.text.count_words): runs between spaces.
    found = text.split()
    if len(found) <= words:
        return " ".join(found), False
    return " ".join(found[:words]) + "…", True
