"""Staff record a unit's paper return in the admin, under the same rules; the lists open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hustings.audit import tags
from hustings.audit.models import AuditEvent
from hustings.nominations.actions import (
    do_close_nominations,
    do_create_affiliate,
    do_record_affiliate_nomination,
    do_record_unit_nominations,
)
from hustings.nominations.models import Nomination, Response, UnitReturn
from tests.accounts.helpers import staff_client
from tests.factories import observer, returning_officer
from tests.nominations.scenario import meeting, scenario

pytestmark = pytest.mark.django_db


def paper_form(s, unit, candidacies):
    return {
        "unit": unit.pk,
        "contest": s.contest.pk,
        "meeting_date": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "meeting_kind": "all-member",
        "attendance": 70,
        "recorded_via": "paper form",
        "candidacies": [c.pk for c in candidacies],
        "nominations-TOTAL_FORMS": "0",
        "nominations-INITIAL_FORMS": "0",
    }


def test_staff_record_a_paper_return_through_the_action():
    s = scenario()
    unit = s.units[1][0]
    client = staff_client(returning_officer())

    response = client.post(
        reverse("admin:nominations_unitreturn_add"), paper_form(s, unit, s.candidates[:3])
    )

    assert response.status_code == 302, response.content.decode()[-2000:]
    unit_return = UnitReturn.objects.get(unit=unit)
    assert unit_return.nominations.count() == 3
    assert unit_return.recorded_via == "paper form"
    assert AuditEvent.objects.filter(tag=tags.UNIT_NOMINATIONS_RECORDED).count() == 1


def test_a_paper_return_breaking_the_maximum_is_refused_with_the_reason():
    s = scenario()
    client = staff_client(returning_officer())

    response = client.post(
        reverse("admin:nominations_unitreturn_add"), paper_form(s, s.units[1][0], s.candidates[:7])
    )

    assert response.status_code == 200
    assert "at most 6 candidates in this contest; 7 were given" in response.content.decode()
    assert not UnitReturn.objects.exists()


def test_observers_see_returns_and_results_but_cannot_add():
    s = scenario(threshold_units=1)
    do_record_unit_nominations(None, s.units[1][0], s.contest, s.candidates[:2], meeting=meeting())
    do_close_nominations(None, s.election, now=s.election.nominations_close_at)
    client = staff_client(observer())

    for name in ("unitreturn", "thresholdresult", "nominationsclosure", "affiliate"):
        assert client.get(reverse(f"admin:nominations_{name}_changelist")).status_code == 200
    unit_return = UnitReturn.objects.get()
    page = client.get(reverse("admin:nominations_unitreturn_change", args=[unit_return.pk]))
    assert page.status_code == 200
    assert s.candidates[0].member.name in page.content.decode()
    assert client.get(reverse("admin:nominations_unitreturn_add")).status_code == 403


def _admin_action(client, model, action, records):
    return client.post(
        reverse(f"admin:nominations_{model}_changelist"),
        {"action": action, "_selected_action": [record.pk for record in records]},
        follow=True,
    )


def test_staff_record_a_candidates_answer_given_by_phone_on_their_behalf():
    s = scenario()
    do_record_unit_nominations(None, s.units[1][0], s.contest, s.candidates[:2], meeting=meeting())
    nominations = list(Nomination.objects.order_by("candidacy__member__name"))
    client = staff_client(returning_officer())
    listing = client.get(reverse("admin:nominations_nomination_changelist")).content.decode()
    assert "accept_on_behalf" in listing

    _admin_action(client, "nomination", "accept_on_behalf", nominations[:1])
    _admin_action(client, "nomination", "decline_on_behalf", nominations[1:])

    answers = [n.response for n in Nomination.objects.order_by("candidacy__member__name")]
    assert answers == [Response.ACCEPTED, Response.DECLINED]
    events = AuditEvent.objects.filter(tag__in=[tags.NOMINATION_ACCEPTED, tags.NOMINATION_DECLINED])
    assert events.count() == 2


def test_staff_withdraw_an_affiliate_nomination_which_stays_on_record():
    s = scenario(affiliates_may_nominate=True, affiliate_nominations_needed=1)
    affiliate = do_create_affiliate(None, "Bakers' Union")
    nomination = do_record_affiliate_nomination(None, affiliate, s.candidates[0])
    client = staff_client(returning_officer())

    _admin_action(client, "affiliatenomination", "withdraw_affiliate_nominations", [nomination])

    nomination.refresh_from_db()
    assert nomination.withdrawn_at is not None
    assert AuditEvent.objects.filter(tag=tags.AFFILIATE_NOMINATION_WITHDRAWN).count() == 1


def test_an_answer_after_the_close_is_refused_with_the_reason_and_changes_nothing():
    s = scenario()
    do_record_unit_nominations(None, s.units[1][0], s.contest, s.candidates[:1], meeting=meeting())
    type(s.election).objects.filter(pk=s.election.pk).update(
        nominations_close_at=timezone.now() - timedelta(minutes=1)
    )
    client = staff_client(returning_officer())

    page = _admin_action(client, "nomination", "accept_on_behalf", Nomination.objects.all())

    assert "answers can no longer be changed" in page.content.decode()
    assert Nomination.objects.get().response == Response.PENDING


def test_observers_cannot_record_answers_or_withdraw():
    s = scenario()
    do_record_unit_nominations(None, s.units[1][0], s.contest, s.candidates[:1], meeting=meeting())
    client = staff_client(observer())

    page = client.get(reverse("admin:nominations_nomination_changelist"))
    assert page.status_code == 200
    assert "accept_on_behalf" not in page.content.decode()
    _admin_action(client, "nomination", "accept_on_behalf", Nomination.objects.all())
    assert Nomination.objects.get().response == Response.PENDING
