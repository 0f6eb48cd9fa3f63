"""The count sheet as plain text: what a returning officer reads out, checks and signs."""

from __future__ import annotations

import textwrap

from hustings.counting.report._sheet import (
    Row,
    action_label,
    figure,
    rows,
    signed,
    stage_heading,
    summary,
    total_after,
    transfers_votes,
)
from hustings.counting.result import CountResult, Stage

__all__ = ["text_report"]

_GAP = "  "
_NON_TRANSFERABLE = "Non-transferable"
_TOTAL = "Total"
_QUOTA = "Quota"


def text_report(result: CountResult, *, width: int = 100) -> str:
    """Return the count sheet as text, with stages in as many blocks as `width` requires."""
    heading = f"Count sheet: {result.title}" if result.title else "Count sheet"
    out = [heading, "=" * len(heading), ""]
    facts = summary(result)
    label_width = max(len(label) for label, _ in facts) + 1
    out += [f"{label + ':':<{label_width}} {value}" for label, value in facts]
    out += ["", *_sheet(result, width), ""]
    out += ["Stages", "------"]
    for stage in result.stages:
        out += _wrapped(
            f"{stage.number}. {stage_heading(stage, result.method)}.", stage.note, width
        )
    out.append("")
    out += ["Ties", "----"]
    if result.tie_breaks:
        for tie in result.tie_breaks:
            text = (
                f"Stage {tie.stage}, {tie.purpose}: {', '.join(tie.candidates)} were tied; "
                f"{tie.chosen} was chosen by {tie.by}."
            )
            out += textwrap.wrap(text, width, initial_indent="- ", subsequent_indent="  ")
            if tie.note:
                out += textwrap.wrap(tie.note, width, initial_indent="  ", subsequent_indent="  ")
    else:
        out.append("No ties had to be broken.")
    if result.seed is not None:
        out.append(
            f"Any decision by lot is drawn from the seed {result.seed}; "
            "the same seed draws the same."
        )
    out += ["", "Result", "------"]
    by_name = {row.name: row for row in rows(result)}
    if result.elected:
        out.append(
            f"Elected ({len(result.elected)} of {result.seats} seats), in order of election:"
        )
        for place, name in enumerate(result.elected, start=1):
            when = by_name[name].elected_at if name in by_name else None
            at = f" (stage {when})" if when is not None else ""
            out.append(f"  {place}. {name}{at}")
    else:
        out.append("Nobody was elected.")
    out += [
        "",
        "I declare this to be a true count of the votes cast.",
        "",
        "Returning officer: ________________________________   Date: ______________",
        "",
        "Signature: ________________________________",
        "",
    ]
    return "\n".join(out)


def _wrapped(first: str, note: str, width: int) -> list[str]:
    lines = textwrap.wrap(first, width)
    if note:
        lines += textwrap.wrap(note, width, initial_indent="   ", subsequent_indent="   ")
    return lines


def _sheet(result: CountResult, width: int) -> list[str]:
    """Return the table of totals, stage by stage, in blocks that fit the width."""
    candidates = rows(result)
    names = [row.name for row in candidates]
    show_quota = any(stage.quota is not None for stage in result.stages)
    label_width = max(
        [len(name) for name in names] + [len(_NON_TRANSFERABLE), len(_TOTAL), len("Candidate")]
    )
    columns = [_StageColumns(stage, candidates, result.method) for stage in result.stages]
    blocks: list[list[_StageColumns]] = []
    used = label_width
    for column in columns:
        if blocks and used + len(_GAP) + column.width <= width:
            blocks[-1].append(column)
            used += len(_GAP) + column.width
        else:
            blocks.append([column])
            used = label_width + len(_GAP) + column.width
    lines: list[str] = []
    for block in blocks:
        if lines:
            lines.append("")
        for title in ("title", "action", "subject"):
            cells = [getattr(c, title) for c in block]
            if any(cells):
                lines.append(
                    (
                        f"{'':<{label_width}}"
                        + "".join(
                            _GAP + cell.center(c.width)
                            for cell, c in zip(cells, block, strict=True)
                        )
                    ).rstrip()
                )
        lines.append(f"{'Candidate':<{label_width}}" + "".join(_GAP + c.subtitle() for c in block))
        lines.append("-" * (label_width + sum(len(_GAP) + c.width for c in block)))
        for row in candidates:
            lines.append(
                (
                    f"{row.name:<{label_width}}" + "".join(_GAP + c.cells(row.name) for c in block)
                ).rstrip()
            )
        lines.append("-" * (label_width + sum(len(_GAP) + c.width for c in block)))
        labels = [_NON_TRANSFERABLE] if transfers_votes(result) else []
        labels += [_TOTAL] + ([_QUOTA] if show_quota else [])
        for label in labels:
            lines.append(
                (f"{label:<{label_width}}" + "".join(_GAP + c.cells(label) for c in block)).rstrip()
            )
    lines += ["", "E: elected at this stage.  X: excluded at this stage."]
    return lines


class _StageColumns:
    """The one or two columns (transfer, total) of one stage, sized to their figures."""

    def __init__(self, stage: Stage, candidates: list[Row], method: str) -> None:
        self.stage = stage
        self.title = f"Stage {stage.number}"
        self.action = action_label(stage, method)
        self.subject = ", ".join(stage.subjects)
        self.first = stage.action == "first-preferences"
        self.values: dict[str, tuple[str, str]] = {}
        for name in (row.name for row in candidates):
            mark = "E" if name in stage.elected else "X" if name in stage.excluded else " "
            total = stage.totals.get(name)
            self.values[name] = (
                signed(stage.transfers.get(name)),
                (figure(total) if total is not None else "-") + " " + mark,
            )
        self.values[_NON_TRANSFERABLE] = (
            signed(stage.transfers.get("")),
            figure(stage.non_transferable) + "  ",
        )
        self.values[_TOTAL] = ("", figure(total_after(stage)) + "  ")
        self.values[_QUOTA] = ("", (figure(stage.quota) if stage.quota is not None else "") + "  ")
        self.total_width = max(len("Total  "), *(len(t) for _, t in self.values.values()))
        self.transfer_width = (
            0 if self.first else max(len("Transfer"), *(len(t) for t, _ in self.values.values()))
        )
        inner = self.total_width + (self.transfer_width + len(_GAP) if not self.first else 0)
        self.width = max(inner, len(self.title), len(self.action))
        if len(self.subject) > self.width:
            self.subject = self.subject[: self.width - 1] + "…"
        self.pad = self.width - inner

    def subtitle(self) -> str:
        total = "Total  ".rjust(self.total_width)
        if self.first:
            return " " * self.pad + total
        return " " * self.pad + "Transfer".rjust(self.transfer_width) + _GAP + total

    def cells(self, key: str) -> str:
        transfer, total = self.values[key]
        if self.first:
            return " " * self.pad + total.rjust(self.total_width)
        return (
            " " * self.pad
            + transfer.rjust(self.transfer_width)
            + _GAP
            + total.rjust(self.total_width)
        )
