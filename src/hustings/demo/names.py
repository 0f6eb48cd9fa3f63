"""Fictional but believable people and places for the demonstration organisation (no Django).

Unit names are built from English, Scottish and Welsh place-name parts, so they read like
constituency parties without naming real ones; people's names mix the surnames and given names
common across the UK. Everything is drawn from a seeded generator, so a demo is reproducible.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = ["REGIONS", "RegionSpec", "person_name", "postcode", "unit_names"]


@dataclass(frozen=True)
class RegionSpec:
    """A region: its code, name, postcode areas and the flavour of its place names."""

    code: str
    name: str
    postcode_areas: tuple[str, ...]
    style: str  # "english", "scottish" or "welsh"
    towns: tuple[str, ...]


REGIONS = (
    RegionSpec("north-west", "North West", ("M", "L", "BL", "PR", "WN", "CH", "CA", "LA"),
               "english", ("Mill", "Ash", "Hay", "Brad", "Ack", "Lang", "Hol", "Ather", "Ribble",
                           "Whit", "Kirk", "Pendle")),
    RegionSpec("north-east", "North East", ("NE", "SR", "DH", "TS", "DL"),
               "english", ("Tyne", "Wear", "Cold", "Hart", "Blyth", "Stan", "Seg", "Fern", "Hex",
                           "Bed", "Wash", "Eas")),
    RegionSpec("yorkshire", "Yorkshire and the Humber", ("LS", "BD", "S", "HU", "YO", "HD", "WF"),
               "english", ("Kirk", "Thorn", "Ravens", "Heck", "Skel", "Ald", "Pudsey", "Ross",
                           "Knares", "Castle", "Mex", "Brig")),
    RegionSpec("east-midlands", "East Midlands", ("NG", "DE", "LE", "NN", "LN"),
               "english", ("Burl", "Oak", "Well", "Lough", "Mans", "Ketter", "Ilk", "Bol", "Sher",
                           "Gran", "Stam", "Ash")),
    RegionSpec("west-midlands", "West Midlands", ("B", "CV", "WV", "DY", "ST", "WS", "WR"),
               "english", ("Brom", "Hales", "Kings", "Wed", "Tam", "Red", "Lud", "Stour", "Nun",
                           "Tel", "Whit", "Cann")),
    RegionSpec("eastern", "Eastern", ("CB", "IP", "NR", "CO", "CM", "SG", "PE"),
               "english", ("Stow", "Sud", "Haver", "Wym", "Thet", "Brain", "Fen", "Hun", "Dere",
                           "Mal", "Clay", "Ware")),
    RegionSpec("london", "London", ("E", "N", "NW", "SE", "SW", "W"),
               "london", ()),
    RegionSpec("south-east", "South East", ("BN", "GU", "ME", "OX", "RG", "TN", "SO", "CT"),
               "english", ("Chal", "Ash", "Elm", "Wood", "Alder", "Pet", "Ton", "Hor", "Sand",
                           "Marl", "Fare", "Wit")),
    RegionSpec("south-west", "South West", ("BS", "EX", "PL", "TR", "BA", "TA", "GL"),
               "english", ("Coom", "Tor", "Brid", "Chud", "Lyd", "Mor", "Cam", "Sal", "Yeo",
                           "Tiver", "Wells", "Brix")),
    RegionSpec("scotland", "Scotland", ("G", "EH", "AB", "DD", "KY", "PA", "FK", "IV"),
               "scottish", ("Kil", "Inver", "Auch", "Dun", "Strath", "Glen", "Bal", "Kin", "Loch",
                            "Craig")),
    RegionSpec("wales", "Wales", ("CF", "SA", "LL", "NP", "SY", "LD"),
               "welsh", ("Llan", "Aber", "Pen", "Cwm", "Tre", "Pont", "Bryn", "Maes")),
)  # fmt: skip

_ENGLISH_ENDS = (
    "ford", "ton", "ley", "bury", "field", "ham", "wick", "by", "thorpe", "worth", "borough",
    "stead", "well", "bridge", "combe", "den", "hurst", "minster", "mouth", "ing",
)  # fmt: skip
_LONDON_PLACES = (
    "Bow", "Poplar", "Dalston", "Peckham", "Brixton", "Tooting", "Acton", "Harrow", "Ilford",
    "Barking", "Eltham", "Sutton", "Finchley", "Hornsey", "Tottenham", "Lewisham", "Deptford",
    "Streatham", "Battersea", "Putney", "Ealing", "Hendon", "Enfield", "Erith", "Romford",
    "Woolwich", "Camberwell", "Norwood", "Edmonton", "Walthamstow", "Leyton", "Stratford",
    "Bethnal", "Shoreditch", "Islington", "Kentish", "Kilburn", "Willesden", "Wembley",
    "Brentford", "Chiswick", "Hammersmith", "Fulham", "Clapham", "Balham", "Mitcham",
    "Croydon", "Bromley", "Orpington", "Bexley", "Greenwich", "Hackney",
)  # fmt: skip
_SCOTTISH_ENDS = (
    "burgh", "muir", "lochy", "brae", "mains", "kirk", "ness", "ton", "hall", "side", "caldy",
    "bride", "more", "glas", "field", "carron", "loch", "dee", "feld", "ross",
)  # fmt: skip
_WELSH_ENDS = (
    "dyfri", "gwyn", "deri", "maen", "faes", "rhos", "coed", "nant", "garw", "dâr", "wen",
    "elli", "afon", "fawr", "bach", "hir", "ystwyth", "tawe", "cynon", "rhondda",
)  # fmt: skip
_QUALIFIERS = ("North", "South", "East", "West", "Central")
_JOINERS = ("and", "with")

FIRST_NAMES = {
    "woman": [
        "Aisha",
        "Alison",
        "Amelia",
        "Amina",
        "Angela",
        "Anne",
        "Bethan",
        "Carys",
        "Catherine",
        "Charlotte",
        "Chloe",
        "Claire",
        "Deborah",
        "Eilidh",
        "Eleanor",
        "Emma",
        "Fatima",
        "Fiona",
        "Freya",
        "Gemma",
        "Grace",
        "Hannah",
        "Harpreet",
        "Helen",
        "Isla",
        "Jasmine",
        "Jennifer",
        "Joanne",
        "Julie",
        "Karen",
        "Kate",
        "Laura",
        "Leah",
        "Lowri",
        "Lucy",
        "Maria",
        "Megan",
        "Mhairi",
        "Nadia",
        "Niamh",
        "Nicola",
        "Olivia",
        "Priya",
        "Rachel",
        "Rebecca",
        "Rhiannon",
        "Ruth",
        "Samina",
        "Sarah",
        "Shabana",
        "Siobhan",
        "Sophie",
        "Stephanie",
        "Susan",
        "Tanisha",
        "Una",
        "Valerie",
        "Yasmin",
        "Zainab",
        "Zoe",
    ],
    "man": [
        "Adam",
        "Aled",
        "Alan",
        "Andrew",
        "Anthony",
        "Ben",
        "Callum",
        "Chris",
        "Dafydd",
        "Daniel",
        "David",
        "Dylan",
        "Euan",
        "Gareth",
        "Gavin",
        "George",
        "Graham",
        "Hamish",
        "Harry",
        "Ian",
        "Imran",
        "Jack",
        "Jamal",
        "James",
        "John",
        "Jonathan",
        "Kwame",
        "Lewis",
        "Liam",
        "Mark",
        "Martin",
        "Matthew",
        "Michael",
        "Mohammed",
        "Neil",
        "Nikhil",
        "Oliver",
        "Owain",
        "Patrick",
        "Paul",
        "Peter",
        "Rajesh",
        "Rhys",
        "Richard",
        "Robert",
        "Ryan",
        "Sam",
        "Scott",
        "Sean",
        "Simon",
        "Stephen",
        "Stuart",
        "Tariq",
        "Thomas",
        "Tom",
        "Tunde",
        "Usman",
        "William",
        "Yusuf",
    ],
    "any": [
        "Alex",
        "Ashley",
        "Charlie",
        "Frankie",
        "Jamie",
        "Jordan",
        "Morgan",
        "Rowan",
        "Sam",
        "Taylor",
    ],
}
SURNAMES = [
    "Abbott",
    "Adebayo",
    "Ahmed",
    "Akhtar",
    "Ali",
    "Anderson",
    "Armstrong",
    "Bailey",
    "Baker",
    "Begum",
    "Bell",
    "Bennett",
    "Bibi",
    "Brown",
    "Burns",
    "Campbell",
    "Carter",
    "Chowdhury",
    "Clarke",
    "Collins",
    "Cooper",
    "Davies",
    "Dixon",
    "Doherty",
    "Edwards",
    "Evans",
    "Ferguson",
    "Fisher",
    "Fletcher",
    "Fraser",
    "Gill",
    "Graham",
    "Grant",
    "Green",
    "Griffiths",
    "Hall",
    "Harris",
    "Hassan",
    "Hughes",
    "Hussain",
    "Iqbal",
    "Jackson",
    "James",
    "Jenkins",
    "Johnson",
    "Jones",
    "Kaur",
    "Kelly",
    "Khan",
    "King",
    "Lewis",
    "Lloyd",
    "MacDonald",
    "MacKenzie",
    "Mahmood",
    "Martin",
    "Mensah",
    "Miah",
    "Mitchell",
    "Morgan",
    "Morris",
    "Murphy",
    "Murray",
    "Nwosu",
    "Obi",
    "O'Brien",
    "Okafor",
    "Owen",
    "Parry",
    "Patel",
    "Pearson",
    "Phillips",
    "Powell",
    "Price",
    "Pritchard",
    "Rahman",
    "Reid",
    "Rees",
    "Richards",
    "Roberts",
    "Robertson",
    "Robinson",
    "Rose",
    "Scott",
    "Shah",
    "Sharma",
    "Simpson",
    "Singh",
    "Smith",
    "Stewart",
    "Sutherland",
    "Taylor",
    "Thomas",
    "Thompson",
    "Turner",
    "Walker",
    "Walsh",
    "Ward",
    "Watson",
    "White",
    "Williams",
    "Wilson",
    "Wood",
    "Wright",
    "Young",
]


def _join(start: str, end: str) -> str:
    # "Ribble" + "by" reads "Ribbleby", but "Stow" + "wick" must not become "Stowwick".
    if start[-1] == end[0]:
        end = end[1:]
    return start + end


def _english(rng: random.Random, starts: tuple[str, ...]) -> str:
    return _join(rng.choice(starts), rng.choice(_ENGLISH_ENDS))


def _place(rng: random.Random, spec: RegionSpec) -> str:
    if spec.style == "london":
        return rng.choice(_LONDON_PLACES)
    if spec.style == "scottish":
        return _join(rng.choice(spec.towns), rng.choice(_SCOTTISH_ENDS))
    if spec.style == "welsh":
        return _join(rng.choice(spec.towns), rng.choice(_WELSH_ENDS))
    return _english(rng, spec.towns)


def unit_names(rng: random.Random, spec: RegionSpec, count: int) -> list[str]:
    """Return count distinct constituency-style names for units in a region."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        first = _place(rng, spec)
        shape = rng.random()
        second = _place(rng, spec)
        if shape < 0.5 or second == first:
            name = first
        elif shape < 0.8:
            name = f"{first} {rng.choice(_QUALIFIERS)}"
        else:
            name = f"{first} {rng.choice(_JOINERS)} {second}"
        if name not in seen and len(name) <= 60:
            seen.add(name)
            names.append(name)
    return names


def person_name(rng: random.Random, gender: str) -> str:
    """Return a name for someone of the given gender ("woman", "man" or anything else)."""
    pool = FIRST_NAMES.get(gender)
    if pool is None:
        pool = FIRST_NAMES["any"] + FIRST_NAMES["woman"][:10] + FIRST_NAMES["man"][:10]
    return f"{rng.choice(pool)} {rng.choice(SURNAMES)}"


def postcode(rng: random.Random, spec: RegionSpec) -> str:
    """Return a postcode-shaped string from one of the region's postcode areas."""
    area = rng.choice(spec.postcode_areas)
    return (
        f"{area}{rng.randrange(1, 30)} {rng.randrange(1, 10)}"
        f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
    )
