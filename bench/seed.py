"""Benchmark fixtures S, M and L (docs/performance.md), generated with a fixed random seed.

``flask --app bench.wsgi seed-bench --size S --database instance/bench-S.db`` migrates a separate,
empty database and fills it. It never touches the demo database: the target must be named
explicitly and must hold no demo account.

The same 40-client "counselor A" is generated first, from its own seed, in every size, so her
pages can be compared across sizes. Rows go in with bulk ``INSERT``s of explicit ids;
encryption is done in Python with the app's keyring, exactly as the models would do it.

This module is the entry point (the command, the safety checks, counselors and cases); the
parts live beside it: ``seed_shape`` (sizes and constants), ``seed_writer`` (bulk loading),
``seed_base`` (shared state, encryption, accounts) and one module per kind of data
(``seed_modules``, ``seed_assignments``, ``seed_sessions``, ``seed_journals``).
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext

from app.extensions import db
from app.models import (
    Case,
    CaseKind,
    CaseMember,
    CaseStatus,
    CaseStatusChange,
    MemberRole,
    Role,
    SessionJournalPick,
    User,
)
from bench.seed_assignments import AssignmentsPart
from bench.seed_journals import JournalsPart, add_picks
from bench.seed_modules import ModulesPart
from bench.seed_sessions import SessionsPart
from bench.seed_shape import (
    BENCH_DOMAIN,
    BENCH_PASSWORD,
    COUNSELOR_A,
    COUNSELOR_BIG,
    FIRST,
    GENERATOR_VERSION,
    LAST,
    SEED,
    SIZES,
    WEEKS_A,
    Shape,
)
from bench.seed_writer import _reset_sequences

__all__ = [
    "BENCH_PASSWORD",
    "COUNSELOR_A",
    "COUNSELOR_BIG",
    "GENERATOR_VERSION",
    "SIZES",
    "Generator",
    "Shape",
    "add_picks",
    "build",
    "seed_bench",
    "seed_bench_command",
]


class Generator(ModulesPart, AssignmentsPart, SessionsPart, JournalsPart):
    """Builds one size into the current app's database."""

    def run(self) -> dict[str, int]:
        """Generate everything and commit."""
        self.modules()
        for index, clients in enumerate(self.shape.counselors):
            # Counselor A has a seed of her own so that she is identical in every size.
            rng = random.Random(SEED + index)
            weeks = WEEKS_A if index == 0 else self.shape.weeks_other
            self.counselor(index, clients, weeks, rng)
            self.out.flush()
            db.session.commit()
        self.out.flush()
        _reset_sequences(self.ids)
        db.session.commit()
        return dict(self.out.counts)

    def counselor(self, index: int, clients: int, weeks: int, rng: random.Random) -> None:
        """One counselor with ``clients`` clients, mostly in couples."""
        if index == 0:
            email, name = COUNSELOR_A, "Counselor A"
        elif index == 1 and clients == 150:
            email, name = COUNSELOR_BIG, "Counselor Big"
        else:
            email, name = f"counselor-{index}@{BENCH_DOMAIN}", f"Counselor {index}"
        counselor_id = self.user(email, name, Role.COUNSELOR, self.now - timedelta(days=500))
        # Mostly couples: about one in ten clients is seen alone.
        individuals = max(2, clients // 10) if clients % 2 == 0 else max(3, clients // 10)
        if (clients - individuals) % 2:
            individuals += 1
        couples = (clients - individuals) // 2
        for n in range(couples + individuals):
            couple = n < couples
            self.case(index, n, counselor_id, couple, weeks, rng)

    def case(
        self, cindex: int, n: int, counselor_id: int, couple: bool, weeks: int, rng: random.Random
    ) -> None:
        """One case with members, history, assignments, journals and sessions."""
        start = self.now - timedelta(weeks=weeks, days=rng.randint(0, 6))
        members = []
        roles = [MemberRole.PARTNER_A, MemberRole.PARTNER_B] if couple else [MemberRole.INDIVIDUAL]
        last = rng.choice(LAST)
        for role in roles:
            first = rng.choice(FIRST)
            email = f"c{cindex}-case{n}-{role.value}@{BENCH_DOMAIN}"
            members.append((self.user(email, f"{first} {last}", Role.CLIENT, start), role))
        status = rng.choices(
            [CaseStatus.ACTIVE, CaseStatus.PAUSED, CaseStatus.INTAKE, CaseStatus.CLOSED],
            weights=[80, 8, 4, 8],
        )[0]
        case_id = self.ids.take("cases")
        label = f"{last} couple {n}" if couple else f"{last} {n}"
        self.out.add(
            Case,
            id=case_id,
            label=label,
            kind=(CaseKind.COUPLE if couple else CaseKind.INDIVIDUAL).value,
            status=status.value,
            counselor_id=counselor_id,
            created_at=start,
            updated_at=self.now - timedelta(hours=rng.randint(1, 400)),
        )
        for user_id, role in members:
            self.out.add(
                CaseMember,
                id=self.ids.take("case_members"),
                case_id=case_id,
                user_id=user_id,
                role=role.value,
                joined_at=start,
            )
        history = [(None, CaseStatus.INTAKE), (CaseStatus.INTAKE, CaseStatus.ACTIVE)]
        if status in (CaseStatus.PAUSED, CaseStatus.CLOSED):
            history.append((CaseStatus.ACTIVE, status))
        if status is CaseStatus.INTAKE:
            history = history[:1]
        for step, (old, new) in enumerate(history):
            self.out.add(
                CaseStatusChange,
                id=self.ids.take("case_status_changes"),
                case_id=case_id,
                from_status=old.value if old else None,
                to_status=new.value,
                reason="Agreed with the clients." if step else None,
                changed_by_id=counselor_id,
                changed_at=start + timedelta(days=step * 7),
            )
        assignments = self.assignments(case_id, counselor_id, members, start, rng)
        long_notes = cindex == 0 and n == 0
        self.sessions(case_id, counselor_id, members, start, weeks, assignments, rng, long_notes)
        self.journals(case_id, counselor_id, members, start, weeks, rng)
        if status is not CaseStatus.CLOSED:
            self.appointments(case_id, counselor_id, [m for m, _ in members])


def seed_bench(size: str, now: datetime | None = None) -> dict[str, int]:
    """Fill the current app's (empty, migrated) database with fixture ``size``."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        raise RuntimeError("The bench database is not empty; give a new file or drop it first.")
    now = now or datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    counts = Generator(SIZES[size], now).run()
    add_picks()
    counts["session_journal_picks"] = (
        db.session.scalar(sa.select(sa.func.count()).select_from(SessionJournalPick)) or 0
    )
    return counts


def refuse_unsafe_target(app: Flask, url: str) -> None:
    """Raise unless ``url`` is a separate database that holds no demo data."""
    default = f"sqlite:///{Path(app.instance_path) / 'rekindle.db'}"
    if url == default or url.endswith("/rekindle.db"):
        raise RuntimeError(
            "That is the demo database. Name a separate one, e.g. instance/bench-S.db."
        )
    if app.config.get("ENV") == "production":
        raise RuntimeError("Benchmark fixtures are never generated under the production config.")


def database_url(target: str) -> str:
    """A URL from ``--database``: a URL as it is, a file path as SQLite."""
    if "://" in target:
        return target
    return f"sqlite:///{Path(target).resolve()}"


def build(
    app: Flask, target: str, size: str, echo: Callable[[str], None] = print
) -> dict[str, int]:
    """Create, migrate and fill the database ``target`` with a new app bound to it."""
    from flask_migrate import upgrade

    from app import create_app

    url = database_url(target)
    refuse_unsafe_target(app, url)
    # Same keyring and client key store as the calling app, so the server that reads the fixture can decrypt it.
    overrides = {
        key: app.config.get(key)
        for key in (
            "REKINDLE_ENCRYPTION_KEYS",
            "REKINDLE_ENCRYPTION_KEYS_FILE",
            "REKINDLE_CLIENT_KEY_STORE",
        )
        if app.config.get(key)
    }
    bench_app = create_app(
        {**overrides, "SQLALCHEMY_DATABASE_URI": url}, instance_path=app.instance_path
    )
    with bench_app.app_context():
        has_demo = False
        inspector = sa.inspect(db.engine)
        if inspector.has_table("users"):
            has_demo = bool(
                db.session.scalar(
                    sa.select(sa.func.count())
                    .select_from(User)
                    .where(User.email.like("%@demo.rekindle.test"))
                )
            )
        if has_demo:
            raise RuntimeError("That database holds the demo accounts; name a separate one.")
        started = time.perf_counter()
        upgrade()
        counts = seed_bench(size)
        echo(f"Seeded fixture {size} into {target} in {time.perf_counter() - started:.1f} s.")
        db.engine.dispose()
    return counts


def summary(counts: dict[str, int]) -> Iterable[str]:
    """Row counts, one table a line."""
    for name in sorted(counts):
        yield f"  {name}: {counts[name]}"


@click.command("seed-bench")
@with_appcontext
@click.option("--size", type=click.Choice(sorted(SIZES)), default="S", show_default=True)
@click.option(
    "--database",
    help="A new SQLite file (e.g. instance/bench-S.db) or a database URL. Defaults to DATABASE_URL.",
)
def seed_bench_command(size: str, database: str | None) -> None:
    """Generate benchmark fixture S, M or L into a separate database (never the demo one)."""
    target = database or os.environ.get("DATABASE_URL")
    if not target:
        raise click.ClickException(
            "Name the bench database: --database instance/bench-S.db (or set DATABASE_URL)."
        )
    try:
        counts = build(current_app, target, size, echo=click.echo)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc
    for line in summary(counts):
        click.echo(line)
