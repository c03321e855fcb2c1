"""Engine behaviour that differs by database.

SQLite serves many readers and one writer. WAL lets reads continue during a write, the busy
timeout makes a second writer wait instead of failing, and write requests open their
transaction with ``BEGIN IMMEDIATE`` so two writers never deadlock upgrading a read lock
(which SQLite reports as "database is locked" at once, whatever the timeout).

The database file and its ``-wal`` and ``-shm`` companions are private to the app's user (0600,
docs/security.md DP-1): the file is created empty with that mode before SQLite opens it (SQLite gives
its companions the main file's mode), and every new connection tightens the mode of files an
older version created world-readable.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa
from flask import Flask, g, has_app_context, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import CursorResult, Engine, Result
from sqlalchemy.orm import Session

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BUSY_TIMEOUT_MS = 15_000


def init_app(app: Flask) -> None:
    """Tune SQLite engines (PostgreSQL needs nothing) and run deferred writes after requests."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Copy, never mutate: the default dict is shared by every app in the process.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["connect_args"] = {
            "timeout": BUSY_TIMEOUT_MS / 1000,
            **options.get("connect_args", {}),
        }
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
        create_private_database_file(app.config["SQLALCHEMY_DATABASE_URI"])
    # A fresh flag per request, even when requests share an app context (tests).
    app.before_request(lambda: g.pop("request_committed", None))
    app.after_request(run_deferred_writes)


def is_page_view() -> bool:
    """Whether this request saved nothing a user was told was saved.

    A safe method whose view committed nothing: what is left to write is book-keeping (audit
    events of reads, "last seen", "read up to"), which may commit without waiting for the disk
    (``app.audit``). A GET whose view did commit (rare, e.g. a link that confirms something)
    and every POST keep synchronous commits for all they write, their audit events included.
    """
    return (
        has_request_context()
        and request.method in SAFE_METHODS
        and not (has_app_context() and g.get("request_committed"))
    )


def defer_write(write: Callable[[], object]) -> None:
    """Run ``write`` after the request's own work, in a short write transaction of its own.

    Book-keeping that a read-only page causes (audit events, "last seen" times) goes here, so
    pages never hold SQLite's write lock while they render.
    """
    g.setdefault("deferred_writes", []).append(write)


def run_deferred_writes(response):
    """``after_request``: drop whatever the request left uncommitted, then do the deferred writes.

    The view is the request's one commit point. Anything still pending here was never meant to
    be saved (a GET that changed a row, a view that failed half-way), so it is rolled back
    whatever the status, and the commit below carries only the deferred book-keeping.
    """
    from app.extensions import db

    writes = g.pop("deferred_writes", None)
    if writes:
        db.session.rollback()
        g.sqlite_write = True
        for write in writes:
            write()
        db.session.commit()
    return response


PRIVATE_MODE = 0o600
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def create_private_database_file(url: str) -> None:
    """Create a missing SQLite database file empty and owner-only, so SQLite never makes it 0644."""
    database = sa.make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.exists() or not path.parent.is_dir():
        return
    # FileExistsError: another process created it first, the same way.
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE))


def make_database_files_private(path: str) -> None:
    """Owner-only mode for a database file and its journal companions that exist."""
    for suffix in SQLITE_COMPANIONS:
        try:
            if os.stat(path + suffix).st_mode & 0o077:
                os.chmod(path + suffix, PRIVATE_MODE)
        except FileNotFoundError:
            continue


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Take over transaction control from the sqlite3 module so "begin" below decides.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    for _seq, name, path in cursor.execute("PRAGMA database_list").fetchall():
        if name == "main" and path:
            make_database_files_private(path)
    cursor.close()


@event.listens_for(Session, "after_commit")
def _note_request_commit(_session: Session) -> None:
    if has_request_context():
        g.request_committed = True


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn) -> None:
    if conn.dialect.name != "sqlite":
        return
    # A GET may still append audit events; it asks for a write transaction first (g flag).
    reading = (
        has_request_context()
        and request.method in SAFE_METHODS
        and not (has_app_context() and g.get("sqlite_write"))
    )
    conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def rows_changed(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched.

    ``Session.execute`` is typed to return a plain ``Result``; for DML it is a ``CursorResult``.
    """
    return cast(CursorResult[Any], result).rowcount
