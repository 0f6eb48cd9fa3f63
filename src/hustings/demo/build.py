"""Build the demonstration: an organisation, its register, an election in nominations, people.

Everything election-shaped goes through the same `do_*` actions as real use, so the audit log of a
demo reads like a real one; only the register is written in bulk (as an import would be).
"""

from __future__ import annotations

import dataclasses
import io
import random
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from hustings.accounts import tokens, totp
from hustings.accounts.actions import do_confirm_totp_device, do_create_user_for_member
from hustings.accounts.models import StaffRole, User
from hustings.audit import tags
from hustings.audit.chain import record_event
from hustings.ballots.demo import open_demo_ballot
from hustings.campaign.demo import add_demo_campaign, add_demo_report_backs
from hustings.candidates.actions import (
    do_confirm_slate_membership,
    do_create_slate,
    do_declare_candidacy,
    do_propose_slate_membership,
)
from hustings.candidates.models import Candidacy, Slate
from hustings.demo.names import REGIONS, RegionSpec, person_name, postcode, unit_names
from hustings.demo.statements import write_profile
from hustings.elections.actions import do_create_contest, do_create_election
from hustings.elections.models import Contest, Election, ThresholdKind
from hustings.members.actions import do_appoint_unit_secretary
from hustings.members.importing import MemberRow, write_members
from hustings.members.models import Gender, Member, Region, Unit
from hustings.nominations.demo import add_demo_nominations, close_demo_nominations
from hustings.results.demo import publish_demo_results

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["DemoResult", "Persona", "build_demo"]

ELECTION_NAME = "NEC and NPF elections 2026"
UNITS = 600
# Roughly how members describe themselves on the demo register.
GENDERS = (
    (Gender.WOMAN, 46),
    (Gender.MAN, 45),
    (Gender.NON_BINARY, 2),
    (Gender.SELF_DESCRIBED, 1),
    (Gender.PREFER_NOT_TO_SAY, 3),
    (Gender.UNSTATED, 3),
)
SELF_DESCRIPTIONS = ("genderfluid", "agender", "genderqueer", "two-spirit")
STREETS = (
    "High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane", "Park Avenue",
    "Queen Street", "The Crescent", "Chapel Street", "School Lane", "North Road", "Green Lane",
)  # fmt: skip
SLATES = (
    (
        "rank-and-file-alliance",
        "Rank and File Alliance",
        "grassroots",
        "Candidates who believe the party is strongest when its members lead: open selections, "
        "policy made by conference, and resources for local parties.",
    ),
    (
        "new-horizons",
        "New Horizons",
        "forward",
        "A slate focused on winning power and using it well: disciplined campaigns, credible "
        "policy and a party that looks like the country.",
    ),
)
# National candidates: (slate index or None, women, men).
NATIONAL_FIELD = ((0, 5, 4), (1, 4, 4), (None, 2, 1))
REGIONAL_CANDIDATES = 6


@dataclass(frozen=True)
class Persona:
    """Someone to sign in as, and how."""

    role: str
    name: str
    email: str
    link: str = ""
    password: str = ""
    totp_secret: str = ""
    totp_uri: str = ""
    note: str = ""
    # With the ballot open: the persona's own voting link, unused.
    vote_link: str = ""


@dataclass
class DemoResult:
    """What the demo built."""

    election: Election
    regions: int
    units: int
    members: int
    candidacies: int
    personas: list[Persona] = field(default_factory=list)


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    values = [value for value, _ in options]
    weights = [weight for _, weight in options]
    choice: str = rng.choices(values, weights=weights)[0]
    return choice


def _join_date(rng: random.Random, today: date) -> date:
    """Return a join date: most members joined in the last decade, with the 2015-16 surge."""
    roll = rng.random()
    if roll < 0.25:
        start, end = date(2015, 5, 8), date(2016, 9, 30)
    elif roll < 0.85:
        start, end = date(2010, 1, 1), today - timedelta(days=30)
    else:
        start, end = date(1975, 1, 1), date(2010, 1, 1)
    return start + timedelta(days=rng.randrange((end - start).days))


def _units(rng: random.Random) -> dict[str, list[Unit]]:
    by_region: dict[str, list[Unit]] = {}
    per_region, extra = divmod(UNITS, len(REGIONS))
    for index, spec in enumerate(REGIONS):
        region = Region.objects.create(code=spec.code, name=spec.name)
        count = per_region + (1 if index < extra else 0)
        prefix = "".join(word[0] for word in spec.name.split() if word[0].isupper())
        units = [
            Unit(code=f"{prefix}{n:03d}", name=name, region=region)
            for n, name in enumerate(unit_names(rng, spec, count), start=1)
        ]
        by_region[spec.code] = Unit.objects.bulk_create(units)
    return by_region


def _member_rows(
    rng: random.Random, count: int, units: dict[str, list[Unit]], today: date
) -> Iterator[MemberRow]:
    specs = {spec.code: spec for spec in REGIONS}
    # London and the North West have the most members, Wales and the North East the fewest.
    weights = {"london": 16, "north-west": 13, "south-east": 12, "yorkshire": 10,
               "scotland": 9, "west-midlands": 9, "eastern": 8, "south-west": 8,
               "east-midlands": 7, "wales": 5, "north-east": 5}  # fmt: skip
    codes = list(units)
    region_weights = [weights[code] for code in codes]
    for n in range(1, count + 1):
        region_code = rng.choices(codes, weights=region_weights)[0]
        spec: RegionSpec = specs[region_code]
        unit = rng.choice(units[region_code])
        gender = _weighted(rng, GENDERS)
        name = person_name(rng, gender)
        joined = _join_date(rng, today)
        lapsed = rng.random() < 0.08
        paid_until = (
            today - timedelta(days=rng.randrange(1, 700))
            if lapsed
            else today + timedelta(days=rng.randrange(30, 400))
        )
        local = name.lower().replace(" ", ".").replace("'", "")
        email = f"{local}.{n}@example.org" if rng.random() < 0.93 else ""
        yield (
            f"D{n:07d}",
            name,
            email,
            f"{rng.randrange(1, 240)} {rng.choice(STREETS)}\n{unit.name.split(' and ')[0]}",
            postcode(rng, spec),
            unit.pk,
            joined,
            paid_until,
            gender,
            rng.choice(SELF_DESCRIPTIONS) if gender == Gender.SELF_DESCRIBED else "",
        )


def _portrait(rng: random.Random, name: str) -> io.BytesIO:
    """Return a plain placeholder portrait: initials on a muted colour, as a PNG."""
    hue = rng.choice(((52, 101, 164), (117, 80, 123), (78, 154, 6), (164, 0, 0), (206, 92, 0)))
    image = Image.new("RGB", (480, 600), hue)
    draw = ImageDraw.Draw(image)
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    font = ImageFont.load_default(size=180)
    draw.ellipse((90, 60, 390, 360), fill=(255, 255, 255))
    draw.rectangle((60, 400, 420, 600), fill=(255, 255, 255))
    draw.text((240, 210), initials, fill=hue, font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    out.seek(0)
    return out


def _pick(rng: random.Random, pool: list[Member], gender: str, used: set[int]) -> Member:
    choices = [m for m in pool if m.gender == gender and m.pk not in used and m.email]
    member = rng.choice(choices)
    used.add(member.pk)
    return member


def _eligible_pool(election: Election, region: Region | None, size: int) -> list[Member]:
    close = election.nominations_close_date()
    needed = close - timedelta(days=election.candidate_min_membership_days + 30)
    members = Member.objects.filter(
        joined_on__lte=needed, paid_until__gte=timezone.localdate(), user__isnull=True
    ).select_related("unit__region")
    if region is not None:
        members = members.filter(unit__region=region)
    # A deterministic spread across the register rather than the first rows.
    pks = list(members.order_by("pk").values_list("pk", flat=True))
    chosen = pks[:: max(1, len(pks) // size)][:size]
    return list(members.filter(pk__in=chosen).order_by("pk"))


def _declare(
    rng: random.Random,
    member: Member,
    contest: Contest,
    outlook: str,
    now: datetime,
    photos: bool,
) -> Candidacy:
    years = max(2, (now.date() - member.joined_on).days // 365)
    profile = write_profile(
        rng,
        name=member.name,
        unit=member.unit.name,
        years=years,
        outlook=outlook,
        word_limit=contest.statement_word_limit,
    )
    links = []
    if rng.random() < 0.6:
        slug = member.name.lower().replace(" ", "").replace("'", "")
        links.append({"label": "Campaign website", "url": f"https://{slug}.example.org/"})
    if rng.random() < 0.5:
        handle = member.name.split()[0].lower() + str(rng.randrange(10, 99))
        links.append({"label": "Social media", "url": f"https://social.example.org/@{handle}"})
    return do_declare_candidacy(
        None,
        member,
        contest,
        statement=profile.statement,
        why_standing=profile.why_standing,
        experience=profile.experience,
        priorities=profile.priorities,
        links=links,
        photo=_portrait(rng, member.name) if photos else None,
        now=now,
    )


def _staff(role: str, email: str, name: str) -> tuple[User, Persona]:
    password = secrets.token_urlsafe(12)
    user = User.objects.create_user(
        email=email,
        password=password,
        name=name,
        staff_role=role,
        is_staff=True,
        is_superuser=role == StaffRole.RETURNING_OFFICER,
    )
    device = totp.enrolment_device(user)
    do_confirm_totp_device(user, device)
    return user, Persona(
        role=StaffRole(role).label.capitalize(),
        name=name,
        email=email,
        link=tokens.staff_sign_in_url(),
        password=password,
        totp_secret=totp.secret_for(device),
        totp_uri=totp.provisioning_uri(device),
    )


def _member_persona(role: str, member: Member, note: str = "") -> Persona:
    user = do_create_user_for_member(member)
    return Persona(
        role=role,
        name=member.name,
        email=member.email,
        link=tokens.issue_login_link(user),
        note=note,
    )


def _with_vote_link(persona: Persona, code: str | None) -> Persona:
    if code is None:
        return persona
    link = tokens.base_url() + reverse("ballots:code", args=[code])
    return dataclasses.replace(persona, vote_link=link)


def build_demo(
    members: int = 50_000,
    *,
    seed: int = 2026,
    photos: bool = True,
    nominations_closed: bool = False,
    ballot: bool = False,
    results: bool = False,
    progress: Callable[[str], None] = lambda message: None,
) -> DemoResult:
    """Build the whole demonstration in one transaction and return who can sign in.

    `ballot` goes on past the close of nominations: the ballot open, every code issued, and part
    of the roll already voted. `results` goes further: the ballot closed, every contest counted
    and the results published, through the results actions.
    """
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        progress(f"{len(REGIONS)} regions and {UNITS} units")
        units = _units(rng)
        progress(f"{members:,} members")
        rows = list(_member_rows(rng, members, units, today))
        write_members(rows, [], now)
        record_event(
            tags.DEMO_CREATED,
            actor=None,
            actor_label="hustings demo",
            data={"regions": len(REGIONS), "units": UNITS, "members": members, "seed": seed},
        )

        progress("the election and its contests")
        # In nominations: declarations opened a fortnight ago, nominations close in 18 days.
        start = (now - timedelta(days=14)).replace(hour=9, minute=0, second=0, microsecond=0)
        election = do_create_election(
            None,
            name=ELECTION_NAME,
            slug="nec-npf-2026",
            description=(
                "Elections to the National Executive Committee (constituency section) and to "
                "the National Policy Forum's regional seats. Every member in good standing who "
                "joined before the freeze date may vote."
            ),
            declarations_open_at=start,
            nominations_open_at=start + timedelta(days=11),
            nominations_close_at=start + timedelta(days=32, hours=3),
            ballot_open_at=start + timedelta(days=39),
            ballot_close_at=start + timedelta(days=60, hours=3),
            voters_joined_by=today - timedelta(days=45),
            candidate_min_membership_days=365,
        )
        national = do_create_contest(
            None,
            election,
            name="National Executive Committee — constituency section",
            slug="nec-constituency",
            position=1,
            seats=6,
            method="block",
            statement_word_limit=400,
            max_nominations_per_unit=6,
            nomination_balance_gender=Gender.WOMAN,
            threshold_kind=ThresholdKind.UNITS,
            threshold_units=30,
            affiliates_may_nominate=True,
            affiliate_nominations_needed=2,
            representation_rules=[{"attribute": "gender", "value": "woman", "minimum": 3}],
        )
        regional: list[tuple[Region, Contest]] = []
        for position, region in enumerate(Region.objects.order_by("name"), start=2):
            contest = do_create_contest(
                None,
                election,
                name=f"National Policy Forum — {region.name}",
                slug=f"npf-{region.code}",
                position=position,
                seats=5,
                region=region,
                method="scottish-stv",
                statement_word_limit=250,
                max_nominations_per_unit=5,
                threshold_kind=ThresholdKind.UNITS,
                threshold_units=3,
            )
            regional.append((region, contest))

        progress("candidates and slates")
        declared_at = start + timedelta(days=3)
        used: set[int] = set()
        pool = _eligible_pool(election, None, 4000)
        slates: list[Slate] = [
            do_create_slate(None, election, name=name, slug=slug, description=description)
            for slug, name, _, description in SLATES
        ]
        national_candidacies: list[Candidacy] = []
        for slate_index, women, men in NATIONAL_FIELD:
            outlook = SLATES[slate_index][2] if slate_index is not None else "independent"
            genders = [Gender.WOMAN] * women + [Gender.MAN] * men
            rng.shuffle(genders)
            for gender in genders:
                member = _pick(rng, pool, gender, used)
                candidacy = _declare(rng, member, national, outlook, declared_at, photos)
                national_candidacies.append(candidacy)
                if slate_index is not None:
                    place = do_propose_slate_membership(None, slates[slate_index], candidacy)
                    do_confirm_slate_membership(None, place)
        candidacies = len(national_candidacies)
        for region, contest in regional:
            local_pool = [m for m in _eligible_pool(election, region, 600) if m.pk not in used]
            for index in range(REGIONAL_CANDIDATES):
                gender = Gender.WOMAN if index % 2 == 0 else Gender.MAN
                member = _pick(rng, local_pool, gender, used)
                outlook = ("grassroots", "forward", "independent")[index % 3]
                _declare(rng, member, contest, outlook, declared_at, photos)
                candidacies += 1

        progress("people to sign in as")
        personas: list[Persona] = []
        _, officer = _staff(
            StaffRole.RETURNING_OFFICER, "returning.officer@example.org", "Morgan Returning"
        )
        personas.append(officer)
        _, scrutineer = _staff(StaffRole.OBSERVER, "observer@example.org", "Sasha Scrutineer")
        personas.append(scrutineer)
        secretary_member = _pick(rng, pool, Gender.WOMAN, used)
        do_appoint_unit_secretary(None, secretary_member.unit, secretary_member)
        personas.append(
            _member_persona(
                "Unit secretary",
                secretary_member,
                f"Secretary of {secretary_member.unit.name} ({secretary_member.unit.region.name})",
            )
        )
        candidate = national_candidacies[0]
        personas.append(
            _member_persona("Candidate", candidate.member, f"Standing in {candidate.contest.name}")
        )
        plain = _pick(rng, pool, Gender.MAN, used)
        personas.append(
            _member_persona(
                "Member", plain, f"Member in {plain.unit.name} ({plain.unit.region.name})"
            )
        )

        progress("nominations")
        # The secretary's own unit has not met yet, so whoever signs in as them can nominate.
        add_demo_nominations(
            rng, election, skip_units={secretary_member.unit_id}, now=now - timedelta(hours=1)
        )
        progress("the campaign: supporters, updates, a questionnaire and questions")
        add_demo_campaign(election, rng, now=now - timedelta(minutes=30))
        if nominations_closed or ballot or results:
            progress("the close of nominations and the ballot lists")
            close_demo_nominations(election, now=now)
        if ballot or results:
            progress("the ballot: the roll and its codes")
            voting_personas = {
                secretary_member.email: secretary_member.pk,
                candidate.member.email: candidate.member_id,
                plain.email: plain.pk,
            }
            opened = open_demo_ballot(
                rng,
                election,
                keep_unused=set(voting_personas.values()),
                now=now,
                progress=progress,
            )
            personas = [
                _with_vote_link(persona, opened.persona_codes.get(voting_personas[persona.email]))
                if persona.email in voting_personas
                else persona
                for persona in personas
            ]
        if results:
            progress("the close of the ballot")
            publish_demo_results(election, progress=progress)
            # The ballot has closed, so the personas' unused codes no longer vote.
            personas = [dataclasses.replace(persona, vote_link="") for persona in personas]
            progress("report-backs from some of the winners")
            add_demo_report_backs(election, rng, now=timezone.now())
    return DemoResult(
        election=election,
        regions=len(REGIONS),
        units=UNITS,
        members=members,
        candidacies=candidacies,
        personas=personas,
    )
