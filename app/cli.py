"""Every operational command of ``flask --app wsgi ...``, registered in one place.

``users`` and ``seed-demo`` are defined here; the other groups live with the feature they
operate on (``app.cli_dataprotection``, ``app.audit_cli``, ``app.library.cli``) and are only
attached here, so ``flask --app wsgi --help`` lists everything a deployment can run.
Benchmark commands are not among them: they belong to ``bench/`` and exist only on the app
the benchmark serves.
"""

from __future__ import annotations

import os

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from app.auth.passwords import password_problem
from app.auth.services import deactivate_account, find_user, normalise_email, set_password
from app.extensions import db
from app.models import Role, User

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--email", required=True)
@click.option("--name", required=True)
def create_user(role: str, email: str, name: str) -> None:
    """Create an account; the password comes from REKINDLE_PASSWORD or a prompt."""
    if find_user(email):
        raise click.ClickException(f"An account for {normalise_email(email)} exists already.")
    password = os.environ.get("REKINDLE_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    problem = password_problem(password, email=email)
    if problem:
        raise click.ClickException(problem)
    user = User(email=normalise_email(email), name=name.strip(), role=Role(role))
    db.session.add(user)
    set_password(user, password)
    db.session.commit()
    click.echo(f"Created {role} {user.email}.")


@users_cli.command("deactivate")
@click.option("--email", required=True)
def deactivate_user(email: str) -> None:
    """Deactivate an account and sign it out everywhere."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"No account for {normalise_email(email)}.")
    deactivate_account(user)
    db.session.commit()
    click.echo(f"Deactivated {user.email}.")


@users_cli.command("reset-password")
@click.argument("email")
def reset_password(email: str) -> None:
    """Print a one-time password-reset link for EMAIL (never a password); audited."""
    from app.auth import links

    user = find_user(email)
    if not links.may_receive(user):
        raise click.ClickException(
            f"No active account with a password for {normalise_email(email)} "
            "(a new account sets its password with its invitation link)."
        )
    token = links.issue(user, links.RESET)
    db.session.commit()
    base = current_app.config.get("REKINDLE_PUBLIC_URL")
    with current_app.test_request_context(base_url=base or "http://localhost:5000"):
        link = links.url(token, links.RESET)
    click.echo(
        f"Password reset link for {user.email}; it works once, for {links.RESET_MINUTES} "
        f"minutes. Give it to them only, the way you would a key:\n{link}"
    )
    if not base:
        click.echo("Set REKINDLE_PUBLIC_URL so that links name the site's address.", err=True)


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the demo accounts and their data (idempotent; refused under production config)."""
    from app.demo import seed_demo

    try:
        seed_demo()
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("Demo data is ready. Every demo account uses the demo password.")


def init_app(app: Flask) -> None:
    """Attach every command group to ``app.cli``."""
    from app.audit_cli import audit_cli
    from app.cli_dataprotection import backup_command, keys_cli, restore_command
    from app.library.cli import modules_cli

    for command in (
        users_cli,
        seed_demo_command,
        modules_cli,
        keys_cli,
        backup_command,
        restore_command,
        audit_cli,
    ):
        app.cli.add_command(command)
