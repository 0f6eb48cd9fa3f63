"""The candidates app."""

from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    """Candidacies and slates."""

    name = "hustings.candidates"
    label = "candidates"
    verbose_name = "Candidates and slates"
    default_auto_field = "django.db.models.BigAutoField"
