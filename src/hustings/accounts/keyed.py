"""Keyed digests with SECRET_KEY, accepting digests made with any of SECRET_KEY_FALLBACKS."""

from __future__ import annotations

from django.conf import settings
from django.utils.crypto import salted_hmac


def secret_keys() -> list[str]:
    """Return the current secret key followed by its fallbacks, newest first."""
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def digest(purpose: str, value: str, *, secret: str | None = None) -> str:
    """Return the hex HMAC-SHA256 of value for this purpose, keyed by SECRET_KEY or secret."""
    return salted_hmac(f"hustings.{purpose}", value, secret=secret, algorithm="sha256").hexdigest()


def digests(purpose: str, value: str) -> list[str]:
    """Return the digest of value under every key still accepted, current key first."""
    return [digest(purpose, value, secret=key) for key in secret_keys()]
