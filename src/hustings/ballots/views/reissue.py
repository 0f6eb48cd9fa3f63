"""Reissuing lost codes: the self-service page for members and the staff screen."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
