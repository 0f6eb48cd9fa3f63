"""The returning officer's and observers' pages: review the count, start, recount, publish, vacancies.

Observers see everything the returning officer sees and cannot act: every POST here is for the
returning officer, and the actions check the role again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hustings.accounts import access
from hustings.accounts.forms import posted
from hustings.candidates.models import Candidacy
from hustings.elections.models import Election
from hustings.results.actions import counted, do_publish_results, do_recount, do_start_count
from hustings.results.models import Count, CountKind, CountStatus, Vacancy
from hustings.results.queries import original_publication, published_results
from hustings.results.vacancy import do_record_vacancy

__all__ = ["publish", "recount", "review", "start_count", "vacancy"]

staff_signed_in = login_required(login_url="accounts:staff-sign-in")


def _election(user: Any, slug: str, *roles: str) -> Election:
    access.require_staff_role(user, *roles)
    return get_object_or_404(Election, slug=slug)


def _winners(count: Count) -> list[dict[str, Any]]:
    rows = []
    for result in count.results.select_related("contest").order_by(
        "contest__position", "contest__name"
    ):
        rows.append(
            {
                "result": result,
                "elected": result.result["elected"],
                "lot": result.lot_drawn,
            }
        )
    return rows


def _review_context(election: Election) -> dict[str, Any]:
    counts = list(
        Count.objects.filter(election=election)
        .select_related("started_by")
        .order_by("-started_at", "-pk")
    )
    latest = counts[0] if counts else None
    standing = counted(election)
    publication = original_publication(election)
    now = timezone.now()
    going = [c for c in counts if c.status in (CountStatus.QUEUED, CountStatus.RUNNING)]
    recounts = [c for c in counts if c.kind == CountKind.RECOUNT and c.is_done]
    return {
        "election": election,
        "counts": counts,
        "latest": latest,
        "standing": standing,
        "winners": _winners(standing) if standing else [],
        "publication": publication,
        "running": bool(going),
        "ballot_closed": now >= election.ballot_close_at,
        "may_start": (
            now >= election.ballot_close_at
            and publication is None
            and not any(
                c.kind == CountKind.COUNT and c.status != CountStatus.FAILED for c in counts
            )
        ),
        "recount": recounts[0] if recounts else None,
        "may_publish": publication is None and standing is not None and not going,
    }


@staff_signed_in
@never_cache
@require_GET
def review(request: access.AuthenticatedHttpRequest, election: str) -> HttpResponse:
    """Show the count's provisional results, its status and the returning officer's actions."""
    found = _election(request.user, election, access.RETURNING_OFFICER, access.OBSERVER)
    context = _review_context(found)
    context["officer"] = access.is_returning_officer(request.user)
    return render(request, "results/review.html", context)


def _refused(request: access.AuthenticatedHttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@staff_signed_in
@require_POST
def start_count(request: access.AuthenticatedHttpRequest, election: str) -> HttpResponse:
    """Start the count (a background task; at once with the immediate task backend)."""
    found = _election(request.user, election, access.RETURNING_OFFICER)
    try:
        count = do_start_count(request.user, found)
    except ValidationError as error:
        _refused(request, error)
    else:
        if count.is_done:
            messages.success(request, "The count has finished. Review the results below.")
        elif count.status == CountStatus.FAILED:
            messages.error(request, f"The count failed: {count.error}")
        else:
            messages.info(request, "The count has started; this page updates when it finishes.")
    return redirect("results:review", found.slug)


@staff_signed_in
@require_POST
def recount(request: access.AuthenticatedHttpRequest, election: str) -> HttpResponse:
    """Count every contest again with the same seed, and show the comparison."""
    found = _election(request.user, election, access.RETURNING_OFFICER)
    try:
        count = do_recount(request.user, found)
    except ValidationError as error:
        _refused(request, error)
    else:
        if count.is_done:
            if count.comparison.get("identical"):
                messages.success(request, "The recount is identical to the count.")
            else:
                messages.error(request, "The recount differs from the count: see below.")
        else:
            messages.info(request, "The recount has started; this page updates when it finishes.")
    return redirect("results:review", found.slug)


@staff_signed_in
@never_cache
@require_http_methods(["GET", "POST"])
def publish(request: access.AuthenticatedHttpRequest, election: str) -> HttpResponse:
    """Ask the returning officer to confirm, then publish the standing count as the result."""
    found = _election(request.user, election, access.RETURNING_OFFICER)
    context = _review_context(found)
    standing: Count | None = context["standing"]
    if request.method == "POST":
        count = get_object_or_404(Count, election=found, pk=request.POST.get("count") or 0)
        try:
            do_publish_results(request.user, count)
        except ValidationError as error:
            _refused(request, error)
            return redirect("results:review", found.slug)
        messages.success(request, "The results are published.")
        return redirect("results:election", found.slug)
    if not context["may_publish"] or standing is None:
        messages.error(request, "There is no finished, unpublished count to publish.")
        return redirect("results:review", found.slug)
    return render(request, "results/publish.html", context)


class VacancyForm(forms.Form):
    """Who stood down, and why."""

    candidacy = forms.TypedChoiceField(label="Member standing down", coerce=int)
    reason = forms.CharField(
        label="Why the seat is vacant",
        help_text="For example: resigned by letter dated 1 May 2027.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, seats: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["candidacy"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "Choose a member"), *seats]


def _sitting(election: Election) -> list[tuple[int, str, Any]]:
    """Return (candidacy id, "Name (Contest)", contest) for every member holding a seat now."""
    results = published_results(election) or []
    gone = set(
        Vacancy.objects.filter(contest__election=election).values_list("candidacy_id", flat=True)
    )
    people = Candidacy.objects.select_related("member").in_bulk(
        [pk for r in results for pk in r.elected_ids]
    )
    return [
        (pk, f"{people[pk].name} ({r.contest.name})", r.contest)
        for r in results
        for pk in r.elected_ids
        if pk in people and pk not in gone
    ]


@staff_signed_in
@never_cache
@require_http_methods(["GET", "POST"])
def vacancy(request: access.AuthenticatedHttpRequest, election: str) -> HttpResponse:
    """Record that an elected member stood down; the seat is filled and published as an amendment."""
    found = _election(request.user, election, access.RETURNING_OFFICER)
    publication = original_publication(found)
    sitting = _sitting(found) if publication else []
    form = VacancyForm(posted(request), seats=[(pk, label) for pk, label, _ in sitting])
    status = 200
    if request.method == "POST" and publication is not None and form.is_valid():
        pk = form.cleaned_data["candidacy"]
        contest = next(c for cid, _, c in sitting if cid == pk)
        candidacy = get_object_or_404(Candidacy.objects.select_related("member"), pk=pk)
        try:
            recorded = do_record_vacancy(
                request.user, contest, candidacy, form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if recorded.filled_by is not None:
                messages.success(
                    request,
                    f"{candidacy.name} has stood down; {recorded.filled_by.name} fills the seat. "
                    "The amendment is published.",
                )
            else:
                messages.warning(
                    request,
                    f"{candidacy.name} has stood down; no candidate could fill the seat.",
                )
            return redirect("results:vacancy", found.slug)
    if form.errors:
        status = 400
    context = {
        "election": found,
        "publication": publication,
        "form": form,
        "vacancies": list(
            Vacancy.objects.filter(contest__election=found)
            .select_related("contest", "candidacy__member", "filled_by__member", "result")
            .order_by("-recorded_at", "-pk")
        ),
    }
    return render(request, "results/vacancy.html", context, status=status)
