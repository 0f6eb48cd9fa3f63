"""The nomination rules as plain functions: what a unit may nominate, and who reaches the ballot.

Nothing here touches the database; the actions and queries gather the facts and call these, so the
rules can be read and tested on their own.

Reading of "home unit plus at least M other units from at least R other regions": the home unit is
the unit the candidate is a member of. "Other units" are nominating units other than the home unit,
wherever they are. "Other regions" are regions other than the home unit's region; the other units
must between them lie in at least R such regions. So a unit in the home region counts towards M but
never towards R, and two units in the same other region count as one region.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "BalanceRule",
    "NominatingUnit",
    "Threshold",
    "ThresholdStatus",
    "threshold_status",
    "unit_return_problems",
]

NONE = "none"
UNITS = "units"
HOME_AND_SPREAD = "home-and-spread"


@dataclass(frozen=True)
class BalanceRule:
    """At least half of a unit's nominations must have this gender (perhaps only when full)."""

    gender: str
    label: str
    only_when_full: bool = True


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def unit_return_problems(
    genders: Sequence[str],
    *,
    maximum: int | None,
    balance: BalanceRule | None,
) -> list[str]:
    """Return why a unit may not nominate candidates of these genders, or nothing if it may."""
    problems = []
    count = len(genders)
    if maximum is not None and count > maximum:
        problems.append(
            f"A unit may nominate at most {_plural(maximum, 'candidate')} in this contest; "
            f"{count} were given."
        )
    if balance is not None and count and not (balance.only_when_full and count != maximum):
        matching = sum(1 for gender in genders if gender == balance.gender)
        # "At least half" with whole people: 2 × matching ≥ count, so 3 of 5 and 3 of 6.
        if 2 * matching < count:
            needed = (count + 1) // 2
            when = f"nominating {count}" if not balance.only_when_full else "nominating the maximum"
            problems.append(
                f"When {when}, at least half must be {balance.label}: {needed} of {count}, "
                f"but {matching} {'is' if matching == 1 else 'are'}."
            )
    return problems


@dataclass(frozen=True)
class Threshold:
    """What a candidate needs to reach the ballot, as a contest states it."""

    kind: str = NONE
    units: int = 0
    other_units: int = 0
    other_regions: int = 0
    # Affiliate nominations that reach the ballot on their own; 0 means affiliates never do.
    affiliates: int = 0


@dataclass(frozen=True)
class NominatingUnit:
    """A unit whose nomination counts: its code and its region's code."""

    unit: str
    region: str


@dataclass(frozen=True)
class ThresholdStatus:
    """Whether a candidate reaches the ballot, and why, in a few words."""

    met: bool
    reason: str


def _units_route(threshold: Threshold, units: set[NominatingUnit]) -> tuple[bool, str]:
    have, needed = len(units), threshold.units
    if have >= needed:
        reason = f"{have} of {needed} units" if have == needed else f"{have} units; {needed} needed"
        return True, reason
    return False, f"only {have} of {needed} units"


def _spread_route(
    threshold: Threshold, units: set[NominatingUnit], home: NominatingUnit
) -> tuple[bool, str]:
    has_home = home in units
    others = {unit for unit in units if unit.unit != home.unit}
    regions = {unit.region for unit in others if unit.region != home.region}
    m, r = threshold.other_units, threshold.other_regions
    shortfalls = []
    if not has_home:
        shortfalls.append("home unit missing")
    if len(others) < m:
        shortfalls.append(f"only {len(others)} of {m} other units")
    if len(regions) < r:
        shortfalls.append(f"only {_plural(len(regions), 'other region')} of {r}")
    if shortfalls:
        return False, "; ".join(shortfalls)
    return True, (
        f"home unit and {_plural(len(others), 'other unit')} from "
        f"{_plural(len(regions), 'other region')}"
    )


def threshold_status(
    threshold: Threshold,
    *,
    home: NominatingUnit,
    units: Iterable[NominatingUnit],
    affiliates: int = 0,
) -> ThresholdStatus:
    """Return whether a candidate with these counting nominations reaches the ballot."""
    nominating = set(units)
    if threshold.kind == NONE:
        return ThresholdStatus(True, "no nominations needed")
    if threshold.kind == UNITS:
        met, reason = _units_route(threshold, nominating)
    elif threshold.kind == HOME_AND_SPREAD:
        met, reason = _spread_route(threshold, nominating, home)
    else:
        raise ValueError(f"unknown threshold kind {threshold.kind!r}")
    if met or threshold.affiliates < 1:
        return ThresholdStatus(met, reason)
    # The affiliate route stands beside the units' route: either one reaches the ballot.
    if affiliates >= threshold.affiliates:
        return ThresholdStatus(
            True,
            f"{_plural(affiliates, 'affiliate')} ({threshold.affiliates} needed); units: {reason}",
        )
    return ThresholdStatus(
        False, f"{reason}; only {affiliates} of {_plural(threshold.affiliates, 'affiliate')}"
    )
