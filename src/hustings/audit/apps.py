"""The audit app."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The hash-chained audit log."""

    name = "hustings.audit"
    label = "audit"
    verbose_name = "Audit log"
    default_auto_field = "django.db.models.BigAutoField"
