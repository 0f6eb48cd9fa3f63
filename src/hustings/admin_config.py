"""The admin app, pointed at the returning officer's admin site (kept apart: no models here)."""

from django.contrib.admin.apps import AdminConfig


class HustingsAdminConfig(AdminConfig):
    """Use HustingsAdminSite as the default admin site."""

    default_site = "hustings.admin_site.HustingsAdminSite"
