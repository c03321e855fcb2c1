"""Optimistic locking and double-submit protection (docs/security.md RE-2, RE-4)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.extensions import db


class HasRequestKey(Protocol):
    """A model with a unique ``request_key`` column (see ``create_once``)."""

    request_key: str | None


T = TypeVar("T", bound=HasRequestKey)


class StaleEdit(Exception):
    """The record changed since the editor loaded it; nothing was overwritten.

    ``saved`` and ``yours`` map field labels to text, shown side by side on the conflict page.
    """

    def __init__(
        self,
        *,
        saved: dict[str, str],
        yours: dict[str, str],
        back_url: str,
        title: str = "This changed while you were editing",
    ) -> None:
        super().__init__(title)
        self.saved = saved
        self.yours = yours
        self.back_url = back_url
        self.title = title


def check_version(obj: Any, expected: int | str | None) -> bool:
    """True when ``obj.version`` is the one the editor started from; bumps it for the save."""
    try:
        expected_int = int(expected) if expected is not None and expected != "" else None
    except (TypeError, ValueError):
        expected_int = None
    _lock_current_version(obj)
    if expected_int is None or expected_int != obj.version:
        _reload_saved_columns(obj)
        return False
    obj.version += 1
    return True


def _lock_current_version(obj: Any) -> None:
    """On PostgreSQL, lock the row and re-read its version before comparing.

    Two saves from the same version can both read version N under READ COMMITTED; without the
    lock both would pass and the second would silently overwrite the first. With it the second
    waits for the first to commit, then sees N+1 and gets the conflict page. (SQLite needs
    nothing: write requests run in BEGIN IMMEDIATE transactions, one at a time.)
    """
    state = sa.inspect(obj)
    if state.persistent and db.session.get_bind().dialect.name == "postgresql":
        db.session.refresh(obj, attribute_names=["version"], with_for_update=True)


def lock_for_update(obj: Any) -> None:
    """On PostgreSQL, lock the row and re-read all of it (saves that merge into what is stored).

    An autosave adds the fields it carries to the text already saved; it must merge into the
    text as it is now, not as this request first read it. (SQLite: see above.)
    """
    state = sa.inspect(obj)
    if state.persistent and db.session.get_bind().dialect.name == "postgresql":
        # Columns only: relationships loaded with the object stay as they are.
        columns = [c.key for c in state.mapper.column_attrs]
        db.session.refresh(obj, attribute_names=columns, with_for_update=True)


def _reload_saved_columns(obj: Any) -> None:
    """Show the saved version on the conflict page, not the one this request loaded earlier."""
    state = sa.inspect(obj)
    if state.persistent and db.session.get_bind().dialect.name == "postgresql":
        db.session.refresh(obj, attribute_names=[c.key for c in state.mapper.column_attrs])


def create_once(model: type[T], request_key: str | None, build: Callable[[], T]) -> tuple[T, bool]:
    """Create a record once per ``request_key`` (a hidden field minted when the form rendered).

    Returns ``(record, created)``. A second submit with the same key — a double click, a
    retried request — gets the first record back instead of a duplicate, even when the two
    race: the unique constraint decides, and the loser reads the winner's row.
    """
    if request_key:
        existing = db.session.scalar(sa.select(model).filter_by(request_key=request_key))
        if existing is not None:
            return existing, False
    if not request_key:
        record = build()
        record.request_key = None
        db.session.add(record)
        db.session.flush()
        return record, True
    try:
        # Build inside the savepoint: begin_nested() flushes pending objects first, and a
        # duplicate flushed there would fail the whole transaction instead of the savepoint.
        with db.session.begin_nested():
            record = build()
            record.request_key = request_key
            db.session.add(record)
            db.session.flush()
    except IntegrityError:
        existing = db.session.scalar(sa.select(model).filter_by(request_key=request_key))
        if existing is None:
            raise
        return existing, False
    return record, True
