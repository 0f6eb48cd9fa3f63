"""The one entry point of the counting library: count(profile, rules) -> CountResult."""

from __future__ import annotations

from collections.abc import Callable

from hustings.counting.constraints import ConstraintSet
from hustings.counting.context import CountContext
from hustings.counting.errors import CountError
from hustings.counting.profile import Profile
from hustings.counting.result import CountResult
from hustings.counting.rules import Method, Rules
from hustings.counting.ties import Lot

__all__ = ["count", "default_seed"]


def default_seed(profile: Profile) -> int:
    """Return the seed used when none is given: drawn from the ballots, so recounts agree."""
    return int(profile.digest()[:12], 16)


def _method(method: Method) -> Callable[[CountContext], CountResult]:
    # Imported here so that each method's module loads only when it is used.
    if method == "block":
        from hustings.counting.methods.block import count_block

        return count_block
    if method == "scottish-stv":
        from hustings.counting.methods.scottish import count_scottish

        return count_scottish
    if method == "ers97-stv":
        from hustings.counting.methods.ers97 import count_ers97

        return count_ers97
    from hustings.counting.methods.meek import count_meek

    return count_meek


def count(profile: Profile, rules: Rules | None = None) -> CountResult:
    """Count the ballots under the rules and return the full result."""
    rules = rules or Rules()
    seats = rules.seats if rules.seats is not None else profile.seats
    if seats is None:
        raise CountError("the number of seats is not given (the ballot file has none either)")
    if seats < 1:
        raise CountError(f"seats must be at least 1, not {seats}")
    standing = tuple(i for i in range(len(profile.candidates)) if i not in profile.withdrawn)
    if not standing:
        raise CountError("no candidates stand")
    constraints = ConstraintSet.build(
        rules.constraints, profile.candidates, rules.attributes, seats, standing
    )
    seed = rules.seed if rules.seed is not None else (lambda: default_seed(profile))
    context = CountContext(
        profile=profile,
        rules=rules,
        seats=seats,
        standing=standing,
        constraints=constraints,
        lot=Lot(seed, profile.candidates),
    )
    return _method(rules.method)(context)
