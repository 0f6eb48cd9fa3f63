"""Members support candidates publicly; quotes wait for the returning officer; support ends."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from hustings.audit import tags
from hustings.audit.models import AuditEvent
from hustings.campaign.models import QuoteStatus, Support
from hustings.campaign.templatetags import campaign_tags
from tests import factories
from tests.accounts.helpers import staff_client
from tests.campaign.helpers import page, signed_in

pytestmark = pytest.mark.django_db


def support_url(candidacy) -> str:  # type: ignore[no-untyped-def]
    return reverse("campaign:support", args=[candidacy.pk])


def test_member_supports_a_candidate_and_their_name_and_unit_show_at_once() -> None:
    candidacy = factories.make_candidacy()
    user = factories.member()
    client = signed_in(user)

    response = client.post(support_url(candidacy), {"quote": ""})

    assert response.status_code == 302
    shown = Client().get(page(candidacy)).content.decode()
    assert user.member.name in shown
    assert user.member.unit.name in shown
    assert 'Supporters <span class="count">(1)</span>' in shown


def test_quote_is_hidden_until_the_returning_officer_approves_it() -> None:
    candidacy = factories.make_candidacy()
    client = signed_in(factories.member())
    client.post(support_url(candidacy), {"quote": "She fought for our hospital."})
    support = Support.objects.get()
    assert support.quote_status == QuoteStatus.PENDING
    assert "fought for our hospital" not in Client().get(page(candidacy)).content.decode()

    officer = factories.returning_officer()
    staff = staff_client(officer)
    queue = staff.get(reverse("campaign:moderation"))
    assert "fought for our hospital" in queue.content.decode()
    response = staff.post(
        reverse("campaign:moderate-quote", args=[support.pk]), {"decision": "approve"}
    )

    assert response.status_code == 302
    assert "fought for our hospital" in Client().get(page(candidacy)).content.decode()
    event = AuditEvent.objects.get(tag=tags.CAMPAIGN_QUOTE_APPROVED)
    assert event.actor == officer


def test_a_rejected_quote_is_never_shown_but_the_support_still_counts() -> None:
    candidacy = factories.make_candidacy()
    user = factories.member()
    signed_in(user).post(support_url(candidacy), {"quote": "Something unkind."})
    support = Support.objects.get()

    staff_client(factories.returning_officer()).post(
        reverse("campaign:moderate-quote", args=[support.pk]), {"decision": "reject"}
    )

    shown = Client().get(page(candidacy)).content.decode()
    assert "Something unkind" not in shown
    assert user.member.name in shown
    assert AuditEvent.objects.filter(tag=tags.CAMPAIGN_QUOTE_REJECTED).count() == 1


def test_quotes_over_280_characters_are_refused_with_a_clear_error() -> None:
    candidacy = factories.make_candidacy()
    response = signed_in(factories.member()).post(support_url(candidacy), {"quote": "x" * 281})

    assert response.status_code == 400
    assert "280" in response.content.decode()
    assert not Support.objects.exists()


def test_a_member_supports_a_candidacy_only_once() -> None:
    candidacy = factories.make_candidacy()
    client = signed_in(factories.member())
    client.post(support_url(candidacy), {})
    client.post(support_url(candidacy), {})

    assert Support.objects.count() == 1


def test_member_withdraws_their_support_and_it_disappears() -> None:
    candidacy = factories.make_candidacy()
    user = factories.member()
    client = signed_in(user)
    client.post(support_url(candidacy), {})
    support = Support.objects.get()

    response = client.post(reverse("campaign:withdraw-support", args=[support.pk]))

    assert response.status_code == 302
    shown = Client().get(page(candidacy)).content.decode()
    assert user.member.name not in shown
    assert 'Supporters <span class="count">(0)</span>' in shown
    # Having withdrawn, they may support again.
    client.post(support_url(candidacy), {})
    assert Support.objects.filter(withdrawn_at__isnull=True).count() == 1


def test_nobody_else_can_withdraw_a_members_support() -> None:
    candidacy = factories.make_candidacy()
    signed_in(factories.member()).post(support_url(candidacy), {})
    support = Support.objects.get()

    response = signed_in(factories.member()).post(
        reverse("campaign:withdraw-support", args=[support.pk])
    )

    assert response.status_code == 403
    assert Support.objects.get().withdrawn_at is None


def test_visitors_are_sent_to_sign_in_and_cannot_support() -> None:
    candidacy = factories.make_candidacy()
    response = Client().post(support_url(candidacy), {})

    assert response.status_code == 302
    assert reverse("accounts:sign-in") in response["Location"]
    assert not Support.objects.exists()


def test_accounts_without_a_membership_cannot_support() -> None:
    candidacy = factories.make_candidacy()
    response = signed_in(factories.make_user()).post(support_url(candidacy), {})

    assert response.status_code == 403
    assert not Support.objects.exists()


def test_staff_accounts_without_a_membership_cannot_support() -> None:
    candidacy = factories.make_candidacy()
    response = staff_client(factories.returning_officer()).post(support_url(candidacy), {})

    assert response.status_code == 403
    assert not Support.objects.exists()


def test_candidates_cannot_support_themselves() -> None:
    candidacy = factories.make_candidacy()
    response = signed_in(candidacy.member.user).post(support_url(candidacy), {})

    assert response.status_code == 403


def test_withdrawn_candidates_cannot_be_supported() -> None:
    candidacy = factories.make_candidacy()
    candidacy.withdrawn_at = candidacy.declared_at
    candidacy.save()

    response = signed_in(factories.member()).post(support_url(candidacy), {})

    assert response.status_code == 404


def test_observers_see_the_queue_but_cannot_moderate() -> None:
    candidacy = factories.make_candidacy()
    signed_in(factories.member()).post(support_url(candidacy), {"quote": "Good on housing."})
    support = Support.objects.get()
    client = staff_client(factories.observer())

    assert "Good on housing" in client.get(reverse("campaign:moderation")).content.decode()
    response = client.post(
        reverse("campaign:moderate-quote", args=[support.pk]), {"decision": "approve"}
    )

    assert response.status_code == 403
    assert Support.objects.get().quote_status == QuoteStatus.PENDING


def test_members_cannot_see_the_moderation_queue() -> None:
    response = signed_in(factories.member()).get(reverse("campaign:moderation"))

    assert response.status_code == 403


def test_a_long_list_names_the_first_supporters_and_counts_the_rest(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(campaign_tags, "SUPPORTERS_NAMED", 2)
    candidacy = factories.make_candidacy()
    for _ in range(3):
        signed_in(factories.member()).post(support_url(candidacy), {})

    shown = Client().get(page(candidacy)).content.decode()

    assert 'Supporters <span class="count">(3)</span>' in shown
    assert shown.count('class="supporter-name"') == 2
    assert "and 1 more member." in shown
