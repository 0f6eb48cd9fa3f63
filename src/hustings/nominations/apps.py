"""The nominations app."""

from django.apps import AppConfig


class NominationsConfig(AppConfig):
    """Units' and affiliates' nominations, thresholds, the close and the ballot list."""

    name = "hustings.nominations"
    label = "nominations"
    verbose_name = "Nominations"
    default_auto_field = "django.db.models.BigAutoField"
