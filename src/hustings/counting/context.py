"""What every counting method receives: the ballots and the rules, checked and resolved."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hustings.counting.constraints import ConstraintSet
from hustings.counting.profile import Profile
from hustings.counting.rules import Rules
from hustings.counting.ties import Lot

__all__ = ["CountContext"]


@dataclass
class CountContext:
    """The resolved inputs of one count, shared by all the methods."""

    profile: Profile
    rules: Rules
    seats: int
    #: Indices of candidates who stand (not withdrawn), in ballot-file order.
    standing: tuple[int, ...]
    constraints: ConstraintSet
    lot: Lot

    @property
    def names(self) -> tuple[str, ...]:
        """Return every candidate's name, withdrawn ones included, in ballot-file order."""
        return self.profile.candidates

    @property
    def attributes(self) -> Mapping[str, Mapping[str, str]]:
        """Return the candidates' attributes as given in the rules."""
        return self.rules.attributes
