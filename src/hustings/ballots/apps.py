"""The ballots app."""

from django.apps import AppConfig


class BallotsConfig(AppConfig):
    """Voting credentials, secret ballots, postal returns, receipts and turnout."""

    name = "hustings.ballots"
    label = "ballots"
    verbose_name = "Ballot"
    default_auto_field = "django.db.models.BigAutoField"
