"""Staff pages of the ballot: turnout, postal imports, reminders; public turnout after the close."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
