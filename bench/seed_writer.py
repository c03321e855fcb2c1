"""Bulk loading of the fixture: explicit ids per table, rows buffered per table and written with
executemany in chunks, and PostgreSQL's id sequences moved past the explicit ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from bench.seed_shape import CHUNK


@dataclass
class Ids:
    """Explicit primary keys, handed out per table."""

    next: dict[str, int] = field(default_factory=dict)

    def take(self, table: str) -> int:
        """The next free id of ``table``."""
        value = self.next.get(table, 1)
        self.next[table] = value + 1
        return value


class Writer:
    """Buffers rows per table and writes them with executemany in chunks."""

    def __init__(self) -> None:
        self.rows: dict[sa.Table, list[dict[str, Any]]] = {}
        self.counts: dict[str, int] = {}
        self.order = list(db.metadata.sorted_tables)

    def add(self, model: Any, **values: Any) -> None:
        """Queue one row."""
        table = model.__table__
        self.rows.setdefault(table, []).append(values)
        if len(self.rows[table]) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        """Write everything queued, parents before children."""
        for table in self.order:
            rows = self.rows.pop(table, None)
            if rows:
                db.session.execute(sa.insert(table), rows)
                self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)


def _reset_sequences(ids: Ids) -> None:
    """PostgreSQL's id sequences must continue after the explicit ids."""
    if db.engine.dialect.name != "postgresql":
        return
    for table, value in ids.next.items():
        db.session.execute(
            sa.text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v, false)"),
            {"t": table, "v": value},
        )
