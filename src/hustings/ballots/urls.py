"""The ballot's pages: voting, receipts and trackers, reissuing codes, turnout and postal returns."""

from __future__ import annotations

from django.urls import URLPattern

from hustings.ballots.views import reissue, staff, voting

app_name = "ballots"

# Each views module lists its own routes, so the parts of the ballot stay in their own files.
urlpatterns: list[URLPattern] = [*voting.urlpatterns, *reissue.urlpatterns, *staff.urlpatterns]
