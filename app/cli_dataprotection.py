"""Data-protection commands: ``keys status|add|rotate|retire``, ``backup PATH``, ``restore PATH``.

Registered by ``app.cli`` with every other command group.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext

from app.crypto import DecryptionError, keyring
from app.services import backup as backup_service
from app.services import keys as key_service

keys_cli = AppGroup("keys", help="Manage the encryption keyring (rotate, retire).")


@keys_cli.command("status")
def keys_status() -> None:
    """Show the keys in the keyring and how many stored values each one encrypts."""
    ring = keyring()
    usage = key_service.key_usage()
    for key_id in sorted(set(ring.keys) | set(usage)):
        flags = []
        if key_id == ring.active:
            flags.append("active")
        if key_id not in ring.keys:
            flags.append("MISSING from the keyring")
        suffix = f" ({', '.join(flags)})" if flags else ""
        click.echo(f"key {key_id}{suffix}: {usage.get(key_id, 0)} value(s)")
    with_data_keys = key_service.client_value_count()
    click.echo(
        f"clients' data keys (wrapped by the keys above): {with_data_keys} value(s) under them"
    )


@keys_cli.command("add")
def keys_add() -> None:
    """Add a new key and make it active, without re-encrypting (first step of a live rotation)."""
    try:
        key_id = key_service.add_key()
    except key_service.KeyringError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Key {key_id} is now active. Restart the app, then run `keys rotate --resume`.")


def _show_progress(step: key_service.Progress) -> None:
    click.echo(f"{step.column}: {step.scanned}/{step.total} scanned, {step.rewritten} re-encrypted")


@keys_cli.command("rotate")
@click.option(
    "--resume",
    is_flag=True,
    help="Do not add a key: finish re-encrypting under the active key (after an interruption).",
)
@click.option(
    "--batch-size",
    type=click.IntRange(1, 100_000),
    default=key_service.DEFAULT_BATCH_SIZE,
    show_default=True,
)
def keys_rotate(resume: bool, batch_size: int) -> None:
    """Add a new key, make it active and re-encrypt every stored value under it."""
    try:
        if not resume:
            key_id = key_service.add_key()
            click.echo(f"Added key {key_id}; it is now active.")
        click.echo(f"Re-encrypting under key {keyring().active} in batches of {batch_size}.")
        rewritten = key_service.reencrypt(batch_size=batch_size, progress=_show_progress)
    except key_service.KeyringError as exc:
        raise click.ClickException(str(exc)) from exc
    except DecryptionError as exc:
        raise click.ClickException(
            f"A stored value could not be decrypted ({exc}). Nothing after it was changed; "
            "fix the keyring and run `keys rotate --resume`."
        ) from exc
    click.echo(f"Done: {rewritten} value(s) re-encrypted. Old keys can now be retired.")


@keys_cli.command("retire")
@click.option("--key-id", type=int, required=True)
def keys_retire(key_id: int) -> None:
    """Remove an old key from the keyring; refused while any stored value still uses it."""
    try:
        key_service.retire_key(key_id)
    except key_service.KeyringError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Key {key_id} is retired and removed from the keyring.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Back up the database to PATH (safe while the app runs) and write PATH.manifest.json."""
    try:
        manifest = backup_service.backup(path)
    except backup_service.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(manifest["counts"].values())
    click.echo(
        f"Backed up {len(manifest['counts'])} tables, {rows} rows to {path} "
        f"(integrity checked; sha256 {manifest['sha256'][:12]}…)."
    )
    click.echo(
        "The encryption keyring and the client key store are not in the backup: back them up "
        "together, separately from the database."
    )


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(path: Path) -> None:
    """Restore PATH into the configured (empty) database and verify every table and value."""
    try:
        report = backup_service.restore(path, progress=click.echo)
    except backup_service.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    if not report.ok:
        for problem in report.problems:
            click.echo(f"PROBLEM: {problem}", err=True)
        raise click.ClickException("The restore finished but did not verify.")
    readable = report.encrypted_values - report.shredded_values
    click.echo(
        f"Restored and verified {report.tables} tables, {report.rows} rows; "
        f"{readable} encrypted values decrypt."
    )
    if report.shredded_values:
        click.echo(
            f"{report.shredded_values} value(s) belonged to clients erased after this backup: "
            "their keys are destroyed, so they cannot be decrypted, and they were erased again."
        )
