"""Declaring, editing and withdrawing candidacies: the timetable, eligibility and limits hold."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hustings.audit import tags
from hustings.audit.chain import verify_chain
from hustings.audit.models import AuditEvent
from hustings.candidates.actions import (
    CandidacyClosed,
    do_declare_candidacy,
    do_remove_candidacy,
    do_staff_edit_candidacy,
    do_update_candidacy,
    do_withdraw_candidacy,
)
from hustings.candidates.models import Candidacy
from hustings.elections.models import Phase
from tests.factories import (
    make_candidacy,
    make_contest,
    make_election,
    make_member,
    make_region,
    make_unit,
    returning_officer,
)

pytestmark = pytest.mark.django_db


def words(n: int) -> str:
    return " ".join(f"word{i}" for i in range(n))


def declare(member, contest, **fields):
    fields.setdefault("statement", "I will listen.")
    return do_declare_candidacy(member.user, member, contest, **fields)


def test_an_eligible_member_declares_while_declarations_are_open():
    contest = make_contest(make_election(Phase.DECLARATIONS))
    member = make_member(with_user=True)

    candidacy = declare(
        member,
        contest,
        statement="  I will listen.\r\nAnd act.  ",
        experience=["Branch chair", " "],
        priorities=["Housing"],
        links=[{"label": "Website", "url": "https://example.org/me"}],
    )

    assert candidacy.is_standing()
    assert candidacy.statement == "I will listen.\nAnd act."
    assert candidacy.experience == ["Branch chair"]
    event = AuditEvent.objects.get(tag=tags.CANDIDACY_DECLARED)
    assert (event.actor, event.object_id) == (member.user, str(candidacy.pk))
    assert verify_chain().ok


@pytest.mark.parametrize("phase", [Phase.SCHEDULED, Phase.BALLOT_PENDING, Phase.BALLOT])
def test_nobody_declares_outside_the_declarations_window(phase):
    contest = make_contest(make_election(phase))
    member = make_member(with_user=True)

    with pytest.raises(CandidacyClosed):
        declare(member, contest)
    assert not Candidacy.objects.exists()


def test_a_member_of_another_region_may_not_declare():
    election = make_election(Phase.NOMINATIONS)
    contest = make_contest(election, region=make_region(name="Scotland"))
    member = make_member(make_unit(make_region(name="London")), with_user=True)

    with pytest.raises(ValidationError) as raised:
        declare(member, contest)

    assert raised.value.messages == [f"{contest.name} is only for members in Scotland."]


def test_a_member_of_too_short_standing_may_not_declare():
    election = make_election(Phase.DECLARATIONS)
    member = make_member(with_user=True, joined_on=timezone.localdate() - timedelta(days=30))

    with pytest.raises(ValidationError, match="at least 365 days"):
        declare(member, make_contest(election))


def test_a_statement_over_the_word_limit_is_refused_with_the_count():
    contest = make_contest(make_election(Phase.DECLARATIONS), statement_word_limit=10)
    member = make_member(with_user=True)

    with pytest.raises(ValidationError) as raised:
        declare(member, contest, statement=words(12))

    assert raised.value.message_dict == {
        "statement": [
            "Your statement has 12 words; the limit for this contest is 10. Please remove 2."
        ]
    }
    assert declare(member, contest, statement=words(10)).statement_words() == 10


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "ftp://example.org/", "data:text/html,hi", "example.org", "https://"],
)
def test_links_must_be_http_or_https_web_addresses(url):
    contest = make_contest(make_election(Phase.DECLARATIONS))

    with pytest.raises(ValidationError) as raised:
        declare(make_member(with_user=True), contest, links=[{"label": "x", "url": url}])

    assert list(raised.value.message_dict) == ["links"]


def test_a_member_may_not_declare_twice_for_one_contest():
    contest = make_contest(make_election(Phase.DECLARATIONS))
    member = make_member(with_user=True)
    declare(member, contest)

    with pytest.raises(ValidationError, match="already standing"):
        declare(member, contest)


def test_another_member_may_not_declare_on_someones_behalf():
    contest = make_contest(make_election(Phase.DECLARATIONS))
    member, other = make_member(with_user=True), make_member(with_user=True)

    with pytest.raises(PermissionDenied):
        do_declare_candidacy(other.user, member, contest, statement="x")


def test_the_candidate_edits_until_nominations_close():
    candidacy = make_candidacy(make_contest(make_election(Phase.NOMINATIONS)))
    user = candidacy.member.user

    do_update_candidacy(user, candidacy, statement="A better statement.")

    candidacy.refresh_from_db()
    assert candidacy.statement == "A better statement."
    event = AuditEvent.objects.get(tag=tags.CANDIDACY_UPDATED)
    assert event.data["changed"]["statement"][1] == "A better statement."


def test_nobody_edits_after_nominations_close():
    election = make_election(Phase.NOMINATIONS)
    candidacy = make_candidacy(make_contest(election))
    after = election.nominations_close_at

    with pytest.raises(CandidacyClosed, match="nominations closed"):
        do_update_candidacy(candidacy.member.user, candidacy, statement="Late.", now=after)
    candidacy.refresh_from_db()
    assert candidacy.statement != "Late."


def test_a_candidate_may_not_edit_anothers_statement():
    contest = make_contest(make_election(Phase.NOMINATIONS))
    mine, theirs = make_candidacy(contest), make_candidacy(contest)

    with pytest.raises(PermissionDenied):
        do_update_candidacy(mine.member.user, theirs, statement="Vote for me instead.")


def test_editing_enforces_the_word_limit():
    candidacy = make_candidacy(
        make_contest(make_election(Phase.NOMINATIONS), statement_word_limit=5)
    )

    with pytest.raises(ValidationError, match="has 6 words"):
        do_update_candidacy(candidacy.member.user, candidacy, statement=words(6))


def test_the_candidate_withdraws_until_the_ballot_opens():
    election = make_election(Phase.BALLOT_PENDING)
    candidacy = make_candidacy(make_contest(election))

    do_withdraw_candidacy(candidacy.member.user, candidacy)

    candidacy.refresh_from_db()
    assert candidacy.withdrawn_at is not None
    assert not Candidacy.objects.standing().exists()
    assert AuditEvent.objects.filter(tag=tags.CANDIDACY_WITHDRAWN).count() == 1
    with pytest.raises(CandidacyClosed, match="already been withdrawn"):
        do_withdraw_candidacy(candidacy.member.user, candidacy)


def test_withdrawal_is_refused_once_the_ballot_is_open():
    candidacy = make_candidacy(make_contest(make_election(Phase.BALLOT)))

    with pytest.raises(CandidacyClosed, match="ballot opened"):
        do_withdraw_candidacy(candidacy.member.user, candidacy)


def test_a_withdrawn_member_may_declare_again_while_declarations_are_open():
    contest = make_contest(make_election(Phase.NOMINATIONS))
    member = make_member(with_user=True)
    first = declare(member, contest)
    do_withdraw_candidacy(member.user, first)

    second = declare(member, contest)

    assert second.pk != first.pk
    assert list(Candidacy.objects.standing()) == [second]


def test_the_returning_officer_edits_after_the_deadline_with_a_reason():
    officer = returning_officer()
    candidacy = make_candidacy(make_contest(make_election(Phase.BALLOT)))

    do_staff_edit_candidacy(officer, candidacy, statement="Corrected.", reason="Typo reported")

    event = AuditEvent.objects.get(tag=tags.CANDIDACY_STAFF_EDITED)
    assert event.actor == officer
    assert event.data["reason"] == "Typo reported"


def test_staff_edits_need_a_reason_and_a_returning_officer():
    candidacy = make_candidacy(make_contest(make_election(Phase.NOMINATIONS)))

    with pytest.raises(ValidationError, match="Say why"):
        do_staff_edit_candidacy(returning_officer(), candidacy, statement="x", reason=" ")
    with pytest.raises(PermissionDenied):
        do_staff_edit_candidacy(candidacy.member.user, candidacy, statement="x", reason="mine")


def test_the_returning_officer_removes_a_candidacy_with_a_reason():
    candidacy = make_candidacy(make_contest(make_election(Phase.NOMINATIONS)))

    do_remove_candidacy(returning_officer(), candidacy, reason="Not a member in good standing")

    candidacy.refresh_from_db()
    assert candidacy.status() == "removed by the returning officer"
    assert AuditEvent.objects.get(tag=tags.CANDIDACY_REMOVED).data == {
        "reason": "Not a member in good standing"
    }
