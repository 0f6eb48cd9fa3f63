"""Candidates' statements for the demonstration, written from phrase banks (no Django).

Each candidate gets a job, a few causes and a slate's outlook, and their statement is assembled
from sentences written for those; with a seeded generator no two statements read alike.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = ["Profile", "write_profile"]

JOBS = (
    ("a community nurse", "the NHS"),
    ("a primary school teacher", "our schools"),
    ("a bus driver", "public transport"),
    ("a care worker", "social care"),
    ("a shop steward in a distribution warehouse", "workplaces like mine"),
    ("a housing officer", "social housing"),
    ("a firefighter", "our fire service"),
    ("a junior doctor", "the NHS"),
    ("a software developer", "the tech sector"),
    ("a local councillor", "local government"),
    ("a librarian", "public libraries"),
    ("a postal worker", "our postal service"),
    ("a small business owner", "high streets"),
    ("a university researcher", "higher education"),
    ("a retired engineer", "British manufacturing"),
    ("a student nurse", "the next generation of NHS staff"),
    ("an advice worker at a citizens' advice centre", "people in debt"),
    ("a railway signaller", "our railways"),
    ("a social worker", "children's services"),
    ("a civil servant", "public services"),
)

CAUSES: dict[str, tuple[str, ...]] = {
    "Council and social housing": (
        "Too many families in {place} wait years for a secure home; I will push for the biggest "
        "council house building programme in a generation.",
        "Renters deserve security: an end to no-fault evictions and proper standards, enforced.",
    ),
    "The NHS and social care": (
        "I have seen what waiting lists do to people. Our NHS needs staff who are paid fairly and "
        "a care service that treats older people with dignity.",
        "Social care should be a public service, not a postcode lottery.",
    ),
    "Workers' rights": (
        "Fire and rehire, zero-hours contracts and insecure work have no place in a modern "
        "economy. Our policy must say so plainly.",
        "A strong voice for trade unions in the party is how working people are heard.",
    ),
    "Climate and green jobs": (
        "The move to clean energy must bring good unionised jobs to places like {place}, not "
        "leave them behind.",
        "Warm homes, cheaper bills and cleaner air belong together, and we should say how.",
    ),
    "Party democracy": (
        "Members should shape policy, not simply be told it. I will report back after every "
        "meeting and publish how I voted.",
        "Local parties need real say over candidate selection and a fair share of resources.",
    ),
    "Winning elections": (
        "We only change lives in government. I will argue for campaigns that reach every voter "
        "and for resources where the marginal seats are.",
        "Our policy platform must be bold and believable on the doorstep in {place}.",
    ),
    "Local government": (
        "Councils have been cut to the bone. Fair funding for local government is how we rebuild "
        "the services people see every day.",
        "Devolve power and money to communities, and trust councillors to deliver.",
    ),
    "Young members": (
        "Young members are the party's future; they need training, a real budget and a seat at "
        "the table.",
        "I want every new member welcomed within a week, not a year.",
    ),
    "Equality and inclusion": (
        "Our party must look like the communities it serves, with support for women, disabled, "
        "Black, Asian and minority ethnic and LGBT+ members to stand.",
        "Safeguarding and a fair, independent complaints process protect every member.",
    ),
    "Cost of living": (
        "Food banks in {place} are busier than ever. Tackling low pay and high costs must come "
        "first in everything we do.",
        "Public ownership of water and energy would put people before shareholders.",
    ),
    "Education": (
        "Every child deserves a great local school, free school meals, and teachers who are "
        "valued.",
        "Further education and apprenticeships open doors; they need secure funding.",
    ),
    "Transport": (
        "Reliable, affordable buses are a lifeline in towns like {place}; bring them back under "
        "public control.",
        "Invest in rail across the regions, not only in London.",
    ),
}

OUTLOOKS = {
    "grassroots": (
        "I am standing with the Rank and File Alliance because the party is strongest when its "
        "members lead.",
        "Like my colleagues on the Rank and File Alliance slate, I believe power in the party "
        "should run from the branches up.",
    ),
    "forward": (
        "I am proud to stand with New Horizons: serious about winning, and about what we do "
        "with power once we have it.",
        "New Horizons candidates share one aim: a party ready to govern and trusted by voters.",
    ),
    "independent": (
        "I stand as an independent, belonging to no slate, and will judge every question on its "
        "merits.",
        "I am not on any slate. I will answer to the members who vote for me, and no one else.",
    ),
}

EXPERIENCE = (
    "Branch secretary for {years} years",
    "Constituency party chair",
    "Women's officer",
    "Trade union representative",
    "Campaign co-ordinator at the last general election",
    "Councillor for {ward} ward",
    "Member of the regional board",
    "Youth officer",
    "Political education officer",
    "Equalities officer",
    "Treasurer of {place} Trades Council",
    "School governor",
    "Volunteer at {place} food bank",
    "Delegate to annual conference",
)
WARDS = ("Riverside", "Park", "Central", "Market", "Abbey", "Castle", "Hillside", "Station")


@dataclass(frozen=True)
class Profile:
    """What a demonstration candidate publishes."""

    statement: str
    why_standing: str
    experience: list[str]
    priorities: list[str]


def write_profile(
    rng: random.Random, *, name: str, unit: str, years: int, outlook: str, word_limit: int
) -> Profile:
    """Return a statement, reasons, experience and priorities for one candidate."""
    first = name.split()[0]
    place = unit.split(" and ")[0].split(" with ")[0]
    for suffix in (" North", " South", " East", " West", " Central"):
        place = place.removesuffix(suffix)
    job, sector = rng.choice(JOBS)
    causes = rng.sample(sorted(CAUSES), 3)
    opening = rng.choice(
        (
            f"I'm {first}, {job} and a member in {unit} for {years} years.",
            f"My name is {name}. I work as {job} and have been active in {unit} since "
            f"{2026 - years}.",
            f"For {years} years I have knocked on doors in {unit}; by day I am {job}.",
        )
    )
    sector_line = rng.choice(
        (
            f"Working in {sector} shows me every day what good policy changes, and what it "
            "leaves undone.",
            f"I bring the experience of {sector} to every discussion, and I will bring your "
            "voice too.",
        )
    )
    body = [rng.choice(CAUSES[cause]).format(place=place) for cause in causes]
    closing = rng.choice(
        (
            "I would be honoured to have your vote.",
            "If you share these priorities, please give me your support.",
            "Thank you for reading; I hope I can count on your vote.",
        )
    )
    sentences = [opening, sector_line, *body, rng.choice(OUTLOOKS[outlook]), closing]
    statement = " ".join(sentences)
    while len(statement.split()) > word_limit and len(sentences) > 3:
        sentences.pop(-3)
        statement = " ".join(sentences)
    reason = rng.choice(CAUSES[causes[0]]).format(place=place).rstrip(".")
    why = (
        f"Because {reason[0].lower()}{reason[1:]}, and the party needs people from {sector} "
        "at the table."
    )
    experience = [
        item.format(years=max(2, years // 2), ward=rng.choice(WARDS), place=place)
        for item in rng.sample(EXPERIENCE, rng.randrange(2, 5))
    ]
    return Profile(statement, why, experience, causes)
