"""What every report shares: the rows, the stage headings and the figures of the count sheet."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hustings.counting.result import CountResult, Stage

__all__ = [
    "Row",
    "action_label",
    "figure",
    "rows",
    "signed",
    "stage_heading",
    "summary",
    "total_after",
]

_ACTIONS = {
    "first-preferences": "First preferences",
    "surplus": "Surplus of",
    "exclusion": "Exclusion of",
    "iteration": "Iteration",
    "fill": "Remaining seats filled",
    "substitution": "Substitution",
}


def figure(value: Decimal | None) -> str:
    """Return a value in fixed-point notation with all its places ("" for none)."""
    return "" if value is None else format(value, "f")


def signed(value: Decimal | None) -> str:
    """Return a transfer with its sign ("" when nothing moved)."""
    if value is None or value == 0:
        return ""
    text = format(value, "f")
    return text if text.startswith("-") else "+" + text


def action_label(stage: Stage, method: str) -> str:
    """Return the kind of stage in a few words, e.g. 'Surplus' or 'First preferences'."""
    if method == "block" and stage.action == "first-preferences":
        return "Votes"
    if stage.action == "surplus":
        return "Surplus"
    if stage.action == "exclusion":
        return "Exclusion"
    return _ACTIONS.get(stage.action, stage.action)


def stage_heading(stage: Stage, method: str) -> str:
    """Return a short heading for a stage, e.g. 'Surplus of Ann Smith'."""
    if method == "block" and stage.action == "first-preferences":
        return "Votes"
    label = _ACTIONS.get(stage.action, stage.action)
    if stage.action in ("surplus", "exclusion") and stage.subjects:
        return f"{label} {', '.join(stage.subjects)}"
    if stage.action in ("iteration", "substitution") and stage.subjects:
        return f"{label}: {', '.join(stage.subjects)}"
    return label


@dataclass(frozen=True)
class Row:
    """One candidate's line of the sheet."""

    name: str
    #: The stage at which the candidate was elected or excluded, if any.
    elected_at: int | None
    excluded_at: int | None
    #: Place in the order of election (1 for the first elected), if elected.
    place: int | None

    @property
    def outcome(self) -> str:
        """Return 'elected', 'excluded' or 'not elected'."""
        if self.place is not None:
            return "elected"
        if self.excluded_at is not None:
            return "excluded"
        return "not elected"


def rows(result: CountResult) -> list[Row]:
    """Return the standing candidates in ballot-file order with when each was decided."""
    elected_at: dict[str, int] = {}
    excluded_at: dict[str, int] = {}
    for stage in result.stages:
        for name in stage.elected:
            elected_at.setdefault(name, stage.number)
        for name in stage.excluded:
            excluded_at.setdefault(name, stage.number)
    place = {name: i for i, name in enumerate(result.elected, start=1)}
    withdrawn = set(result.withdrawn)
    return [
        Row(
            name=name,
            elected_at=elected_at.get(name),
            excluded_at=excluded_at.get(name),
            place=place.get(name),
        )
        for name in result.candidates
        if name not in withdrawn
    ]


def summary(result: CountResult) -> list[tuple[str, str]]:
    """Return the count's particulars as (label, value) pairs, in the order a sheet gives them."""
    facts = [
        ("Method", f"{result.method} ({result.rule_version})"),
        ("Seats", str(result.seats)),
        ("Valid ballots", f"{result.valid:,}"),
        ("Invalid ballots", f"{result.invalid:,}"),
    ]
    if result.quota is not None:
        facts.append(("Quota", figure(result.quota)))
    if result.withdrawn:
        facts.append(("Withdrawn", ", ".join(result.withdrawn)))
    if result.constraints:
        facts.append(("Representation rules", "; ".join(c.label() for c in result.constraints)))
    facts.append(
        (
            "Seed for decisions by lot",
            "none needed (no lot was drawn)" if result.seed is None else str(result.seed),
        )
    )
    return facts


def transfers_votes(result: CountResult) -> bool:
    """Say whether the method moves votes between candidates (so non-transferable ones exist)."""
    return result.method != "block"


def total_after(stage: Stage) -> Decimal:
    """Return the sum of the candidates' totals and the non-transferable votes at a stage."""
    return sum(stage.totals.values(), Decimal(0)) + stage.non_transferable
