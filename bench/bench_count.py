"""Time whole `hustings count` processes against pyrankvote, VoteKit and pref_voting on the same files.

Every tool runs as its own process, from interpreter start to exit, reading the BLT file itself:
`hustings count FILE --method scottish-stv --format json` for Hustings, and a small driver per peer
(bench/peer_*.py, run by bench/.venv-peers/bin/python; see bench/setup-peers.sh). Each run's wall
clock comes from time.perf_counter around the child and its peak resident memory from
os.wait4's rusage for that child alone. The table shows medians, the ratio of each median to
Hustings's, and whether the peer elected the same set of candidates.

Run bench/synth_profiles.py first to write the profiles into bench/out/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = ["Measurement", "Tool", "main", "measure"]

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PEERS_PYTHON = BENCH / ".venv-peers" / "bin" / "python"
TARGET_SECONDS = 1.5
TARGET_SPEEDUP = 10.0
TARGET_PEAK_BYTES = 1 << 30


@dataclass(frozen=True)
class Tool:
    """A counting program and how to run it on one file."""

    name: str
    label: str
    argv_prefix: tuple[str, ...]
    argv_suffix: tuple[str, ...] = ()

    def argv(self, path: Path) -> list[str]:
        """Return the command line that counts `path`."""
        return [*self.argv_prefix, str(path), *self.argv_suffix]


@dataclass
class Run:
    """One timed process."""

    seconds: float
    peak_bytes: int
    timed_out: bool
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Measurement:
    """Every run of one tool on one file, and the winners it reported."""

    tool: str
    label: str
    ballots: int
    seconds: list[float] = field(default_factory=list)
    peak_bytes: list[int] = field(default_factory=list)
    timed_out_after: float | None = None
    failed: str | None = None
    elected: list[str] | None = None
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def median(self) -> float | None:
        """Return the median wall-clock seconds, or None without a completed run."""
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def peak(self) -> int | None:
        """Return the largest peak RSS seen over the runs, in bytes."""
        return max(self.peak_bytes) if self.peak_bytes else None


def run_once(argv: list[str], timeout: float) -> Run:
    """Run `argv` to completion (or kill it after `timeout` s) and measure it."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True
        )
        expired = threading.Event()

        def kill() -> None:
            expired.set()
            os.killpg(process.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        # wait4 reaps this one child and hands back its own rusage, so ru_maxrss is this run's
        # peak and not the maximum over every child so far (as RUSAGE_CHILDREN would be).
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            seconds=seconds,
            peak_bytes=usage.ru_maxrss * 1024,  # Linux reports kibibytes
            timed_out=expired.is_set(),
            returncode=process.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def measure(
    tool: Tool, path: Path, ballots: int, repeats: int, timeout: float, long_run: float
) -> Measurement:
    """Time `repeats` runs of `tool` on `path`; stop repeating once a run exceeds `long_run` s."""
    result = Measurement(tool=tool.name, label=tool.label, ballots=ballots)
    for _ in range(repeats):
        run = run_once(tool.argv(path), timeout)
        if run.timed_out:
            result.timed_out_after = timeout
            break
        if run.returncode != 0:
            result.failed = f"exit {run.returncode}: {run.stderr.strip()[-500:]}"
            break
        result.seconds.append(run.seconds)
        result.peak_bytes.append(run.peak_bytes)
        try:
            output = json.loads(run.stdout)
        except json.JSONDecodeError as error:
            result.failed = f"output is not JSON ({error})"
            break
        elected = [str(name) for name in output["elected"]]
        if result.elected is not None and elected != result.elected:
            result.failed = "elected a different set on a repeated run"
            break
        result.elected = elected
        for phase in ("load_s", "count_s"):
            if phase in output:
                value = float(output[phase])
                result.phases[phase] = min(value, result.phases.get(phase, value))
        if run.seconds > long_run:
            break
    return result


def ballots_in(path: Path) -> int:
    """Return the number of ballots in a file written by synth_profiles.py (one per line)."""
    with path.open("rb") as f:
        lines = f.read().split(b"\n")
    return lines.index(b"0", 1) - 1


def machine() -> dict[str, str]:
    """Describe this machine and the moment, for the record."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "load average at start": load,
    }


def _seconds(m: Measurement) -> str:
    if m.timed_out_after is not None:
        return f"> {m.timed_out_after:.0f} (timed out)"
    if m.failed is not None:
        return "failed"
    median = m.median
    return f"{median:.2f}" if median is not None else "-"


def _agreement(m: Measurement, reference: Measurement) -> str:
    if m is reference:
        return "-"
    if m.elected is None or reference.elected is None:
        return "n/a"
    if set(m.elected) == set(reference.elected):
        return "same 9" if len(m.elected) == 9 else f"same {len(m.elected)}"
    differs = sorted(set(m.elected) ^ set(reference.elected))
    return "differs: " + "; ".join(("+" if name in m.elected else "-") + name for name in differs)


def _ratio(value: float) -> str:
    if value >= 10:
        return f"{value:.0f}"
    return f"{value:.1f}" if value >= 1 else f"{value:.2f}"


def print_table(results: list[Measurement], reference: Measurement) -> None:
    """Print one size's results, Hustings first."""
    header = (
        f"{'tool':<34} {'median s':>18} {'runs':>4} {'peak MiB':>9} {'× hustings':>10}  winners"
    )
    print(header)
    print("-" * len(header))
    for m in results:
        median, base = m.median, reference.median
        if m.timed_out_after is not None and base:
            ratio = "> " + _ratio(m.timed_out_after / base)
        elif median is not None and base:
            ratio = _ratio(median / base)
        else:
            ratio = "-"
        peak = f"{m.peak / 2**20:.0f}" if m.peak is not None else "-"
        print(
            f"{m.label:<34} {_seconds(m):>18} {len(m.seconds):>4} {peak:>9} {ratio:>10}  "
            f"{_agreement(m, reference)}"
        )
        if m.failed:
            print(f"    {m.failed}")
    print()


def verdict(reference: Measurement, peers: list[Measurement]) -> list[str]:
    """Say whether the 1,000,000-ballot targets of the issue are met, with the figures."""
    lines: list[str] = []
    median, peak = reference.median, reference.peak
    if median is None or peak is None:
        return ["hustings did not complete; no verdict"]
    lines.append(
        f"time   {median:.2f} s (target < {TARGET_SECONDS} s): "
        + ("met" if median < TARGET_SECONDS else "MISSED")
    )
    lines.append(
        f"memory {peak / 2**20:.0f} MiB (target < 1 GiB): "
        + ("met" if peak < TARGET_PEAK_BYTES else "MISSED")
    )
    finished = [m for m in peers if m.median is not None]
    if finished:
        fastest = min(finished, key=lambda m: m.median or 0.0)
        speedup = (fastest.median or 0.0) / median
        lines.append(
            f"speed  {speedup:.1f}× the fastest peer, {fastest.label} at "
            f"{fastest.median:.2f} s (target ≥ {TARGET_SPEEDUP:.0f}×): "
            + ("met" if speedup >= TARGET_SPEEDUP else "MISSED")
        )
    return lines


def tools(args: argparse.Namespace, attributes: Path) -> list[Tool]:
    """Return the tools selected on the command line, Hustings first."""
    hustings = str(args.hustings)
    available = {
        "hustings": Tool(
            "hustings",
            "hustings scottish-stv",
            (hustings, "count"),
            ("--method", "scottish-stv", "--format", "json"),
        ),
        "hustings-seeded": Tool(
            "hustings-seeded",
            "hustings scottish-stv --seed 1",
            (hustings, "count"),
            ("--method", "scottish-stv", "--format", "json", "--seed", "1"),
        ),
        "hustings-constrained": Tool(
            "hustings-constrained",
            "hustings scottish-stv, ≥5 women",
            (hustings, "count"),
            (
                "--method",
                "scottish-stv",
                "--format",
                "json",
                "--attributes",
                str(attributes),
                "--min",
                "gender=woman:5",
            ),
        ),
        "pyrankvote": Tool(
            "pyrankvote",
            "pyrankvote STV",
            (str(args.peers_python), str(BENCH / "peer_pyrankvote.py")),
        ),
        "votekit": Tool(
            "votekit", "VoteKit FastSTV", (str(args.peers_python), str(BENCH / "peer_votekit.py"))
        ),
        "pref_voting": Tool(
            "pref_voting",
            "pref_voting stv_scottish",
            (str(args.peers_python), str(BENCH / "peer_pref_voting.py")),
        ),
    }
    return [available[name] for name in args.tools]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "sizes", nargs="*", type=int, default=[200_000, 1_000_000], help="profile sizes to time"
    )
    parser.add_argument("--out", type=Path, default=BENCH / "out", help="profiles directory")
    parser.add_argument(
        "--tools",
        nargs="+",
        default=[
            "hustings",
            "hustings-seeded",
            "hustings-constrained",
            "pyrankvote",
            "votekit",
            "pref_voting",
        ],
        help="tools to run (default: all)",
    )
    parser.add_argument("--repeats", type=int, default=7, help="runs of hustings (%(default)s)")
    parser.add_argument(
        "--peer-repeats", type=int, default=3, help="runs of each peer (%(default)s)"
    )
    parser.add_argument(
        "--timeout", type=float, default=600.0, help="seconds before a run is killed"
    )
    parser.add_argument(
        "--long-run",
        type=float,
        default=60.0,
        help="a peer run slower than this is not repeated (%(default)s s)",
    )
    parser.add_argument(
        "--hustings",
        type=Path,
        default=ROOT / ".venv" / "bin" / "hustings",
        help="hustings command",
    )
    parser.add_argument("--peers-python", type=Path, default=PEERS_PYTHON)
    parser.add_argument("--json", type=Path, help="also write every measurement to this file")
    args = parser.parse_args(argv)

    attributes = args.out / "nec-attributes.csv"
    selected = tools(args, attributes)
    if any(not t.name.startswith("hustings") for t in selected) and not (
        args.peers_python.exists()
    ):
        parser.error(f"{args.peers_python} is missing: run bench/setup-peers.sh first")
    if selected[0].name != "hustings":
        parser.error("the first tool must be hustings: ratios are taken against it")
    paths = [args.out / f"nec-{size}.blt" for size in args.sizes]
    for path in paths:
        if not path.exists():
            parser.error(f"{path} is missing: run bench/synth_profiles.py first")

    about = machine()
    for key, value in about.items():
        print(f"{key}: {value}")
    print()
    # One untimed run so the file is in the page cache and bytecode is compiled for everyone.
    run_once(selected[0].argv(paths[0]), args.timeout)

    record: dict[str, object] = {"machine": about, "sizes": {}}
    for path in paths:
        ballots = ballots_in(path)
        print(f"== {path.name}: {ballots:,} ballots, scottish-stv")
        results = []
        for tool in selected:
            repeats = args.repeats if tool.name.startswith("hustings") else args.peer_repeats
            results.append(measure(tool, path, ballots, repeats, args.timeout, args.long_run))
            print(f"   {tool.label}: {_seconds(results[-1])} s", file=sys.stderr, flush=True)
        print_table(results, results[0])
        peers = [m for m in results if not m.tool.startswith("hustings")]
        if ballots >= 1_000_000:
            for line in verdict(results[0], peers):
                print(line)
            print()
        record["sizes"][str(ballots)] = [asdict(m) for m in results]  # type: ignore[index]
    if args.json:
        args.json.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
