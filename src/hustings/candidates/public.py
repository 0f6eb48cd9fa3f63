"""What the public candidate and slate pages show, loaded in a fixed number of queries."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from hustings.candidates.models import Candidacy, Slate, SlateMembership
from hustings.elections.models import Contest

SAFE_SCHEMES = ("https://", "http://")


def current_slate_prefetch() -> Prefetch[str, QuerySet[SlateMembership], str]:
    """Load each candidacy's confirmed, current slate place into `current_slates`."""
    return Prefetch(
        "slate_memberships",
        queryset=SlateMembership.objects.filter(
            confirmed_at__isnull=False, ended_at__isnull=True
        ).select_related("slate__election"),
        to_attr="current_slates",
    )


def standing_candidates(contest: Contest) -> QuerySet[Candidacy]:
    """Return the contest's standing candidates, alphabetically, with unit, region and slate."""
    return (
        Candidacy.objects.standing()
        .with_people()
        .filter(contest=contest)
        .prefetch_related(current_slate_prefetch())
        .order_by("member__name", "pk")
    )


def public_candidacy(pk: int) -> Candidacy:
    """Return a candidacy the public may see (standing or withdrawn, never removed), or 404."""
    return get_object_or_404(
        Candidacy.objects.with_people()
        .filter(removed_at__isnull=True)
        .prefetch_related(current_slate_prefetch()),
        pk=pk,
    )


def slate_by_slugs(election_slug: str, slate_slug: str) -> Slate:
    """Return the slate of this election with this slug, or raise Http404."""
    return get_object_or_404(
        Slate.objects.select_related("election"), election__slug=election_slug, slug=slate_slug
    )


def slate_candidates(slate: Slate) -> QuerySet[Candidacy]:
    """Return the slate's confirmed standing candidates, by contest and then name."""
    return (
        slate.confirmed_candidacies()
        .with_people()
        .order_by("contest__position", "contest__name", "member__name")
    )


def safe_links(candidacy: Candidacy) -> list[dict[str, str]]:
    """Return the candidate's links that are plain web addresses, whatever else was stored."""
    links = candidacy.links if isinstance(candidacy.links, list) else []
    return [
        {"label": str(link.get("label") or link["url"]), "url": str(link["url"])}
        for link in links
        if isinstance(link, dict) and str(link.get("url", "")).lower().startswith(SAFE_SCHEMES)
    ]


def slate_of(candidacy: Candidacy) -> Slate | None:
    """Return the confirmed slate loaded by current_slate_prefetch, if any."""
    memberships: list[SlateMembership] = getattr(candidacy, "current_slates", [])
    return memberships[0].slate if memberships else None
