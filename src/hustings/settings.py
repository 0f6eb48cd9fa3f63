"""Django settings for Hustings, read from the environment with safe defaults for a laptop.

Every setting a deployment may change is an environment variable named here; secrets may instead be
given as a file path in NAME_FILE (Docker and systemd credentials). Three modes:

- production (the default): DEBUG off, HTTPS-only cookies and HSTS, and a SECRET_KEY is required;
- HUSTINGS_DEV=1, for a laptop (`make run` sets it): plain http on localhost, a secret key generated
  once and kept in the data directory, static files served straight from the source tree;
- tests (pytest or `manage.py test`): as the laptop, plus fast password hashing and tasks run at once.

docs/operations.md lists every variable.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

# -- Reading the environment -------------------------------------------------------------------

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    """Return the variable, or the contents of the file named by NAME_FILE, or default."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE={path}: cannot read it ({error})") from error
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    """Return the variable as a boolean, refusing anything but the usual spellings."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, default: int) -> int:
    """Return the variable as an integer."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number") from None


def env_list(name: str, default: list[str]) -> list[str]:
    """Return the variable as a comma-separated list, without blanks."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [part.strip() for part in raw.split(",") if part.strip()]


# -- Mode --------------------------------------------------------------------------------------

TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]
# mypy's Django plugin imports these settings to learn the models; it never serves a request.
TYPE_CHECKING_RUN = "mypy" in sys.modules
DEV = env_bool("HUSTINGS_DEV") or TESTING
DEBUG = env_bool("HUSTINGS_DEBUG")

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("HUSTINGS_DATA_DIR") or Path.cwd()).resolve()


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if not (DEV or DEBUG or TYPE_CHECKING_RUN):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. In production set SECRET_KEY or SECRET_KEY_FILE to a long "
            "random string (python -c 'import secrets; print(secrets.token_urlsafe(50))'); on a "
            "laptop set HUSTINGS_DEV=1 to use a generated key kept in the data directory."
        )
    if TESTING or TYPE_CHECKING_RUN:
        return secrets.token_urlsafe(50)
    # A laptop keeps its key across restarts so sessions and sign-in links survive them.
    path = DATA_DIR / ".hustings-secret-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
SECRET_KEY_FALLBACKS = [key for key in env_list("SECRET_KEY_FALLBACKS", []) if key]

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEV or DEBUG else []
)
# The absolute address used in emailed links; never taken from a request's Host header.
HUSTINGS_BASE_URL = env_str("HUSTINGS_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
HUSTINGS_LOGIN_LINK_MINUTES = env_int("HUSTINGS_LOGIN_LINK_MINUTES", 15)
# How many reverse proxies in front of the app append to X-Forwarded-For (0: none trusted).
HUSTINGS_PROXY_HOPS = env_int("HUSTINGS_PROXY_HOPS", 0)
# The most members `hustings demo --members N` will generate.
HUSTINGS_DEMO_MAX_MEMBERS = 600_000
# Ballot emails: the most each worker sends per second, to stay within the mail relay's limits.
HUSTINGS_EMAIL_RATE = env_int("HUSTINGS_EMAIL_RATE", 10)
if HUSTINGS_EMAIL_RATE < 1:
    raise ImproperlyConfigured(
        f"HUSTINGS_EMAIL_RATE={HUSTINGS_EMAIL_RATE}: expected at least 1 email per second"
    )
# How members reach the returning officer for help with their ballot, as written in ballot
# emails and on the lost-code page, such as "elections@example.org or 020 7946 0000".
HUSTINGS_RETURNING_OFFICER_CONTACT = env_str("HUSTINGS_RETURNING_OFFICER_CONTACT", "")

# -- Applications ------------------------------------------------------------------------------

INSTALLED_APPS = [
    "hustings.accounts",
    "hustings.members",
    "hustings.elections",
    "hustings.candidates",
    "hustings.nominations",
    "hustings.ballots",
    "hustings.audit",
    "hustings.results",
    "hustings.guide",
    "hustings.campaign",
    "hustings.admin_config.HustingsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hustings.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "hustings.urls"
WSGI_APPLICATION = "hustings.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The project's own templates sit in src/hustings/templates, beside this module.
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # `{% url %}`, `{% static %}` and `{% when %}` remembering what they render, where it
            # cannot change while the process runs (see template_memo.py).
            "builtins": ["hustings.template_memo"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# -- Database ----------------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("HUSTINGS_DB_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
    # Django's PostgreSQL backend with a health check that needs no round trip (its docstring).
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["ENGINE"] = "hustings.db.postgresql"
        # Parameters sent apart from the SQL, so psycopg can keep a statement run over and over on
        # a connection prepared, and PostgreSQL stops planning it afresh each time.
        # (Django turns psycopg's preparing off unless asked; 5 runs is psycopg's own default.)
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["server_side_binding"] = True
        options.setdefault("prepare_threshold", 5)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "db.sqlite3"),
            "OPTIONS": {
                # IMMEDIATE transactions take the write lock up front, so two writers queue
                # instead of one failing with "database is locked" halfway through.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _require_postgres() -> None:
    """Fail loudly when CI asked for PostgreSQL and the tests would silently use SQLite."""
    engine = DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        raise ImproperlyConfigured(
            f"HUSTINGS_REQUIRE_POSTGRES=1 but DATABASE_URL={DATABASE_URL!r} is not PostgreSQL"
        )
    import psycopg

    db = DATABASES["default"]
    try:
        psycopg.connect(
            host=db.get("HOST") or None,
            port=db.get("PORT") or None,
            user=db.get("USER") or None,
            password=db.get("PASSWORD") or None,
            dbname="postgres",
            connect_timeout=5,
        ).close()
    except psycopg.Error as error:
        raise ImproperlyConfigured(
            f"HUSTINGS_REQUIRE_POSTGRES=1 but PostgreSQL at {DATABASE_URL!r} is unreachable: "
            f"{error}"
        ) from error


if env_bool("HUSTINGS_REQUIRE_POSTGRES"):
    _require_postgres()

# -- Accounts and passwords --------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
try:
    import argon2  # noqa: F401
except ImportError:
    PASSWORD_HASHERS.pop(0)
if TESTING:
    # Tests hash many throwaway passwords; strength buys nothing there and costs minutes.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_COOKIE_AGE = env_int("HUSTINGS_SESSION_HOURS", 12) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# -- Security ----------------------------------------------------------------------------------

# Over plain http on a laptop, secure-only cookies would never come back, so DEV relaxes these.
_HTTPS = not (DEV or DEBUG)
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SECURE_SSL_REDIRECT = env_bool("HUSTINGS_SSL_REDIRECT", _HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("HUSTINGS_HSTS_SECONDS", 31_536_000 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HUSTINGS_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HUSTINGS_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Asking browsers to preload HSTS binds the whole domain for months: a decision for whoever
    # owns it (HUSTINGS_HSTS_PRELOAD=1), not a default, so its reminder is silenced.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("HUSTINGS_BEHIND_TLS_PROXY", _HTTPS):
    # The proxy terminates TLS and says so; gunicorn must only be reachable through it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Django's own Content-Security-Policy: no inline script without the per-response nonce, nothing
# from other origins, and no framing.
SECURE_CSP: dict[str, Any] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# -- Uploads, static files and media -----------------------------------------------------------

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# A laptop serves static files from the source tree and never collects them (see WhiteNoise below).
STATIC_ROOT: Path | None = (
    Path(env_str("HUSTINGS_STATIC_ROOT") or DATA_DIR / "staticfiles")
    if not (DEV or DEBUG) or env_str("HUSTINGS_STATIC_ROOT")
    else None
)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("HUSTINGS_MEDIA_ROOT") or DATA_DIR / "media")
HUSTINGS_SERVE_MEDIA = env_bool("HUSTINGS_SERVE_MEDIA", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEV or DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# On a laptop WhiteNoise serves straight from the source tree, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = DEV or DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Photos are resized to at most this many pixels on the longer side, and rejected above 10 MB.
HUSTINGS_PHOTO_MAX_PIXELS = 800
HUSTINGS_PHOTO_MAX_BYTES = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o640
# The membership register upload in the admin can be large; the importer streams it from disk.
HUSTINGS_IMPORT_MAX_BYTES = 200 * 1024 * 1024

# -- Email -------------------------------------------------------------------------------------

_MAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
# Console on a laptop; a deployment sends by SMTP unless told otherwise.
_mail_backend = env_str("HUSTINGS_EMAIL_BACKEND", "console" if DEV or DEBUG else "smtp")
_mailer: dict[str, Any] = {"BACKEND": _MAIL_BACKENDS.get(_mail_backend, _mail_backend)}
if _mailer["BACKEND"] == _MAIL_BACKENDS["smtp"]:
    _mailer["OPTIONS"] = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 587),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", True),
        "timeout": env_int("EMAIL_TIMEOUT", 20),
    }
MAILERS = {"default": _mailer}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Hustings <elections@example.org>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
ADMINS = [("Administrator", address) for address in env_list("HUSTINGS_ADMIN_EMAILS", [])]

# -- Background tasks --------------------------------------------------------------------------

# Production queues tasks in the database for `hustings worker`; a laptop and the tests run them
# at once, so a sign-in email appears on the console without a second process.
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
_task_backend = env_str("HUSTINGS_TASKS", "immediate" if DEV else "database")
if _task_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"HUSTINGS_TASKS={_task_backend!r}: expected one of {', '.join(_TASK_BACKENDS)}"
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_task_backend]}}

# -- Time and language -------------------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# -- Logging -----------------------------------------------------------------------------------

LOG_LEVEL = env_str("HUSTINGS_LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.request": {
            "handlers": ["console", "mail_admins"],
            "level": "ERROR",
            "propagate": False,
        },
        "hustings": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}
