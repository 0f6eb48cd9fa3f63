"""Time-based one-time passwords (RFC 6238) for staff: enrol a device, verify a code once.

The shared secret is never stored: a device keeps a random seed, and the secret is the HMAC of that
seed under SECRET_KEY. Rotating SECRET_KEY therefore needs the old key in SECRET_KEY_FALLBACKS until
every staff member has re-enrolled.
"""

from __future__ import annotations

import base64
import hmac
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

import pyotp
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hustings.accounts import keyed
from hustings.accounts.credentials import TOTPDevice

if TYPE_CHECKING:
    from hustings.accounts.models import User

__all__ = [
    "ISSUER",
    "enrolment_device",
    "provisioning_uri",
    "secret_for",
    "shared_secret",
    "verify",
]

ISSUER = "Hustings"
SEED_PURPOSE = "accounts.totp-seed"
# RFC 6238 section 5.2: accept one step either side, for clocks that drift and slow typists.
WINDOW = 1


def shared_secret(seed: str, *, key: str | None = None) -> str:
    """Return the base32 shared secret derived from a device's seed under one secret key."""
    mac = keyed.digest(SEED_PURPOSE, seed, secret=key)
    # 160 bits, the length RFC 4226 section 4 recommends for the HMAC-SHA1 key.
    return base64.b32encode(bytes.fromhex(mac)[:20]).decode("ascii")


def secret_for(device: TOTPDevice) -> str:
    """Return the device's shared secret under the current SECRET_KEY."""
    return shared_secret(device.seed)


def provisioning_uri(device: TOTPDevice) -> str:
    """Return the otpauth:// URI an authenticator app reads from the enrolment QR code."""
    return pyotp.TOTP(secret_for(device)).provisioning_uri(
        name=device.user.get_username(), issuer_name=ISSUER
    )


@transaction.atomic
def enrolment_device(user: User) -> TOTPDevice:
    """Return the user's unconfirmed device, creating one; a confirmed device is never re-shown."""
    device = TOTPDevice.objects.select_for_update().filter(user=user).first()
    if device is not None and device.confirmed_at is not None:
        raise ValueError(f"{user} already has a confirmed authenticator")
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, seed=secrets.token_hex(32), created_at=timezone.now()
        )
    return device


def _matching_step(device: TOTPDevice, code: str, now: datetime) -> int | None:
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    for key in keyed.secret_keys():
        otp = pyotp.TOTP(shared_secret(device.seed, key=key))
        current = otp.timecode(now)
        for step in range(current - WINDOW, current + WINDOW + 1):
            if hmac.compare_digest(otp.generate_otp(step), code):
                return step
    return None


def verify(device: TOTPDevice, code: str, *, now: datetime | None = None) -> bool:
    """Check a code and consume its time step, so the same code never works twice."""
    step = _matching_step(device, code, now or timezone.now())
    if step is None:
        return False
    # A conditional update, so that two requests racing with one code cannot both pass.
    consumed = (
        TOTPDevice.objects.filter(pk=device.pk)
        .filter(Q(last_step__isnull=True) | Q(last_step__lt=step))
        .update(last_step=step)
    )
    if consumed:
        device.last_step = step
    return bool(consumed)
