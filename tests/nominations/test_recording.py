"""Recording a unit's nominations: every rule the action enforces, and corrections that keep history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hustings.audit import tags
from hustings.audit.models import AuditEvent
from hustings.candidates.actions import do_withdraw_candidacy
from hustings.elections.models import Phase
from hustings.nominations.actions import NominationsClosed, do_record_unit_nominations
from hustings.nominations.models import Nomination, UnitReturn
from tests.factories import make_candidacy, make_contest, make_unit_secretary, returning_officer
from tests.nominations.scenario import meeting, scenario

pytestmark = pytest.mark.django_db


def secretary_of(unit):
    user = make_unit_secretary(unit).member.user
    assert user is not None
    return user


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def test_the_secretary_records_the_units_nominations_and_it_is_audited():
    s = scenario()
    unit = s.units[1][0]
    secretary = secretary_of(unit)

    unit_return = do_record_unit_nominations(
        secretary,
        unit,
        s.contest,
        s.candidates[:3],
        meeting=meeting(),
        votes={s.candidates[0].pk: 25},
    )

    assert unit_return.recorded_by == secretary
    assert sorted(n.candidacy_id for n in unit_return.nominations.all()) == sorted(
        c.pk for c in s.candidates[:3]
    )
    assert Nomination.objects.get(unit_return=unit_return, candidacy=s.candidates[0]).votes == 25
    event = AuditEvent.objects.get(tag=tags.UNIT_NOMINATIONS_RECORDED)
    assert event.data["unit"] == unit.code
    assert event.data["candidacies"] == [c.pk for c in s.candidates[:3]]
    assert event.data["before"] is None


def test_a_correction_supersedes_the_earlier_return_which_is_kept():
    s = scenario()
    unit = s.units[1][0]
    secretary = secretary_of(unit)
    first = do_record_unit_nominations(
        secretary, unit, s.contest, s.candidates[:3], meeting=meeting()
    )

    second = do_record_unit_nominations(
        secretary, unit, s.contest, [s.candidates[0], s.candidates[4]], meeting=meeting()
    )

    first.refresh_from_db()
    assert first.superseded_at == second.recorded_at
    assert first.nominations.count() == 3
    current = Nomination.objects.current().filter(unit=unit)
    assert sorted(current.values_list("candidacy_id", flat=True)) == sorted(
        [s.candidates[0].pk, s.candidates[4].pk]
    )
    event = AuditEvent.objects.filter(tag=tags.UNIT_NOMINATIONS_RECORDED).order_by("seq").last()
    assert event.data["before"] == sorted(c.pk for c in s.candidates[:3])
    assert event.data["replaces"] == first.pk


def test_someone_not_the_units_secretary_is_refused_and_nothing_is_recorded():
    s = scenario()
    other_secretary = secretary_of(s.units[2][0])

    with pytest.raises(PermissionDenied, match=f"Only the secretary of {s.units[1][0].name}"):
        do_record_unit_nominations(
            other_secretary, s.units[1][0], s.contest, s.candidates[:1], meeting=meeting()
        )
    assert not UnitReturn.objects.exists()


def test_a_former_secretary_is_refused():
    s = scenario()
    unit = s.units[1][0]
    appointment = make_unit_secretary(unit)
    appointment.ended_at = appointment.appointed_at
    appointment.save()

    with pytest.raises(PermissionDenied):
        do_record_unit_nominations(
            appointment.member.user, unit, s.contest, s.candidates[:1], meeting=meeting()
        )


def test_the_returning_officer_may_record_on_a_units_behalf():
    s = scenario()
    officer = returning_officer()

    unit_return = do_record_unit_nominations(
        officer,
        s.units[1][0],
        s.contest,
        s.candidates[:2],
        meeting=meeting(),
        recorded_via="paper form",
    )

    event = AuditEvent.objects.get(tag=tags.UNIT_NOMINATIONS_RECORDED)
    assert unit_return.recorded_via == "paper form"
    assert event.data["on_behalf"] is True


def test_a_seventh_nomination_is_refused_when_six_is_the_maximum():
    s = scenario(women=4, men=4)
    unit = s.units[1][0]

    with pytest.raises(ValidationError) as error:
        do_record_unit_nominations(
            secretary_of(unit), unit, s.contest, s.candidates[:7], meeting=meeting()
        )
    assert "at most 6 candidates in this contest; 7 were given" in messages(error.value)
    assert not UnitReturn.objects.exists()


def test_a_full_list_breaking_the_balance_rule_is_refused():
    s = scenario(women=2, men=6, nomination_balance_gender="woman")
    unit = s.units[1][0]

    with pytest.raises(ValidationError) as error:
        do_record_unit_nominations(
            secretary_of(unit), unit, s.contest, s.candidates[:6], meeting=meeting()
        )
    assert "at least half must be women: 3 of 6, but 2 are" in messages(error.value)


def test_a_withdrawn_candidate_cannot_be_nominated():
    s = scenario()
    do_withdraw_candidacy(None, s.candidates[0])
    unit = s.units[1][0]

    with pytest.raises(ValidationError) as error:
        do_record_unit_nominations(
            secretary_of(unit), unit, s.contest, s.candidates[:2], meeting=meeting()
        )
    assert f"{s.candidates[0].member.name} has withdrawn" in messages(error.value)


def test_a_candidate_in_another_contest_is_not_a_declared_candidate_here():
    s = scenario()
    elsewhere = make_candidacy(make_contest(s.election))
    unit = s.units[1][0]

    with pytest.raises(ValidationError) as error:
        do_record_unit_nominations(
            secretary_of(unit), unit, s.contest, [elsewhere], meeting=meeting()
        )
    assert f"is not a declared candidate in {s.contest.name}" in messages(error.value)


def test_the_same_candidate_twice_is_refused():
    s = scenario()
    unit = s.units[1][0]

    with pytest.raises(ValidationError, match="nominated more than once"):
        do_record_unit_nominations(
            secretary_of(unit), unit, s.contest, [s.candidates[0]] * 2, meeting=meeting()
        )


def test_a_regional_contest_refuses_units_from_other_regions():
    s = scenario()
    regional = make_contest(s.election, region=s.regions[0], max_nominations_per_unit=5)
    candidacy = make_candidacy(regional)
    outside = s.units[1][0]

    with pytest.raises(ValidationError) as error:
        do_record_unit_nominations(
            secretary_of(outside), outside, regional, [candidacy], meeting=meeting()
        )
    assert f"takes nominations only from units in {s.regions[0].name}" in messages(error.value)

    inside = s.units[0][1]
    do_record_unit_nominations(
        secretary_of(inside), inside, regional, [candidacy], meeting=meeting()
    )
    assert UnitReturn.objects.filter(contest=regional).count() == 1


def test_a_submission_one_second_after_the_close_is_refused_and_nothing_changes():
    s = scenario()
    unit = s.units[1][0]
    secretary = secretary_of(unit)
    close = s.election.nominations_close_at
    kept = do_record_unit_nominations(
        secretary,
        unit,
        s.contest,
        s.candidates[:2],
        meeting=meeting(),
        now=close - timedelta(seconds=1),
    )
    events = AuditEvent.objects.count()

    with pytest.raises(NominationsClosed, match="closed at"):
        do_record_unit_nominations(
            secretary,
            unit,
            s.contest,
            s.candidates[2:4],
            meeting=meeting(),
            now=close + timedelta(seconds=1),
        )

    kept.refresh_from_db()
    assert kept.is_current()
    assert UnitReturn.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_at_the_instant_of_the_close_nominations_are_closed():
    s = scenario()
    unit = s.units[1][0]
    with pytest.raises(NominationsClosed):
        do_record_unit_nominations(
            None,
            unit,
            s.contest,
            s.candidates[:1],
            meeting=meeting(),
            now=s.election.nominations_close_at,
        )


def test_nominations_before_they_open_are_refused():
    s = scenario(phase=Phase.DECLARATIONS)
    with pytest.raises(NominationsClosed, match="open at"):
        do_record_unit_nominations(
            None, s.units[1][0], s.contest, s.candidates[:1], meeting=meeting()
        )


def test_a_meeting_in_the_future_or_with_nobody_present_is_refused():
    s = scenario()
    future = meeting(date=s.election.nominations_close_at.date() + timedelta(days=30), attendance=0)
    with pytest.raises(ValidationError) as error:
        do_record_unit_nominations(None, s.units[1][0], s.contest, s.candidates[:1], meeting=future)
    assert "in the future" in messages(error.value)
    assert "at least 1" in messages(error.value)


def test_votes_above_the_attendance_are_refused():
    s = scenario()
    with pytest.raises(ValidationError, match="between 0 and the 40 members attending"):
        do_record_unit_nominations(
            None,
            s.units[1][0],
            s.contest,
            s.candidates[:1],
            meeting=meeting(),
            votes={s.candidates[0].pk: 41},
        )


def test_a_candidates_answer_survives_the_units_correction():
    from hustings.nominations.actions import do_respond_to_nomination

    s = scenario()
    unit = s.units[1][0]
    first = do_record_unit_nominations(None, unit, s.contest, s.candidates[:2], meeting=meeting())
    declined = first.nominations.get(candidacy=s.candidates[0])
    do_respond_to_nomination(s.candidates[0].member.user, declined, accept=False)

    second = do_record_unit_nominations(None, unit, s.contest, s.candidates[:3], meeting=meeting())

    assert second.nominations.get(candidacy=s.candidates[0]).response == "declined"
    assert second.nominations.get(candidacy=s.candidates[1]).response == ""
