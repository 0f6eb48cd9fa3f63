"""Errors the counting library raises: every one says what is wrong and where."""

from __future__ import annotations

__all__ = ["BallotFileError", "CountError", "InfeasibleConstraints"]


class CountError(ValueError):
    """Raise when a count cannot be carried out as asked."""


class InfeasibleConstraints(CountError):
    """Raise when no set of winners could satisfy the representation constraints."""


class BallotFileError(CountError):
    """Raise when a ballot file is malformed; names the file and line."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.problem = message
        where = ""
        if path is not None:
            where = f"{path}:"
            if line is not None:
                where += f"{line}:"
            where += " "
        elif line is not None:
            where = f"line {line}: "
        super().__init__(f"{where}{message}")
