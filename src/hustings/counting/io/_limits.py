"""Limits every reader applies, so that no sum of weights can overflow a 64-bit total."""

from __future__ import annotations

__all__ = ["MAX_TOTAL", "MAX_WEIGHT"]

#: The largest weight one ballot line may carry.
MAX_WEIGHT = 10**15
#: The largest number of ballots a profile may hold in all.
MAX_TOTAL = 2**62
