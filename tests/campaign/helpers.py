"""Shared pieces of the campaign tests: signed-in clients, page addresses, published winners."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hustings.candidates.models import Candidacy
from hustings.elections.models import Election
from hustings.results.models import ContestResult, Count, CountStatus, Publication, PublicationKind


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    """Return a client signed in as a member (members need no second factor)."""
    client = Client()
    client.force_login(user)
    return client


def page(candidacy: Candidacy) -> str:
    """Return the address of the candidate's public page."""
    return reverse("candidates:candidate", args=[candidacy.pk])


def publish_winners(election: Election, *winners: Candidacy) -> None:
    """Publish a result in which the given candidacies won their contests' seats."""
    now = timezone.now()
    count = Count.objects.create(
        election=election, status=CountStatus.DONE, seed="0" * 40, started_at=now, finished_at=now
    )
    by_contest: dict[int, list[Candidacy]] = {}
    for winner in winners:
        by_contest.setdefault(winner.contest_id, []).append(winner)
    for contest_winners in by_contest.values():
        contest = contest_winners[0].contest
        ContestResult.objects.create(
            count=count,
            contest=contest,
            method=contest.method,
            seats=contest.seats,
            result={},
            candidacy_ids=[c.pk for c in contest_winners],
            elected_ids=[c.pk for c in contest_winners],
            ballots=0,
            blank=0,
            blt="",
            blt_sha256="",
            csv="",
            csv_sha256="",
            attributes="",
            attributes_sha256="",
            result_json="",
            result_sha256="",
        )
    Publication.objects.create(
        election=election, count=count, kind=PublicationKind.ORIGINAL, published_at=now
    )
