"""Helpers for tests that sign people in through the real HTTP flows."""

from __future__ import annotations

import re
from datetime import datetime

import pyotp
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hustings.accounts import totp
from hustings.accounts.credentials import TOTPDevice
from hustings.accounts.models import User
from tests.factories import STAFF_PASSWORD

LINK = re.compile(r"https?://\S+/accounts/sign-in/link/[\w-]+/(?:\?\S+)?")


def links_in_outbox() -> list[str]:
    """Return every sign-in link in the emails sent so far, oldest first."""
    return [link for message in mail.outbox for link in LINK.findall(message.body)]


def path_of(url: str) -> str:
    """Return the path and query of an absolute URL, for the test client."""
    return re.sub(r"^https?://[^/]+", "", url)


def code_for(user: User, at: datetime | None = None) -> str:
    """Return the code the user's authenticator would show at a moment (now by default)."""
    device = TOTPDevice.objects.get(user=user)
    return pyotp.TOTP(totp.secret_for(device)).at(at or timezone.now())


def staff_client(user: User, client: Client | None = None) -> Client:
    """Return a client signed in as a staff user through password and authenticator code."""
    client = client or Client()
    response = client.post(
        reverse("accounts:staff-sign-in"), {"email": user.email, "password": STAFF_PASSWORD}
    )
    assert response.status_code == 302, response.content
    response = client.post(reverse("accounts:staff-verify"), {"code": code_for(user)})
    assert response.status_code == 302, response.content
    return client
