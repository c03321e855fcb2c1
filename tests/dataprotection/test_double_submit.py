"""RE-4: a double submission creates one record, even when both copies race on real threads."""

from __future__ import annotations

import secrets
import threading
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from app.extensions import db
from app.models import CheckIn, JournalEntry
from app.services.concurrency import create_once

PAIRS = 100


def submit_twice_at_once(app, build_for_key) -> tuple[int, list[Exception]]:
    """Send every request key twice from many threads; return (created count, errors)."""
    keys = [secrets.token_urlsafe(16) for _ in range(PAIRS)]
    jobs = keys + keys
    # Both copies of a pair start together: they meet at a barrier per pair.
    barriers = {key: threading.Barrier(2) for key in keys}
    created = []
    errors: list[Exception] = []
    lock = threading.Lock()

    def submit(key: str) -> None:
        with app.app_context():
            try:
                barriers[key].wait(timeout=30)
                _record, was_created = create_once(
                    build_for_key.model, key, lambda: build_for_key(key)
                )
                db.session.commit()
                with lock:
                    created.append(was_created)
            except Exception as exc:  # noqa: BLE001 - collected and asserted
                db.session.rollback()
                with lock:
                    errors.append(exc)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=16) as pool:
        # Interleave the pairs so both halves of each pair are in flight together.
        ordered = [k for pair in zip(keys, keys, strict=True) for k in pair]
        list(pool.map(submit, ordered))
    assert len(jobs) == 2 * PAIRS
    return sum(created), errors


def test_100_concurrent_check_in_pairs_make_100_rows(app, planted):
    def build(key):
        return CheckIn(
            case_id=planted.case_id,
            user_id=planted.a_id,
            satisfaction=5,
            communication=5,
            closeness=5,
            hope=5,
        )

    build.model = CheckIn
    created, errors = submit_twice_at_once(app, build)
    assert errors == []
    assert created == PAIRS
    with app.app_context():
        rows = db.session.scalar(
            sa.select(sa.func.count()).where(
                CheckIn.user_id == planted.a_id, CheckIn.request_key.is_not(None)
            )
        )
    assert rows == PAIRS


def test_100_concurrent_journal_entry_pairs_make_100_rows(app, planted):
    def build(key):
        entry = JournalEntry(case_id=planted.case_id, author_id=planted.b_id)
        entry.body = f"entry for {key}"
        return entry

    build.model = JournalEntry
    created, errors = submit_twice_at_once(app, build)
    assert errors == []
    assert created == PAIRS
    with app.app_context():
        keyed = db.session.scalars(
            sa.select(JournalEntry).where(JournalEntry.request_key.is_not(None))
        ).all()
        assert len(keyed) == PAIRS
        assert all(e.body == f"entry for {e.request_key}" for e in keyed)
