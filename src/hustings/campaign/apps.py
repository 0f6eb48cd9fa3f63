"""The campaign app."""

from django.apps import AppConfig


class CampaignConfig(AppConfig):
    """Supporters, campaign updates, questionnaires, public questions and report-backs."""

    name = "hustings.campaign"
    label = "campaign"
    verbose_name = "Campaign"
    default_auto_field = "django.db.models.BigAutoField"
