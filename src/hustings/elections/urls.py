"""Public pages of the elections app."""

from django.urls import URLPattern, URLResolver, path

from hustings.elections import views

app_name = "elections"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("elections/<slug:election>/", views.election_detail, name="election"),
    path(
        "elections/<slug:election>/contests/<slug:contest>/",
        views.contest_detail,
        name="contest",
    ),
]
