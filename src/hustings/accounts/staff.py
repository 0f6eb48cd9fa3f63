"""The staff sign-in sequence: password first, then a TOTP code, and only then a session.

Between the two steps the session holds a pending user id and nothing else: no Django login happens
until the second factor passes, and the session then records which confirmed device passed it.
`second_factor_passed` lets the middleware refuse any staff session that lacks that record.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.contrib.auth import authenticate, get_user_model, login
from django.http import HttpRequest
from django.utils import timezone

from hustings.accounts import ratelimit, totp
from hustings.accounts.access import needs_second_factor
from hustings.accounts.credentials import TOTPDevice

if TYPE_CHECKING:
    from hustings.accounts.models import User

PENDING = "hustings.staff.pending"
VERIFIED = "hustings.staff.device"
# Long enough to find a phone and open the app; short enough that an abandoned half sign-in on a
# shared computer is soon worthless.
PENDING_LIFETIME = timedelta(minutes=5)
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def check_password(request: HttpRequest, email: str, password: str) -> User | None:
    """Check a staff member's password and, if right, remember them as pending their code."""
    ip = ratelimit.client_ip(request)
    ratelimit.check(ratelimit.PASSWORD, email, ip)
    user = authenticate(request, username=email, password=password)
    # Members have no password, but a non-staff account that somehow has one gets no further.
    if user is None or not needs_second_factor(user):
        ratelimit.record(ratelimit.PASSWORD, email, ip, succeeded=False)
        return None
    ratelimit.record(ratelimit.PASSWORD, email, ip, succeeded=True)
    request.session.cycle_key()
    request.session[PENDING] = {"user": user.pk, "at": timezone.now().isoformat()}
    return user


def pending_user(request: HttpRequest) -> User | None:
    """Return the staff user who passed the password step recently in this session, if any."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    try:
        started = datetime.fromisoformat(pending["at"])
        user = get_user_model().objects.get(pk=pending["user"], is_active=True)
    except (KeyError, ValueError, TypeError, get_user_model().DoesNotExist):
        return None
    if timezone.now() - started > PENDING_LIFETIME or not needs_second_factor(user):
        return None
    return user


def confirmed_device(user: User) -> TOTPDevice | None:
    """Return the user's confirmed authenticator, if they have one."""
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def check_code(request: HttpRequest, user: User, device: TOTPDevice, code: str) -> bool:
    """Check an authenticator code for the pending user, under the TOTP rate limit."""
    ip = ratelimit.client_ip(request)
    subject = f"user:{user.pk}"
    ratelimit.check(ratelimit.TOTP, subject, ip)
    ok = totp.verify(device, code)
    ratelimit.record(ratelimit.TOTP, subject, ip, succeeded=ok)
    return ok


def complete_sign_in(request: HttpRequest, user: User, device: TOTPDevice) -> None:
    """Log the user in and record which confirmed device passed the second factor."""
    request.session.pop(PENDING, None)
    login(request, user, backend=MODEL_BACKEND)
    request.session[VERIFIED] = device.pk


def second_factor_passed(request: HttpRequest) -> bool:
    """Return whether this session's staff user passed the second factor on a device still valid."""
    device_pk = request.session.get(VERIFIED)
    if device_pk is None:
        return False
    return TOTPDevice.objects.filter(
        pk=device_pk, user=request.user.pk, confirmed_at__isnull=False
    ).exists()
