#!/usr/bin/env bash
# Create bench/.venv-peers with the counting programs that bench/bench_count.py compares against.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv-peers"
python="${PYTHON:-$("$here/../scripts/find-python")}"
if [[ ! -x "$venv/bin/python" ]]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -r "$here/requirements-peers.txt"
"$venv/bin/python" -m pip list --format=freeze | grep -iE '^(pyrankvote|votekit|pref.voting|numpy|pandas)=='
