"""Turn a stored result (CountResult.to_dict()) into what the result pages show.

Pure functions of the stored JSON, so a page shows exactly the figures that were published and that
anyone's recount of the downloads reproduces. Nothing here queries the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hustings.results.charts import Line, VoteBar, block_chart, legend_swatch, stages_chart

__all__ = [
    "Cell",
    "Sheet",
    "SheetRow",
    "StageColumn",
    "bars",
    "block_votes_chart",
    "representation_sentences",
    "rule_words",
    "sheet",
    "stage_lines",
    "stv_chart",
]

# How a rule's group of people reads in a sentence ("seats must go to women").
_GROUPS = {
    ("gender", "woman"): "women",
    ("gender", "man"): "men",
    ("gender", "non-binary"): "non-binary candidates",
    # A casual vacancy's count keeps the remaining members elected by this rule.
    ("sitting", "yes"): "the members still sitting",
}


def _group(attribute: str, value: str) -> str:
    return _GROUPS.get((attribute, value), f"candidates whose {attribute} is {value}")


def rule_words(constraint: Mapping[str, Any], seats: int) -> str:
    """Return a representation rule as a sentence's end, e.g. 'at least 3 of the 6 seats must go to women'."""
    group = _group(constraint["attribute"], constraint["value"])
    minimum = int(constraint.get("minimum") or 0)
    maximum = constraint.get("maximum")
    if maximum is None:
        return f"at least {minimum} of the {seats} seats must go to {group}"
    if not minimum:
        return f"no more than {maximum} of the {seats} seats may go to {group}"
    return f"between {minimum} and {maximum} of the {seats} seats must go to {group}"


def _has(attributes: Mapping[str, Mapping[str, str]], name: str, rule: Mapping[str, Any]) -> bool:
    return bool(attributes.get(name, {}).get(rule["attribute"]) == rule["value"])


def _served(result: Mapping[str, Any], out: str, into: str) -> list[Mapping[str, Any]]:
    """Return the rules that replacing `out` by `into` helps to meet."""
    attributes = result.get("attributes", {})
    served = []
    for rule in result.get("constraints", []):
        gains = _has(attributes, into, rule) and not _has(attributes, out, rule)
        loses = _has(attributes, out, rule) and not _has(attributes, into, rule)
        if (rule.get("minimum") and gains) or (rule.get("maximum") is not None and loses):
            served.append(rule)
    return served


def _votes(value: str) -> Decimal:
    return Decimal(value)


def representation_sentences(result: Mapping[str, Any]) -> list[str]:
    """Explain in words every place a representation rule changed who was elected."""
    seats = int(result["seats"])
    rules = list(result.get("constraints", []))
    every_rule = " and ".join(rule_words(rule, seats) for rule in rules)
    sentences = []
    for stage in result.get("rounds", []):
        if stage["action"] == "substitution" and len(stage["subjects"]) == 2:
            out, into = stage["subjects"]
            totals = stage["totals"]
            more = (
                "who had more votes"
                if _votes(totals[out]) > _votes(totals[into])
                else "who had as many votes"
            )
            served = _served(result, out, into)
            because = (
                " and ".join(rule_words(rule, seats) for rule in served) if served else every_rule
            )
            sentences.append(f"{into} was elected in place of {out}, {more}, because {because}.")
        for name in stage.get("doomed", []):
            sentences.append(
                f"{name} was excluded at stage {stage['number']}, because electing them would have "
                f"made it impossible to meet the rule that {every_rule}."
            )
    return sentences


# -- The count sheet ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StageColumn:
    """One stage's heading on the sheet."""

    number: int
    heading: str
    note: str
    # The first stage has only totals; later stages have a transfer column too.
    has_transfers: bool
    elected: tuple[str, ...]
    excluded: tuple[str, ...]
    quota: str | None


@dataclass(frozen=True)
class Cell:
    """One candidate's (or summary line's) figures at one stage."""

    transfer: str
    total: str
    mark: str = ""
    #: Whether the stage moved votes (every stage but the first), so the cell shows a transfer.
    has_transfers: bool = True


@dataclass(frozen=True)
class SheetRow:
    """One line of the sheet: a candidate's name and their figures stage by stage."""

    name: str
    candidacy_id: int | None
    outcome: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Sheet:
    """The whole count sheet, ready for a template."""

    stages: tuple[StageColumn, ...]
    rows: tuple[SheetRow, ...]
    summary: tuple[SheetRow, ...]


_HEADINGS = {
    "first-preferences": "First preferences",
    "surplus": "Surplus of",
    "exclusion": "Exclusion of",
    "iteration": "Iteration",
    "fill": "Remaining seats filled",
    "substitution": "Substitution",
}


def _heading(stage: Mapping[str, Any], method: str) -> str:
    action = stage["action"]
    if method == "block" and action == "first-preferences":
        return "Votes"
    label = str(_HEADINGS.get(action, action))
    subjects = ", ".join(stage["subjects"])
    if action in ("surplus", "exclusion") and subjects:
        return f"{label} {subjects}"
    if action == "substitution" and len(stage["subjects"]) == 2:
        return f"{stage['subjects'][1]} replaces {stage['subjects'][0]}"
    if subjects:
        return f"{label}: {subjects}"
    return label


def _signed(value: str | None) -> str:
    if value is None or Decimal(value) == 0:
        return ""
    return value if value.startswith("-") else "+" + value


def _outcome(name: str, elected: Sequence[str], excluded: set[str], method: str) -> str:
    if name in elected:
        return "elected"
    if name in excluded:
        # A block vote excludes no one: a winner it drops gave way to a representation rule.
        return "replaced" if method == "block" else "excluded"
    return "not elected"


def _moves(stage: Mapping[str, Any]) -> bool:
    return bool(stage["action"] != "first-preferences")


def sheet(result: Mapping[str, Any], candidacy_ids: Sequence[int] = ()) -> Sheet:
    """Return the stage-by-stage count sheet of a stored result."""
    method = result["method"]
    rounds = result["rounds"]
    columns = tuple(
        StageColumn(
            number=stage["number"],
            heading=_heading(stage, method),
            note=stage.get("note", ""),
            has_transfers=_moves(stage),
            elected=tuple(stage["elected"]),
            excluded=tuple(stage["excluded"]),
            quota=stage.get("quota"),
        )
        for stage in rounds
    )
    ids = dict(zip(result["candidates"], candidacy_ids, strict=False))
    withdrawn = set(result.get("withdrawn", []))
    excluded = {name for stage in rounds for name in stage["excluded"]}
    elected = result["elected"]
    rows = []
    for name in result["candidates"]:
        if name in withdrawn:
            continue
        cells = []
        for stage in rounds:
            total = stage["totals"].get(name)
            mark = ""
            if name in stage["elected"]:
                mark = "elected"
            elif name in stage["excluded"]:
                mark = "excluded"
            cells.append(
                Cell(
                    transfer=_signed(stage["transfers"].get(name)),
                    total="–" if total is None else total,
                    mark=mark,
                    has_transfers=_moves(stage),
                )
            )
        rows.append(
            SheetRow(
                name=name,
                candidacy_id=ids.get(name),
                outcome=_outcome(name, elected, excluded - set(elected), method),
                cells=tuple(cells),
            )
        )
    summary = []
    if method != "block":
        summary.append(
            SheetRow(
                name="Non-transferable",
                candidacy_id=None,
                outcome="",
                cells=tuple(
                    Cell(
                        transfer=_signed(stage["transfers"].get("")),
                        total=stage["non_transferable"],
                        has_transfers=_moves(stage),
                    )
                    for stage in rounds
                ),
            )
        )
    places = int(result.get("places", 0))
    summary.append(
        SheetRow(
            name="Total",
            candidacy_id=None,
            outcome="",
            cells=tuple(
                Cell(
                    transfer="",
                    has_transfers=_moves(stage),
                    total=format(
                        (
                            sum((Decimal(v) for v in stage["totals"].values()), Decimal(0))
                            + Decimal(stage["non_transferable"])
                        ).quantize(Decimal(1).scaleb(-places)),
                        "f",
                    ),
                )
                for stage in rounds
            ),
        )
    )
    if any(stage.get("quota") is not None for stage in rounds):
        summary.append(
            SheetRow(
                name="Quota",
                candidacy_id=None,
                outcome="",
                cells=tuple(
                    Cell(transfer="", total=stage.get("quota") or "", has_transfers=_moves(stage))
                    for stage in rounds
                ),
            )
        )
    return Sheet(stages=columns, rows=tuple(rows), summary=tuple(summary))


# -- Charts -------------------------------------------------------------------------------------


def bars(result: Mapping[str, Any]) -> list[VoteBar]:
    """Return each standing candidate's votes in a block vote, most votes first."""
    first = result["rounds"][0]["totals"]
    elected = set(result["elected"])
    standing = [name for name in result["candidates"] if name not in set(result["withdrawn"])]
    order = sorted(standing, key=lambda name: (-Decimal(first.get(name, "0")), name))
    return [VoteBar(name, int(Decimal(first.get(name, "0"))), name in elected) for name in order]


def block_votes_chart(result: Mapping[str, Any], *, ident: str) -> str:
    """Return the block vote's bar chart as SVG."""
    return block_chart(
        bars(result), title=f"Votes for each candidate: {result['title']}", ident=ident
    )


def stage_lines(result: Mapping[str, Any]) -> list[tuple[Line, str]]:
    """Return each standing candidate's totals across the stages, with their legend swatch."""
    rounds = result["rounds"]
    elected = set(result["elected"])
    withdrawn = set(result.get("withdrawn", []))
    lines = []
    standing = [name for name in result["candidates"] if name not in withdrawn]
    for index, name in enumerate(standing):
        line = Line(
            label=name,
            totals=tuple(Decimal(stage["totals"].get(name, "0")) for stage in rounds),
            elected=name in elected,
        )
        lines.append((line, legend_swatch(index, line.elected)))
    return lines


def stv_chart(result: Mapping[str, Any], *, ident: str) -> str:
    """Return the chart of each candidate's total across the stages of an STV count, as SVG."""
    rounds = result["rounds"]
    return stages_chart(
        [line for line, _ in stage_lines(result)],
        stages=[stage["number"] for stage in rounds],
        quotas=[
            None if stage.get("quota") is None else Decimal(stage["quota"]) for stage in rounds
        ],
        title=f"Votes for each candidate at each stage: {result['title']}",
        ident=ident,
    )
