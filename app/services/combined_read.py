"""Several lists a page needs, read in one statement (docs/performance.md T1).

A page such as the case page shows many short lists of different things: sessions, check-ins,
appointments, consent signatures... Reading each with its own statement makes the page's
statement count grow with every feature. Here each list is a ``Part`` (its entities, the
condition of its first entity, outer joins for the others, its order and an optional limit),
and ``read`` runs every part in one statement: a small table of part numbers, each part's
rows outer-joined to its own number only, so the rows add up instead of multiplying::

    SELECT parts.part, sessions.*, check_ins.* FROM (SELECT 0 AS part UNION ALL SELECT 1) parts
      LEFT JOIN sessions ON parts.part = 0 AND sessions.case_id = :case
      LEFT JOIN check_ins ON parts.part = 1 AND check_ins.case_id = :case
    ORDER BY parts.part, <each part's order>

Each part comes back as real ORM objects, eager loads included. The conditions are the ones
each feature's own read uses (its policy predicates among them); this module decides nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import inspect

from app.extensions import db


@dataclass(frozen=True)
class Part:
    """One list: ``entities[0]`` where ``where`` holds, the other entities outer-joined to it."""

    entities: tuple[Any, ...]
    where: sa.ColumnElement[bool]
    joins: tuple[tuple[Any, sa.ColumnElement[bool]], ...] = ()
    order_by: tuple[Any, ...] = ()
    options: tuple[Any, ...] = ()
    #: At most this many rows of the first entity (the first ones in ``order_by``).
    limit: int | None = None
    #: Eager joins of collections repeat the first entity: keep each row once.
    unique: bool = field(default=False)

    def condition(self) -> sa.ColumnElement[bool]:
        """The first entity's condition, with the limit as a subquery of its keys."""
        if self.limit is None:
            return self.where
        (key,) = inspect(self.entities[0]).primary_key
        first = (
            sa.select(key).where(self.where).order_by(*self.order_by).limit(self.limit).subquery()
        )
        return sa.and_(self.where, key.in_(sa.select(first.c[key.key])))


@dataclass(frozen=True)
class Read:
    """What ``read`` found: each part's rows, and each fact's value."""

    rows: dict[str, list[tuple[Any, ...]]]
    facts: dict[str, Any]

    def first(self, name: str) -> list[Any]:
        """The part's first entities (a part that reads one kind of thing)."""
        return [row[0] for row in self.rows[name]]


def read(
    parts: Mapping[str, Part], facts: Mapping[str, sa.ScalarSelect[Any]] | None = None
) -> Read:
    """Every part's rows (tuples of its entities, in its order) and every fact, in one statement.

    ``facts`` are single values (counts, latest dates) as scalar subqueries that depend on
    nothing in the row, so both databases compute each once, however many rows come back.
    """
    names = list(parts)
    facts = dict(facts or {})
    if not names:
        names = ["(none)"]
        parts = {"(none)": Part((), sa.false())}
    seen = [entity for part in parts.values() for entity in part.entities]
    if len(seen) != len(set(seen)):
        # The same table twice in one FROM: its columns would be ambiguous.
        raise ValueError("an entity appears in two parts: give one of them sqlalchemy.orm.aliased")
    numbers = sa.union_all(
        *(sa.select(sa.literal(i, sa.Integer).label("part")) for i in range(len(names)))
    ).subquery("parts")
    columns: list[Any] = [
        numbers.c.part,
        *(fact.label(f"fact_{i}") for i, fact in enumerate(facts.values())),
    ]
    spans: list[tuple[int, int]] = []
    query_order: list[Any] = [numbers.c.part]
    options: list[Any] = []
    for part in parts.values():
        spans.append((len(columns), len(columns) + len(part.entities)))
        columns.extend(part.entities)
        query_order.extend(part.order_by)
        options.extend(part.options)
    query = sa.select(*columns).select_from(numbers)
    for i, part in enumerate(parts.values()):
        if not part.entities:
            continue
        query = query.outerjoin(part.entities[0], sa.and_(numbers.c.part == i, part.condition()))
        for target, on in part.joins:
            query = query.outerjoin(target, on)
    result = db.session.execute(query.order_by(*query_order).options(*options))
    if any(part.unique for part in parts.values()):
        result = result.unique()
    found: dict[str, list[tuple[Any, ...]]] = {name: [] for name in names}
    values: dict[str, Any] = {}
    for row in result:
        if not values:
            values = {name: row[1 + i] for i, name in enumerate(facts)}
        i = row[0]
        start, end = spans[i]
        entities = tuple(row[start:end])
        if entities and entities[0] is not None:
            found[names[i]].append(entities)
    return Read(rows=found, facts=values)
