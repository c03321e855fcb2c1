"""Account commands: create and deactivate."""

import sqlalchemy as sa

from app.extensions import db
from app.models import Role, User


def test_create_user_from_environment_password(app, runner, monkeypatch):
    monkeypatch.setenv("REKINDLE_PASSWORD", "a long enough passphrase")
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--role",
            "counselor",
            "--email",
            "New@Example.test",
            "--name",
            "Nia New",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "new@example.test"))
        assert user.role is Role.COUNSELOR and user.password_hash.startswith("scrypt:")


def test_create_user_refuses_weak_password(app, runner, monkeypatch):
    monkeypatch.setenv("REKINDLE_PASSWORD", "password123")
    result = runner.invoke(
        args=["users", "create", "--role", "admin", "--email", "a@example.test", "--name", "A"]
    )
    assert result.exit_code != 0
    assert "common" in result.output


def test_create_user_refuses_duplicate_email_any_case(app, runner, factory, monkeypatch):
    factory.counselor(email="taken@example.test")
    monkeypatch.setenv("REKINDLE_PASSWORD", "a long enough passphrase")
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--role",
            "counselor",
            "--email",
            "TAKEN@example.test",
            "--name",
            "T",
        ]
    )
    assert result.exit_code != 0 and "exists already" in result.output


def test_create_user_prompts_for_password(app, runner, monkeypatch):
    monkeypatch.delenv("REKINDLE_PASSWORD", raising=False)
    result = runner.invoke(
        args=["users", "create", "--role", "client", "--email", "p@example.test", "--name", "P"],
        input="a long enough passphrase\na long enough passphrase\n",
    )
    assert result.exit_code == 0, result.output


def test_deactivate_unknown_email(runner):
    result = runner.invoke(args=["users", "deactivate", "--email", "nobody@example.test"])
    assert result.exit_code != 0
