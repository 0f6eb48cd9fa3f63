"""Measure the application's own CPU time per voting request, in one process, on PostgreSQL.

Where `bench_ballot.py` measures the whole server under load, this isolates what each request of
the voting journey costs in Python: it builds the same scene as the benchmark in a fresh database
(`hustings_profile` by default; the same refusals of shared databases), then drives the pages with
Django's test client (CSRF checks enforced, production settings) one voter at a time, and prints
the median thread CPU time of each step. With --profile it also writes a cProfile of the casts.

    .venv/bin/python bench/profile_cast.py [--voters 600] [--profile /tmp/cast.prof]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_ballot import (  # noqa: E402
    SCENE,
    VENV_BIN,
    _csrf,
    choose,
    database_url,
    recreate_database,
    review_fields,
    run,
    server_env,
)


def main() -> int:
    """Build the scene, then time each step for every voter."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=600)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/")
    parser.add_argument("--db-name", default="hustings_profile")
    parser.add_argument("--profile", type=Path, help="write a CPU-time cProfile of one step here")
    parser.add_argument(
        "--step", default="cast", choices=("open link", "paper", "review", "cast"),
        help="the step to profile",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="hustings-profile-"))
    env = server_env(database_url(args.database_url, args.db_name), secrets.token_urlsafe(50), work)
    recreate_database(args.database_url, args.db_name)
    try:
        hustings = str(VENV_BIN / "hustings")
        run([hustings, "migrate", "--no-input", "-v", "0"], env)
        run([hustings, "collectstatic", "--no-input", "-v", "0"], env)
        run([str(VENV_BIN / "python"), str(SCENE), "setup", "--voters", str(args.voters),
             "--out", str(work), "--seed", str(args.seed)], env)  # fmt: skip
        codes = (work / "codes.txt").read_text(encoding="ascii").split()
        # The rest runs in a child with the server's environment, so settings load as gunicorn's.
        child = [str(VENV_BIN / "python"), __file__, "--child", str(work / "codes.txt")]
        if args.profile:
            child += ["--out", str(args.profile), args.step]
        print(f"{len(codes)} voters; timing each step in one process")
        done = subprocess.run(child, env=env, cwd=ROOT)
        return done.returncode
    finally:
        recreate_database(args.database_url, args.db_name, drop_only=True)


def child(codes_path: Path, profile_out: Path | None, profiled: str) -> int:
    """Drive every voter through the pages with the test client, timing each step's CPU."""
    import random

    import django

    django.setup()
    from django.test import Client

    codes = codes_path.read_text(encoding="ascii").split()
    steps: dict[str, list[float]] = {"open link": [], "paper": [], "review": [], "cast": []}
    profiler = cProfile.Profile(time.thread_time) if profile_out else None
    rng = random.Random(1)
    # One client (so one handler and middleware chain, as in a server process), its cookies
    # cleared for each voter.
    client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    for index, code in enumerate(codes):
        client.cookies.clear()

        def step(
            name: str, method: str, url: str, data: object = None, expect: int = 200, index=index
        ):
            profiling = profiler is not None and name == profiled and index >= 20
            started = time.thread_time()
            if profiling:
                profiler.enable()
            if method == "GET":
                response = client.get(url)
            else:
                # Form-encoded, as a browser posts these forms (the test client would use multipart).
                response = client.post(
                    url,
                    urlencode(data, doseq=True),
                    content_type="application/x-www-form-urlencoded",
                    HTTP_ORIGIN="http://127.0.0.1",
                )
            if profiling:
                profiler.disable()
            if index >= 20:  # the first few warm the caches
                steps[name].append((time.thread_time() - started) * 1000)
            if response.status_code != expect:
                raise SystemExit(f"{name}: {response.status_code}")
            return response

        step("open link", "GET", f"/ballot/code/{code}/", expect=302)
        page = step("paper", "GET", "/ballot/paper/").content
        fields, _ = choose(page, rng)
        token = _csrf(page)
        review = step("review", "POST", "/ballot/paper/", dict_of(fields, token)).content
        receipt = step(
            "cast", "POST", "/ballot/cast/", dict_of(review_fields(review), None)
        ).content
        if b'id="tracker"' not in receipt:
            raise SystemExit("the cast did not answer with a tracker")
    for name, values in steps.items():
        print(f"  {name:10} median {statistics.median(values):6.2f} ms CPU  (n={len(values)})")
    if profiler is not None and profile_out is not None:
        profiler.dump_stats(profile_out)
        print(f"cProfile (thread CPU time) of step {profiled!r} written to {profile_out}")
    return 0


def dict_of(fields: list[tuple[str, str]], token: str | None) -> dict[str, list[str]]:
    """Return form fields as the test client wants them, with the CSRF token if given."""
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    if token is not None:
        data["csrfmiddlewaretoken"] = [token]
    return data


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        out = Path(sys.argv[4]) if len(sys.argv) > 5 and sys.argv[3] == "--out" else None
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hustings.settings")
        raise SystemExit(child(Path(sys.argv[2]), out, sys.argv[5] if out else ""))
    raise SystemExit(main())
