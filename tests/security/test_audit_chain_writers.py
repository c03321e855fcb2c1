"""AUD-2: writers appending at the same time still make one chain.

On PostgreSQL the head is read by ``rekindle_audit_chain_head()``, which takes the chain's lock
and only then reads, in one statement (docs/performance.md T1); on SQLite the write transaction
begins with ``BEGIN IMMEDIATE``. Either way no two events may chain onto the same head.
"""

from __future__ import annotations

import threading

import sqlalchemy as sa

from app import audit
from app.extensions import db
from app.models import AuditEvent

WRITERS = 6
EVENTS_EACH = 8


def test_concurrent_writers_make_one_unbroken_chain(app):
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            with app.app_context():
                start.wait(timeout=30)
                for index in range(EVENTS_EACH):
                    audit.record("test.concurrent", detail=f"writer {number} event {index}")
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001  (reported below, in the test's thread)
            failures.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    with app.app_context():
        hashes = db.session.scalars(sa.select(AuditEvent.chain_hash)).all()
        assert len(hashes) == WRITERS * EVENTS_EACH
        assert audit.verify_chain() is None


def test_the_head_is_read_in_one_statement(app):
    """The lock and the head read are one statement on PostgreSQL, the head alone on SQLite."""
    from bench.querycount import is_counted

    statements: list[str] = []
    with app.app_context():
        audit.record("test.first")

        def listener(conn, cursor, statement, *_):
            if is_counted(statement):
                statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            audit.record("test.second")
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
    reads = [s for s in statements if not s.lstrip().upper().startswith("INSERT")]
    assert len(reads) == 1, statements
    assert len(statements) == 2, statements
