"""Public pages of the candidates app."""

from django.urls import URLPattern, URLResolver

app_name = "candidates"

urlpatterns: list[URLPattern | URLResolver] = []
