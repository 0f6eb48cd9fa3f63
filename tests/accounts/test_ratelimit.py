"""Client addresses behind proxies, and how long a limited client must wait."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from hustings.accounts import ratelimit

pytestmark = pytest.mark.django_db


def request_from(remote: str, forwarded: str | None = None):
    """Build a request as a proxy chain would deliver it."""
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_proxies_the_peer_address_is_the_client(settings) -> None:
    settings.HUSTINGS_PROXY_HOPS = 0
    request = request_from("203.0.113.9", "198.51.100.1")
    assert ratelimit.client_ip(request) == "203.0.113.9"


def test_behind_one_proxy_the_last_forwarded_address_is_the_client(settings) -> None:
    settings.HUSTINGS_PROXY_HOPS = 1
    # The client wrote the first entry itself; only the proxy's own entry can be trusted.
    request = request_from("10.0.0.2", "6.6.6.6, 198.51.100.1")
    assert ratelimit.client_ip(request) == "198.51.100.1"


def test_a_malformed_address_counts_as_none(settings) -> None:
    settings.HUSTINGS_PROXY_HOPS = 1
    assert ratelimit.client_ip(request_from("10.0.0.2", "not-an-ip")) is None


def test_the_wait_is_until_the_oldest_counted_attempt_leaves_the_window() -> None:
    now = timezone.now()
    policy = ratelimit.PASSWORD
    for minutes in range(policy.per_subject):
        ratelimit.record(policy, "a@example.org", None, now=now - timedelta(minutes=10 - minutes))
    with pytest.raises(ratelimit.RateLimited) as raised:
        ratelimit.check(policy, "a@example.org", None, now=now)
    assert raised.value.retry_after == timedelta(minutes=5)
    assert raised.value.minutes == 5


def test_successes_do_not_count_against_failure_only_limits() -> None:
    policy = ratelimit.PASSWORD
    for _ in range(policy.per_subject + 3):
        ratelimit.record(policy, "a@example.org", "192.0.2.1", succeeded=True)
    ratelimit.check(policy, "a@example.org", "192.0.2.1")


def test_subjects_are_counted_case_blind_and_stored_only_as_digests() -> None:
    from hustings.accounts.credentials import SignInAttempt

    ratelimit.record(ratelimit.LINK, "Jo@Example.org", None)
    assert ratelimit.subject_digest("jo@example.org") == SignInAttempt.objects.get().subject_digest
    assert "example" not in SignInAttempt.objects.get().subject_digest
