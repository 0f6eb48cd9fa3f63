"""The accounts app."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """User accounts, sign-in and access checks."""

    name = "hustings.accounts"
    label = "accounts"
    verbose_name = "Accounts"
    default_auto_field = "django.db.models.BigAutoField"
