"""The results pages, mounted at /results/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from hustings.results.views import public, staff

app_name = "results"

# The staff pages come first, so that their fixed words are never read as a contest's slug.
urlpatterns: list[URLPattern | URLResolver] = [
    path("<slug:election>/review/", staff.review, name="review"),
    path("<slug:election>/review/count/", staff.start_count, name="start-count"),
    path("<slug:election>/review/recount/", staff.recount, name="recount"),
    path("<slug:election>/review/publish/", staff.publish, name="publish"),
    path("<slug:election>/review/vacancy/", staff.vacancy, name="vacancy"),
    path("<slug:election>/", public.election_results, name="election"),
    path("<slug:election>/<slug:contest>/", public.contest_result, name="contest"),
    path("<slug:election>/<slug:contest>/sheet/", public.count_sheet, name="sheet"),
    path("<slug:election>/<slug:contest>/verify/", public.verify, name="verify"),
    path(
        "<slug:election>/<slug:contest>/files/<int:pk>/<str:kind>/",
        public.download,
        name="download",
    ),
]
