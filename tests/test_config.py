"""Layered configuration and the production safety checks."""

import logging
import os
import stat

import pytest

from app import create_app
from app.config import ConfigurationError
from tests.conftest import TEST_KEYRING


@pytest.fixture
def clean_env(monkeypatch):
    for name in list(os.environ):
        if (
            name.startswith("REKINDLE_")
            and name != "REKINDLE_INSTANCE_PATH"
            or name in ("SECRET_KEY", "DATABASE_URL")
        ):
            monkeypatch.delenv(name)
    return monkeypatch


@pytest.fixture
def production(clean_env):
    """A production configuration that starts (a strong secret, a keyring)."""
    clean_env.setenv("REKINDLE_ENV", "production")
    clean_env.setenv("SECRET_KEY", "s" * 40)
    clean_env.setenv("REKINDLE_ENCRYPTION_KEYS", TEST_KEYRING)
    return clean_env


@pytest.mark.parametrize("secret", [None, "", "short", "x" * 31])
def test_production_refuses_missing_or_short_secret(clean_env, tmp_path, secret):
    clean_env.setenv("REKINDLE_ENV", "production")
    clean_env.setenv("REKINDLE_ENCRYPTION_KEYS", TEST_KEYRING)
    if secret is not None:
        clean_env.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app(instance_path=str(tmp_path))


def test_production_refuses_missing_encryption_keys(clean_env, tmp_path):
    clean_env.setenv("REKINDLE_ENV", "production")
    clean_env.setenv("SECRET_KEY", "s" * 40)
    with pytest.raises(ConfigurationError, match="ENCRYPTION_KEYS"):
        create_app(instance_path=str(tmp_path))


def test_production_starts_with_strong_secret_and_secure_cookies(production, tmp_path):
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert not app.debug


def mail_warnings(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if "MAIL_SERVER" in r.getMessage()]


def test_production_without_a_mail_server_warns_once_that_mail_goes_to_files(
    production, tmp_path, caplog
):
    with caplog.at_level(logging.WARNING):
        create_app(instance_path=str(tmp_path))
    [warning] = mail_warnings(caplog)
    assert warning.levelno == logging.WARNING
    message = warning.getMessage()
    assert "written as .eml files" in message and "instead of being sent" in message
    assert str(tmp_path / "mail") in message and "REKINDLE_MAIL_SERVER" in message


def test_production_with_a_mail_server_does_not_warn(production, tmp_path, caplog):
    production.setenv("REKINDLE_MAIL_SERVER", "smtp.example.test")
    with caplog.at_level(logging.WARNING):
        create_app(instance_path=str(tmp_path))
    assert mail_warnings(caplog) == []


def test_development_without_a_mail_server_does_not_warn(clean_env, tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        create_app(instance_path=str(tmp_path))  # writing files is what development wants
    assert mail_warnings(caplog) == []


def test_development_secret_is_generated_once_with_private_mode(clean_env, tmp_path):
    first = create_app(instance_path=str(tmp_path))
    second = create_app(instance_path=str(tmp_path))
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600
    keys_mode = stat.S_IMODE((tmp_path / "encryption_keys.json").stat().st_mode)
    assert keys_mode == 0o600


def test_environment_overrides_instance_config(clean_env, tmp_path):
    (tmp_path / "config.py").write_text(
        "REKINDLE_STAFF_IDLE_MINUTES = 20\nREKINDLE_PRACTICE_NAME = 'From file'\n"
    )
    clean_env.setenv("REKINDLE_STAFF_IDLE_MINUTES", "15")
    app = create_app(instance_path=str(tmp_path))
    assert app.config["REKINDLE_STAFF_IDLE_MINUTES"] == 15
    assert app.config["REKINDLE_PRACTICE_NAME"] == "From file"


def test_database_url_selects_psycopg(clean_env, tmp_path):
    clean_env.setenv("DATABASE_URL", "postgresql://user@db.internal/rekindle")
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


def test_default_database_is_sqlite_in_instance(clean_env, tmp_path):
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/rekindle.db"
