"""The guide app."""

from django.apps import AppConfig


class GuideConfig(AppConfig):
    """The voter guide: read-only pages over candidates, nominations and the register."""

    name = "hustings.guide"
    label = "guide"
    verbose_name = "Voter guide"
    default_auto_field = "django.db.models.BigAutoField"
