"""Campaign pages: supporters, updates, questionnaires, questions, report-backs and feeds."""

from django.urls import URLPattern, URLResolver

app_name = "campaign"

urlpatterns: list[URLPattern | URLResolver] = []
