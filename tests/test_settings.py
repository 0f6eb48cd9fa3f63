"""The settings module: typed environment helpers, production refusals and `check --deploy`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from hustings.settings import env_bool, env_int, env_list, env_str

PRODUCTION = {
    "SECRET_KEY": "k" * 20 + "-a-long-random-production-key-0123456789-abcdefghij",
    "ALLOWED_HOSTS": "elections.example.org",
    "HUSTINGS_BASE_URL": "https://elections.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://elections.example.org",
}


def run_django(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `python -m django ...` in a fresh process with exactly this environment."""
    base = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "hustings.settings",
        "HUSTINGS_DATA_DIR": str(cwd),
    }
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        env=base | env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_with_production_settings(tmp_path):
    done = run_django("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION, cwd=tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}

    done = run_django("check", env=env, cwd=tmp_path)

    assert done.returncode != 0
    assert "SECRET_KEY is not set" in done.stderr
    assert not (tmp_path / ".hustings-secret-key").exists()


def test_a_laptop_generates_a_key_once_and_keeps_it(tmp_path):
    env = {"HUSTINGS_DEV": "1"}
    code = "from django.conf import settings; print(settings.SECRET_KEY)"

    def key() -> str:
        done = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "hustings.settings",
                 "HUSTINGS_DATA_DIR": str(tmp_path), **env},
            capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        return done.stdout.strip()

    first = key()
    assert len(first) >= 50
    assert key() == first
    assert (tmp_path / ".hustings-secret-key").stat().st_mode & 0o077 == 0


def test_a_secret_is_read_from_the_file_named_by_name_file(tmp_path, monkeypatch):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("SOME_PASSWORD_FILE", str(secret))
    monkeypatch.setenv("SOME_PASSWORD", "from-the-environment")

    assert env_str("SOME_PASSWORD") == "from-a-file"


def test_an_unreadable_secret_file_is_an_error_naming_it(tmp_path, monkeypatch):
    monkeypatch.setenv("SOME_PASSWORD_FILE", str(tmp_path / "missing"))

    with pytest.raises(ImproperlyConfigured, match=r"SOME_PASSWORD_FILE=.*missing"):
        env_str("SOME_PASSWORD")


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("ON", True), ("0", False), ("off", False)]
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)

    assert env_bool("FLAG") is expected


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")

    with pytest.raises(ImproperlyConfigured, match="FLAG='maybe'"):
        env_bool("FLAG")


def test_env_int_and_env_list(monkeypatch):
    monkeypatch.setenv("N", "42")
    monkeypatch.setenv("HOSTS", " a.example , ,b.example")
    monkeypatch.setenv("BAD", "4x")

    assert env_int("N", 1) == 42
    assert env_int("UNSET_NUMBER", 7) == 7
    assert env_list("HOSTS", []) == ["a.example", "b.example"]
    with pytest.raises(ImproperlyConfigured, match="expected a whole number"):
        env_int("BAD", 0)


def test_ci_that_requires_postgresql_fails_loudly_on_sqlite(tmp_path):
    done = run_django(
        "check", env={"HUSTINGS_DEV": "1", "HUSTINGS_REQUIRE_POSTGRES": "1"}, cwd=tmp_path
    )

    assert done.returncode != 0
    assert "HUSTINGS_REQUIRE_POSTGRES=1" in done.stderr


def test_production_cookies_are_secure_and_hsts_is_on(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.DEBUG, s.TASKS['default']['BACKEND'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "hustings.settings",
             "HUSTINGS_DATA_DIR": str(tmp_path), **PRODUCTION},
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip

    assert done.stdout.split() == [
        "True", "True", "True", "True", "False", "django_tasks_db.DatabaseBackend"
    ]  # fmt: skip
