"""Hustings' counting library: exact, fast counts of block votes and STV, with representation rules.

Pure Python and NumPy; it never imports Django. The one entry point is `count(profile, rules)`;
ballot files are read and written by the functions in `hustings.counting.io`.
"""

from hustings.counting.constraints import ConstraintSet
from hustings.counting.count import count, default_seed
from hustings.counting.errors import BallotFileError, CountError, InfeasibleConstraints
from hustings.counting.profile import Profile
from hustings.counting.result import CountResult, Stage, TieBreak
from hustings.counting.rules import METHODS, Constraint, Method, Rules

__all__ = [
    "METHODS",
    "BallotFileError",
    "Constraint",
    "ConstraintSet",
    "CountError",
    "CountResult",
    "InfeasibleConstraints",
    "Method",
    "Profile",
    "Rules",
    "Stage",
    "TieBreak",
    "count",
    "default_seed",
]
