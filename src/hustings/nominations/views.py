"""Nomination pages: secretaries record their units' nominations, candidates answer theirs, and
everyone reads the public tally, a unit's nominations and, after the close, the ballot list."""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from hustings.accounts import access
from hustings.accounts.forms import posted
from hustings.candidates.forms import add_action_error
from hustings.candidates.models import Candidacy
from hustings.elections import public
from hustings.elections.models import Contest, Election, Phase
from hustings.members.models import Region, Unit
from hustings.nominations import queries
from hustings.nominations.actions import do_record_unit_nominations, do_respond_to_nomination
from hustings.nominations.forms import NominationForm, ResponseForm
from hustings.nominations.models import (
    AffiliateNomination,
    BallotConfirmation,
    Nomination,
    NominationsClosure,
    UnitReturn,
)

signed_in = login_required(login_url="accounts:sign-in")

# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class OpenContest:
    """A contest a secretary's unit may nominate in now, with whom it has nominated so far."""

    contest: Contest
    nominated: list[str]


def _open_contests(unit: Unit) -> list[OpenContest]:
    now = timezone.now()
    contests = (
        Contest.objects.filter(
            election__nominations_open_at__lte=now, election__nominations_close_at__gt=now
        )
        .filter(Q(region__isnull=True) | Q(region=unit.region_id))
        .select_related("election")
        .order_by("election__nominations_close_at", "position", "name")
    )
    returns = {r.contest_id: r for r in queries.unit_returns(unit)}
    return [
        OpenContest(
            contest,
            [n.candidacy.member.name for n in returns[contest.pk].nominations.all()]
            if contest.pk in returns
            else [],
        )
        for contest in contests
    ]


@signed_in
def secretary(request: access.AuthenticatedHttpRequest) -> HttpResponse:
    """List the user's units, each with the contests open for its nominations."""
    units = [(unit, _open_contests(unit)) for unit in access.units_for_secretary(request.user)]
    return render(request, "nominations/secretary.html", {"units": units})


@signed_in
@require_http_methods(["GET", "POST"])
def nominate(request: access.AuthenticatedHttpRequest, unit: int, contest: int) -> HttpResponse:
    """Let a unit's secretary record, or correct, the unit's nominations in a contest."""
    found_unit, found = access.get_unit_and_contest_for_nominating(request.user, unit, contest)
    election = found.election
    current = UnitReturn.objects.filter(
        unit=found_unit, contest=found, superseded_at__isnull=True
    ).first()
    nominations = list(current.nominations.all()) if current else []
    offered = list(
        Candidacy.objects.filter(contest=found, removed_at__isnull=True)
        .select_related("member__unit")
        .order_by("member__name", "pk")
    )
    form = NominationForm(
        posted(request),
        initial=NominationForm.initial_from(nominations, current),
        offered=offered,
        chosen=[n.candidacy_id for n in nominations],
    )
    if form.is_valid():
        try:
            do_record_unit_nominations(
                request.user,
                found_unit,
                found,
                form.chosen(),
                meeting=form.meeting(),
                votes=form.votes(),
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, f"{found_unit.name}'s nominations in {found.name} are saved.")
            return redirect("nominations:nominate", found_unit.pk, found.pk)
    context = {
        "unit": found_unit,
        "contest": found,
        "election": election,
        "form": form,
        "current": current,
        "phase": election.phase(),
        "open": election.phase() == Phase.NOMINATIONS,
        "balance": _balance_words(found),
    }
    return render(request, "nominations/nominate.html", context, status=400 if form.errors else 200)


def _balance_words(contest: Contest) -> str:
    if not contest.nomination_balance_gender:
        return ""
    people = contest.get_nomination_balance_gender_display()
    people = {"woman": "women", "man": "men"}.get(people, people)
    when = " when it nominates the maximum" if contest.nomination_balance_only_when_full else ""
    return f"At least half of its nominations must be {people}{when}."


def unit_detail(request: HttpRequest, unit: int) -> HttpResponse:
    """Show a unit's current nominations in every contest, for anyone to read."""
    found = get_object_or_404(Unit.objects.select_related("region"), pk=unit)
    context = {"unit": found, "returns": queries.unit_returns(found)}
    return render(request, "nominations/unit_detail.html", context)


@dataclass(frozen=True)
class RegionRow:
    """One candidate's unit nominations, region by region, in the order of the columns."""

    line: queries.CandidateTally
    counts: list[int]


def _region_table(lines: list[queries.CandidateTally]) -> tuple[list[Region], list[RegionRow]]:
    used = {region for line in lines for region in line.by_region}
    regions = list(Region.objects.filter(pk__in=used).order_by("name"))
    rows = [RegionRow(line, [line.by_region.get(r.pk, 0) for r in regions]) for line in lines]
    return regions, rows


def tally(request: HttpRequest, election: str, contest: str) -> HttpResponse:
    """Show a contest's public nomination tally: counts, chart, regions, units, and the ballot."""
    found = public.contest_by_slugs(election, contest)
    lines = queries.contest_tally(found)
    regions, region_rows = _region_table(lines)
    context = {
        "contest": found,
        "election": found.election,
        "phase": found.election.phase(),
        "lines": lines,
        "threshold": _chart_threshold(found),
        "regions": regions,
        "region_rows": region_rows,
        "units": queries.nominating_units(found),
        "closure": _closure(found.election),
        "ballot": _ballot(found),
        "now": timezone.now(),
    }
    return render(request, "nominations/tally.html", context)


def _chart_threshold(contest: Contest) -> int | None:
    # Only "at least K units" is one number a bar can be measured against.
    return contest.threshold_units if contest.threshold_kind == "units" else None


def _closure(election: Election) -> NominationsClosure | None:
    return NominationsClosure.objects.filter(election=election).first()


def _ballot(contest: Contest) -> BallotConfirmation | None:
    return (
        BallotConfirmation.objects.filter(contest=contest)
        .prefetch_related("entries__candidacy__member__unit")
        .first()
    )


def safe_cell(value: str) -> str:
    """Return a CSV cell a spreadsheet will show as text, never run as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


class _Echo:
    def write(self, value: str) -> str:
        return value


def tally_csv(request: HttpRequest, election: str, contest: str) -> HttpResponse:
    """Return a contest's nomination tally as CSV."""
    found = public.contest_by_slugs(election, contest)
    writer = csv.writer(_Echo())
    body = "".join(
        writer.writerow([safe_cell(cell) for cell in row]) for row in queries.tally_csv_rows(found)
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    filename = f"nominations-{found.election.slug}-{found.slug}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@signed_in
def candidacy_nominations(request: access.AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show a candidate who has nominated them, to accept or decline each nomination."""
    candidacy = access.get_candidacy_for_nominations(request.user, pk)
    units, affiliates = queries.candidate_nominations(candidacy)
    contest = candidacy.contest
    status = next(
        (line.status for line in queries.contest_tally(contest) if line.candidacy.pk == pk),
        None,
    )
    context = {
        "candidacy": candidacy,
        "contest": contest,
        "election": contest.election,
        "nominations": units,
        "affiliate_nominations": affiliates,
        "status": status,
        "open": contest.election.phase() in (Phase.DECLARATIONS, Phase.NOMINATIONS),
    }
    return render(request, "nominations/candidacy.html", context)


def _respond(
    request: access.AuthenticatedHttpRequest,
    nomination: Nomination | AffiliateNomination,
    source: str,
) -> HttpResponse:
    form = ResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose to accept or decline the nomination.")
    else:
        try:
            do_respond_to_nomination(request.user, nomination, form.accept())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            verb = "accepted" if form.accept() else "declined"
            messages.success(request, f"You have {verb} {source}'s nomination.")
    return redirect("nominations:candidacy", nomination.candidacy_id)


@signed_in
@require_POST
def respond(request: access.AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a candidate's acceptance or refusal of one unit's nomination."""
    nomination = access.get_nomination_for_responding(request.user, pk)
    return _respond(request, nomination, nomination.unit.name)


@signed_in
@require_POST
def respond_affiliate(request: access.AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a candidate's acceptance or refusal of one affiliate's nomination."""
    nomination = access.get_affiliate_nomination_for_responding(request.user, pk)
    return _respond(request, nomination, nomination.affiliate.name)
