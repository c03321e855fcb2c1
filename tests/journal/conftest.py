"""Builders for journal tests: a couple with a counselor, and entries written directly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from app.extensions import db
from app.models import (
    Case,
    JournalComment,
    JournalEntry,
    ResponseStatus,
    User,
    Visibility,
    utcnow,
)
from app.services import journal as journal_service


@dataclass
class World:
    """A couple case (A, B) with its counselor, plus outsiders for access tests."""

    case: Case
    a: User
    b: User
    counselor: User
    other_counselor: User
    admin: User
    outsider: User
    other_case: Case


@pytest.fixture
def world(factory) -> World:
    """The cast of every access-control test."""
    counselor = factory.counselor(name="Dr. Case Counselor")
    case, a, b = factory.couple(counselor)
    other_counselor = factory.counselor(name="Other Counselor")
    outsider = factory.client(name="Outside Client")
    other_case = factory.case(other_counselor, [outsider])
    return World(case, a, b, counselor, other_counselor, factory.admin(), outsider, other_case)


@pytest.fixture
def make_entry(app: Flask):
    """Write an entry directly (indexed for search); returns its id."""

    def _make(
        author: User,
        case: Case,
        *,
        title: str = "An ordinary day",
        body: str = "We talked for a while after dinner.",
        visibility: Visibility = Visibility.PRIVATE,
        status: ResponseStatus = ResponseStatus.SUBMITTED,
        mood: int | None = 3,
        tags: list[str] | None = None,
        created_at: datetime | None = None,
        comment: str | None = None,
        comment_by: User | None = None,
    ) -> int:
        with app.app_context():
            entry = journal_service.new_entry(author, case.id)
            db.session.add(entry)
            db.session.flush()
            journal_service.apply_text(
                entry,
                journal_service.EntryInput(
                    title=title, body=body, mood=mood, tags=tags or [], exercise_response_id=None
                ),
            )
            entry.status = status
            entry.visibility = visibility
            entry.created_at = created_at or utcnow()
            if visibility is not Visibility.PRIVATE and status is ResponseStatus.SUBMITTED:
                entry.shared_at = (created_at or utcnow()) + timedelta(minutes=1)
            if comment:
                c = JournalComment(entry_id=entry.id, author_id=(comment_by or author).id)
                c.body = comment
                db.session.add(c)
            db.session.commit()
            return entry.id

    return _make


@pytest.fixture
def load_entry(app: Flask):
    """Read an entry back as plain values."""

    def _load(entry_id: int) -> dict:
        with app.app_context():
            e = db.session.get(JournalEntry, entry_id)
            return {
                "title": e.title,
                "body": e.body,
                "tags": e.tags,
                "mood": e.mood,
                "visibility": e.visibility,
                "status": e.status,
                "shared_at": e.shared_at,
                "version": e.version,
                "draft_seq": e.draft_seq,
            }

    return _load


@pytest.fixture
def count_rows(app: Flask):
    """Count the rows of a model."""

    def _count(model) -> int:
        with app.app_context():
            return db.session.scalar(sa.select(sa.func.count()).select_from(model))

    return _count


class Statement(str):
    """SQL text with the parameters it was run with."""

    def __new__(cls, text: str, parameters) -> Statement:
        obj = super().__new__(cls, text)
        obj.parameters = parameters
        return obj


@pytest.fixture
def count_queries(app: Flask):
    """Run a callable and return (result, the SQL statements it issued).

    Each statement is a ``str`` subclass that also carries its ``parameters``.
    """

    def _run(fn):
        statements: list[Statement] = []

        def listener(conn, cursor, statement, parameters, context, executemany):
            statements.append(Statement(statement, parameters))

        with app.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", listener)
        try:
            result = fn()
        finally:
            sa.event.remove(engine, "before_cursor_execute", listener)
        return result, statements

    return _run


def csrf_headers(http) -> dict[str, str]:
    """The X-CSRFToken header autosave calls send, read from any page's meta tag."""
    import re

    html = http.get("/no-such-page-for-a-token").get_data(as_text=True)
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "no csrf meta tag"
    return {"X-CSRFToken": match.group(1)}


def search(http, path: str, **values: str):
    """Run a list's search form (it is posted) and follow the redirect to the results."""
    return http.post(path, data=values, follow_redirects=True)
