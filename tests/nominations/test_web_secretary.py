"""Unit secretaries record and correct nominations over HTTP; every refusal is shown on the form."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hustings.audit import tags
from hustings.audit.models import AuditEvent
from hustings.candidates.actions import do_withdraw_candidacy
from hustings.elections.models import Phase
from hustings.nominations.models import Nomination, UnitReturn
from tests import factories
from tests.nominations.scenario import scenario

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def secretary_of(unit):
    user = factories.make_unit_secretary(unit).member.user
    assert user is not None
    return user


def nominate_url(unit, contest) -> str:
    return reverse("nominations:nominate", args=[unit.pk, contest.pk])


def form_data(candidacies, **extra) -> dict[str, object]:
    data: dict[str, object] = {
        "candidacies": [c.pk for c in candidacies],
        "meeting_date": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "meeting_kind": "general-committee",
        "attendance": "40",
    }
    data.update(extra)
    return data


def nominated(unit, contest) -> list[int]:
    return sorted(
        Nomination.objects.current()
        .filter(unit=unit, contest=contest)
        .values_list("candidacy_id", flat=True)
    )


def test_secretary_sees_their_units_and_the_contests_open_to_them() -> None:
    s = scenario()
    unit = s.units[1][0]
    html = signed_in(secretary_of(unit)).get(reverse("nominations:secretary")).content.decode()
    assert unit.name in html
    assert nominate_url(unit, s.contest) in html


def test_secretary_nominates_and_the_return_is_recorded_and_audited() -> None:
    s = scenario()
    unit = s.units[1][0]
    user = secretary_of(unit)
    client = signed_in(user)
    assert client.get(nominate_url(unit, s.contest)).status_code == 200
    response = client.post(
        nominate_url(unit, s.contest),
        form_data(s.candidates[:3], **{f"votes_{s.candidates[0].pk}": "25"}),
    )
    assert response.status_code == 302
    assert nominated(unit, s.contest) == sorted(c.pk for c in s.candidates[:3])
    unit_return = UnitReturn.objects.get(unit=unit, contest=s.contest)
    assert unit_return.recorded_by == user
    assert unit_return.attendance == 40
    assert unit_return.nominations.get(candidacy=s.candidates[0]).votes == 25
    assert AuditEvent.objects.filter(tag=tags.UNIT_NOMINATIONS_RECORDED, actor=user).exists()


def test_secretary_corrects_the_nominations_and_the_form_shows_the_current_ones() -> None:
    s = scenario()
    unit = s.units[1][0]
    client = signed_in(secretary_of(unit))
    client.post(nominate_url(unit, s.contest), form_data(s.candidates[:3]))
    client.post(nominate_url(unit, s.contest), form_data([*s.candidates[:2], s.candidates[4]]))
    assert nominated(unit, s.contest) == sorted(c.pk for c in [*s.candidates[:2], s.candidates[4]])
    assert UnitReturn.objects.filter(unit=unit, contest=s.contest).count() == 2
    html = client.get(nominate_url(unit, s.contest)).content.decode()
    assert ticked(html) == sorted(c.pk for c in [*s.candidates[:2], s.candidates[4]])
    assert "Save the corrected nominations" in html


def ticked(html: str) -> list[int]:
    inputs = re.findall(r'<input type="checkbox" name="candidacies"[^>]*>', html)
    return sorted(int(re.search(r'value="(\d+)"', tag)[1]) for tag in inputs if " checked" in tag)  # type: ignore[index]


def refused(client, unit, contest, data) -> str:
    before = list(Nomination.objects.values_list("pk", "unit_return_id"))
    response = client.post(nominate_url(unit, contest), data)
    assert response.status_code == 400
    assert list(Nomination.objects.values_list("pk", "unit_return_id")) == before
    return response.content.decode()


def test_nominating_more_than_the_maximum_is_refused_with_the_rule_stated() -> None:
    s = scenario(women=4, men=4)
    unit = s.units[1][0]
    html = refused(signed_in(secretary_of(unit)), unit, s.contest, form_data(s.candidates[:7]))
    assert "A unit may nominate at most 6 candidates in this contest; 7 were given." in html


def test_a_full_list_breaking_the_balance_rule_is_refused() -> None:
    s = scenario(women=2, men=6, nomination_balance_gender="woman")
    unit = s.units[1][0]
    html = refused(signed_in(secretary_of(unit)), unit, s.contest, form_data(s.candidates[:6]))
    assert "at least half must be women: 3 of 6, but 2 are." in html


def test_nominating_a_candidate_who_has_withdrawn_is_refused() -> None:
    s = scenario()
    unit = s.units[1][0]
    client = signed_in(secretary_of(unit))
    client.get(nominate_url(unit, s.contest))
    gone = s.candidates[2]
    do_withdraw_candidacy(gone.member.user, gone)
    html = refused(client, unit, s.contest, form_data([s.candidates[0], gone]))
    assert f"{gone.member.name} has withdrawn from {s.contest.name}." in html


def test_a_unit_outside_a_regional_contest_is_refused() -> None:
    s = scenario()
    regional = factories.make_contest(s.election, region=s.regions[0], max_nominations_per_unit=6)
    candidate = factories.make_candidacy(regional)
    unit = s.units[1][0]
    html = refused(signed_in(secretary_of(unit)), unit, regional, form_data([candidate]))
    assert f"{regional.name} takes nominations only from units in {s.regions[0].name}" in html


def test_a_nomination_one_second_after_the_close_is_refused_and_nothing_changes() -> None:
    s = scenario()
    unit = s.units[1][0]
    client = signed_in(secretary_of(unit))
    client.post(nominate_url(unit, s.contest), form_data(s.candidates[:2]))
    before = nominated(unit, s.contest)
    # The form was opened while nominations were open; it arrives a second after they close.
    assert client.get(nominate_url(unit, s.contest)).status_code == 200
    s.election.nominations_close_at = timezone.now() - timedelta(seconds=1)
    s.election.save(update_fields=["nominations_close_at"])
    html = refused(client, unit, s.contest, form_data(s.candidates[2:4]))
    assert "closed at" in html
    assert "nothing was recorded" in html
    assert nominated(unit, s.contest) == before
    assert UnitReturn.objects.filter(unit=unit, contest=s.contest).count() == 1


def test_the_form_says_when_nominations_have_closed() -> None:
    s = scenario(phase=Phase.BALLOT_PENDING)
    unit = s.units[1][0]
    html = signed_in(secretary_of(unit)).get(nominate_url(unit, s.contest)).content.decode()
    assert "Nominations have closed" in html


def test_the_secretary_of_another_unit_is_refused() -> None:
    s = scenario()
    unit, other = s.units[1][0], s.units[1][1]
    client = signed_in(secretary_of(other))
    assert client.get(nominate_url(unit, s.contest)).status_code == 403
    response = client.post(nominate_url(unit, s.contest), form_data(s.candidates[:2]))
    assert response.status_code == 403
    assert f"Only the secretary of {unit.name}" in response.content.decode()
    assert not UnitReturn.objects.exists()


def test_a_member_who_is_no_secretary_is_refused_and_a_visitor_sent_to_sign_in() -> None:
    s = scenario()
    unit = s.units[1][0]
    outsider = signed_in(factories.member(unit))
    assert (
        outsider.post(nominate_url(unit, s.contest), form_data(s.candidates[:2])).status_code == 403
    )
    visitor = Client().post(nominate_url(unit, s.contest), form_data(s.candidates[:2]))
    assert visitor.status_code == 302
    assert reverse("accounts:sign-in") in visitor["Location"]
    assert not UnitReturn.objects.exists()


def test_a_former_secretary_is_refused() -> None:
    s = scenario()
    unit = s.units[1][0]
    appointment = factories.make_unit_secretary(unit)
    appointment.ended_at = timezone.now()
    appointment.save()
    client = signed_in(appointment.member.user)
    assert client.get(nominate_url(unit, s.contest)).status_code == 403


def test_an_unknown_unit_or_contest_is_not_found() -> None:
    s = scenario()
    unit = s.units[1][0]
    client = signed_in(secretary_of(unit))
    assert client.get(reverse("nominations:nominate", args=[unit.pk, 999999])).status_code == 404
    assert (
        client.get(reverse("nominations:nominate", args=[999999, s.contest.pk])).status_code == 404
    )


def test_a_post_without_the_csrf_token_is_refused() -> None:
    s = scenario()
    unit = s.units[1][0]
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretary_of(unit))
    assert (
        client.post(nominate_url(unit, s.contest), form_data(s.candidates[:2])).status_code == 403
    )
    assert not UnitReturn.objects.exists()


def test_votes_for_an_unticked_candidate_or_above_the_attendance_are_refused() -> None:
    s = scenario()
    unit = s.units[1][0]
    client = signed_in(secretary_of(unit))
    a, b = s.candidates[0], s.candidates[1]
    html = refused(client, unit, s.contest, form_data([a], **{f"votes_{b.pk}": "3"}))
    assert "Votes were given for a candidate the unit did not nominate." in html
    html = refused(client, unit, s.contest, form_data([a], **{f"votes_{a.pk}": "41"}))
    assert f"{a.member.name}&#x27;s votes must be between 0 and the 40 members attending." in html


def test_a_meeting_in_the_future_or_with_nobody_attending_is_refused() -> None:
    s = scenario()
    unit = s.units[1][0]
    client = signed_in(secretary_of(unit))
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    html = refused(client, unit, s.contest, form_data(s.candidates[:1], meeting_date=tomorrow))
    assert "The meeting date is in the future" in html
    html = refused(client, unit, s.contest, form_data(s.candidates[:1], attendance="0"))
    assert "Say how many members attended the meeting (at least 1)." in html
