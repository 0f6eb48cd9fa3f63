"""The results app."""

from django.apps import AppConfig


class ResultsConfig(AppConfig):
    """Counts, published results with their verification files, recounts and casual vacancies."""

    name = "hustings.results"
    label = "results"
    verbose_name = "Results"
    default_auto_field = "django.db.models.BigAutoField"
