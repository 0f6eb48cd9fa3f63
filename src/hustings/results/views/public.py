"""The published results: the election's results, each contest's, the count sheet, verification.

Staff (the returning officer and observers) see the same pages for the provisional count before it
is published, marked as provisional; everyone else gets a 404 until publication.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from hustings.ballots.models import Channel
from hustings.results.access import get_result_for_download
from hustings.results.files import file_names, recount_command
from hustings.results.models import ContestResult
from hustings.results.queries import turnout
from hustings.results.views import present
from hustings.results.views.shown import amendments, shown_count, shown_result

__all__ = ["contest_result", "count_sheet", "download", "election_results", "verify"]

# The downloads: what each file is called on the page, its stored field and its content type.
FILES = {
    "blt": ("Ballots (BLT)", "blt", "text/plain; charset=utf-8"),
    "csv": ("Ballots (CSV)", "csv", "text/csv; charset=utf-8"),
    "attributes": ("Candidates' attributes (CSV)", "attributes", "text/csv; charset=utf-8"),
    "result": ("Result (JSON)", "result_json", "application/json; charset=utf-8"),
}
SHA256 = {"blt": "blt_sha256", "csv": "csv_sha256", "attributes": "attributes_sha256"}


def _sha256(result: ContestResult, kind: str) -> str:
    return str(getattr(result, SHA256.get(kind, "result_sha256")))


def _winners(result: ContestResult) -> list[dict[str, Any]]:
    ids = dict(zip(result.result["candidates"], result.candidacy_ids, strict=False))
    return [{"name": name, "candidacy_id": ids.get(name)} for name in result.result["elected"]]


@never_cache
@require_GET
def election_results(request: HttpRequest, election: str) -> HttpResponse:
    """Show every contest's winners, turnout, spoilt and blank ballots, and any amendments."""
    shown = shown_count(request.user, election)
    results = list(
        shown.count.results.select_related("contest__region").order_by(
            "contest__position", "contest__name"
        )
    )
    figures = turnout(shown.election, shown.count.spoilt)
    context = {
        "election": shown.election,
        "shown": shown,
        "channels": [(label, figures.by_channel.get(value, 0)) for value, label in Channel.choices],
        "contests": [{"result": r, "winners": _winners(r)} for r in results],
        "turnout": figures,
        "spoilt": shown.count.spoilt,
        "amendments": amendments(request.user, shown),
    }
    return render(request, "results/election.html", context)


def _contest_context(request: HttpRequest, election: str, contest: str) -> dict[str, Any]:
    shown, result = shown_result(request.user, election, contest)
    data = result.result
    block = result.method == "block"
    context: dict[str, Any] = {
        "election": shown.election,
        "contest": result.contest,
        "shown": shown,
        "result": result,
        "data": data,
        "is_block": block,
        "winners": _winners(result),
        "sheet": present.sheet(data, result.candidacy_ids),
        "sentences": present.representation_sentences(data),
        "amendments": amendments(request.user, shown, result.contest),
        "filled": [
            {
                "vacancy": vacancy,
                "sheet": present.sheet(vacancy.result.result, vacancy.result.candidacy_ids),
                "sentences": present.representation_sentences(vacancy.result.result),
            }
            for vacancy in amendments(request.user, shown, result.contest)
            if vacancy.result is not None
        ],
        "final_stage": data["rounds"][-1] if data["rounds"] else None,
    }
    return context


@never_cache
@require_GET
def contest_result(request: HttpRequest, election: str, contest: str) -> HttpResponse:
    """Show a contest's winners, and its votes as a chart and a table (or the STV stages)."""
    context = _contest_context(request, election, contest)
    data = context["data"]
    # charts.py escapes every name it draws, so its SVG is safe to insert as it is.
    if context["is_block"]:
        context["chart"] = mark_safe(present.block_votes_chart(data, ident="votes-chart"))
        outcomes = {row.name: row.outcome for row in context["sheet"].rows}
        context["votes"] = [(bar, outcomes[bar.label]) for bar in present.bars(data)]
    else:
        context["chart"] = mark_safe(present.stv_chart(data, ident="stages-chart"))
        context["legend"] = [
            (line, mark_safe(swatch)) for line, swatch in present.stage_lines(data)
        ]
    return render(request, "results/contest.html", context)


@never_cache
@require_GET
def count_sheet(request: HttpRequest, election: str, contest: str) -> HttpResponse:
    """Show the printable count sheet of a contest, with lines for the signatures."""
    return render(request, "results/sheet.html", _contest_context(request, election, contest))


def _trackers_url(slug: str) -> str:
    try:
        return reverse("ballots:trackers", args=[slug])
    except NoReverseMatch:
        return ""


def _files(result: ContestResult) -> list[dict[str, str]]:
    names = file_names(result)
    contest = result.contest
    return [
        {
            "kind": kind,
            "label": label,
            "name": names[kind],
            "sha256": _sha256(result, kind),
            "url": reverse(
                "results:download", args=[contest.election.slug, contest.slug, result.pk, kind]
            ),
        }
        for kind, (label, _, _) in FILES.items()
    ]


@never_cache
@require_GET
def verify(request: HttpRequest, election: str, contest: str) -> HttpResponse:
    """Offer the anonymised ballots and the result with their checksums, and say how to recount."""
    shown, result = shown_result(request.user, election, contest)
    context = {
        "election": shown.election,
        "contest": result.contest,
        "shown": shown,
        "result": result,
        "files": _files(result),
        "names": file_names(result),
        "command": recount_command(result),
        "trackers_url": _trackers_url(shown.election.slug),
        "amendments": [
            {
                "vacancy": vacancy,
                "files": _files(vacancy.result),
                "files_id": f"vacancy-{vacancy.pk}-files",
                "command": recount_command(vacancy.result),
            }
            for vacancy in amendments(request.user, shown, result.contest)
            if vacancy.result is not None
        ],
    }
    return render(request, "results/verify.html", context)


@never_cache
@require_GET
def download(request: HttpRequest, election: str, contest: str, pk: int, kind: str) -> HttpResponse:
    """Serve one verification file exactly as its checksum was taken, as an attachment."""
    if kind not in FILES:
        raise Http404("No such file.")
    result = get_result_for_download(request.user, pk)
    if (result.contest.election.slug, result.contest.slug) != (election, contest):
        raise Http404("No such file.")
    _, field, content_type = FILES[kind]
    response = HttpResponse(getattr(result, field).encode("utf-8"), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_names(result)[kind]}"'
    response["X-Content-SHA256"] = _sha256(result, kind)
    return response
