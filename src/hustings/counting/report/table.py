"""The count sheet as CSV: a row per candidate and one for non-transferable votes, a column per stage."""

from __future__ import annotations

import csv
import io

from hustings.counting.report._sheet import figure, rows
from hustings.counting.result import CountResult

__all__ = ["csv_report"]

# A spreadsheet runs a cell starting with one of these as a formula ("CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(name: str) -> str:
    """Return a name that a spreadsheet shows as text: a formula-like one gets a leading '."""
    return "'" + name if name.startswith(_FORMULA_STARTS) else name


def csv_report(result: CountResult) -> str:
    """Return each candidate's total after every stage, then the non-transferable votes, as CSV."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["candidate", *(f"stage {s.number}" for s in result.stages), "result"])
    for row in rows(result):
        totals = [figure(s.totals.get(row.name)) for s in result.stages]
        writer.writerow([_inert(row.name), *totals, row.outcome])
    writer.writerow(["non-transferable", *(figure(s.non_transferable) for s in result.stages), ""])
    return out.getvalue()
