"""Configuration: defaults here, then ``instance/config.py``, then the environment.

The environment wins so that a deployment never needs to edit files: ``DATABASE_URL``,
``SECRET_KEY`` and any ``REKINDLE_<NAME>`` variable (``REKINDLE_ENV=production``,
``REKINDLE_STAFF_IDLE_MINUTES=20`` ...) override what the files say.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask

from app.mailer import MAIL_DIR

ROOT = Path(__file__).resolve().parent.parent
MIN_SECRET_BYTES = 32


class ConfigurationError(RuntimeError):
    """Raised at start-up when the configuration is unsafe to run with."""


class Defaults:
    """Settings every environment starts from."""

    ENV = "development"
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # filled in from instance_path when unset
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLALCHEMY_RECORD_QUERIES = False
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024  # whole request bodies; text fields have their own limits
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the login session does
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "rekindle_session"
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BOOTSWATCH_THEME = None

    # Sessions: idle timeout per role, and an absolute lifetime nobody can extend.
    REKINDLE_STAFF_IDLE_MINUTES = 30
    REKINDLE_CLIENT_IDLE_MINUTES = 60
    REKINDLE_ABSOLUTE_SESSION_HOURS = 12

    REKINDLE_PRACTICE_NAME = "Rekindle Counseling Practice"
    # Shown to a client right after a safety answer on a measure (PHQ-9 item 9); set it to
    # the practice's own numbers. Plain text, line breaks kept.
    REKINDLE_CRISIS_RESOURCES = (
        "If you are in danger or might act on these thoughts, call your local emergency number now.\n"
        "You can also call or text a crisis line at any hour (in the US: 988).\n"
        "Your counselor will see your answers and get in touch."
    )
    # Shown above every client's message composer (app/messages): messages are no crisis line.
    REKINDLE_MESSAGES_NOTICE = (
        "Messages are read on working days, usually within two working days. They are not for"
        " emergencies: if you or someone else is in danger, call your local emergency number."
    )
    REKINDLE_PAGE_SIZE = "A4"  # or "Letter"
    REKINDLE_PDF_TIMEOUT = 20.0  # seconds before a render is stopped
    REKINDLE_PDF_WORKERS = 2  # warm render processes per web process (and concurrent renders)
    REKINDLE_PDF_MEMORY_MB = 1024  # address-space cap of each render process
    # Renders in the job queue (every PDF a person asks for): documents up to the size limits
    # (12 journal entries of 100,000 characters, 70 long amendments) take ~20-30 s.
    REKINDLE_PDF_BACKGROUND_TIMEOUT = 300.0
    REKINDLE_PDF_BACKGROUND_MEMORY_MB = 2048
    # A render worker that grew past this (after a very long document) is replaced (T6).
    REKINDLE_PDF_RECYCLE_MB = 180
    # ... and so is one grown this much over its size once warm (T6: < 10 % over 100 renders);
    # the replacement starts beside the render that found it grown, so no request waits on it.
    REKINDLE_PDF_RECYCLE_GROWTH = 0.08
    REKINDLE_PDF_WAIT_SECONDS = 2.5  # a page request waits this long for a small PDF, no more
    REKINDLE_PDF_BACKGROUND_CHARS = 100_000  # bigger documents never make the request wait
    REKINDLE_PDF_KEEP_HOURS = 24  # finished PDFs are deleted after this
    REKINDLE_REDIS_URL: str | None = None  # job queue on Redis; SQLite in instance/ otherwise
    REKINDLE_QUEUE_NAME = "rekindle"
    REKINDLE_QUEUE_FILE: str | None = None  # SQLite queue file; instance/queue.db by default
    REKINDLE_QUEUE_IMMEDIATE: bool | None = None  # run tasks in the caller; default: TESTING
    REKINDLE_TIMEZONE = "UTC"  # the practice's zone: times are shown and "today" is judged in it
    REKINDLE_CALENDAR_CASE_LABEL = "initials"  # counselors' feeds: "initials" or "case_label"
    REKINDLE_INVITATION_DAYS = 7
    # Where the safety check's quick exit goes (a neutral site the practice chooses); our own
    # neutral page at /weather when unset.
    REKINDLE_QUICK_EXIT_URL: str | None = None
    REKINDLE_DEMO_PASSWORD = "rekindle-demo"
    REKINDLE_ENCRYPTION_KEYS: str | None = None  # JSON keyring; a file in instance/ otherwise
    REKINDLE_ENCRYPTION_KEYS_FILE: str | None = None
    # Clients' data keys (crypto-shredding); beside the keyring file, client_keys.json, otherwise
    REKINDLE_CLIENT_KEY_STORE: str | None = None
    REKINDLE_PUBLIC_URL: str | None = None  # used in e-mailed links; request host otherwise

    RATELIMIT_STORAGE_URI = "memory://"  # Redis in production: redis://host:6379/0
    RATELIMIT_KEY_PREFIX = "rekindle"
    # Practice setting: a reassigned case starts with everything unread for the new counselor
    # (by default they inherit what the former counselor had read; app.services.read_handover).
    REKINDLE_REASSIGNED_CASES_START_UNREAD = False
    REKINDLE_REQUIRE_STAFF_2FA = False  # practice setting: staff must enrol a second factor
    RATELIMIT_HEADERS_ENABLED = False
    REKINDLE_TRUSTED_PROXIES = 0  # how many proxies' X-Forwarded-For to believe

    MAIL_SERVER: str | None = None  # no server: notification e-mails go to instance/mail/*.eml
    MAIL_PORT = 25
    MAIL_SENDER = "Rekindle <no-reply@rekindle.test>"  # its address sends in the practice's name
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS = False  # STARTTLS on MAIL_PORT
    MAIL_USE_SSL = False  # TLS from the first byte (port 465)
    MAIL_TIMEOUT = 30.0
    MAIL_DISCREET_NAME = "Notifications"  # the sender's name in discreet mode
    MAIL_FILE_DIR: str | None = None  # where .eml files go without a server; instance/mail/
    # Notification delivery: failed attempts before a dead letter, the first retry's delay
    # (doubling, at most an hour), and how old a sending claim is before the sweep checks it.
    REKINDLE_NOTIFY_MAX_ATTEMPTS = 8
    REKINDLE_NOTIFY_RETRY_SECONDS = 60.0
    REKINDLE_NOTIFY_CLAIM_MINUTES = 10.0


def load_config(app: Flask, overrides: dict | None = None) -> None:
    """Layer the configuration and refuse to start when it is unsafe."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(os.environ["DATABASE_URL"])
    if os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    _apply_environment(app)
    if overrides:
        app.config.update(overrides)

    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{Path(app.instance_path) / 'rekindle.db'}"
        )
    app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(app.config["SQLALCHEMY_DATABASE_URI"])

    if is_production(app):
        _check_production(app)
        _warn_production(app)
    elif not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _development_secret(Path(app.instance_path))


def is_production(app: Flask) -> bool:
    """True under the production configuration."""
    return app.config.get("ENV") == "production"


def _apply_environment(app: Flask) -> None:
    """Apply ``REKINDLE_*`` variables; ``REKINDLE_MAIL_SERVER`` sets ``MAIL_SERVER`` and so on."""
    for name, value in os.environ.items():
        if not name.startswith("REKINDLE_") or name in ("REKINDLE_PASSWORD",):
            continue
        if name == "REKINDLE_ENV":
            app.config["ENV"] = value
            continue
        short = name.removeprefix("REKINDLE_")
        key = short if hasattr(Defaults, short) else name
        default = getattr(Defaults, key, None)
        app.config[key] = _typed(value, default)


def _typed(value: str, default: object) -> object:
    """Numbers and booleans are parsed only where the default is one; text stays text."""
    if isinstance(default, bool):
        return value.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    return value


def _normalise_db_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the URL uses."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _check_production(app: Flask) -> None:
    secret = app.config.get("SECRET_KEY") or ""
    if len(secret.encode()) < MIN_SECRET_BYTES:
        raise ConfigurationError(
            f"SECRET_KEY must be set to at least {MIN_SECRET_BYTES} random bytes in production."
        )
    if app.config.get("DEBUG"):
        raise ConfigurationError("DEBUG must be off in production.")
    if not (
        app.config.get("REKINDLE_ENCRYPTION_KEYS")
        or app.config.get("REKINDLE_ENCRYPTION_KEYS_FILE")
    ):
        raise ConfigurationError(
            "Set REKINDLE_ENCRYPTION_KEYS or REKINDLE_ENCRYPTION_KEYS_FILE in production."
        )
    app.config["SESSION_COOKIE_SECURE"] = True


def _warn_production(app: Flask) -> None:
    """Say at start-up what works, but surely not as the practice means it to."""
    if not app.config.get("MAIL_SERVER"):
        # app/mailer.py writes every e-mail to a file when no server is set: right for a
        # laptop, silent loss of every notification, invitation and reset link in production.
        folder = app.config.get("MAIL_FILE_DIR") or str(Path(app.instance_path) / MAIL_DIR)
        app.logger.warning(
            "MAIL_SERVER is not set: e-mails (notifications, invitations, password resets, "
            "sign-in links) will be written as .eml files to %s instead of being sent. "
            "Set REKINDLE_MAIL_SERVER (and REKINDLE_MAIL_PORT) to send them.",
            folder,
        )


def _development_secret(instance: Path) -> str:
    """Create a random secret once in instance/ so development sessions survive restarts."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
