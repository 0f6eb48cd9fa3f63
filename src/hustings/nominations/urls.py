"""Nomination pages: secretaries', candidates' and the public tallies."""

from django.urls import URLPattern, URLResolver, path

from hustings.nominations import views

app_name = "nominations"

urlpatterns: list[URLPattern | URLResolver] = [
    path("units/", views.secretary, name="secretary"),
    path("units/<int:unit>/", views.unit_detail, name="unit"),
    path("units/<int:unit>/contests/<int:contest>/", views.nominate, name="nominate"),
    path("candidacies/<int:pk>/", views.candidacy_nominations, name="candidacy"),
    path("received/<int:pk>/respond/", views.respond, name="respond"),
    path(
        "received/affiliate/<int:pk>/respond/",
        views.respond_affiliate,
        name="respond-affiliate",
    ),
    path("tally/<slug:election>/<slug:contest>/", views.tally, name="tally"),
    path("tally/<slug:election>/<slug:contest>/nominations.csv", views.tally_csv, name="tally-csv"),
]
