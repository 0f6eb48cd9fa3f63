"""Safe formatting for what candidates and representatives write: a tiny Markdown-like subset.

Candidates' statements are plain text shown with line breaks (the `linebreaks` filter, which
escapes everything). Updates and report-backs take the same approach one step further: the text is
escaped first, so any HTML typed is shown as text; then a few marks become tags (paragraphs, line
breaks, `- ` lists, **bold**, *italic* and [label](https://address) links); and finally nh3 keeps
only those tags, the href attribute and http(s) addresses, whatever slipped through.
"""

from __future__ import annotations

import html
import re

import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {"p", "br", "strong", "em", "a", "ul", "li"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https"}
LINK_REL = "nofollow ugc noopener noreferrer"

_LINK = re.compile(r"\[([^\]\n]{1,200})\]\((https?://[^\s()<>\"']{1,500})\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])")
_ITEM = re.compile(r"^[-*]\s+")


def _inline(escaped: str) -> str:
    # Runs on already-escaped text, so the only markup here is the markup these rules add.
    escaped = _LINK.sub(r'<a href="\2">\1</a>', escaped)
    escaped = _BOLD.sub(r"<strong>\1</strong>", escaped)
    return _ITALIC.sub(r"<em>\1</em>", escaped)


def to_html(text: str) -> str:
    """Return the text as sanitised HTML: paragraphs, lists, bold, italic and web links only."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    blocks = [block.strip("\n") for block in re.split(r"\n\s*\n", text) if block.strip()]
    parts: list[str] = []
    for block in blocks:
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if all(_ITEM.match(line) for line in lines):
            items = "".join(
                f"<li>{_inline(html.escape(_ITEM.sub('', line)))}</li>" for line in lines
            )
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.append("<p>" + "<br>".join(_inline(html.escape(line)) for line in lines) + "</p>")
    return sanitise("".join(parts))


def sanitise(fragment: str) -> str:
    """Return an HTML fragment with every tag, attribute and address outside the subset removed."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render(text: str) -> SafeString:
    """Return the text formatted and sanitised, marked safe for a template."""
    return mark_safe(to_html(text))
