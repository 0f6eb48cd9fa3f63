"""What a count is asked to do: the method, the seats and the representation rules."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, get_args

from hustings.counting.errors import CountError

__all__ = ["METHODS", "Constraint", "Method", "Rules"]

Method = Literal["block", "scottish-stv", "ers97-stv", "meek-stv"]
METHODS: tuple[Method, ...] = get_args(Method)

_CONSTRAINT = re.compile(r"^\s*(?P<attr>[^=:]+?)\s*=\s*(?P<value>[^:]+?)\s*:\s*(?P<n>\d+)\s*$")


@dataclass(frozen=True)
class Constraint:
    """At least `minimum` and at most `maximum` winners whose `attribute` equals `value`."""

    attribute: str
    value: str
    minimum: int = 0
    maximum: int | None = None

    def __post_init__(self) -> None:
        if self.minimum < 0:
            raise CountError(f"{self.label()}: a minimum cannot be negative")
        if self.maximum is not None and self.maximum < self.minimum:
            raise CountError(f"{self.label()}: the maximum is below the minimum")

    def label(self) -> str:
        """Return the constraint in words, e.g. 'at least 3 with gender=woman'."""
        parts = []
        if self.minimum:
            parts.append(f"at least {self.minimum}")
        if self.maximum is not None:
            parts.append(f"at most {self.maximum}")
        bound = " and ".join(parts) or "any number"
        return f"{bound} with {self.attribute}={self.value}"

    @classmethod
    def parse(cls, text: str, *, kind: Literal["min", "max"]) -> Constraint:
        """Parse the CLI form ATTR=VALUE:N as a minimum or a maximum."""
        match = _CONSTRAINT.match(text)
        if match is None:
            raise CountError(
                f"--{kind} {text!r}: expected ATTRIBUTE=VALUE:NUMBER, e.g. gender=woman:3"
            )
        n = int(match["n"])
        if kind == "min":
            return cls(match["attr"], match["value"], minimum=n)
        return cls(match["attr"], match["value"], maximum=n)


@dataclass(frozen=True)
class Rules:
    """The options of one count.

    `attributes` maps a candidate's exact name to its attributes (e.g. {"gender": "woman"}); a
    candidate missing from it has no attributes. `seats=None` takes the profile's own number of
    seats. `seed` drives every decision by lot; None means a seed derived from the ballots, so that a
    recount of the same ballots draws the same lots.
    """

    method: Method = "scottish-stv"
    seats: int | None = None
    constraints: tuple[Constraint, ...] = ()
    attributes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise CountError(f"unknown method {self.method!r}; choose one of {', '.join(METHODS)}")
        if self.seats is not None and self.seats < 1:
            raise CountError(f"seats must be at least 1, not {self.seats}")
