"""Rate limits on signing in, per account and per client address, kept in the database.

The database rather than the cache, so that limits hold across every worker process and survive a
restart, and so that a deployment needs no shared cache.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from hustings.accounts import keyed
from hustings.accounts.credentials import SignInAttempt

# Attempts are kept for a day: far longer than any window, short enough to hold no history.
RETENTION = timedelta(days=1)


@dataclass(frozen=True)
class Policy:
    """How many counted attempts one subject and one address may make within a window."""

    kind: SignInAttempt.Kind
    per_subject: int
    per_ip: int
    window: timedelta
    failures_only: bool


# Five links an hour is plenty for someone whose email is slow; fifty per address allows a
# party office behind one NAT address.
LINK = Policy(SignInAttempt.Kind.LINK, 5, 50, timedelta(hours=1), failures_only=False)
PASSWORD = Policy(SignInAttempt.Kind.PASSWORD, 5, 20, timedelta(minutes=15), failures_only=True)
# With a window of three steps, five guesses in fifteen minutes give an attacker a chance of
# about 1 in 66,000 per quarter hour.
TOTP = Policy(SignInAttempt.Kind.TOTP, 5, 20, timedelta(minutes=15), failures_only=True)
# Voting codes carry 80 bits, so guessing is hopeless either way; the limit stops a script from
# hammering the voting page, counted per membership number and per address. A hundred failures per
# address leaves room for a party office or a mobile network behind one NAT address.
VOTING_CODE = Policy(
    SignInAttempt.Kind.VOTING_CODE, 10, 100, timedelta(minutes=15), failures_only=True
)
# Every self-service reissue request counts, matched or not, so the page cannot be used to flood a
# member's inbox or to probe the register; three an hour is plenty for a lost email.
REISSUE = Policy(SignInAttempt.Kind.REISSUE, 3, 30, timedelta(hours=1), failures_only=False)


class RateLimited(Exception):
    """Too many attempts: the caller may try again after retry_after."""

    def __init__(self, retry_after: timedelta) -> None:
        self.retry_after = retry_after
        super().__init__(f"too many attempts; try again in {self.minutes} minute(s)")

    @property
    def minutes(self) -> int:
        """Return the wait rounded up to whole minutes."""
        return max(1, -(-int(self.retry_after.total_seconds()) // 60))


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's address, trusting HUSTINGS_PROXY_HOPS proxies in X-Forwarded-For."""
    hops: int = getattr(settings, "HUSTINGS_PROXY_HOPS", 0)
    candidate: str | None = request.META.get("REMOTE_ADDR")
    if hops > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        # Each trusted proxy appends the address it saw, so the client is `hops` from the right;
        # anything further left was written by the client and cannot be trusted.
        if len(forwarded) >= hops:
            candidate = forwarded[-hops]
    if candidate is None:
        return None
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def subject_digest(subject: str) -> str:
    """Return the keyed digest under which attempts for one email or user are counted."""
    return keyed.digest("accounts.ratelimit", subject.strip().lower())


def check(policy: Policy, subject: str, ip: str | None, *, now: datetime | None = None) -> None:
    """Raise RateLimited if the subject or the address has used up its attempts."""
    now = now or timezone.now()
    since = now - policy.window
    recent = SignInAttempt.objects.filter(kind=policy.kind, created_at__gt=since)
    if policy.failures_only:
        recent = recent.filter(succeeded=False)
    scopes = [(recent.filter(subject_digest=subject_digest(subject)), policy.per_subject)]
    if ip is not None:
        scopes.append((recent.filter(ip=ip), policy.per_ip))
    for attempts, allowed in scopes:
        times = list(
            attempts.order_by("-created_at").values_list("created_at", flat=True)[:allowed]
        )
        if len(times) >= allowed:
            # The oldest of the last `allowed` attempts must leave the window before another.
            raise RateLimited(times[-1] + policy.window - now)


def record(
    policy: Policy,
    subject: str,
    ip: str | None,
    *,
    succeeded: bool = False,
    now: datetime | None = None,
) -> None:
    """Record one attempt and forget attempts older than the retention period."""
    now = now or timezone.now()
    SignInAttempt.objects.filter(created_at__lt=now - RETENTION).delete()
    SignInAttempt.objects.create(
        kind=policy.kind,
        subject_digest=subject_digest(subject),
        ip=ip,
        succeeded=succeeded,
        created_at=now,
    )
