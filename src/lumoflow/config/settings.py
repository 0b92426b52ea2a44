"""Django settings: SQLite under LUMOFLOW_DATA_DIR by default, PostgreSQL through DATABASE_URL."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent  # src/lumoflow
REPO_DIR = BASE_DIR.parent.parent
DATA_DIR = Path(os.environ.get("LUMOFLOW_DATA_DIR", REPO_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Use LUMOFLOW_SECRET_KEY, else a key generated once and kept in the data folder."""
    if key := os.environ.get("LUMOFLOW_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_text(secrets.token_urlsafe(50))
        os.chmod(tmp, 0o600)
        tmp.replace(path)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("LUMOFLOW_DEBUG", "") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("LUMOFLOW_ALLOWED_HOSTS", "*").split(",") if h]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("LUMOFLOW_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "lumoflow.core",
    "lumoflow.people",
    "lumoflow.activity",
    "lumoflow.workspaces",
    "lumoflow.conversation",
    "lumoflow.knowledge",
    "lumoflow.notifications",
    "lumoflow.search",
    "lumoflow.measure",
    "lumoflow.importers",
    "lumoflow.api",
    "lumoflow.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lumoflow.core.middleware.ContentSecurityPolicyMiddleware",
    "lumoflow.core.middleware.BodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lumoflow.people.middleware.SignInPausedMiddleware",
    "lumoflow.core.middleware.UnusableAddressMiddleware",
    "lumoflow.core.middleware.TimezoneMiddleware",
    "lumoflow.core.middleware.ErrorPagesMiddleware",
    "lumoflow.api.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "lumoflow.config.urls"
WSGI_APPLICATION = "lumoflow.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lumoflow.core.context.site",
            ],
        },
    },
]


def _database() -> Mapping[str, object]:
    """Read DATABASE_URL (PostgreSQL in production), else the embedded SQLite database."""
    url = os.environ.get("DATABASE_URL")
    if url:
        db = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        if os.environ.get("LUMOFLOW_PG_PREPARED", "1") != "0":
            # Parameters bound by the server, and statements run five times on a connection
            # prepared there: every page runs the same few reads, and planning them cost
            # PostgreSQL more than running them. Set LUMOFLOW_PG_PREPARED=0 behind a connection
            # pooler that cannot keep prepared statements.
            options = {"server_side_binding": True, "prepare_threshold": 5}
            db["OPTIONS"] = {**db.get("OPTIONS", {}), **options}
        return db
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "lumoflow.sqlite3",
        # Opening SQLite with its pragmas costs a few ms: keep each thread's connection.
        "CONN_MAX_AGE": None,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue on the
            # busy timeout instead of failing with "database is locked" on lock upgrade.
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=FULL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA wal_autocheckpoint=1000;"
                "PRAGMA busy_timeout=30000;"
            ),
        },
        "TEST": {"NAME": os.environ.get("LUMOFLOW_TEST_SQLITE_NAME")},
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "lumoflow.people.auth.UsernameOrEmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "people:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "people:login"

# Sign-in throttling (people.throttle): an account, whatever spelling or e-mail reaches it, is
# paused after LUMOFLOW_LOGIN_FAILURE_LIMIT failures within the cool-off (a success clears its
# count); an address after LUMOFLOW_LOGIN_ADDRESS_FAILURE_LIMIT failures on any accounts (never
# cleared by a success). LUMOFLOW_PROXIES: how many proxies in front of the site append to
# X-Forwarded-For (0: the client is the connection's address).
LUMOFLOW_LOGIN_FAILURE_LIMIT = int(os.environ.get("LUMOFLOW_LOGIN_FAILURE_LIMIT", "5"))
LUMOFLOW_LOGIN_ADDRESS_FAILURE_LIMIT = int(
    os.environ.get("LUMOFLOW_LOGIN_ADDRESS_FAILURE_LIMIT", "20")
)
LUMOFLOW_LOGIN_COOL_OFF = timedelta(
    minutes=int(os.environ.get("LUMOFLOW_LOGIN_COOL_OFF_MINUTES", "15"))
)
LUMOFLOW_PROXIES = int(os.environ.get("LUMOFLOW_PROXIES", "0"))

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [("vendor/htmx", REPO_DIR / "node_modules" / "htmx.org" / "dist")]
# The chart libraries (vega, vega-lite, vega-embed) are the few built files core.assets names.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "lumoflow.core.assets.PackageFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"

EMAIL_BACKEND = os.environ.get(
    "LUMOFLOW_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = os.environ.get("LUMOFLOW_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("LUMOFLOW_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("LUMOFLOW_FROM_EMAIL", "lumoflow@localhost")
EMAIL_TIMEOUT = float(os.environ.get("LUMOFLOW_EMAIL_TIMEOUT", "30"))


def _base_url() -> str:
    """The site's address as people reach it (every link in an e-mail starts with it): an
    http(s) address with a host and nothing after the path, checked here so that a typo stops
    the start instead of mailing broken links."""
    from urllib.parse import urlsplit

    from django.core.exceptions import ImproperlyConfigured

    raw = os.environ.get("LUMOFLOW_BASE_URL", "http://localhost:8000").strip()
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"LUMOFLOW_BASE_URL={raw!r} is not a site address such as https://lumoflow.example.com"
        )
    return raw.rstrip("/")


def _digest_times() -> tuple[str, str, str]:
    """The organisation's time zone and when the digests go out in it, checked at start-up:
    LUMOFLOW_TIME_ZONE (an IANA name, default UTC), LUMOFLOW_DIGEST_WEEKLY ("mon 07:00": a
    weekday and a time) and LUMOFLOW_DIGEST_MONTHLY ("1 07:00": a day of the month, 1 to 28,
    and a time)."""
    import re
    import zoneinfo

    from django.core.exceptions import ImproperlyConfigured

    zone = os.environ.get("LUMOFLOW_TIME_ZONE", "UTC").strip()
    weekly = os.environ.get("LUMOFLOW_DIGEST_WEEKLY", "mon 07:00").strip().lower()
    monthly = os.environ.get("LUMOFLOW_DIGEST_MONTHLY", "1 07:00").strip()
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ImproperlyConfigured(f"LUMOFLOW_TIME_ZONE={zone!r} is not a time zone") from exc
    clock = r"([01]\d|2[0-3]):[0-5]\d"
    if not re.fullmatch(rf"(mon|tue|wed|thu|fri|sat|sun) {clock}", weekly):
        raise ImproperlyConfigured(f"LUMOFLOW_DIGEST_WEEKLY={weekly!r} is not like 'mon 07:00'")
    if not re.fullmatch(rf"([1-9]|1\d|2[0-8]) {clock}", monthly):
        raise ImproperlyConfigured(
            f"LUMOFLOW_DIGEST_MONTHLY={monthly!r} is not like '1 07:00' (a day from 1 to 28)"
        )
    return zone, weekly, monthly


# E-mailed digests (measure.digests): links start with LUMOFLOW_BASE_URL; the worker sends them
# at these times of the organisation's time zone. An unsubscribe link works this many days.
LUMOFLOW_BASE_URL = _base_url()
LUMOFLOW_TIME_ZONE, LUMOFLOW_DIGEST_WEEKLY, LUMOFLOW_DIGEST_MONTHLY = _digest_times()
LUMOFLOW_UNSUBSCRIBE_DAYS = int(os.environ.get("LUMOFLOW_UNSUBSCRIBE_DAYS", "90"))
# "off": the worker leaves its schedule alone: the digests (`lumoflow send-digests` still sends)
# and the storing of the ended quarter's and month's results.
LUMOFLOW_DIGESTS = os.environ.get("LUMOFLOW_DIGESTS", "on").strip().lower() != "off"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Shared page fragments and page chrome (core.fragments) go in "fragments": per process on one
# machine, kept as objects (core.cache) and bounded in bytes as well as entries; Redis past one
# machine (bounded by its own maxmemory).
_ENTRIES = int(os.environ.get("LUMOFLOW_CACHE_ENTRIES", "2000"))
LUMOFLOW_FRAGMENT_CACHE_BYTES = int(os.environ.get("LUMOFLOW_FRAGMENT_CACHE_BYTES", str(64 << 20)))
CACHES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": _ENTRIES},
    },
    "fragments": {
        "BACKEND": "lumoflow.core.cache.ObjectCache",
        "OPTIONS": {"MAX_ENTRIES": _ENTRIES, "MAX_BYTES": LUMOFLOW_FRAGMENT_CACHE_BYTES},
    },
}
if redis_url := os.environ.get("LUMOFLOW_REDIS_URL"):
    _REDIS = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    CACHES = {"default": _REDIS, "fragments": _REDIS}

SESSION_ENGINE = "lumoflow.core.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Content-Security-Policy (core.middleware), on every answer: scripts, styles, images, fonts and
# requests from the site only, so a post cannot load a tracking pixel or a script from
# elsewhere (external images in Markdown become links). `data:` images load nothing from
# anywhere (the admin's and the API documentation's icons are data: images in their CSS).
LUMOFLOW_CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# HSTS (Django's SecurityMiddleware) is sent on answers over HTTPS only, so a site tried over
# plain HTTP is not pinned to HTTPS. Behind a proxy that terminates TLS (LUMOFLOW_PROXIES > 0)
# the scheme is read from X-Forwarded-Proto, which the proxy must set.
SECURE_HSTS_SECONDS = int(os.environ.get("LUMOFLOW_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("LUMOFLOW_HSTS_INCLUDE_SUBDOMAINS", "") == "1"
SECURE_HSTS_PRELOAD = False
if LUMOFLOW_PROXIES > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Product settings (per workspace overrides live on the workspace).
LUMOFLOW_MIN_GROUP_SIZE = int(os.environ.get("LUMOFLOW_MIN_GROUP_SIZE", "5"))
LUMOFLOW_OBJECTIVE_GRACE_DAYS = 14
LUMOFLOW_STATUS_ON_TRACK_MARGIN = 0.1
LUMOFLOW_STATUS_AT_RISK_MARGIN = 0.3
LUMOFLOW_MAX_POST_CHARS = int(os.environ.get("LUMOFLOW_MAX_POST_CHARS", "20000"))
LUMOFLOW_MAX_ATTACHMENT_BYTES = int(os.environ.get("LUMOFLOW_MAX_ATTACHMENT_BYTES", str(10 << 20)))
# Request bodies and uploads (README, "Security and operations"): refused with 413 from their
# Content-Length before they are read.
LUMOFLOW_MAX_REQUEST_BYTES = int(os.environ.get("LUMOFLOW_MAX_REQUEST_BYTES", str(2621440)))
DATA_UPLOAD_MAX_MEMORY_SIZE = LUMOFLOW_MAX_REQUEST_BYTES
LUMOFLOW_MAX_POST_ATTACHMENTS_BYTES = int(
    os.environ.get("LUMOFLOW_MAX_POST_ATTACHMENTS_BYTES", str(25 << 20))
)
# An export uploaded to "Measure an export" (/org/measure): streamed to disk, never held in memory.
LUMOFLOW_MEASURE_UPLOAD_MAX = int(os.environ.get("LUMOFLOW_MEASURE_UPLOAD_MAX", str(2 << 30)))
LUMOFLOW_MAX_DAILY_UPLOAD_BYTES = int(
    os.environ.get("LUMOFLOW_MAX_DAILY_UPLOAD_BYTES", str(100 << 20))
)

# A POST to the API with an Idempotency-Key header is answered once; a retry with the same key
# within this many hours gets the same answer (api.idempotency).
LUMOFLOW_IDEMPOTENCY_KEY_HOURS = float(os.environ.get("LUMOFLOW_IDEMPOTENCY_KEY_HOURS", "24"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LUMOFLOW_LOG_LEVEL", "WARNING")},
}
