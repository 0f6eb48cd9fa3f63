"""Time concurrent voters casting ballots through the real voting pages, on PostgreSQL under gunicorn.

What it does, in order (every step's parameters are options, see --help):

1. Creates a fresh PostgreSQL database (default `hustings_bench`; it refuses `postgres`,
   `template*`, `test` and `test_*`), migrates it, collects static files into a temporary
   directory, and builds an election in its ballot phase with `bench/ballot_scene.py setup`:
   a national block vote (6 seats, 12 candidates) and a Scottish STV contest per region (2 seats,
   5 candidates), so every paper has two contests; N members on the roll, with codes minted by
   `hustings.ballots.roll.mint_credentials` and kept in a temporary file for the client.
2. Starts gunicorn (`hustings.wsgi`) in production settings (DEBUG off, database sessions, static
   files from the manifest) except that it speaks plain http on 127.0.0.1: no TLS redirect, no
   HSTS, no proxy header.
3. The client is one asyncio process speaking raw HTTP/1.1 (keep-alive when the server offers it,
   a new connection when it closes one). Each voter follows the pages as a browser would:

       GET  /ballot/code/<code>/   -> 302 to /ballot/paper/ (a signed voting cookie)
       GET  /ballot/paper/         -> the paper; read its CSRF token and its fields
       POST /ballot/paper/         -> the review page, choices in hidden fields
       POST /ballot/cast/          -> the receipt, with the tracker

   Choices are drawn per voter from the fields the paper shows (0-6 of the 12 block candidates in
   any combination, a ranking of 0-5 regional candidates; a few blank contests).

   Two timed phases, on separate voters:
   - "cast": the first three requests of every cast-phase voter are made untimed beforehand
     (the warm-up, which also warms every worker); then the timed phase is the cast POST only,
     which answers with the receipt. Ballots per second = receipts showing a tracker / the
     phase's wall-clock time.
   - "journey": the whole four-request journey is timed, from opening the link to the receipt.
   Both run closed-loop: --concurrency voters in flight at once, each starting the next voter as
   soon as one finishes.
4. Stops gunicorn, then `ballot_scene.py verify` checks the database against what the clients saw:
   sealed boxes = casts = voters marked voted = used credentials; then it opens the ballot box as
   the count does (timed) and checks ballots = casts = trackers, 2 votes per ballot, every tracker
   shown stored and none twice, stored rankings = cast rankings contest by contest, and that no
   ballot, vote or tracker shares a transaction id with a roll entry. It drops the database unless
   --keep-db.

Any unexpected response (status, missing field, no tracker) is an error: it is counted, the first
few are printed, and the run exits 1. Never run by the test suite.

    .venv/bin/python bench/bench_ballot.py [--voters 20000] [--workers 2] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import math
import os
import random
import re
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
SCENE = ROOT / "bench" / "ballot_scene.py"
TARGET_RATE = 300.0
TARGET_P99_MS = 250.0
FORBIDDEN_DB = re.compile(r"^(postgres|template\d*|test|test_.*)$")

# -- Pages --------------------------------------------------------------------------------------

_INPUT = re.compile(rb"<input\b[^>]*>")
_ATTR = re.compile(rb'([a-zA-Z_:][-\w:.]*)="([^"]*)"')
_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
_BLOCK_NAME = re.compile(r"^c(\d+)$")
_RANK_NAME = re.compile(r"^c(\d+)-(\d+)$")
_CAST_FORM = re.compile(rb'<form[^>]*action="/ballot/cast/"[^>]*>(.*?)</form>', re.S)
_TRACKER = re.compile(rb'id="tracker">\s*([0-9A-Z]{5}-[0-9A-Z]{5})\s*<')


def _inputs(page: bytes) -> list[dict[str, str]]:
    return [
        {k.decode(): html.unescape(v.decode()) for k, v in _ATTR.findall(tag)}
        for tag in _INPUT.findall(page)
    ]


class PageError(Exception):
    """A response the voter's browser would not have expected."""


def _csrf(page: bytes) -> str:
    found = _CSRF.search(page)
    if not found:
        raise PageError("no CSRF token on the page")
    return found.group(1).decode()


def choose(page: bytes, rng: random.Random) -> tuple[list[tuple[str, str]], list[str]]:
    """Return the paper form's fields for a random valid vote, and the rankings it stores.

    Rankings are "contest:ids" strings as the database stores them: a block vote in paper order,
    a ranking in the voter's order, "" for a blank contest.
    """
    block: dict[str, list[str]] = {}
    ranked: dict[str, list[str]] = {}
    for attrs in _inputs(page):
        name = attrs.get("name", "")
        if attrs.get("type") == "checkbox" and _BLOCK_NAME.match(name):
            block.setdefault(name[1:], []).append(attrs["value"])
        elif found := _RANK_NAME.match(name):
            ranked.setdefault(found.group(1), []).append(found.group(2))
    if len(block) != 1 or len(ranked) > 1 or not block or len(next(iter(block.values()))) != 12:
        raise PageError(f"unexpected paper: block {block}, ranked {ranked}")
    fields: list[tuple[str, str]] = []
    rankings: list[str] = []
    for contest, values in block.items():
        # 2% blank, else 1-6 marks (the seats), most often all six.
        marks = 0 if rng.random() < 0.02 else rng.choice((1, 2, 3, 4, 5, 6, 6, 6))
        picked = sorted(rng.sample(range(len(values)), marks))
        fields.extend((f"c{contest}", values[i]) for i in picked)
        rankings.append(f"{contest}:" + ",".join(values[i] for i in picked))
    for contest, candidates in ranked.items():
        depth = 0 if rng.random() < 0.03 else rng.randint(1, len(candidates))
        order = rng.sample(candidates, depth)
        fields.extend((f"c{contest}-{cid}", str(rank)) for rank, cid in enumerate(order, 1))
        rankings.append(f"{contest}:" + ",".join(order))
    return fields, rankings


def review_fields(page: bytes) -> list[tuple[str, str]]:
    """Return the review page's hidden fields (CSRF token included) that the cast posts back."""
    form = _CAST_FORM.search(page)
    if not form:
        raise PageError("the review page has no form posting to /ballot/cast/")
    hidden = [
        (a["name"], a.get("value", "")) for a in _inputs(form.group(1)) if a.get("type") == "hidden"
    ]
    if not any(name == "csrfmiddlewaretoken" for name, _ in hidden):
        raise PageError("the review form has no CSRF token")
    return [*hidden, ("cast", "1")]


# -- A small HTTP/1.1 client ----------------------------------------------------------------------


@dataclass
class Response:
    """What the server answered."""

    status: int
    headers: dict[str, str]
    cookies: dict[str, str]
    body: bytes


class Connection:
    """One client connection, reopened when the server closes it."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.opened = 0

    async def close(self) -> None:
        """Close the socket, if open."""
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None

    async def request(
        self,
        method: str,
        path: str,
        cookies: dict[str, str],
        form: Sequence[tuple[str, str]] | None = None,
    ) -> Response:
        """Send one request and read the whole response."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            self.opened += 1
        assert self.reader is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        body = b""
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            lines += [
                f"Origin: http://{self.host}:{self.port}",
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
            ]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head[:-4].decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers: dict[str, str] = {}
        got: dict[str, str] = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            key = name.strip().lower()
            value = value.strip()
            if key == "set-cookie":
                pair = value.split(";", 1)[0]
                cname, _, cvalue = pair.partition("=")
                got[cname.strip()] = cvalue.strip()
            else:
                headers[key] = value
        if "content-length" in headers:
            data = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            data = await self._chunked()
        else:
            data = await self.reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return Response(status, headers, got, data)

    async def _chunked(self) -> bytes:
        assert self.reader is not None
        parts: list[bytes] = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)


# -- Voters -------------------------------------------------------------------------------------


@dataclass
class Voter:
    """One voter's code, and what they carry from page to page."""

    index: int
    code: str
    cookies: dict[str, str] = field(default_factory=dict)
    cast_form: list[tuple[str, str]] = field(default_factory=list)
    rankings: list[str] = field(default_factory=list)
    tracker: str = ""


@dataclass
class Tally:
    """Timings and failures of one phase."""

    cast_ms: list[float] = field(default_factory=list)
    journey_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: int = 0
    connections: int = 0


async def _call(
    conn: Connection,
    voter: Voter,
    tally: Tally,
    method: str,
    path: str,
    form: Sequence[tuple[str, str]] | None = None,
    expect: int = 200,
) -> Response:
    response = await conn.request(method, path, voter.cookies, form)
    tally.requests += 1
    for name, value in response.cookies.items():
        if value in ("", '""'):
            voter.cookies.pop(name, None)
        else:
            voter.cookies[name] = value
    if response.status != expect:
        snippet = re.sub(rb"\s+", b" ", response.body[:2000]).decode("utf-8", "replace")
        title = re.search(r"<title>(.*?)</title>", snippet)
        raise PageError(
            f"{method} {path}: {response.status}, expected {expect} "
            f"({title.group(1) if title else snippet[:200]})"
        )
    return response


def _location(response: Response, want: str) -> str:
    where = urllib.parse.urlsplit(response.headers.get("location", "")).path
    if where != want:
        raise PageError(f"redirected to {where!r}, expected {want!r}")
    return where


async def open_and_review(conn: Connection, voter: Voter, tally: Tally, seed: int) -> None:
    """Open the link, load the paper, choose, and post it for review (the first three steps)."""
    voter.cookies.clear()
    r = await _call(conn, voter, tally, "GET", f"/ballot/code/{voter.code}/", expect=302)
    paper_path = _location(r, "/ballot/paper/")
    r = await _call(conn, voter, tally, "GET", paper_path)
    token = _csrf(r.body)
    fields, voter.rankings = choose(r.body, random.Random(seed * 1_000_003 + voter.index))
    r = await _call(
        conn, voter, tally, "POST", paper_path, [("csrfmiddlewaretoken", token), *fields]
    )
    voter.cast_form = review_fields(r.body)


async def cast(conn: Connection, voter: Voter, tally: Tally) -> None:
    """Cast the reviewed ballot and read the tracker off the receipt it answers with."""
    start = time.perf_counter()
    r = await _call(conn, voter, tally, "POST", "/ballot/cast/", voter.cast_form)
    found = _TRACKER.search(r.body)
    if not found:
        raise PageError("the receipt shows no tracker")
    voter.tracker = found.group(1).decode()
    tally.cast_ms.append((time.perf_counter() - start) * 1000)


async def run_phase(
    voters: list[Voter],
    concurrency: int,
    port: int,
    step: str,
    seed: int,
) -> tuple[Tally, float]:
    """Run one step for every voter, `concurrency` at a time; return the tally and wall time."""
    tally = Tally()
    queue = iter(voters)

    async def lane() -> None:
        conn = Connection("127.0.0.1", port)
        for voter in queue:
            start = time.perf_counter()
            try:
                if step in ("warm", "journey"):
                    await open_and_review(conn, voter, tally, seed)
                if step in ("cast", "journey"):
                    await cast(conn, voter, tally)
            except (PageError, OSError, asyncio.IncompleteReadError, ValueError) as error:
                tally.errors.append(
                    f"voter {voter.index} ({step}): {type(error).__name__}: {error}"
                )
                await conn.close()
                continue
            if step == "journey":
                tally.journey_ms.append((time.perf_counter() - start) * 1000)
        tally.connections += conn.opened
        await conn.close()

    start = time.perf_counter()
    await asyncio.gather(*(lane() for _ in range(concurrency)))
    return tally, time.perf_counter() - start


# -- Measuring -------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Return the q-th quantile (0-1) by the nearest-rank method."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))]


def spread(values: list[float]) -> dict[str, float]:
    """Return p50, p95, p99 and max of millisecond timings."""
    if not values:
        return {}
    return {
        "p50": round(percentile(values, 0.50), 1),
        "p95": round(percentile(values, 0.95), 1),
        "p99": round(percentile(values, 0.99), 1),
        "max": round(max(values), 1),
    }


def machine_speed() -> float:
    """Return the CPU milliseconds a fixed pure-Python workload takes here now (best of five).

    The same workload took anywhere from 274 to 478 ms within minutes on the 2-core development
    VM: printed beside each phase, it says how fast the machine was while the phase ran.
    """

    def workload() -> float:
        started = time.thread_time()
        totals: dict[int, int] = {}
        for i in range(2_000_000):
            totals[i % 1000] = totals.get(i % 1000, 0) + i
        return time.thread_time() - started

    return round(min(workload() for _ in range(5)) * 1000, 1)


def cpu_jiffies() -> tuple[int, int]:
    """Return the machine's busy and total CPU time so far, in clock ticks (from /proc/stat)."""
    with open("/proc/stat", encoding="ascii") as handle:
        parts = [int(x) for x in handle.readline().split()[1:]]
    idle = parts[3] + parts[4]
    return sum(parts) - idle, sum(parts)


def process_cpu(pid: int) -> float:
    """Return a process's user and system CPU seconds so far, or 0 if it has gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_pids(server_pid: int, base_url: str, db_name: str) -> tuple[list[int], list[int]]:
    """Return gunicorn's master and workers, and the PostgreSQL backends serving the database."""
    pids = [server_pid]
    try:
        for task in os.listdir(f"/proc/{server_pid}/task"):
            with open(f"/proc/{server_pid}/task/{task}/children", encoding="ascii") as handle:
                pids += [int(pid) for pid in handle.read().split()]
    except OSError:
        pass
    with _psycopg_admin(base_url) as admin:
        rows = admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (db_name,)
        ).fetchall()
    return pids, [row[0] for row in rows]


def server_cpu(pids: tuple[list[int], list[int]]) -> tuple[dict[int, float], dict[int, float]]:
    """Return CPU seconds so far of each application process and each database backend."""
    app, db = pids
    return {pid: process_cpu(pid) for pid in app}, {pid: process_cpu(pid) for pid in db}


def client_cpu() -> float:
    """Return this process's user and system CPU seconds so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def timed(
    voters: list[Voter], concurrency: int, port: int, step: str, seed: int, watch: Any
) -> dict[str, Any]:
    """Run a timed phase and summarise it; `watch()` lists the server's processes."""
    before = server_cpu(watch())
    busy0, total0 = cpu_jiffies()
    cpu0 = client_cpu()
    tally, seconds = await run_phase(voters, concurrency, port, step, seed)
    busy1, total1 = cpu_jiffies()
    client = client_cpu() - cpu0
    after = server_cpu(watch())
    # A process that started during the phase counts from zero; one that ended is missed, which
    # is why the benchmark keeps database connections for ten minutes.
    app_cpu, db_cpu = (
        sum(cpu - was.get(pid, 0.0) for pid, cpu in now.items())
        for was, now in zip(before, after, strict=True)
    )
    server = app_cpu + db_cpu
    done = [v for v in voters if v.tracker]
    ncpu = os.cpu_count() or 1
    return {
        "phase": step,
        "voters": len(voters),
        "concurrency": concurrency,
        "ballots": len(done),
        "errors": len(tally.errors),
        "first_errors": tally.errors[:5],
        "seconds": round(seconds, 2),
        "ballots_per_second": round(len(done) / seconds, 1),
        "requests": tally.requests,
        "requests_per_second": round(tally.requests / seconds, 1),
        "connections_opened": tally.connections,
        "cast_ms": spread(tally.cast_ms),
        "journey_ms": spread(tally.journey_ms),
        "machine_cpu_busy_percent": round(100 * (busy1 - busy0) / max(1, total1 - total0), 1),
        "server_cpu_seconds": round(server, 2),
        "server_cpu_ms_per_ballot": round(1000 * server / max(1, len(done)), 2),
        "gunicorn_cpu_ms_per_ballot": round(1000 * app_cpu / max(1, len(done)), 2),
        "postgres_cpu_ms_per_ballot": round(1000 * db_cpu / max(1, len(done)), 2),
        "client_cpu_seconds": round(client, 2),
        "client_cpu_percent_of_machine": round(100 * client / (seconds * ncpu), 1),
    }


# -- Orchestration -------------------------------------------------------------------------------


def _psycopg_admin(base_url: str) -> Any:
    import psycopg

    parts = urllib.parse.urlsplit(base_url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
        autocommit=True,
    )


def recreate_database(base_url: str, name: str, *, drop_only: bool = False) -> None:
    """Drop the benchmark's database if it exists, and create it afresh unless drop_only."""
    if FORBIDDEN_DB.match(name) or not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"refusing to use database {name!r}: choose a name of the bench's own")
    with _psycopg_admin(base_url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            admin.execute(f'CREATE DATABASE "{name}"')


def database_url(base_url: str, name: str) -> str:
    """Return the URL of the named database on the server of base_url."""
    parts = urllib.parse.urlsplit(base_url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


def server_env(db_url: str, secret: str, work: Path) -> dict[str, str]:
    """Return production settings, except plain http on localhost and quiet logs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUSTINGS_", "DJANGO_"))}
    env.update(
        DATABASE_URL=db_url,
        SECRET_KEY=secret,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        HUSTINGS_SSL_REDIRECT="0",
        HUSTINGS_BEHIND_TLS_PROXY="0",
        HUSTINGS_HSTS_SECONDS="0",
        HUSTINGS_DATA_DIR=str(work),
        HUSTINGS_STATIC_ROOT=str(work / "static"),
        HUSTINGS_EMAIL_BACKEND="locmem",
        HUSTINGS_LOG_LEVEL="WARNING",
        # Persistent connections (the default keeps them 60 s) held through a whole run.
        HUSTINGS_DB_CONN_MAX_AGE="600",
        DJANGO_SETTINGS_MODULE="hustings.settings",
    )
    return env


def run(cmd: list[str], env: dict[str, str]) -> str:
    """Run a set-up command; stop with its output if it fails."""
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def start_server(
    args: argparse.Namespace, env: dict[str, str], log: Path
) -> subprocess.Popen[bytes]:
    """Start gunicorn and wait until /healthz answers."""
    cmd = [
        str(VENV_BIN / "gunicorn"),
        args.app,
        "--bind", f"127.0.0.1:{args.port}",
        "--workers", str(args.workers),
        "--worker-class", args.worker_class,
        "--threads", str(args.threads),
        "--backlog", "4096",
        "--keep-alive", "5",
        "--log-level", "warning",
    ]  # fmt: skip
    if args.preload:
        cmd.append("--preload")
    with log.open("wb") as out:
        server = subprocess.Popen(
            cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited ({server.returncode}):\n{log.read_text()}")
        try:
            conn = Connection("127.0.0.1", args.port)
            r = asyncio.run(conn.request("GET", "/healthz", {}))
            if r.status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(server)
    raise SystemExit(f"gunicorn did not answer /healthz within 60 s:\n{log.read_text()}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn gracefully (SIGTERM to its master), then wait for it."""
    if server.poll() is None:
        os.kill(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def print_phase(result: dict[str, Any]) -> None:
    """Print one phase's figures as a few readable lines."""
    print(
        f"  {result['phase']}: {result['ballots']} ballots from {result['voters']} voters in "
        f"{result['seconds']} s = {result['ballots_per_second']} ballots/s "
        f"({result['requests_per_second']} requests/s, {result['concurrency']} in flight), "
        f"errors {result['errors']}"
    )
    for label in ("cast_ms", "journey_ms"):
        if result[label]:
            s = result[label]
            print(f"    {label}: p50 {s['p50']}  p95 {s['p95']}  p99 {s['p99']}  max {s['max']}")
    print(
        f"    server CPU (gunicorn and its PostgreSQL backends) {result['server_cpu_seconds']} s "
        f"= {result['server_cpu_ms_per_ballot']} ms per ballot (gunicorn "
        f"{result['gunicorn_cpu_ms_per_ballot']}, PostgreSQL {result['postgres_cpu_ms_per_ballot']})"
    )
    print(
        f"    machine CPU busy {result['machine_cpu_busy_percent']}%, client "
        f"{result['client_cpu_seconds']} CPU s ({result['client_cpu_percent_of_machine']}% of "
        f"the machine), connections opened {result['connections_opened']}"
    )
    for error in result["first_errors"]:
        print(f"    ! {error}")


def main() -> int:
    """Set up, serve, vote, verify, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=20000, help="members on the roll")
    parser.add_argument(
        "--journey-voters",
        type=int,
        default=4000,
        help="voters timed over the whole journey; the rest are timed at the cast",
    )
    parser.add_argument("--concurrency", type=int, default=32, help="voters in flight (timed)")
    parser.add_argument("--warm-concurrency", type=int, default=32, help="in flight (warm-up)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--worker-class", default="gthread", choices=("sync", "gthread"))
    parser.add_argument("--threads", type=int, default=2, help="threads per gthread worker")
    parser.add_argument("--preload", action="store_true", help="gunicorn --preload")
    parser.add_argument("--app", default="hustings.wsgi:application", help="the WSGI app to serve")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/")
    parser.add_argument("--db-name", default="hustings_bench")
    parser.add_argument("--keep-db", action="store_true", help="leave the database afterwards")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    args = parser.parse_args()
    if not 0 <= args.journey_voters <= args.voters:
        parser.error("--journey-voters must be between 0 and --voters")

    work = Path(tempfile.mkdtemp(prefix="hustings-bench-"))
    secret = secrets.token_urlsafe(50)
    db_url = database_url(args.database_url, args.db_name)
    env = server_env(db_url, secret, work)
    hustings = str(VENV_BIN / "hustings")
    server: subprocess.Popen[bytes] | None = None
    report: dict[str, Any] = {
        "command": " ".join(sys.argv),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "server": {
            "workers": args.workers,
            "worker_class": args.worker_class,
            "threads": args.threads,
            "preload": args.preload,
        },
    }
    try:
        t0 = time.perf_counter()
        recreate_database(args.database_url, args.db_name)
        run([hustings, "migrate", "--no-input", "-v", "0"], env)
        run([hustings, "collectstatic", "--no-input", "-v", "0"], env)
        print(run([str(VENV_BIN / "python"), str(SCENE), "setup", "--voters", str(args.voters),
                   "--out", str(work), "--seed", str(args.seed)], env).strip())  # fmt: skip
        codes = (work / "codes.txt").read_text(encoding="ascii").split()
        print(f"set-up: {len(codes)} voters in {time.perf_counter() - t0:.1f} s")
        voters = [Voter(i, code) for i, code in enumerate(codes)]
        journey_voters = voters[: args.journey_voters]
        cast_voters = voters[args.journey_voters :]

        server = start_server(args, env, work / "gunicorn.log")
        print(
            f"gunicorn: {args.workers} {args.worker_class} workers"
            + (f" x {args.threads} threads" if args.worker_class == "gthread" else "")
            + f", load average at start {report['load_average_at_start']}"
        )
        running = server

        def watch() -> tuple[list[int], list[int]]:
            return server_pids(running.pid, args.database_url, args.db_name)

        phases = []
        if cast_voters:
            warm, seconds = asyncio.run(
                run_phase(cast_voters, args.warm_concurrency, args.port, "warm", args.seed)
            )
            print(
                f"  warm-up (untimed): open link, paper, review for {len(cast_voters)} voters in "
                f"{seconds:.1f} s, errors {len(warm.errors)}"
            )
            for error in warm.errors[:5]:
                print(f"    ! {error}")
            ready = [v for v in cast_voters if v.cast_form]
            speed_before = machine_speed()
            result = asyncio.run(
                timed(ready, args.concurrency, args.port, "cast", args.seed, watch)
            )
            result["warm_up_errors"] = len(warm.errors)
            result["machine_speed_ms"] = [speed_before, machine_speed()]
            print(
                "  machine speed (a fixed Python workload, lower is faster): "
                f"{result['machine_speed_ms'][0]} ms before the cast phase, "
                f"{result['machine_speed_ms'][1]} ms after"
            )
            phases.append(result)
            print_phase(result)
        if journey_voters:
            result = asyncio.run(
                timed(journey_voters, args.concurrency, args.port, "journey", args.seed, watch)
            )
            phases.append(result)
            print_phase(result)
        report["phases"] = phases
        stop_server(server)
        server = None
        log = (work / "gunicorn.log").read_text(errors="replace").strip()
        if log:
            print("gunicorn log (last lines):\n  " + "\n  ".join(log.splitlines()[-10:]))

        done = [v for v in voters if v.tracker]
        outcome = {
            "casts": len(done),
            "trackers": [v.tracker for v in done],
            "rankings": [r for v in done for r in v.rankings],
        }
        (work / "result.json").write_text(json.dumps(outcome), encoding="utf-8")
        checked = subprocess.run(
            [str(VENV_BIN / "python"), str(SCENE), "verify", "--scene", str(work / "scene.json"),
             "--result", str(work / "result.json")],
            env=env, cwd=ROOT, capture_output=True, text=True,
        )  # fmt: skip
        if checked.returncode not in (0, 1):
            raise SystemExit(f"verify failed to run:\n{checked.stdout}\n{checked.stderr}")
        verification = json.loads(checked.stdout)
        report["verification"] = verification
        print("database check:")
        for name, ok in verification["checks"].items():
            print(f"  {'ok  ' if ok else 'FAIL'} {name}")
        print(
            f"  sealed boxes {verification['sealed']}, opened at the count in "
            f"{verification['opening_seconds']} s into ballots {verification['ballots']}, votes "
            f"{verification['votes']}, trackers {verification['trackers_stored']}; voters marked "
            f"{verification['voters_voted']}"
        )
        print(
            "  rows sharing a transaction id with a roll entry after opening: "
            f"{verification['rows_linked_to_voters_by_xmin']}"
        )
        errors = sum(p["errors"] + p.get("warm_up_errors", 0) for p in phases)
        for p in phases:
            key = "cast_ms" if p["phase"] == "cast" else "journey_ms"
            p99 = p[key].get("p99", math.inf)
            met = p["ballots_per_second"] >= TARGET_RATE and p99 < TARGET_P99_MS
            print(
                f"target ({TARGET_RATE:.0f} ballots/s, p99 of the timed request under "
                f"{TARGET_P99_MS:.0f} ms) in the {p['phase']} phase: "
                f"{'met' if met else 'NOT met'} ({p['ballots_per_second']} ballots/s, "
                f"p99 {p99} ms)"
            )
        ok = verification["ok"] and errors == 0
        report["ok"] = ok
        if args.json:
            args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
        return 0 if ok else 1
    finally:
        if server is not None:
            stop_server(server)
        if not args.keep_db:
            recreate_database(args.database_url, args.db_name, drop_only=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
