"""Candidate and slate pages, and candidates' own pages: declare, edit, photo, withdraw, slate."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from hustings.accounts import access
from hustings.accounts.forms import posted
from hustings.candidates import public
from hustings.candidates.actions import (
    CandidacyClosed,
    do_confirm_slate_membership,
    do_declare_candidacy,
    do_end_slate_membership,
    do_update_candidacy,
    do_withdraw_candidacy,
)
from hustings.candidates.forms import CandidacyForm, ConfirmForm, PhotoForm, add_action_error
from hustings.candidates.text import count_words
from hustings.elections.models import Contest

signed_in = login_required(login_url="accounts:sign-in")


def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a candidate's full statement, experience, priorities, links and slate."""
    candidacy = public.public_candidacy(pk)
    member = access.member_for(request.user)
    election = candidacy.contest.election
    context = {
        "candidacy": candidacy,
        "contest": candidacy.contest,
        "election": election,
        "slate": public.slate_of(candidacy),
        "is_owner": member is not None and member.pk == candidacy.member_id,
        "editable": candidacy.is_standing() and election.candidacies_editable(),
    }
    # A withdrawn candidate's page says so, and shows nothing they published.
    status = 200 if candidacy.is_standing() else 410
    return render(request, "candidates/candidate_detail.html", context, status=status)


def slate_detail(request: HttpRequest, election: str, slate: str) -> HttpResponse:
    """Show a slate, its description and its confirmed candidates."""
    found = public.slate_by_slugs(election, slate)
    context = {
        "slate": found,
        "election": found.election,
        "candidates": public.slate_candidates(found),
    }
    return render(request, "candidates/slate_detail.html", context)


@require_POST
def word_count(request: HttpRequest, contest: int) -> HttpResponse:
    """Return the live word count of a statement against the contest's limit (htmx)."""
    found = get_object_or_404(Contest, pk=contest)
    context = {
        "words": count_words(request.POST.get("statement", "")),
        "limit": found.statement_word_limit,
    }
    return render(request, "candidates/partials/word_count.html", context)


def _statement_context(form: CandidacyForm, contest: Contest) -> dict[str, object]:
    # With htmx loaded, the count follows the typing; without it, it is right after each save.
    form.fields["statement"].widget.attrs.update(
        {
            "hx-post": reverse("candidates:word-count", args=[contest.pk]),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": "#statement-word-count",
            "hx-swap": "innerHTML",
        }
    )
    return {
        "form": form,
        "contest": contest,
        "election": contest.election,
        "words": form.statement_words(),
        "limit": contest.statement_word_limit,
    }


@signed_in
@require_http_methods(["GET", "POST"])
def declare(request: access.AuthenticatedHttpRequest, contest: int) -> HttpResponse:
    """Let an eligible member declare for a contest while declarations are open."""
    member, found = access.get_contest_for_declaring(request.user, contest)
    form = CandidacyForm(posted(request), word_limit=found.statement_word_limit)
    if form.is_valid():
        try:
            candidacy = do_declare_candidacy(request.user, member, found, **form.details())
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, f"You are now a candidate in {found.name}.")
            return redirect("candidates:candidate", candidacy.pk)
    status = 400 if form.errors else 200
    return render(
        request, "candidates/declare.html", _statement_context(form, found), status=status
    )


@signed_in
@require_http_methods(["GET", "POST"])
def edit(request: access.AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Let a candidate edit what they publish, until nominations close."""
    candidacy = access.get_candidacy_for_editing(request.user, pk)
    contest = candidacy.contest
    form = CandidacyForm(
        posted(request),
        initial=CandidacyForm.initial_from(candidacy),
        word_limit=contest.statement_word_limit,
    )
    if form.is_valid():
        try:
            do_update_candidacy(request.user, candidacy, **form.details())
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, "Your changes are saved and published.")
            return redirect("candidates:candidate", candidacy.pk)
    context = {**_statement_context(form, contest), "candidacy": candidacy}
    return render(request, "candidates/edit.html", context, status=400 if form.errors else 200)


@signed_in
@require_http_methods(["GET", "POST"])
def photo(request: access.AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Let a candidate upload or replace their photo, until nominations close."""
    candidacy = access.get_candidacy_for_editing(request.user, pk)
    form = PhotoForm(posted(request), request.FILES if request.method == "POST" else None)
    if form.is_valid():
        try:
            do_update_candidacy(request.user, candidacy, photo=form.cleaned_data["photo"])
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, "Your photo is saved and published.")
            return redirect("candidates:candidate", candidacy.pk)
    context = {"form": form, "candidacy": candidacy}
    return render(request, "candidates/photo.html", context, status=400 if form.errors else 200)


@signed_in
@require_http_methods(["GET", "POST"])
def withdraw(request: access.AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Let a candidate withdraw, after confirming, until the ballot opens."""
    candidacy = access.get_candidacy_for_withdrawing(request.user, pk)
    form = ConfirmForm(posted(request))
    if form.is_valid():
        try:
            do_withdraw_candidacy(request.user, candidacy)
        except CandidacyClosed as error:
            raise PermissionDenied(" ".join(error.messages)) from error
        messages.success(request, f"You have withdrawn from {candidacy.contest.name}.")
        return redirect("accounts:my-account")
    context = {"form": form, "candidacy": candidacy}
    return render(request, "candidates/withdraw.html", context, status=400 if form.errors else 200)


@signed_in
@require_POST
def confirm_slate(request: access.AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Let a candidate confirm the slate place proposed for them."""
    membership = access.get_slate_membership_for_confirming(request.user, pk)
    do_confirm_slate_membership(request.user, membership)
    messages.success(request, f"You are confirmed as standing on the slate {membership.slate}.")
    return redirect("accounts:my-account")


@signed_in
@require_POST
def decline_slate(request: access.AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Let a candidate turn down, or leave, a slate place."""
    membership = access.get_slate_membership_for_confirming(request.user, pk)
    do_end_slate_membership(request.user, membership)
    messages.success(request, f"You are no longer on the slate {membership.slate}.")
    return redirect("accounts:my-account")
