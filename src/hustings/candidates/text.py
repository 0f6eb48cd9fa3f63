"""Checks on what candidates publish: word counts, lists and links."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

MAX_LIST_ITEMS = 10
MAX_ITEM_CHARS = 200
MAX_LINKS = 5
MAX_TEXT_CHARS = 20_000

_url = URLValidator(schemes=["http", "https"])


def count_words(text: str) -> int:
    """Return the number of words: runs of characters between spaces or line breaks."""
    # The same rule as the live counter in the browser (text.trim().split(/\s+/)), so the
    # number a candidate sees while typing is the number checked here.
    return len(text.split())


def clean_text(text: str, *, field: str) -> str:
    """Return text with normalised line endings and no trailing spaces, or refuse it if huge."""
    text = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()
    if len(text) > MAX_TEXT_CHARS:
        raise ValidationError({field: f"This is longer than {MAX_TEXT_CHARS:,} characters."})
    return text


def check_statement(statement: str, word_limit: int) -> str:
    """Return the cleaned statement, refusing one over the contest's word limit."""
    statement = clean_text(statement, field="statement")
    words = count_words(statement)
    if words > word_limit:
        raise ValidationError(
            {
                "statement": (
                    f"Your statement has {words} words; the limit for this contest is "
                    f"{word_limit}. Please remove {words - word_limit}."
                )
            },
            code="word_limit",
        )
    return statement


def clean_list(items: Iterable[str], *, field: str) -> list[str]:
    """Return the non-blank items, refusing too many or too long."""
    cleaned = [" ".join(str(item).split()) for item in items]
    cleaned = [item for item in cleaned if item]
    if len(cleaned) > MAX_LIST_ITEMS:
        raise ValidationError({field: f"Give at most {MAX_LIST_ITEMS} items."})
    for number, item in enumerate(cleaned, start=1):
        if len(item) > MAX_ITEM_CHARS:
            raise ValidationError(
                {field: f"Item {number} is longer than {MAX_ITEM_CHARS} characters."}
            )
    return cleaned


def clean_links(links: Iterable[Mapping[str, str]]) -> list[dict[str, str]]:
    """Return links as [{"label", "url"}], refusing anything but plain http(s) addresses."""
    cleaned: list[dict[str, str]] = []
    for number, link in enumerate(links, start=1):
        url = str(link.get("url", "")).strip()
        label = " ".join(str(link.get("label", "")).split())
        if not url and not label:
            continue
        if not url:
            raise ValidationError({"links": f"Link {number} has a label but no address."})
        try:
            _url(url)
        except ValidationError:
            raise ValidationError(
                {"links": f"Link {number} ({url[:80]}) is not a web address starting http(s)://."}
            ) from None
        parts = urlsplit(url)
        if parts.username or parts.password:
            raise ValidationError({"links": f"Link {number} must not contain a password."})
        if len(label) > 60:
            raise ValidationError({"links": f"Link {number}'s label is over 60 characters."})
        cleaned.append({"label": label or parts.hostname or url, "url": url})
    if len(cleaned) > MAX_LINKS:
        raise ValidationError({"links": f"Give at most {MAX_LINKS} links."})
    return cleaned
