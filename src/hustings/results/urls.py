"""The results pages, mounted at /results/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "results"

urlpatterns: list[URLPattern | URLResolver] = []
