"""The verification files of a contest's result, and the command line that recounts them.

The ballots are written by the counting library's own writers, packed and in canonical (sorted)
order: each distinct ballot once with its number of voters, so the files say nothing about who
voted when. The result JSON is the text `hustings count --format json` prints, so a recount from
the BLT with `recount_command()` prints the very same bytes.
"""

from __future__ import annotations

import csv
import io
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from hustings.counting import Constraint
from hustings.counting.io import format_blt, format_csv_ballots
from hustings.results.aggregate import ATTRIBUTES, ContestBallots
from hustings.results.models import ContestResult

__all__ = [
    "VerificationFiles",
    "cli_constraints",
    "file_names",
    "format_attributes",
    "recount_command",
    "verification_files",
]


@dataclass(frozen=True)
class VerificationFiles:
    """A contest's ballots as BLT and CSV, and the candidates' attributes as CSV."""

    blt: str
    csv: str
    attributes: str


def format_attributes(
    ballots: ContestBallots, extra: Mapping[str, Mapping[str, str]] | None = None
) -> str:
    """Return the attributes CSV `hustings count --attributes` reads: a row per candidate.

    `extra` adds columns ({column: {candidate name: value}}), such as the sitting members that
    a casual-vacancy count must keep.
    """
    extra = extra or {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["candidate", *ATTRIBUTES, *extra])
    for candidate in ballots.candidates:
        writer.writerow(
            [
                candidate.name,
                *(candidate.attributes.get(attribute, "") for attribute in ATTRIBUTES),
                *(values.get(candidate.name, "") for values in extra.values()),
            ]
        )
    return out.getvalue()


def verification_files(
    ballots: ContestBallots, extra: Mapping[str, Mapping[str, str]] | None = None
) -> VerificationFiles:
    """Return the contest's ballot files (canonical order) and attributes file."""
    layout: Literal["ranked", "marks"] = "marks" if ballots.contest.method == "block" else "ranked"
    return VerificationFiles(
        blt=format_blt(ballots.profile),
        csv=format_csv_ballots(ballots.profile, layout=layout),
        attributes=format_attributes(ballots, extra),
    )


def cli_constraints(constraints: Sequence[Constraint]) -> tuple[list[str], tuple[Constraint, ...]]:
    """Return the --min/--max options for the rules, and the rules as the CLI rebuilds them.

    `hustings count` merges a --min and a --max for the same group into one rule, groups first
    given by --min, and drops a rule with neither bound; counting the rules in that same shape is
    what makes the stored result JSON identical to the CLI's.
    """
    args: list[str] = []
    merged: dict[tuple[str, str], dict[str, int | None]] = {}
    for kind in ("min", "max"):
        for rule in constraints:
            bound = rule.minimum if kind == "min" else rule.maximum
            if (kind == "min" and not bound) or bound is None:
                continue
            args += [f"--{kind}", f"{rule.attribute}={rule.value}:{bound}"]
            merged.setdefault((rule.attribute, rule.value), {})[kind] = bound
    rebuilt = tuple(
        Constraint(attribute, value, minimum=given.get("min") or 0, maximum=given.get("max"))
        for (attribute, value), given in merged.items()
    )
    return args, rebuilt


def file_names(result: ContestResult) -> dict[str, str]:
    """Return the download names of a result's files, by kind (blt, csv, attributes, result)."""
    stem = f"{result.contest.election.slug}-{result.contest.slug}"
    if result.count.kind == "vacancy":
        stem += f"-vacancy-{result.count_id}"
    elif result.count.kind == "recount":
        stem += f"-recount-{result.count_id}"
    return {
        "blt": f"{stem}.blt",
        "csv": f"{stem}.csv",
        "attributes": f"{stem}-attributes.csv",
        "result": f"{stem}-result.json",
    }


def recount_arguments(result: ContestResult) -> list[str]:
    """Return the `hustings count` arguments (after the verb) that recount this result."""
    names = file_names(result)
    constraints = [
        Constraint(c["attribute"], c["value"], c["minimum"], c["maximum"])
        for c in result.result.get("constraints", [])
    ]
    rule_args, _ = cli_constraints(constraints)
    args = [names["blt"], "--method", result.method, "--attributes", names["attributes"]]
    args += rule_args
    if result.seed:
        args += ["--seed", result.seed]
    return [*args, "--format", "json"]


def recount_command(result: ContestResult) -> str:
    """Return the command line anyone can run to recount the published ballots of a result."""
    return shlex.join(["hustings", "count", *recount_arguments(result)])
