"""`hustings demo`: a believable organisation with an election in nominations, and people."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from hustings.audit.chain import verify_chain
from hustings.candidates.models import Candidacy, Slate
from hustings.elections.models import Contest, Election, Phase
from hustings.members.models import Member, Region, Unit, UnitSecretary

pytestmark = pytest.mark.django_db


@pytest.fixture
def output() -> str:
    out = StringIO()
    call_command("demo", "--members", "3000", "--no-photos", stdout=out)
    return out.getvalue()


def test_the_demo_builds_the_organisation_the_issue_describes(output):
    assert Region.objects.count() == 11
    assert Unit.objects.count() == 600
    assert Member.objects.count() == 3000
    assert len(set(Unit.objects.values_list("name", flat=True))) == 600
    assert not Member.objects.exclude(email="").exclude(email__endswith="@example.org").exists()


def test_the_election_is_in_nominations_with_a_national_and_eleven_regional_contests(output):
    election = Election.objects.get()
    assert election.name == "NEC and NPF elections 2026"
    assert election.phase() == Phase.NOMINATIONS
    national = Contest.objects.get(region__isnull=True)
    assert (national.seats, national.method) == (6, "block")
    assert [c.label() for c in national.constraints()] == ["at least 3 with gender=woman"]
    regional = Contest.objects.filter(region__isnull=False)
    assert regional.count() == 11
    assert set(regional.values_list("seats", "method")) == {(5, "scottish-stv")}


def test_national_candidates_stand_on_two_slates_and_as_independents(output):
    national = Candidacy.objects.filter(contest__region__isnull=True)
    assert national.count() == 20
    slates = Slate.objects.all()
    assert slates.count() == 2
    on_slates = sum(slate.confirmed_candidacies().count() for slate in slates)
    assert on_slates == 17
    assert national.filter(member__gender="woman").count() >= 10
    statements = list(national.values_list("statement", flat=True))
    assert len(set(statements)) == 20


def test_every_candidate_is_eligible_and_within_the_word_limit(output):
    for candidacy in Candidacy.objects.with_people():
        contest = candidacy.contest
        assert contest.member_may_stand(candidacy.member, candidacy.declared_at.date())
        assert candidacy.statement_words() <= contest.statement_word_limit


def test_the_demo_prints_how_to_sign_in_as_each_persona(output):
    for role in ("Returning officer", "Observer", "Unit secretary", "Candidate", "Member"):
        assert f"\n{role}" in output
    assert output.count("/accounts/sign-in/link/") == 3
    assert "TOTP secret:" in output
    assert "otpauth://totp/Hustings:returning.officer%40example.org" in output
    assert UnitSecretary.objects.filter(ended_at__isnull=True).count() == 1


def test_the_demos_audit_log_verifies(output):
    report = verify_chain()
    assert report.ok
    assert report.checked > 100


def test_if_empty_leaves_an_existing_election_alone(output):
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)

    assert "no demo built" in out.getvalue()
    assert Election.objects.count() == 1


def test_without_if_empty_a_second_demo_is_refused(output):
    with pytest.raises(CommandError, match="already holds an election"):
        call_command("demo", "--members", "100")


def test_the_member_count_is_bounded():
    with pytest.raises(CommandError, match="members"):
        call_command("demo", "--members", "600001")
