"""Fixtures shared by every test: an app on a migrated database, clients, users, logins.

The database is migrated once per test process (SQLite in a temporary folder, or the
PostgreSQL server named by ``TEST_DATABASE_URL``, one database per xdist worker) and emptied
after every test, so tests are isolated without paying for migrations each time.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from app import create_app
from app.config import _normalise_db_url
from app.crypto import Keyring
from app.extensions import db
from tests.factories import Factory
from tests.mailbox import inbox  # noqa: F401  (a real SMTP server, for e-mailed links)

TEST_SECRET = "test-secret-key-that-is-long-enough-for-production-0123456789"
TEST_PASSWORD = "correct horse battery staple"
TEST_KEYRING = Keyring.generate().to_json()


def pytest_configure(config: pytest.Config) -> None:
    # Keep the whole run away from the developer's own instance/ files.
    os.environ.setdefault(
        "REKINDLE_INSTANCE_PATH", str(Path(config.rootpath) / "tests" / ".artifacts" / "instance")
    )


@pytest.fixture(scope="session")
def worker_id(request: pytest.FixtureRequest) -> str:
    """xdist's worker name, or "main" without xdist."""
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> str:
    """A fresh, empty database for this test process."""
    server_url = os.environ.get("TEST_DATABASE_URL")
    if not server_url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'rekindle-test.db'}"
    url = sa.make_url(_normalise_db_url(server_url))
    # TEST_DB_SUFFIX keeps parallel runs on one server apart (e.g. several developers' runs).
    name = f"{url.database}_{worker_id}{os.environ.get('TEST_DB_SUFFIX', '')}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def anchor_file_for(database_url: str) -> str:
    """The audit anchor file of one test database (xdist workers and runs stay apart)."""
    digest = hashlib.sha256(database_url.encode()).hexdigest()[:16]
    return str(Path(os.environ["REKINDLE_INSTANCE_PATH"]) / f"audit-anchor-{digest}.json")


def client_key_store_for(database_url: str) -> str:
    """The client key store of one test database (its data keys go with its rows)."""
    digest = hashlib.sha256(database_url.encode()).hexdigest()[:16]
    return str(Path(os.environ["REKINDLE_INSTANCE_PATH"]) / f"client-keys-{digest}.json")


def make_app(database_url: str, **overrides) -> Flask:
    """An app configured for tests; ``overrides`` win."""
    config = {
        "REKINDLE_AUDIT_ANCHOR_FILE": anchor_file_for(database_url),
        "REKINDLE_CLIENT_KEY_STORE": client_key_store_for(database_url),
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "REKINDLE_ENCRYPTION_KEYS": TEST_KEYRING,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture(scope="session")
def migrated_database(database_url: str) -> str:
    """Apply every migration once; tests then share the schema."""
    app = make_app(database_url)
    # An anchor left by an earlier run on the same database server names events long gone.
    Path(app.config["REKINDLE_AUDIT_ANCHOR_FILE"]).unlink(missing_ok=True)
    Path(app.config["REKINDLE_CLIENT_KEY_STORE"]).unlink(missing_ok=True)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


def empty_all_tables(app: Flask) -> None:
    """Delete every row, children first, keeping the schema and Alembic's version.

    The audit anchor and the client key store go too: they belong to the rows just deleted.
    """
    Path(app.config["REKINDLE_AUDIT_ANCHOR_FILE"]).unlink(missing_ok=True)
    Path(app.config["REKINDLE_CLIENT_KEY_STORE"]).unlink(missing_ok=True)
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
                conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                # strategy_modules and module_versions point at each other: check at commit.
                conn.execute(sa.text("PRAGMA defer_foreign_keys = ON"))
                for table in reversed(db.metadata.sorted_tables):
                    conn.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def app_config() -> dict:
    """Extra configuration for the ``app`` fixture; override in a test module to change it."""
    return {}


@pytest.fixture
def app(migrated_database: str, app_config: dict) -> Iterator[Flask]:
    """The app on an empty, migrated database. No app context stays pushed during the test."""
    application = make_app(migrated_database, **app_config)
    yield application
    empty_all_tables(application)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client with its own cookie jar."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    """Invoke CLI commands."""
    return app.test_cli_runner()


@pytest.fixture
def factory(app: Flask) -> Factory:
    """Makes users, cases and other records directly in the database."""
    return Factory(app)


class AuthActions:
    """Sign in and out through the real login form."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, email: str, password: str = TEST_PASSWORD, **kwargs):
        """Post the login form."""
        return self._client.post("/login", data={"email": email, "password": password}, **kwargs)

    def logout(self):
        """Post the sign-out form."""
        return self._client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    """Login helper bound to ``client``."""
    return AuthActions(client)


@pytest.fixture
def login_as(app: Flask):
    """Return a new signed-in test client for a user (or email)."""

    def _login(user_or_email, password: str = TEST_PASSWORD) -> FlaskClient:
        email = getattr(user_or_email, "email", user_or_email)
        new_client = app.test_client()
        response = new_client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, f"login failed for {email}"
        return new_client

    return _login
