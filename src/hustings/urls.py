"""The site's URLs: the admin, the health check, media, and each app's own pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.static import serve

from hustings.health import healthz

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("hustings.accounts.urls")),
    path("candidates/", include("hustings.candidates.urls")),
    path("nominations/", include("hustings.nominations.urls")),
    path("ballot/", include("hustings.ballots.urls")),
    path("results/", include("hustings.results.urls")),
    path("guide/", include("hustings.guide.urls")),
    path("campaign/", include("hustings.campaign.urls")),
    path("", include("hustings.elections.urls")),
]

if settings.HUSTINGS_SERVE_MEDIA:
    # Photos are few, small and stored under random names with a fixed set of extensions, so
    # Django can serve them; a busy site hands /media/ to its reverse proxy instead.
    urlpatterns.insert(
        0,
        re_path(
            r"^{}(?P<path>.*)$".format(settings.MEDIA_URL.lstrip("/")),
            serve,
            {"document_root": settings.MEDIA_ROOT},
        ),
    )
