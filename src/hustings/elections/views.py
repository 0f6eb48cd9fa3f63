"""Public election pages: the list of elections, one election's home, one contest."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from hustings.accounts.access import member_for, reasons_may_not_declare
from hustings.candidates.public import standing_candidates
from hustings.elections import public


def home(request: HttpRequest) -> HttpResponse:
    """List the elections, each with its current phase."""
    now = timezone.now()
    elections = [(election, election.phase(now)) for election in public.listed_elections()]
    return render(request, "elections/home.html", {"elections": elections})


def election_detail(request: HttpRequest, election: str) -> HttpResponse:
    """Show an election's timetable, contests, and how to stand and to vote."""
    found = public.election_by_slug(election)
    context = {
        "election": found,
        "phase": found.phase(),
        "timetable": public.timetable(found),
        "contests": public.contests_with_counts(found),
        "slates": found.slates.order_by("name"),
    }
    return render(request, "elections/election_detail.html", context)


def contest_detail(request: HttpRequest, election: str, contest: str) -> HttpResponse:
    """Show a contest's rules and its candidates, and invite an eligible member to stand."""
    found = public.contest_by_slugs(election, contest)
    member = member_for(request.user)
    context = {
        "contest": found,
        "election": found.election,
        "phase": found.election.phase(),
        "candidates": standing_candidates(found),
        "member": member,
        "reasons_not_to_declare": reasons_may_not_declare(member, found) if member else None,
    }
    return render(request, "elections/contest_detail.html", context)
