"""Reissuing lost codes: the self-service page for members and the staff screen.

The member's page answers every well-formed request with the same words, matched or not. The staff
screen shows whether a member has voted and by which channel, never how, with the history of their
codes; only the returning officer may reissue. A code reissued by post is shown once, on the
response to the button press, and kept nowhere.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hustings.accounts import access
from hustings.accounts.forms import posted
from hustings.accounts.ratelimit import RateLimited, client_ip
from hustings.ballots.emails import ballot_link, failed_ballot_emails, help_context
from hustings.ballots.models import Voter
from hustings.ballots.reissue import (
    ReissueRefused,
    do_staff_reissue,
    request_reissue,
    voter_records,
)
from hustings.elections.models import Election

staff_signed_in = login_required(login_url="accounts:staff-sign-in")
# How many members whose ballot email failed are listed on the staff screen at once.
UNDELIVERED_SHOWN = 100


class LostCodeForm(forms.Form):
    """Ask for a membership number and either the email address or the postcode on the register."""

    membership_number = forms.CharField(
        label="Membership number",
        max_length=40,
        help_text="It is on your membership card and on any email or letter from the party.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        help_text="The address the party has for you. Leave blank if you give your postcode.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        max_length=10,
        help_text="The postcode of the address the party has for you.",
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )

    def clean(self) -> dict[str, Any]:
        """Require the email address or the postcode."""
        data = super().clean() or {}
        if not self.errors and not data.get("email") and not data.get("postcode", "").strip():
            raise forms.ValidationError(
                "Give the email address or the postcode the party has for you."
            )
        return data


class MemberLookupForm(forms.Form):
    """Find a member by membership number."""

    number = forms.CharField(
        label="Membership number",
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def lost_code(request: HttpRequest) -> HttpResponse:
    """Ask for a new voting code; answer the same whether or not the details match."""
    form = LostCodeForm(posted(request))
    if form.is_valid():
        try:
            request_reissue(
                form.cleaned_data["membership_number"],
                email=form.cleaned_data.get("email") or "",
                postcode=form.cleaned_data.get("postcode") or "",
                ip=client_ip(request),
            )
        except RateLimited as error:
            response = render(
                request, "ballots/reissue_limited.html", {"minutes": error.minutes}, status=429
            )
            response["Retry-After"] = str(int(error.retry_after.total_seconds()) + 1)
            return response
        return redirect("ballots:lost-code-sent")
    return render(request, "ballots/reissue.html", {"form": form, **help_context()})


@require_GET
def lost_code_sent(request: HttpRequest) -> HttpResponse:
    """Say what happens next, in words that do not reveal whether the details matched."""
    return render(request, "ballots/reissue_sent.html", help_context())


@staff_signed_in
@never_cache
@require_GET
def staff_reissue(request: access.AuthenticatedHttpRequest) -> HttpResponse:
    """Find a member: whether they have voted, their codes' history, and the reissue buttons."""
    access.require_staff_role(request.user, access.RETURNING_OFFICER, access.OBSERVER)
    form = MemberLookupForm(request.GET or None)
    context: dict[str, Any] = {
        "form": form,
        "may_reissue": access.is_returning_officer(request.user),
        "searched": False,
    }
    if form.is_valid():
        member, records = voter_records(form.cleaned_data["number"])
        context.update(searched=True, member=member, records=records)
    else:
        context["undelivered"] = _undelivered()
    return render(request, "ballots/staff_reissue.html", context)


def _undelivered() -> list[tuple[Election, int, list[Voter]]]:
    """Return, per election with its ballot open, members whose ballot email never went."""
    now = timezone.now()
    elections = Election.objects.filter(ballot_open_at__lte=now, ballot_close_at__gt=now)
    found = []
    for election in elections.order_by("ballot_close_at"):
        failed = failed_ballot_emails(election).order_by("member__membership_number")
        count = failed.count()
        if count:
            found.append((election, count, list(failed[:UNDELIVERED_SHOWN])))
    return found


@staff_signed_in
@never_cache
@require_POST
def staff_reissue_voter(request: access.AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Reissue a voter's code by email, or by post on a letter shown once."""
    access.require_staff_role(request.user, access.RETURNING_OFFICER)
    voter = get_object_or_404(Voter.objects.select_related("member", "election", "region"), pk=pk)
    back = (
        reverse("ballots:staff-reissue")
        + "?"
        + urlencode({"number": voter.member.membership_number})
    )
    delivery = request.POST.get("delivery", "")
    try:
        code = do_staff_reissue(request.user, voter, delivery=delivery)
    except ReissueRefused as error:
        messages.error(request, str(error))
        return redirect(back)
    if code is None:
        messages.success(
            request,
            f"A new code is being emailed to {voter.member.name} at the address on the register. "
            "Their old code no longer works once it is sent.",
        )
        return redirect(back)
    response = render(
        request,
        "ballots/staff_reissue_letter.html",
        {
            "voter": voter,
            "member": voter.member,
            "election": voter.election,
            "code": code,
            "link": ballot_link(code),
            "close": voter.election.ballot_close_at,
            "back": back,
            **help_context(),
        },
    )
    # The code is on this page only: no cache, no copy in the browser's history store.
    response["Cache-Control"] = "no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("lost-code/", lost_code, name="lost-code"),
    path("lost-code/sent/", lost_code_sent, name="lost-code-sent"),
    path("staff/reissue/", staff_reissue, name="staff-reissue"),
    path("staff/reissue/<int:pk>/", staff_reissue_voter, name="staff-reissue-voter"),
]
