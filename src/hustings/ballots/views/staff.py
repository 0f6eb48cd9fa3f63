"""Staff pages of the ballot: live turnout and postal returns; public turnout after the close."""

from __future__ import annotations

import csv
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from hustings.accounts import access
from hustings.accounts.forms import posted
from hustings.ballots.models import PostalBatch
from hustings.ballots.postal import (
    PostalFileError,
    PostalReport,
    do_import_postal,
    postal_header,
    reasons_may_not_import,
)
from hustings.ballots.turnout import public_turnout_open, turnout_chart, turnout_for
from hustings.elections.models import Election
from hustings.members.actions import Upload

staff_signed_in = login_required(login_url="accounts:staff-sign-in")

# A postal file of 50,000 papers with a few dozen boxes is a few megabytes.
MAX_POSTAL_FILE_BYTES = 20 * 1024 * 1024


class PostalUploadForm(forms.Form):
    """A file of returned paper ballots, and whether only to check it."""

    file = forms.FileField(
        label="CSV file of returned papers",
        help_text="The header is code, then one column per candidate box (download the "
        "template below). One row per paper.",
    )
    check_only = forms.BooleanField(
        label="Only check the file: store nothing",
        required=False,
        help_text="Every row is checked exactly as in an import, and nothing is kept.",
    )

    def clean_file(self) -> Any:
        """Refuse a file too large to be a batch of papers."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_POSTAL_FILE_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size // (1024 * 1024)} MB; split it into batches of at most "
                f"{MAX_POSTAL_FILE_BYTES // (1024 * 1024)} MB."
            )
        return upload


def _turnout_context(election: Election) -> dict[str, Any]:
    turnout = turnout_for(election)
    return {"election": election, "turnout": turnout, "chart": turnout_chart(turnout)}


@staff_signed_in
@never_cache
@require_GET
def staff_turnout(request: access.AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Show live turnout to the returning officer and observers."""
    access.require_staff_role(request.user, access.RETURNING_OFFICER, access.OBSERVER)
    election = get_object_or_404(Election, slug=slug)
    context = {
        **_turnout_context(election),
        "staff": True,
        "may_import": access.is_returning_officer(request.user),
    }
    return render(request, "ballots/staff_turnout.html", context)


@require_GET
def public_turnout(request: HttpRequest, slug: str) -> HttpResponse:
    """Show turnout to everyone once the ballot has closed; before that say when it will be."""
    election = get_object_or_404(Election, slug=slug)
    if not public_turnout_open(election):
        return render(request, "ballots/turnout_pending.html", {"election": election}, status=404)
    return render(request, "ballots/turnout.html", _turnout_context(election))


@staff_signed_in
@never_cache
@require_http_methods(["GET", "POST"])
def staff_postal(request: access.AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Let the returning officer import a file of returned paper ballots and see the report."""
    access.require_staff_role(request.user, access.RETURNING_OFFICER)
    election = get_object_or_404(Election, slug=slug)
    form = PostalUploadForm(posted(request), request.FILES or None)
    report: PostalReport | None = None
    status = 200
    closed = reasons_may_not_import(election)
    if request.method == "POST" and not closed and form.is_valid():
        handle = form.cleaned_data["file"]
        upload = Upload.from_file(handle, handle.name)
        try:
            report = do_import_postal(
                request.user, election, upload, check_only=form.cleaned_data["check_only"]
            )
        except PostalFileError as error:
            form.add_error("file", str(error))
    if form.errors:
        status = 400
    context = {
        "election": election,
        "form": form,
        "report": report,
        "closed": closed,
        "batches": PostalBatch.objects.filter(election=election).select_related("imported_by"),
    }
    return render(request, "ballots/postal.html", context, status=status)


@staff_signed_in
@require_GET
def staff_postal_template(request: access.AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Return the header row of a postal file for the election, as a CSV file."""
    access.require_staff_role(request.user, access.RETURNING_OFFICER, access.OBSERVER)
    election = get_object_or_404(Election, slug=slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="postal-{election.slug}.csv"'
    csv.writer(response, lineterminator="\r\n").writerow(postal_header(election))
    return response


urlpatterns: list[URLPattern] = [
    path("staff/<slug:slug>/turnout/", staff_turnout, name="staff-turnout"),
    path("staff/<slug:slug>/postal/", staff_postal, name="staff-postal"),
    path(
        "staff/<slug:slug>/postal/template.csv",
        staff_postal_template,
        name="staff-postal-template",
    ),
    path("<slug:slug>/turnout/", public_turnout, name="turnout"),
]
