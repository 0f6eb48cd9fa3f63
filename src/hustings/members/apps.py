"""The members app."""

from django.apps import AppConfig


class MembersConfig(AppConfig):
    """Regions, units and the membership register."""

    name = "hustings.members"
    label = "members"
    verbose_name = "Organisation and members"
    default_auto_field = "django.db.models.BigAutoField"
