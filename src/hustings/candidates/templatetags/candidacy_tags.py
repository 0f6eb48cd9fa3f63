"""Template filters for showing candidacies."""

from __future__ import annotations

from django import template

from hustings.candidates import public
from hustings.candidates.models import Candidacy, Slate

register = template.Library()


@register.filter
def slate(candidacy: Candidacy) -> Slate | None:
    """Return the candidacy's confirmed slate, as loaded for the page."""
    return public.slate_of(candidacy)


@register.filter
def web_links(candidacy: Candidacy) -> list[dict[str, str]]:
    """Return the candidacy's links that are plain web addresses."""
    return public.safe_links(candidacy)
