"""`hustings count FILE ...`: count a ballot file and print the result. Never imports Django.

Exit status 0 when the count is printed, 2 when the ballot file, another input or an option is
wrong; the message then goes to standard error, naming the file and line where it can.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from hustings.counting import METHODS, Constraint, CountError, Profile, Rules, count
from hustings.counting.io import FORMATS, BallotFormat, format_of
from hustings.counting.io.attributes import read_attributes
from hustings.counting.io.blt import parse_blt
from hustings.counting.io.csvfile import parse_csv_ballots
from hustings.counting.io.jsonfile import parse_json_ballots
from hustings.counting.report import REPORT_FORMATS, render

__all__ = ["run"]

PROG = "hustings count"

_EPILOG = """\
examples:
  hustings count ward1.blt
  hustings count nec.blt --method scottish-stv --seats 9 --attributes nec-attributes.csv \\
      --min gender=woman:5 --format html --output result.html
  hustings count votes.csv --method block --seats 6 --format json

The ballot file's format comes from its extension (.blt, .csv, .json) unless --input-format says.
A CSV file has a row per ballot: columns 1, 2, 3, ... hold the names in order of preference, or,
for a block vote, one column per candidate holds X for a mark; an optional weight column counts
a row that many times. The attributes file is a CSV headed candidate,ATTRIBUTE,... with one row
per candidate by name. See docs/counting/files.md for every format and option.

exit status: 0 when the result is printed, 2 when an input or an option is wrong.
"""


class _Refusal(Exception):
    """A problem with the inputs, reported on standard error with exit status 2."""


class _Parser(argparse.ArgumentParser):
    """An argument parser that reports through run()'s exit status instead of exiting."""

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            sys.stderr.write(message)
        raise _Exit(status)


class _Exit(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def _positive(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return int(text)


def _seed(text: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError(f"expected a whole number of 0 or more, not {text!r}")
    return int(text)


def _parser() -> _Parser:
    parser = _Parser(
        prog=PROG,
        description="Count a ballot file by block vote or STV and print the count sheet.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "file", metavar="FILE", help="the ballot file (.blt, .csv, .json); - reads standard input"
    )
    counting = parser.add_argument_group("the count")
    counting.add_argument(
        "--method",
        choices=METHODS,
        default="scottish-stv",
        help="counting method (default: %(default)s); one seat under any STV method is the "
        "alternative vote",
    )
    counting.add_argument(
        "--seats", type=_positive, metavar="N", help="seats to fill (default: the BLT file's own)"
    )
    counting.add_argument(
        "--attributes",
        metavar="FILE.csv",
        help="the candidates' attributes: a CSV headed candidate,ATTRIBUTE,... with a row per "
        "candidate",
    )
    counting.add_argument(
        "--min",
        action="append",
        default=[],
        metavar="ATTR=VALUE:N",
        help="elect at least N candidates with this attribute value, e.g. gender=woman:3 "
        "(repeatable)",
    )
    counting.add_argument(
        "--max",
        action="append",
        default=[],
        metavar="ATTR=VALUE:N",
        help="elect at most N candidates with this attribute value (repeatable)",
    )
    counting.add_argument(
        "--seed",
        type=_seed,
        metavar="S",
        help="seed for any decision by lot (default: one drawn from the ballots, so recounts agree)",
    )
    reading = parser.add_argument_group("reading the ballots")
    reading.add_argument(
        "--input-format", choices=FORMATS, help="the ballot file's format, if not its extension's"
    )
    reading.add_argument(
        "--encoding",
        default="utf-8",
        help="text encoding of a BLT or CSV file (default: %(default)s)",
    )
    reading.add_argument(
        "--equal-rankings",
        choices=("reject", "truncate"),
        default="reject",
        help="BLT: refuse a ballot that ranks candidates equal (2=5), or count it up to the "
        "preference before (default: %(default)s)",
    )
    reading.add_argument(
        "--skipped-ranks",
        choices=("reject", "truncate"),
        default="reject",
        help="BLT and CSV: refuse a ballot with a skipped rank (- or a blank column), or count "
        "it up to the gap (default: %(default)s)",
    )
    reading.add_argument(
        "--keep-mojibake",
        action="store_true",
        help="BLT: keep names exactly as decoded, without repairing UTF-8 that was mis-read as "
        "Windows-1252",
    )
    reading.add_argument(
        "--candidates",
        metavar="FILE",
        help="ranked CSV: a text file naming every candidate, one per line, in ballot order "
        "(otherwise the names found in the ballots, in order of first appearance)",
    )
    reading.add_argument(
        "--title", help="the election's title for the report (default: the file's)"
    )
    output = parser.add_argument_group("the result")
    output.add_argument(
        "--format",
        choices=REPORT_FORMATS,
        default="text",
        help="text: the count sheet to sign; json: every stage as data; html: one "
        "self-contained page with a chart; csv: the sheet as a table (default: %(default)s)",
    )
    output.add_argument(
        "--output", metavar="FILE", help="write the result here instead of to standard output"
    )
    return parser


def run(argv: list[str]) -> int:
    """Run `hustings count` with these arguments and return the exit status."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except _Exit as done:
        return done.status
    try:
        profile = _read_profile(args)
        rules = _rules(args, profile)
        result = count(profile, rules)
        text = render(result, args.format)
        _write(text, args.output)
    except _Refusal as refusal:
        return _fail(str(refusal))
    except CountError as error:
        return _fail(str(error))
    except UnicodeError as error:
        return _fail(f"{args.file}: cannot decode the text ({error})")
    except OSError as error:
        return _fail(_os_message(error))
    return 0


def _fail(message: str) -> int:
    sys.stderr.write(f"{PROG}: error: {message}\n")
    return 2


def _os_message(error: OSError) -> str:
    if error.filename is not None and error.strerror:
        return f"{error.filename}: {error.strerror}"
    return str(error)


def _read_profile(args: argparse.Namespace) -> Profile:
    if args.file == "-":
        if args.input_format is None:
            raise _Refusal("reading standard input needs --input-format blt, csv or json")
        data = sys.stdin.buffer.read()
        name = "<stdin>"
        chosen: BallotFormat = args.input_format
    else:
        chosen = args.input_format or format_of(args.file)
        path = Path(args.file)
        if path.is_dir():
            raise _Refusal(f"{args.file}: is a directory, not a ballot file")
        data = path.read_bytes()
        name = args.file
    if chosen == "blt":
        profile = parse_blt(
            data,
            path=name,
            encoding=args.encoding,
            equal_rankings=args.equal_rankings,
            skipped_ranks=args.skipped_ranks,
            repair_names=not args.keep_mojibake,
        )
    elif chosen == "csv":
        candidates = _candidates(args.candidates) if args.candidates else None
        profile = parse_csv_ballots(
            _decode(data, args.encoding, name),
            path=name,
            layout="auto" if args.method == "block" else "ranked",
            candidates=candidates,
            skipped_ranks=args.skipped_ranks,
        )
    else:
        profile = parse_json_ballots(_decode(data, "utf-8", name), path=name)
    if args.title is not None:
        profile = Profile(
            candidates=profile.candidates,
            rankings=profile.rankings,
            weights=profile.weights,
            seats=profile.seats,
            title=args.title,
            withdrawn=profile.withdrawn,
            rejected=profile.rejected,
        )
    return profile


def _decode(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode("utf-8-sig" if encoding.lower() in ("utf-8", "utf8") else encoding)
    except LookupError:
        raise _Refusal(f"unknown text encoding {encoding!r}") from None
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise _Refusal(
            f"{name}:{line}: the file is not valid {encoding} text; give its encoding with "
            "--encoding"
        ) from None


def _candidates(path: str) -> list[str]:
    """Read a list of candidates' names, one per line; blank lines and # comments are skipped."""
    data = Path(path).read_bytes()
    text = _decode(data, "utf-8", path)
    names: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        name = line.strip()
        if not name or name.startswith("#"):
            continue
        if name in names:
            raise _Refusal(f"{path}:{number}: {name!r} is listed twice")
        names.append(name)
    if not names:
        raise _Refusal(f"{path}: names no candidates")
    return names


def _rules(args: argparse.Namespace, profile: Profile) -> Rules:
    if args.seats is None and profile.seats is None:
        raise _Refusal(
            f"{args.file}: the ballot file does not give the number of seats; give it with --seats"
        )
    seats = args.seats if args.seats is not None else profile.seats
    if seats is not None and seats > len(profile.candidates):
        raise _Refusal(
            f"{seats} seats but only {len(profile.candidates)} candidates in {args.file}"
        )
    bounds: dict[tuple[str, str], dict[str, int | None]] = {}
    for kind in ("min", "max"):
        for text in getattr(args, kind):
            parsed = Constraint.parse(text, kind=kind)
            given = bounds.setdefault((parsed.attribute, parsed.value), {})
            if kind in given:
                raise _Refusal(f"--{kind} {parsed.attribute}={parsed.value} is given twice")
            given[kind] = parsed.minimum if kind == "min" else parsed.maximum
    # A --min and a --max for the same group make one rule with both bounds.
    constraints = {
        key: Constraint(key[0], key[1], minimum=given.get("min") or 0, maximum=given.get("max"))
        for key, given in bounds.items()
    }
    attributes: dict[str, dict[str, str]] = {}
    if args.attributes:
        attributes = read_attributes(
            args.attributes, candidates=profile.candidates, encoding=args.encoding
        )
    elif constraints:
        raise _Refusal(
            "--min and --max need the candidates' attributes: give --attributes FILE.csv"
        )
    return Rules(
        method=args.method,
        seats=args.seats,
        constraints=tuple(constraints.values()),
        attributes=attributes,
        seed=args.seed,
    )


def _write(text: str, output: str | None) -> None:
    if output is None:
        # Bytes, so that names print whatever the terminal's locale says about its encoding.
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            sys.stdout.write(text)
            return
        sys.stdout.flush()
        buffer.write(text.encode("utf-8"))
        buffer.flush()
        return
    Path(output).write_text(text, encoding="utf-8", newline="\n")
