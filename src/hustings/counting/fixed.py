"""Exact fixed-point arithmetic: values are integers counting units of 10**-places."""

from __future__ import annotations

from decimal import Decimal

__all__ = ["scale", "to_decimal", "truncating_divide"]


def scale(places: int) -> int:
    """Return the integer that stands for 1 at this many decimal places."""
    return int(10**places)


def to_decimal(value: int, places: int) -> Decimal:
    """Return a fixed-point integer as an exact Decimal with exactly `places` decimals."""
    return Decimal(value).scaleb(-places)


def truncating_divide(numerator: int, denominator: int) -> int:
    """Divide non-negative integers, discarding any remainder (rounding towards zero)."""
    if denominator <= 0 or numerator < 0:
        raise ValueError(
            "truncating_divide takes a non-negative numerator and positive denominator"
        )
    return numerator // denominator
