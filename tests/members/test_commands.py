"""`hustings import-units` and `hustings import-members` as people run them."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from hustings.members.models import Member, Unit

UNITS = "unit_code,unit_name,region_name\nW01,Cardiff Central,Wales\nW02,Swansea East,Wales\n"
MEMBERS = (
    "membership_number,name,unit_code,joined_on,email\n"
    "C1,Megan Lloyd,W01,2010-04-01,megan@example.org\n"
    "C2,Owain Price,W09,2012-05-01,\n"
    "C3,Rhian Evans,W02,2013-06-01,not an email\n"
)


def run(name: str, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(name, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_import_members_prints_each_rejected_row_then_the_summary(tmp_path):
    (tmp_path / "units.csv").write_text(UNITS)
    (tmp_path / "members.csv").write_text(MEMBERS)
    run("import_units", str(tmp_path / "units.csv"))

    out, err = run("import_members", str(tmp_path / "members.csv"))

    assert err.splitlines() == [
        f"{tmp_path / 'members.csv'}:line 3: unknown unit code 'W09' (import the units first)",
        f"{tmp_path / 'members.csv'}:line 4: email 'not an email' is not a valid address",
    ]
    assert out.strip() == "3 row(s) read: 1 created, 0 updated, 0 unchanged, 2 rejected."
    assert list(Member.objects.values_list("membership_number", flat=True)) == ["C1"]


@pytest.mark.django_db
def test_import_members_strict_fails_and_loads_nothing(tmp_path):
    (tmp_path / "units.csv").write_text(UNITS)
    (tmp_path / "members.csv").write_text(MEMBERS)
    run("import_units", str(tmp_path / "units.csv"))

    with pytest.raises(CommandError, match=r"nothing imported \(--strict\)"):
        run("import_members", "--strict", str(tmp_path / "members.csv"))
    assert not Member.objects.exists()


@pytest.mark.django_db
def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run("import_units", str(tmp_path / "nope.csv"))


@pytest.mark.django_db
def test_import_units_creates_regions_and_is_idempotent(tmp_path):
    (tmp_path / "units.csv").write_text(UNITS)

    first, _ = run("import_units", str(tmp_path / "units.csv"))
    again, _ = run("import_units", str(tmp_path / "units.csv"))

    assert (
        first.strip()
        == "2 row(s) read: 2 created, 0 updated, 0 unchanged, 0 rejected. 1 new region(s)."
    )
    assert again.strip() == "2 row(s) read: 0 created, 0 updated, 2 unchanged, 0 rejected."
    assert Unit.objects.count() == 2


def test_the_hustings_command_maps_hyphens_and_exits_non_zero_on_strict_failure(tmp_path):
    (tmp_path / "units.csv").write_text(UNITS)
    (tmp_path / "members.csv").write_text(MEMBERS)
    env = {
        "PATH": os.environ["PATH"],
        "HUSTINGS_DEV": "1",
        "HUSTINGS_DATA_DIR": str(tmp_path),
    }
    hustings = [sys.executable, "-m", "hustings"]

    def hustings_run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*hustings, *args], env=env, cwd=tmp_path, capture_output=True, text=True,
            timeout=300, check=False,
        )  # fmt: skip

    assert hustings_run("migrate", "--no-input").returncode == 0
    assert hustings_run("import-units", "units.csv").returncode == 0
    strict = hustings_run("import-members", "members.csv", "--strict")
    loaded = hustings_run("import-members", "members.csv")

    assert strict.returncode == 1
    assert "line 3: unknown unit code 'W09'" in strict.stderr
    assert loaded.returncode == 0
    assert "1 created" in loaded.stdout
    assert Path(tmp_path / "db.sqlite3").exists()
