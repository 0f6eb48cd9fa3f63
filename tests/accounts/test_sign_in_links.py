"""Members sign in by a one-time emailed link: single use, expiring, rate limited, no enumeration."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hustings.accounts import ratelimit, tokens
from hustings.accounts.credentials import LoginToken
from hustings.members.models import Member
from tests import factories
from tests.accounts.helpers import links_in_outbox, path_of

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("accounts:sign-in")


def ask_for_link(client: Client, email: str, *, ip: str = "192.0.2.1", **fields: str):
    """Post the sign-in form from a client address."""
    return client.post(SIGN_IN, {"email": email, **fields}, REMOTE_ADDR=ip)


def test_member_is_emailed_a_link_that_signs_them_in(client: Client) -> None:
    user = factories.member()
    response = ask_for_link(client, user.email)
    assert response.status_code == 302
    assert mail.outbox[0].to == [user.email]
    (link,) = links_in_outbox()
    assert link.startswith("http://127.0.0.1:8000/accounts/sign-in/link/")
    response = client.post(path_of(link))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:my-account")
    assert client.get(reverse("accounts:my-account")).context["user"] == user


def test_opening_the_link_does_not_use_it_up(client: Client) -> None:
    user = factories.member()
    link = tokens.issue_login_link(user)
    # Mail scanners fetch links; only the button press (a POST) signs in.
    assert client.get(path_of(link)).status_code == 200
    assert client.get(path_of(link)).status_code == 200
    assert not client.get(reverse("accounts:my-account")).wsgi_request.user.is_authenticated
    assert client.post(path_of(link)).status_code == 302


def test_link_works_only_once(client: Client) -> None:
    link = tokens.issue_login_link(factories.member())
    assert client.post(path_of(link)).status_code == 302
    other = Client()
    response = other.post(path_of(link))
    assert response.status_code == 410
    assert b"no longer works" in response.content
    assert not other.get(reverse("accounts:my-account")).wsgi_request.user.is_authenticated


def test_link_expires_after_fifteen_minutes(client: Client) -> None:
    link = tokens.issue_login_link(factories.member())
    LoginToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(path_of(link)).status_code == 410
    assert client.post(path_of(link)).status_code == 410
    token = LoginToken.objects.get()
    assert token.expires_at - token.created_at <= timedelta(minutes=15, seconds=1)


def test_redeeming_checks_expiry_against_the_clock() -> None:
    user = factories.member()
    raw = tokens.issue_login_link(user).rstrip("/").rsplit("/", 1)[1]
    token = LoginToken.objects.get()
    assert tokens.redeem_login_token(raw, now=token.expires_at) is None
    assert tokens.redeem_login_token(raw, now=token.expires_at - timedelta(seconds=1)) == user


def test_an_invented_token_signs_nobody_in(client: Client) -> None:
    factories.member()
    tokens.issue_login_link(factories.member())
    response = client.post(reverse("accounts:sign-in-link", args=["x" * 43]))
    assert response.status_code == 410


def test_database_holds_only_a_keyed_hash_of_the_token() -> None:
    link = tokens.issue_login_link(factories.member())
    raw = link.rstrip("/").rsplit("/", 1)[1]
    stored = LoginToken.objects.get().token_hash
    assert raw not in stored
    assert len(stored) == 64
    assert not LoginToken.objects.filter(token_hash=raw).exists()


def test_signing_in_retires_the_other_links_sent_to_the_same_person(client: Client) -> None:
    user = factories.member()
    first = tokens.issue_login_link(user)
    second = tokens.issue_login_link(user)
    assert client.post(path_of(second)).status_code == 302
    assert Client().post(path_of(first)).status_code == 410


def test_unknown_and_known_addresses_get_the_same_answer(client: Client) -> None:
    user = factories.member()
    known = ask_for_link(client, user.email)
    known_page = client.get(known["Location"])
    stranger = Client()
    unknown = ask_for_link(stranger, "nobody@example.org")
    unknown_page = stranger.get(unknown["Location"])
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known_page.status_code == unknown_page.status_code == 200
    known_text = known_page.content.decode().replace(user.email, "EMAIL")
    unknown_text = unknown_page.content.decode().replace("nobody@example.org", "EMAIL")
    strip = lambda text: "".join(  # noqa: E731
        line for line in text.splitlines() if "csrfmiddlewaretoken" not in line
    )
    assert strip(known_text) == strip(unknown_text)
    assert len(mail.outbox) == 1


def test_address_is_matched_whatever_its_case(client: Client) -> None:
    user = factories.member(email="Jo.Bloggs@Example.org")
    ask_for_link(client, "jo.bloggs@example.ORG")
    (link,) = links_in_outbox()
    client.post(path_of(link))
    assert client.get(reverse("accounts:my-account")).context["user"] == user


def test_member_without_an_account_gets_one_when_they_first_use_the_link(client: Client) -> None:
    member = factories.make_member()
    assert member.user is None
    ask_for_link(client, member.email)
    (link,) = links_in_outbox()
    assert Member.objects.get(pk=member.pk).user is None
    client.post(path_of(link))
    member.refresh_from_db()
    assert member.user is not None
    assert member.user.email == member.email
    assert not member.user.has_usable_password()
    assert client.get(reverse("accounts:my-account")).context["member"] == member


def test_members_sharing_an_address_each_get_their_own_link(client: Client) -> None:
    first = factories.make_member(email="household@example.org", name="Ann Smith")
    second = factories.make_member(email="household@example.org", name="Bob Smith")
    ask_for_link(client, "household@example.org")
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert first.membership_number in body
    assert second.membership_number in body
    links = links_in_outbox()
    assert len(links) == 2
    client.post(path_of(links[1]))
    second.refresh_from_db()
    assert client.get(reverse("accounts:my-account")).context["user"] == second.user


def test_member_without_email_cannot_be_reached(client: Client) -> None:
    factories.make_member(email="")
    response = ask_for_link(client, "")
    assert response.status_code == 400
    assert mail.outbox == []


def test_staff_address_gets_directions_to_the_staff_page_not_a_link(client: Client) -> None:
    ro = factories.returning_officer()
    ask_for_link(client, ro.email)
    assert len(mail.outbox) == 1
    assert links_in_outbox() == []
    assert "/accounts/staff/sign-in/" in mail.outbox[0].body


def test_staff_cannot_be_issued_a_link() -> None:
    with pytest.raises(tokens.StaffSignInRequired):
        tokens.issue_login_link(factories.returning_officer())
    with pytest.raises(tokens.StaffSignInRequired):
        tokens.issue_login_link(factories.observer())


def test_a_link_made_for_someone_who_later_became_staff_signs_nobody_in(client: Client) -> None:
    user = factories.member()
    link = tokens.issue_login_link(user)
    user.staff_role = "observer"
    user.is_staff = True
    user.save()
    assert client.post(path_of(link)).status_code == 410
    assert not client.get(reverse("accounts:my-account")).wsgi_request.user.is_authenticated


def test_a_member_sharing_a_staff_address_never_gets_the_staff_session(client: Client) -> None:
    ro = factories.returning_officer()
    member = factories.make_member(email=ro.email)
    link = tokens.issue_member_login_link(member)
    assert client.post(path_of(link)).status_code == 302
    member.refresh_from_db()
    signed_in = client.get(reverse("accounts:my-account")).context["user"]
    assert signed_in == member.user
    assert signed_in != ro
    assert not signed_in.is_staff


def test_inactive_account_cannot_sign_in(client: Client) -> None:
    user = factories.member()
    link = tokens.issue_login_link(user)
    user.is_active = False
    user.save()
    assert client.post(path_of(link)).status_code == 410


def test_requests_are_rate_limited_per_address(client: Client) -> None:
    user = factories.member()
    for _ in range(ratelimit.LINK.per_subject):
        assert ask_for_link(client, user.email).status_code == 302
    response = ask_for_link(client, user.email, ip="198.51.100.7")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert len(mail.outbox) == ratelimit.LINK.per_subject


def test_unknown_addresses_are_rate_limited_alike(client: Client) -> None:
    for _ in range(ratelimit.LINK.per_subject):
        assert ask_for_link(client, "nobody@example.org").status_code == 302
    assert ask_for_link(client, "nobody@example.org").status_code == 429


def test_requests_are_rate_limited_per_client_address(client: Client) -> None:
    for n in range(ratelimit.LINK.per_ip):
        assert ask_for_link(client, f"someone{n}@example.org").status_code == 302
    assert ask_for_link(client, "someone-else@example.org").status_code == 429
    assert ask_for_link(client, "someone-else@example.org", ip="192.0.2.99").status_code == 302


def test_rate_limit_lifts_after_the_window(client: Client) -> None:
    user = factories.member()
    for _ in range(ratelimit.LINK.per_subject):
        ask_for_link(client, user.email)
    from hustings.accounts.credentials import SignInAttempt

    SignInAttempt.objects.update(created_at=timezone.now() - ratelimit.LINK.window)
    assert ask_for_link(client, user.email).status_code == 302


def test_link_returns_to_the_page_that_asked_for_sign_in(client: Client) -> None:
    user = factories.member()
    ask_for_link(client, user.email, next="/accounts/?from=test")
    (link,) = links_in_outbox()
    page = client.get(path_of(link))
    assert b'value="/accounts/?from=test"' in page.content
    response = client.post(path_of(link), {"next": "/accounts/?from=test"})
    assert response["Location"] == "/accounts/?from=test"


def test_link_never_sends_anyone_to_another_site(client: Client) -> None:
    user = factories.member()
    ask_for_link(client, user.email, next="https://evil.example/")
    (link,) = links_in_outbox()
    assert "evil" not in link
    response = client.post(path_of(link), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("accounts:my-account")


def test_link_base_comes_from_settings_not_the_host_header(client: Client, settings) -> None:
    settings.HUSTINGS_BASE_URL = "https://elections.example.org/"
    user = factories.member()
    client.post(SIGN_IN, {"email": user.email}, HTTP_HOST="localhost")
    (link,) = links_in_outbox()
    assert link.startswith("https://elections.example.org/accounts/sign-in/link/")


def test_sign_out_needs_a_post(client: Client) -> None:
    client.post(path_of(tokens.issue_login_link(factories.member())))
    assert client.get(reverse("accounts:sign-out")).status_code == 405
    assert client.post(reverse("accounts:sign-out")).status_code == 302
    assert not client.get(reverse("accounts:my-account")).wsgi_request.user.is_authenticated


def test_account_page_needs_sign_in(client: Client) -> None:
    response = client.get(reverse("accounts:my-account"))
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)


def test_issuing_a_link_drops_links_that_expired_over_a_day_ago() -> None:
    user = factories.member()
    tokens.issue_login_link(user)
    LoginToken.objects.update(expires_at=timezone.now() - timedelta(days=2))
    tokens.issue_login_link(user)
    assert LoginToken.objects.count() == 1


def test_sign_in_lookup_uses_the_lowercased_email_the_indexes_hold(client: Client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    factories.make_member(email="Mixed.Case@Example.org")
    with CaptureQueriesContext(connection) as queries:
        ask_for_link(client, "MIXED.case@example.org")
    member_lookups = [q["sql"] for q in queries if 'FROM "members_member"' in q["sql"]]
    assert member_lookups
    assert all("LOWER(" in sql.upper() and "LIKE" not in sql.upper() for sql in member_lookups)
    assert len(links_in_outbox()) == 1
