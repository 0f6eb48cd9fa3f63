"""Factory functions for model data, and the shared personas every test speaks of.

Each `make_*` function creates one saved object with believable defaults; pass keyword arguments to
override any field. Personas (`returning_officer`, `unit_secretary`, `candidate`, `member`,
`outsider`, `observer`) are the people tests name; each call makes a fresh one.
"""

from __future__ import annotations

import itertools
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from hustings.accounts.credentials import TOTPDevice
from hustings.accounts.models import StaffRole, User
from hustings.candidates.models import Candidacy, Slate, SlateMembership
from hustings.elections.models import Contest, Election, Phase, RepresentationRule
from hustings.members.models import Member, Region, Unit, UnitSecretary

_serial = itertools.count(1)

STAFF_PASSWORD = "correct horse battery staple"


def _next() -> int:
    return next(_serial)


def make_region(**fields: Any) -> Region:
    """Create a region."""
    n = _next()
    fields.setdefault("code", f"region-{n}")
    fields.setdefault("name", f"Region {n}")
    return Region.objects.create(**fields)


def make_unit(region: Region | None = None, **fields: Any) -> Unit:
    """Create a unit, in a new region unless one is given."""
    n = _next()
    fields.setdefault("code", f"U{n:05d}")
    fields.setdefault("name", f"Unit {n}")
    return Unit.objects.create(region=region or make_region(), **fields)


def make_member(unit: Unit | None = None, *, with_user: bool = False, **fields: Any) -> Member:
    """Create a member in good standing who joined five years ago, with an account if asked."""
    n = _next()
    today = timezone.localdate()
    fields.setdefault("membership_number", f"M{n:07d}")
    fields.setdefault("name", f"Member {n}")
    fields.setdefault("email", f"member{n}@example.org")
    fields.setdefault("address", f"{n} High Street\nTestville")
    fields.setdefault("postcode", "AB1 2CD")
    fields.setdefault("joined_on", today - timedelta(days=5 * 365))
    fields.setdefault("paid_until", today + timedelta(days=365))
    fields.setdefault("updated_at", timezone.now())
    member = Member.objects.create(unit=unit or make_unit(), **fields)
    if with_user:
        member.user = make_user(email=member.email or None, name=member.name)
        member.save(update_fields=["user"])
    return member


def make_user(**fields: Any) -> User:
    """Create an account with no password (it signs in by link)."""
    fields.setdefault("email", f"user{_next()}@example.org")
    return User.objects.create_user(**fields)


def make_staff(role: str, **fields: Any) -> User:
    """Create a staff account with a password and a confirmed authenticator."""
    fields.setdefault("email", f"{role.replace('_', '-')}{_next()}@example.org")
    fields.setdefault("name", role.replace("_", " ").title())
    user = User.objects.create_user(
        password=STAFF_PASSWORD, staff_role=role, is_staff=True, **fields
    )
    now = timezone.now()
    TOTPDevice.objects.create(
        user=user, seed=secrets.token_hex(32), created_at=now, confirmed_at=now
    )
    return user


def make_unit_secretary(unit: Unit | None = None, member: Member | None = None) -> UnitSecretary:
    """Appoint a member (a new one by default) secretary of a unit."""
    unit = unit or (member.unit if member else make_unit())
    member = member or make_member(unit, with_user=True)
    return UnitSecretary.objects.create(unit=unit, member=member, appointed_at=timezone.now())


# -- Elections, contests, candidacies and slates ----------------------------------------------

# How far the clock is from each timetable moment for an election in a given phase: the moment
# named first in each pair is in the past, the second in the future.
_PHASE_OFFSETS: dict[Phase, tuple[int, ...]] = {
    # days from now to: declarations open, nominations open, nominations close, ballot open,
    # ballot close
    Phase.SCHEDULED: (10, 20, 30, 40, 50),
    Phase.DECLARATIONS: (-10, 10, 20, 30, 40),
    Phase.NOMINATIONS: (-20, -10, 10, 20, 30),
    Phase.BALLOT_PENDING: (-30, -20, -10, 10, 20),
    Phase.BALLOT: (-40, -30, -20, -10, 10),
    Phase.COUNT: (-50, -40, -30, -20, -10),
    Phase.RESULTS: (-60, -50, -40, -30, -20),
}


def timetable(phase: Phase = Phase.NOMINATIONS, now: datetime | None = None) -> dict[str, Any]:
    """Return timetable fields that put an election in the given phase now."""
    now = now or timezone.now()
    days = _PHASE_OFFSETS[Phase(phase)]
    names = (
        "declarations_open_at",
        "nominations_open_at",
        "nominations_close_at",
        "ballot_open_at",
        "ballot_close_at",
    )
    fields: dict[str, Any] = {
        name: now + timedelta(days=offset) for name, offset in zip(names, days, strict=True)
    }
    fields["results_published_at"] = now - timedelta(days=10) if phase == Phase.RESULTS else None
    return fields


def make_election(phase: Phase | str = Phase.NOMINATIONS, **fields: Any) -> Election:
    """Create an election whose timetable puts it in the given phase now."""
    n = _next()
    for name, value in timetable(Phase(phase)).items():
        fields.setdefault(name, value)
    fields.setdefault("name", f"Election {n}")
    fields.setdefault("slug", f"election-{n}")
    fields.setdefault("voters_joined_by", timezone.localdate() - timedelta(days=180))
    fields.setdefault("candidate_min_membership_days", 365)
    return Election.objects.create(**fields)


def make_contest(
    election: Election | None = None,
    *,
    region: Region | None = None,
    min_women: int = 0,
    **fields: Any,
) -> Contest:
    """Create a contest (national unless a region is given), optionally with a women's minimum."""
    n = _next()
    fields.setdefault("name", f"Contest {n}")
    fields.setdefault("slug", f"contest-{n}")
    fields.setdefault("seats", 3)
    fields.setdefault("method", "scottish-stv")
    fields.setdefault("statement_word_limit", 50)
    contest = Contest.objects.create(election=election or make_election(), region=region, **fields)
    if min_women:
        RepresentationRule.objects.create(
            contest=contest, attribute="gender", value="woman", minimum=min_women
        )
    return contest


def make_candidacy(
    contest: Contest | None = None, member: Member | None = None, **fields: Any
) -> Candidacy:
    """Create a standing candidacy (with a new member with an account, unless given)."""
    contest = contest or make_contest()
    if member is None:
        unit = make_unit(contest.region) if contest.region else None
        member = make_member(unit, with_user=True)
    now = timezone.now()
    fields.setdefault("statement", f"I am standing because {member.name} cares about this.")
    fields.setdefault("why_standing", "To make the party listen to its members.")
    fields.setdefault("experience", ["Branch secretary"])
    fields.setdefault("priorities", ["Local democracy"])
    fields.setdefault("declared_at", now)
    fields.setdefault("updated_at", now)
    return Candidacy.objects.create(contest=contest, member=member, **fields)


def make_slate(election: Election | None = None, *candidacies: Candidacy, **fields: Any) -> Slate:
    """Create a slate, with the given candidacies confirmed on it."""
    n = _next()
    if election is None:
        election = candidacies[0].contest.election if candidacies else make_election()
    fields.setdefault("name", f"Slate {n}")
    fields.setdefault("slug", f"slate-{n}")
    fields.setdefault("description", "Candidates standing together.")
    slate = Slate.objects.create(election=election, **fields)
    now = timezone.now()
    for candidacy in candidacies:
        SlateMembership.objects.create(
            slate=slate, candidacy=candidacy, proposed_at=now, confirmed_at=now
        )
    return slate


# -- Personas ----------------------------------------------------------------------------------


def returning_officer(**fields: Any) -> User:
    """Return a new returning officer: staff, password and confirmed authenticator."""
    fields.setdefault("is_superuser", True)
    return make_staff(StaffRole.RETURNING_OFFICER, **fields)


def observer(**fields: Any) -> User:
    """Return a new observer: read-only staff, such as an independent scrutineer."""
    return make_staff(StaffRole.OBSERVER, **fields)


def member(unit: Unit | None = None, **fields: Any) -> User:
    """Return the account of a new member in good standing."""
    user = make_member(unit, with_user=True, **fields).user
    assert user is not None
    return user


def unit_secretary(unit: Unit | None = None) -> User:
    """Return the account of a new member who is secretary of a unit."""
    user = make_unit_secretary(unit).member.user
    assert user is not None
    return user


def candidate(contest: Contest | None = None, **fields: Any) -> User:
    """Return the account of a member standing in a contest (a new one by default)."""
    user = make_candidacy(contest, **fields).member.user
    assert user is not None
    return user


def outsider(**fields: Any) -> User:
    """Return the account of a member in a region of their own, with no role anywhere."""
    return member(make_unit(make_region()), **fields)


def days_ago(n: int) -> date:
    """Return the date n days before today (Europe/London)."""
    return timezone.localdate() - timedelta(days=n)


# -- The ballot --------------------------------------------------------------------------------


def confirm_ballot(contest: Contest, candidacies: list[Candidacy]) -> None:
    """Fix the contest's ballot list to these candidacies, in this order, as the close would."""
    from hustings.nominations.models import BallotConfirmation, BallotEntry

    confirmation = BallotConfirmation.objects.create(
        contest=contest, confirmed_at=timezone.now(), order="surname"
    )
    BallotEntry.objects.bulk_create(
        BallotEntry(ballot=confirmation, candidacy=candidacy, position=position)
        for position, candidacy in enumerate(candidacies, start=1)
    )


def make_voter(election: Election, member: Member | None = None, **fields: Any) -> tuple[Any, str]:
    """Put a member (a new one by default) on the election's roll with a live code; return both."""
    from django.db import transaction

    from hustings.ballots.models import Voter
    from hustings.ballots.roll import mint_credential

    member = member or make_member(**fields)
    voter = Voter.objects.create(
        election=election,
        member=member,
        region_id=member.unit.region_id,
        added_at=timezone.now(),
    )
    with transaction.atomic():
        code = mint_credential(voter)
    return voter, code


class BallotScene:
    """An election with its ballot open: a national block vote and a regional STV contest.

    `national` has 2 seats and 4 candidates (two women); `regional` (for `region`) has 2 seats and 3
    candidates; both ballot lists are confirmed in the order of `national_candidates` and
    `regional_candidates`.
    """

    def __init__(self, phase: Phase = Phase.BALLOT) -> None:
        self.election = make_election(phase)
        self.region = make_region()
        self.unit = make_unit(self.region)
        self.elsewhere = make_unit(make_region())
        self.national = make_contest(self.election, seats=2, method="block", name="National")
        self.regional = make_contest(
            self.election, region=self.region, seats=2, method="scottish-stv", name="Regional"
        )
        self.national_candidates = [
            make_candidacy(self.national, make_member(gender=gender, name=f"{name} Candidate"))
            for name, gender in (("Ada", "woman"), ("Ben", "man"), ("Cy", "man"), ("Di", "woman"))
        ]
        self.regional_candidates = [
            make_candidacy(self.regional, make_member(self.unit, name=f"{name} Local"))
            for name in ("Eve", "Fay", "Gus")
        ]
        confirm_ballot(self.national, self.national_candidates)
        confirm_ballot(self.regional, self.regional_candidates)

    def voter(self, *, in_region: bool = True, **fields: Any) -> tuple[Any, str]:
        """Return a new voter (in the contest's region, or elsewhere) and their live code."""
        member = make_member(self.unit if in_region else self.elsewhere, **fields)
        return make_voter(self.election, member)
