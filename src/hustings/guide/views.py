"""Voter guide pages: public, read-only, and the same for every visitor."""

from __future__ import annotations

from django.db.models import F, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hustings.elections import public
from hustings.elections.models import Contest
from hustings.guide import queries
from hustings.guide.charts import region_chart
from hustings.guide.compare import compare_rows, questionnaire_rows
from hustings.guide.forms import SORT_LABELS, GuideFilterForm


def index(request: HttpRequest) -> HttpResponse:
    """List every election's contests, each linking to its guide."""
    contests = Contest.objects.select_related("region").order_by(
        F("region__name").asc(nulls_first=True), "position", "name"
    )
    elections = public.listed_elections().prefetch_related(
        Prefetch("contests", queryset=contests, to_attr="guide_contests")
    )
    return render(request, "guide/index.html", {"elections": elections})


def contest_guide(request: HttpRequest, election: str, contest: str) -> HttpResponse:
    """Show a contest's candidates side by side, filtered and ordered as the reader asks."""
    found = public.contest_by_slugs(election, contest)
    guide = queries.contest_guide(found)
    form = GuideFilterForm(request.GET or None, guide=guide)
    cards = form.apply()
    order = form.order()
    context = {
        "contest": found,
        "election": found.election,
        "phase": found.election.phase(),
        "guide": guide,
        "form": form,
        "cards": cards,
        "order": order,
        "order_label": SORT_LABELS[order],
        "filtered": bool(form.is_bound and form.is_valid() and form.chosen().keys() - {"sort"}),
    }
    return render(request, "guide/contest.html", context, status=400 if form.errors else 200)


def compare(request: HttpRequest, election: str, contest: str) -> HttpResponse:
    """Compare two to four of a contest's candidates side by side, topic by topic."""
    found = public.contest_by_slugs(election, contest)
    guide = queries.contest_guide(found)
    context: dict[str, object] = {"contest": found, "election": found.election, "guide": guide}
    try:
        cards = queries.compare_cards(guide, request.GET.getlist("c"))
    except queries.CompareRefused as refused:
        context["error"] = str(refused)
        return render(request, "guide/compare.html", context, status=400)
    rows = compare_rows(cards) + questionnaire_rows(found, cards)
    context.update({"cards": cards, "rows": rows})
    return render(request, "guide/compare.html", context)


def representation(request: HttpRequest, election: str) -> HttpResponse:
    """Show each region's candidates and nominations against its members, as a chart and table."""
    found = public.election_by_slug(election)
    contests = list(found.contests.order_by("position", "name"))
    chosen = request.GET.get("contest", "")
    contest = next((c for c in contests if c.slug == chosen), None)
    error = ""
    if chosen and contest is None:
        error = f"{found.name} has no contest “{chosen[:60]}”; showing every contest."
    data = queries.representation(found, contest)
    context = {
        "election": found,
        "contests": contests,
        "contest": contest,
        "error": error,
        "data": data,
        "rows": [
            (
                line,
                {
                    field: data.share(line, field)
                    for field in ("members", "candidates", "nominations")
                },
            )
            for line in data.lines
        ],
        "totals": [data.total.members, data.total.candidates, data.total.nominations],
        "chart": region_chart(data, ident="representation-chart"),
    }
    return render(request, "guide/representation.html", context, status=400 if error else 200)
