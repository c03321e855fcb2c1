"""``flask --app wsgi modules ...``: operational commands of the module library.

The commands hang on the blueprint's own command group (``bp.cli``, named "modules").
"""

from __future__ import annotations

import click

from app.extensions import db
from app.modules import bp
from app.services.modules import load_builtin_modules


@bp.cli.command("load-builtin")
def load_builtin_command() -> None:
    """Load the built-in modules; a file with a newer content_version adds a version."""
    changes = load_builtin_modules()
    db.session.commit()
    for line in changes:
        click.echo(line)
    click.echo("Built-in modules are up to date." if not changes else f"{len(changes)} change(s).")
