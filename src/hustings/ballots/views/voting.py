"""Voting: entering a code, the ballot paper, review, casting, the receipt and the trackers."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
