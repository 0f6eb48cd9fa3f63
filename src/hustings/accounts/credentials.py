"""Models behind signing in: one-time link tokens, rate-limit records and staff TOTP devices.

None of them stores a usable secret. A link token is kept only as an HMAC of the random token, and a
TOTP device keeps only a random seed from which the shared secret is derived with SECRET_KEY, so a
copy of the database alone lets nobody sign in.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class LoginToken(models.Model):
    """A one-time sign-in link for a user or for a member who has no user yet."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="login_tokens",
    )
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="login_tokens",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = (
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(member__isnull=False),
                name="login_token_has_a_subject",
            ),
        )
        indexes = (models.Index(fields=["expires_at"], name="login_token_expiry"),)

    def __str__(self) -> str:
        state = "used" if self.used_at else f"valid until {self.expires_at:%Y-%m-%d %H:%M} UTC"
        return f"sign-in link #{self.pk} ({state})"


class SignInAttempt(models.Model):
    """One request to sign in, kept for a day to rate-limit by account and by address."""

    class Kind(models.TextChoices):
        LINK = "link", "sign-in link requested"
        PASSWORD = "password", "staff password tried"
        TOTP = "totp", "staff second factor tried"
        VOTING_CODE = "voting-code", "voting code tried"
        REISSUE = "reissue", "voting code reissue requested"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    # An HMAC of the normalised email or the user id: enough to count, useless to read.
    subject_digest = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(null=True, blank=True)
    succeeded = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        indexes = (
            models.Index(
                fields=["kind", "subject_digest", "created_at"], name="sign_in_by_subject"
            ),
            models.Index(fields=["kind", "ip", "created_at"], name="sign_in_by_ip"),
            models.Index(fields=["created_at"], name="sign_in_by_age"),
        )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.created_at:%Y-%m-%d %H:%M:%S} UTC"


class TOTPDevice(models.Model):
    """A staff member's authenticator app, confirmed once a code from it has been checked."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    seed = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The highest time step ever accepted: a code for it or an earlier step is a replay.
    last_step = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "TOTP device"

    def __str__(self) -> str:
        state = "confirmed" if self.confirmed_at else "awaiting confirmation"
        return f"authenticator for {self.user} ({state})"
