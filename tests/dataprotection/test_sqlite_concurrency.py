"""docs/performance.md T8: 3 writers and 3 readers through the app see 0 "database is locked" errors."""

from __future__ import annotations

import logging
import secrets
import threading

import sqlalchemy as sa

from app.extensions import db
from app.models import JournalEntry

ROUNDS = 25


def test_three_writers_and_three_readers_never_see_a_locked_database(
    app, planted, factory, login_as, caplog
):
    caplog.set_level(logging.WARNING)
    # Two writers are partner A (two tabs), one is partner B; readers read lists and exports.
    writers = [login_as(planted.a_email), login_as(planted.a_email), login_as(planted.b_email)]
    readers = [login_as(planted.a_email), login_as(planted.b_email), login_as(planted.b_email)]
    reader_paths = ["/me/journal", "/me", "/me/export.json"]
    start = threading.Barrier(6)
    failures: list[str] = []
    lock = threading.Lock()

    def write(tab) -> None:
        start.wait(timeout=30)
        for n in range(ROUNDS):
            response = tab.post(
                "/me/journal/new",
                data={
                    "title": f"Round {n}",
                    "body": f"Saving while others read, round {n}.",
                    "mood": "3",
                    "tags": "busy",
                    "exercise_response_id": "",
                    "visibility": "private",
                    "request_key": secrets.token_urlsafe(24),
                },
            )
            if response.status_code != 302:
                with lock:
                    failures.append(f"write {response.status_code}: {response.text[:200]}")

    def read(tab, path: str) -> None:
        start.wait(timeout=30)
        for _ in range(ROUNDS):
            response = tab.get(path)
            if response.status_code != 200:
                with lock:
                    failures.append(f"read {path} {response.status_code}")

    threads = [threading.Thread(target=write, args=(tab,)) for tab in writers]
    threads += [
        threading.Thread(target=read, args=(tab, path))
        for tab, path in zip(readers, reader_paths, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)

    locked = [r for r in caplog.records if "database is locked" in r.getMessage()]
    assert failures == []
    assert locked == []
    with app.app_context():
        saved = db.session.scalar(
            sa.select(sa.func.count()).where(JournalEntry.request_key.is_not(None))
        )
    assert saved == 3 * ROUNDS
