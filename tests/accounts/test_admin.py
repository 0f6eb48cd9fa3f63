"""Staff accounts in the admin: created with a password that the audit log never sees, and reset."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from hustings.accounts.credentials import TOTPDevice
from hustings.accounts.models import User
from hustings.audit.models import AuditEvent
from tests import factories
from tests.accounts.helpers import staff_client

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long and unusual passphrase 42"


def test_returning_officer_creates_a_staff_account_and_the_log_never_sees_the_password() -> None:
    client = staff_client(factories.returning_officer())
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "scrutineer@example.org",
            "name": "Sam Scrutineer",
            "staff_role": "observer",
            "is_active": "on",
            "new_password": NEW_PASSWORD,
            "repeat_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="scrutineer@example.org")
    assert user.is_staff
    assert user.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(tag="admin:created", object_id=str(user.pk))
    assert NEW_PASSWORD not in str(event.data)
    assert event.data["changed"]["password"] == ["", "set"]


def test_mismatched_or_weak_passwords_are_refused() -> None:
    client = staff_client(factories.returning_officer())
    base = {"email": "x@example.org", "staff_role": "observer", "is_active": "on"}
    differ = client.post(
        reverse("admin:accounts_user_add"),
        {**base, "new_password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD + "!"},
    )
    assert differ.status_code == 200
    assert "The two passwords differ." in differ.content.decode()
    weak = client.post(
        reverse("admin:accounts_user_add"),
        {**base, "new_password": "password", "repeat_password": "password"},
    )
    assert weak.status_code == 200
    assert not User.objects.filter(email="x@example.org").exists()


def test_returning_officer_resets_an_authenticator_and_ends_its_sessions() -> None:
    ro = factories.returning_officer()
    observer = factories.observer()
    observer_client = staff_client(observer)
    assert observer_client.get(reverse("admin:index")).status_code == 200
    client = staff_client(ro)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_authenticator", "_selected_action": [observer.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=observer).exists()
    assert AuditEvent.objects.filter(tag="accounts:totp:reset", actor=ro).exists()
    assert observer_client.get(reverse("admin:index")).status_code == 302


def test_observer_may_look_at_accounts_but_not_reset_them() -> None:
    ro = factories.returning_officer()
    client = staff_client(factories.observer())
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_authenticator", "_selected_action": [ro.pk]},
    )
    assert TOTPDevice.objects.filter(user=ro).exists()
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403


def test_members_cannot_open_the_admin() -> None:
    client = Client()
    client.force_login(factories.member())
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
