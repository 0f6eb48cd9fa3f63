"""The ballots app."""

from django.apps import AppConfig


class BallotsConfig(AppConfig):
    """Voting credentials, secret ballots, postal returns, receipts and turnout."""

    name = "hustings.ballots"
    label = "ballots"
    verbose_name = "Ballot"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Clear the per-process paper cache whenever an election is saved or deleted."""
        from django.db.models.signals import post_delete, post_save

        from hustings.ballots.papers import forget_election
        from hustings.elections.models import Election

        post_save.connect(forget_election, sender=Election, dispatch_uid="ballots.forget_election")
        post_delete.connect(
            forget_election, sender=Election, dispatch_uid="ballots.forget_election_d"
        )
