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
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa
from flask import Flask, g, has_app_context, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, CursorResult, Engine, Result
from sqlalchemy.exc import SQLAlchemyError
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


def end_reads_on_teardown(app: Flask) -> None:
    """Call after ``db.init_app``: teardowns run last-registered first, so this runs before
    Flask-SQLAlchemy removes the session at the end of an app context (a request's or not)."""
    app.teardown_appcontext(_end_reading_transaction)


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
        end_transaction_unsaved(db.session())
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


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn) -> None:
    """A write takes SQLite's write lock when its transaction begins (``BEGIN IMMEDIATE``).

    With a plain ``BEGIN`` two writers both read the audit chain's head, and the second one's
    upgrade to a write lock fails or, after the first commits, chains onto a stale head: the
    chain forks (tests/security/test_audit_chain_writers.py). Safe methods read without the
    lock, unless the request asked for a write transaction (``g.sqlite_write``) to append
    audit events."""
    if conn.dialect.name != "sqlite":
        return
    reading = (
        has_request_context()
        and request.method in SAFE_METHODS
        and not (has_app_context() and g.get("sqlite_write"))
    )
    conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


@event.listens_for(Session, "after_commit")
def _note_request_commit(_session: Session) -> None:
    if has_request_context() and not ending_reads():
        g.request_committed = True


# -- ending a transaction that only read (PostgreSQL) ---------------------------------------
#
# psycopg prepares a statement the fifth time a connection runs it, and PostgreSQL then reuses
# its plan; but psycopg forgets every prepared statement of the connection on ROLLBACK. Every
# page view ended with one (nothing to save: roll back), so every statement of every request
# was planned afresh; the case page's one combined read spent longer in the planner than
# running. A transaction that ran only SELECTs and has no unsaved changes ends the same with
# COMMIT (there is nothing to undo), and keeps the connection's prepared statements. Anything
# else still rolls back, as before: a statement that is not a SELECT, or changed objects.

_WROTE = "rekindle_wrote"
_READ_ONLY_STATEMENT = re.compile(r"\s*SELECT\b", re.IGNORECASE)


@event.listens_for(Engine, "begin")
def _note_transaction_start(conn: Connection) -> None:
    conn.info[_WROTE] = False


@event.listens_for(Engine, "before_cursor_execute")
def _note_write(conn: Connection, _cursor, statement: str, *_args) -> None:
    # On every statement: only PostgreSQL asks, and once written a transaction stays written.
    if conn.dialect.name != "postgresql" or conn.info.get(_WROTE):
        return
    if not _READ_ONLY_STATEMENT.match(statement):
        conn.info[_WROTE] = True


def ending_reads() -> bool:
    """Whether the commit under way only ends a transaction that read (it carries nothing)."""
    return has_app_context() and bool(g.get("ending_reads"))


def only_read(session: Session) -> bool:
    """Whether the session's transaction ran only SELECTs and holds no unsaved change (False
    for a transaction that failed: it must roll back)."""
    if session.new or session.dirty or session.deleted:
        return False
    try:
        conn = session.connection()
    except SQLAlchemyError:
        return False
    return not conn.info.get(_WROTE, True)


def _commits_to_end(session: Session) -> bool:
    return (
        session.in_transaction()
        and session.get_bind().dialect.name == "postgresql"
        and only_read(session)
    )


def end_transaction_unsaved(session: Session, *, expire: bool = True) -> None:
    """End the session's transaction saving nothing: COMMIT when it only read on PostgreSQL
    (keeps prepared statements, see above), otherwise ROLLBACK. ``expire=False`` keeps the
    objects' loaded values, as the session's removal does (objects read in an app context stay
    readable after it)."""
    if not _commits_to_end(session):
        session.rollback()
        return
    g.ending_reads = True
    expiring = session.expire_on_commit
    session.expire_on_commit = expire
    try:
        session.commit()
    except SQLAlchemyError:
        session.rollback()
    finally:
        session.expire_on_commit = expiring
        g.pop("ending_reads", None)


def _end_reading_transaction(error: BaseException | None) -> None:
    """``teardown_appcontext``: end a transaction that only read with COMMIT; anything else is
    left to the session's removal, which rolls it back. (Not at a request's teardown: code
    that pushes a request context of its own, to build a URL, must keep its transaction.)"""
    from app.extensions import db

    session = db.session()
    if error is None and _commits_to_end(session):
        end_transaction_unsaved(session, expire=False)


def rows_changed(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched.

    ``Session.execute`` is typed to return a plain ``Result``; for DML it is a ``CursorResult``.
    """
    return cast(CursorResult[Any], result).rowcount
