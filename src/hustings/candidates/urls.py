"""Candidate and slate pages, and candidates' own pages."""

from django.urls import URLPattern, URLResolver, path

from hustings.candidates import views

app_name = "candidates"

urlpatterns: list[URLPattern | URLResolver] = [
    path("<int:pk>/", views.candidate_detail, name="candidate"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/photo/", views.photo, name="photo"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("declare/<int:contest>/", views.declare, name="declare"),
    path("word-count/<int:contest>/", views.word_count, name="word-count"),
    path("slate-places/<int:pk>/confirm/", views.confirm_slate, name="confirm-slate"),
    path("slate-places/<int:pk>/decline/", views.decline_slate, name="decline-slate"),
    path("slates/<slug:election>/<slug:slate>/", views.slate_detail, name="slate"),
]
