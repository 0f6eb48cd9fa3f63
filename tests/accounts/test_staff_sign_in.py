"""Staff sign in with password and a TOTP code; no staff session exists without the second factor."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pyotp
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hustings.accounts import ratelimit, totp
from hustings.accounts.credentials import TOTPDevice
from hustings.accounts.models import StaffRole, User
from hustings.audit.models import AuditEvent
from tests import factories
from tests.accounts.helpers import code_for, staff_client

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("accounts:staff-sign-in")
VERIFY = reverse("accounts:staff-verify")
ENROL = reverse("accounts:staff-enrol")
ADMIN = reverse("admin:index")


def give_password(client: Client, user: User, password: str = factories.STAFF_PASSWORD):
    """Post the staff password form."""
    return client.post(SIGN_IN, {"email": user.email, "password": password})


def is_signed_in(client: Client) -> bool:
    """Return whether the client's next request is made by a signed-in user."""
    return bool(client.get(reverse("elections:home")).wsgi_request.user.is_authenticated)


def test_password_then_code_opens_the_admin(client: Client) -> None:
    ro = factories.returning_officer()
    response = give_password(client, ro)
    assert response["Location"] == VERIFY
    response = client.post(VERIFY, {"code": code_for(ro)})
    assert response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200
    assert AuditEvent.objects.filter(tag="accounts:sign-in:staff", actor=ro).exists()


def test_password_alone_gives_no_session(client: Client) -> None:
    ro = factories.returning_officer()
    give_password(client, ro)
    assert not is_signed_in(client)
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"] or SIGN_IN in response["Location"]


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client: Client) -> None:
    ro = factories.returning_officer()
    wrong_password = give_password(client, ro, "not the password")
    unknown_email = client.post(SIGN_IN, {"email": "nobody@example.org", "password": "x"})
    assert wrong_password.status_code == unknown_email.status_code == 400
    assert b"email address or password is not right" in wrong_password.content
    assert b"email address or password is not right" in unknown_email.content
    assert client.get(VERIFY)["Location"] == SIGN_IN


def test_wrong_code_is_refused(client: Client) -> None:
    ro = factories.returning_officer()
    give_password(client, ro)
    good = code_for(ro)
    bad = f"{(int(good) + 1) % 1_000_000:06d}"
    response = client.post(VERIFY, {"code": bad})
    assert response.status_code == 400
    assert not is_signed_in(client)


def test_a_code_works_only_once(client: Client) -> None:
    ro = factories.returning_officer()
    code = code_for(ro)
    staff_client(ro, client)
    other = Client()
    give_password(other, ro)
    response = other.post(VERIFY, {"code": code})
    assert response.status_code == 400
    assert b"already been used" in response.content
    assert not is_signed_in(other)


def test_codes_one_step_either_side_are_accepted_and_two_steps_are_not() -> None:
    ro = factories.returning_officer()
    device = TOTPDevice.objects.get(user=ro)
    otp = pyotp.TOTP(totp.secret_for(device))
    now = timezone.now()
    step = timedelta(seconds=30)
    assert not totp.verify(device, otp.at(now - 2 * step), now=now)
    assert not totp.verify(device, otp.at(now + 2 * step), now=now)
    assert totp.verify(device, otp.at(now - step), now=now)
    assert totp.verify(device, otp.at(now + step), now=now)


def test_an_earlier_code_is_refused_once_a_later_one_was_used() -> None:
    ro = factories.returning_officer()
    device = TOTPDevice.objects.get(user=ro)
    otp = pyotp.TOTP(totp.secret_for(device))
    now = timezone.now()
    assert totp.verify(device, otp.at(now), now=now)
    assert not totp.verify(device, otp.at(now - timedelta(seconds=30)), now=now)


def test_code_guesses_are_rate_limited(client: Client) -> None:
    ro = factories.returning_officer()
    give_password(client, ro)
    bad = f"{(int(code_for(ro)) + 500_000) % 1_000_000:06d}"
    for _ in range(ratelimit.TOTP.per_subject):
        assert client.post(VERIFY, {"code": bad}).status_code == 400
    response = client.post(VERIFY, {"code": code_for(ro)})
    assert response.status_code == 429
    assert not is_signed_in(client)


def test_password_guesses_are_rate_limited(client: Client) -> None:
    ro = factories.returning_officer()
    for _ in range(ratelimit.PASSWORD.per_subject):
        assert give_password(client, ro, "guess").status_code == 400
    assert give_password(client, ro).status_code == 429


def test_the_code_step_expires(client: Client) -> None:
    ro = factories.returning_officer()
    give_password(client, ro)
    later = timezone.now() + timedelta(minutes=6)
    with mock.patch("hustings.accounts.staff.timezone.now", return_value=later):
        response = client.post(VERIFY, {"code": code_for(ro, later)})
    assert response["Location"] == SIGN_IN
    assert not is_signed_in(client)


def test_members_cannot_use_the_staff_form(client: Client) -> None:
    user = factories.member()
    user.set_password("a member's password")
    user.save()
    assert give_password(client, user, "a member's password").status_code == 400
    assert client.get(VERIFY)["Location"] == SIGN_IN


def test_new_staff_enrol_an_authenticator_shown_once(client: Client) -> None:
    ro = User.objects.create_user(
        email="new-ro@example.org",
        password=factories.STAFF_PASSWORD,
        staff_role=StaffRole.RETURNING_OFFICER,
        is_staff=True,
    )
    assert give_password(client, ro)["Location"] == ENROL
    page = client.get(ENROL)
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    device = TOTPDevice.objects.get(user=ro)
    secret = totp.secret_for(device)
    assert secret[:4] in page.content.decode()
    assert device.seed not in page.content.decode()
    assert secret not in device.seed
    response = client.post(ENROL, {"code": pyotp.TOTP(secret).now()})
    assert response["Location"] == ADMIN
    device.refresh_from_db()
    assert device.confirmed_at is not None
    assert AuditEvent.objects.filter(tag="accounts:totp:enrolled", actor=ro).exists()
    # Once confirmed, the key is never shown again: the enrolment page sends to the code page.
    other = Client()
    give_password(other, ro)
    response = other.get(ENROL)
    assert response["Location"] == VERIFY


def test_enrolment_page_needs_the_password_first(client: Client) -> None:
    assert client.get(ENROL)["Location"] == SIGN_IN
    assert client.get(VERIFY)["Location"] == SIGN_IN


def test_a_forced_staff_session_without_the_second_factor_is_thrown_away(client: Client) -> None:
    ro = factories.returning_officer()
    client.force_login(ro)
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert not is_signed_in(client)


def test_admin_login_page_sends_staff_to_the_two_step_sign_in(client: Client) -> None:
    response = client.get(reverse("admin:login") + "?next=/admin/audit/")
    assert response.status_code == 302
    assert response["Location"] == SIGN_IN + "?next=%2Fadmin%2Faudit%2F"


def test_admin_password_form_cannot_be_used_to_skip_the_code(client: Client) -> None:
    ro = factories.returning_officer()
    response = client.post(
        reverse("admin:login"), {"username": ro.email, "password": factories.STAFF_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)
    assert client.get(ADMIN).status_code == 302


def test_resetting_the_authenticator_ends_sessions_it_verified(client: Client) -> None:
    ro = factories.returning_officer()
    staff_client(ro, client)
    assert client.get(ADMIN).status_code == 200
    TOTPDevice.objects.filter(user=ro).delete()
    assert client.get(ADMIN).status_code == 302
    assert not is_signed_in(client)


def test_staff_sign_in_honours_a_local_next_page(client: Client) -> None:
    ro = factories.returning_officer()
    client.post(
        SIGN_IN, {"email": ro.email, "password": factories.STAFF_PASSWORD, "next": "/accounts/"}
    )
    response = client.post(VERIFY, {"code": code_for(ro)})
    assert response["Location"] == "/accounts/"


def test_observer_signs_in_the_same_way(client: Client) -> None:
    observer = factories.observer()
    staff_client(observer, client)
    assert client.get(reverse("accounts:my-account")).context["user"] == observer


def test_enrolment_page_draws_the_key_as_an_accessible_qr_code(client: Client) -> None:
    pytest.importorskip("segno", reason="the QR code needs segno; the page works without it")
    ro = User.objects.create_user(
        email="qr-ro@example.org",
        password=factories.STAFF_PASSWORD,
        staff_role=StaffRole.RETURNING_OFFICER,
        is_staff=True,
    )
    give_password(client, ro)
    html = client.get(ENROL).content.decode()
    assert '<svg role="img" aria-label="QR code for setup"' in html
    assert "<script" not in html
    assert 'href="otpauth://totp/Hustings:qr-ro%40example.org?secret=' in html
