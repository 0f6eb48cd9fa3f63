"""The outcome of a count: winners, and every stage in enough detail to sign or redraw it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from hustings.counting.rules import Constraint

__all__ = ["Action", "CountResult", "Stage", "TieBreak"]

Action = Literal[
    # The first count of every ballot's first preference (or, for a block vote, every mark).
    "first-preferences",
    # A surplus of an elected candidate was transferred.
    "surplus",
    # An excluded candidate's ballots (or one batch of them, by transfer value) were transferred.
    "exclusion",
    # Meek: one round of keep-factor iterations ended with an election or an exclusion.
    "iteration",
    # The remaining continuing candidates filled the remaining seats without reaching the quota.
    "fill",
    # Block vote: a winner was replaced to satisfy a representation rule.
    "substitution",
]


@dataclass(frozen=True)
class Stage:
    """One stage of the count and the state of the count at its end."""

    number: int
    action: Action
    #: The candidates whose surplus or exclusion this stage deals with (empty for the first stage).
    subjects: tuple[str, ...]
    #: Every candidate's total after this stage, including elected and excluded candidates.
    totals: Mapping[str, Decimal]
    #: Value of ballots that could not be transferred, plus any value lost to rounding, so far.
    non_transferable: Decimal
    #: The part of `non_transferable` lost to rounding rather than held on exhausted ballots, so
    #: far; None where the method does not keep the two apart.
    rounding_loss: Decimal | None = None
    #: How each total (and the non-transferable pile, key "") changed at this stage.
    transfers: Mapping[str, Decimal] = field(default_factory=dict)
    #: Candidates elected at this stage, in order of election.
    elected: tuple[str, ...] = ()
    #: Candidates excluded at this stage (including any doomed by a representation rule).
    excluded: tuple[str, ...] = ()
    #: Candidates protected from exclusion by a representation rule, as of this stage.
    guarded: tuple[str, ...] = ()
    #: Candidates excluded at this stage because electing them would break a representation rule.
    doomed: tuple[str, ...] = ()
    #: The quota in force at this stage (it changes from stage to stage under Meek).
    quota: Decimal | None = None
    #: What happened, in plain words, as a returning officer would read it out.
    note: str = ""


@dataclass(frozen=True)
class TieBreak:
    """A tie and how it was broken."""

    stage: int
    #: What the tie decided, e.g. "which surplus to transfer first" or "whom to exclude".
    purpose: str
    candidates: tuple[str, ...]
    chosen: str
    #: "earlier stage" (the rule's look-back) or "lot" (the seeded draw).
    by: Literal["earlier stage", "lot", "first preferences", "ballot order"]
    note: str = ""


@dataclass(frozen=True)
class CountResult:
    """The result of one count."""

    method: str
    #: The rule set followed, e.g. "SSI 2007/42 rules 45-52".
    rule_version: str
    title: str
    seats: int
    candidates: tuple[str, ...]
    withdrawn: tuple[str, ...]
    #: Number of valid ballots (each distinct ballot counted by its weight).
    valid: int
    #: Ballots that could not count: rejected before the count, plus blank ones.
    invalid: int
    quota: Decimal | None
    elected: tuple[str, ...]
    stages: tuple[Stage, ...]
    tie_breaks: tuple[TieBreak, ...]
    #: The seed of any lot: as given, or derived from the ballots when a lot was drawn; None
    #: when none was given and no lot was needed.
    seed: int | None
    constraints: tuple[Constraint, ...] = ()
    attributes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: Decimal places of every value in the result.
    places: int = 0

    @property
    def not_elected(self) -> tuple[str, ...]:
        """Return the candidates who were not elected, in ballot-file order."""
        return tuple(c for c in self.candidates if c not in self.elected)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain JSON-ready data; decimals become strings."""

        def dec(value: Decimal | None) -> str | None:
            # Fixed-point notation always: str(Decimal) writes a zero with 9 places as "0E-9".
            return None if value is None else format(value, "f")

        return {
            "method": self.method,
            "rule_version": self.rule_version,
            "title": self.title,
            "seats": self.seats,
            "candidates": list(self.candidates),
            "withdrawn": list(self.withdrawn),
            "valid": self.valid,
            "invalid": self.invalid,
            "quota": dec(self.quota),
            "elected": list(self.elected),
            "seed": self.seed,
            "places": self.places,
            "constraints": [
                {
                    "attribute": c.attribute,
                    "value": c.value,
                    "minimum": c.minimum,
                    "maximum": c.maximum,
                }
                for c in self.constraints
            ],
            "attributes": {name: dict(attrs) for name, attrs in self.attributes.items()},
            "rounds": [
                {
                    "number": s.number,
                    "action": s.action,
                    "subjects": list(s.subjects),
                    "totals": {name: format(v, "f") for name, v in s.totals.items()},
                    "non_transferable": format(s.non_transferable, "f"),
                    "rounding_loss": dec(s.rounding_loss),
                    "transfers": {name: format(v, "f") for name, v in s.transfers.items()},
                    "elected": list(s.elected),
                    "excluded": list(s.excluded),
                    "guarded": list(s.guarded),
                    "doomed": list(s.doomed),
                    "quota": dec(s.quota),
                    "note": s.note,
                }
                for s in self.stages
            ],
            "tie_breaks": [
                {
                    "stage": t.stage,
                    "purpose": t.purpose,
                    "candidates": list(t.candidates),
                    "chosen": t.chosen,
                    "by": t.by,
                    "note": t.note,
                }
                for t in self.tie_breaks
            ],
        }
