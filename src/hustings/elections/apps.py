"""The elections app."""

from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    """Elections, timetables and contests."""

    name = "hustings.elections"
    label = "elections"
    verbose_name = "Elections"
    default_auto_field = "django.db.models.BigAutoField"
