"""The voter guide's pages."""

from django.urls import URLPattern, URLResolver, path

from hustings.guide import views

app_name = "guide"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    # Before the contest pattern, which would otherwise read "representation" as a contest.
    path("<slug:election>/representation/", views.representation, name="representation"),
    path("<slug:election>/<slug:contest>/", views.contest_guide, name="contest"),
    path("<slug:election>/<slug:contest>/compare/", views.compare, name="compare"),
]
