"""Template tags the guide lends to other apps' pages: a slate's recommendation."""

from __future__ import annotations

from collections.abc import Sequence

from django import template

from hustings.candidates.models import Candidacy, Slate
from hustings.elections.models import Contest
from hustings.guide.recommend import Recommendation, slate_recommendation

register = template.Library()


@register.simple_tag
def recommendation(
    slate: Slate, contest: Contest, candidacies: Sequence[Candidacy]
) -> Recommendation | None:
    """Return the slate's recommendation in the contest, from its candidates listed there."""
    return slate_recommendation(slate, contest, candidacies)
