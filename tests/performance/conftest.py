"""Fixtures of the performance tests: realistic caseloads of 10, 40 and 150 clients, and a
statement counter. Query counts are exact, so they are asserted; times never are."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event

from app.extensions import db
from app.models import Case, CaseMember, Role, StrategyModule, User
from bench.querycount import is_counted
from bench.seed import BENCH_PASSWORD, Generator, Shape, add_picks

SIZES = (10, 40, 150)


@pytest.fixture
def caseloads(app: Flask) -> Iterator[dict[int, str]]:
    """Three counselors with 10, 40 and 150 clients; their emails by caseload size.

    Built by the benchmark's own generator (cases, assignments, sessions, notes, journals).
    The 10-client counselor's clients write for 26 weeks, the others' for 2, so list pages
    also see very different amounts of history.
    """
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    with app.app_context():
        Generator(Shape(counselors=list(SIZES), weeks_other=2), now).run()
        add_picks()
        rows = db.session.execute(
            sa.select(User.email, sa.func.count(CaseMember.id))
            .join(Case, Case.counselor_id == User.id)
            .join(CaseMember, CaseMember.case_id == Case.id)
            .where(User.role == Role.COUNSELOR)
            .group_by(User.email)
        ).all()
    by_size = {count: email for email, count in rows}
    assert sorted(by_size) == list(SIZES)
    yield by_size
    # Modules and their current version point at each other; untie them so the tables empty.
    with app.app_context():
        db.session.execute(sa.update(StrategyModule).values(current_version_id=None))
        db.session.commit()


@pytest.fixture
def bench_login(login_as) -> Callable:
    """A signed-in test client for a generated account."""
    return lambda email: login_as(email, password=BENCH_PASSWORD)


@contextmanager
def counting(app: Flask) -> Iterator[list[str]]:
    """Collect every statement the app sends (transaction control aside)."""
    statements: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany) -> None:
        if is_counted(statement):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


@pytest.fixture
def statements_of(app: Flask) -> Callable:
    """``statements_of(client, url)``: the statements of one GET, after a warm-up GET."""

    def _count(client, url: str) -> list[str]:
        first = client.get(url)
        assert first.status_code == 200, f"GET {url} answered {first.status_code}"
        with counting(app) as statements:
            response = client.get(url)
        assert response.status_code == 200, f"GET {url} answered {response.status_code}"
        return statements

    return _count


def first_case_of(app: Flask, email: str) -> int:
    """The id of the counselor's first case (a couple with full history)."""
    with app.app_context():
        return db.session.scalar(
            sa.select(Case.id)
            .join(User, User.id == Case.counselor_id)
            .where(User.email == email)
            .order_by(Case.id)
        )


def a_client_of(app: Flask, email: str) -> str:
    """Partner A of the counselor's first case."""
    case_id = first_case_of(app, email)
    with app.app_context():
        return db.session.scalar(
            sa.select(User.email)
            .join(CaseMember, CaseMember.user_id == User.id)
            .where(CaseMember.case_id == case_id)
            .order_by(CaseMember.role)
        )
