"""``flask --app wsgi modules ...``: operational commands of the module library.

Registered by ``app.cli`` with every other command group.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db
from app.services.modules import load_builtin_modules

modules_cli = AppGroup("modules", help="Keep the built-in strategy modules up to date.")


@modules_cli.command("load-builtin")
def load_builtin_command() -> None:
    """Load the built-in modules; a file with a newer content_version adds a version."""
    changes = load_builtin_modules()
    db.session.commit()
    for line in changes:
        click.echo(line)
    click.echo("Built-in modules are up to date." if not changes else f"{len(changes)} change(s).")
