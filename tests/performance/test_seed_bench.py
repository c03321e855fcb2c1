"""``flask --app bench.wsgi seed-bench``: a separate database, a fixed seed, the shape
docs/performance.md names."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app.extensions import db
from app.models import (
    Assignment,
    Case,
    CaseMember,
    CounselingSession,
    JournalEntry,
    Role,
    User,
)
from bench.app import install
from bench.seed import COUNSELOR_A, Generator, Shape
from tests.conftest import make_app

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def app(app):
    """The app the benchmark serves: the product app plus ``seed-bench``."""
    return install(app)


@pytest.fixture(autouse=True)
def no_database_url(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)


def test_refuses_without_a_named_database(runner):
    result = runner.invoke(args=["seed-bench", "--size", "S"])
    assert result.exit_code != 0
    assert "--database" in result.output


def test_refuses_the_demo_database(app, runner):
    demo = Path(app.instance_path) / "rekindle.db"
    result = runner.invoke(args=["seed-bench", "--size", "S", "--database", str(demo)])
    assert result.exit_code != 0
    assert "demo database" in result.output


def test_refuses_a_database_holding_demo_accounts(runner, tmp_path):
    url = f"sqlite:///{tmp_path / 'has-demo.db'}"
    other = make_app(url)
    with other.app_context():
        upgrade()
        db.session.add(User(email="alex@demo.rekindle.test", name="Alex", role=Role.CLIENT))
        db.session.commit()
        db.engine.dispose()
    result = runner.invoke(args=["seed-bench", "--size", "S", "--database", url])
    assert result.exit_code != 0
    assert "demo accounts" in result.output


def test_size_s_has_the_documented_shape(app, runner, tmp_path):
    target = tmp_path / "bench-S.db"
    result = runner.invoke(args=["seed-bench", "--size", "S", "--database", str(target)])
    assert result.exit_code == 0, result.output
    # the clients' data keys went to the calling app's key store
    seeded = make_app(
        f"sqlite:///{target}", REKINDLE_CLIENT_KEY_STORE=app.config["REKINDLE_CLIENT_KEY_STORE"]
    )
    with seeded.app_context():
        count = lambda model: db.session.scalar(sa.select(sa.func.count()).select_from(model))  # noqa: E731
        assert count(User) == 41
        assert (
            db.session.scalar(sa.select(User.role).where(User.email == COUNSELOR_A)) == "counselor"
        )
        assert count(CaseMember) == 40
        cases = count(Case)
        assert count(CounselingSession) == 10 * cases
        assert count(Assignment) == 5 * cases
        assert 1900 <= count(JournalEntry) <= 2200
        entry = db.session.scalars(sa.select(JournalEntry).limit(1)).one()
        # Encrypted in Python with the app's keyring: the model reads the plain text back.
        assert len(entry.body) > 200
        assert entry.title
        db.engine.dispose()


def _counselor_a_writing(tmp_path: Path, name: str, shape: Shape) -> list[tuple[str, str]]:
    url = f"sqlite:///{tmp_path / name}"
    app = make_app(url)
    with app.app_context():
        upgrade()
        Generator(shape, NOW).run()
        rows = db.session.execute(
            sa.select(User.email, JournalEntry)
            .join(JournalEntry, JournalEntry.author_id == User.id)
            .join(Case, Case.id == JournalEntry.case_id)
            .join(User.__table__.alias("c"), sa.text("c.id = cases.counselor_id"))
            .where(sa.text("c.email = :a"))
            .params(a=COUNSELOR_A)
            .order_by(JournalEntry.id)
        ).all()
        writing = [(email, entry.title + entry.body) for email, entry in rows]
        db.engine.dispose()
    return writing


def test_counselor_a_is_the_same_in_every_size(tmp_path):
    alone = _counselor_a_writing(tmp_path, "one.db", Shape(counselors=[40], weeks_other=26))
    with_others = _counselor_a_writing(
        tmp_path, "two.db", Shape(counselors=[40, 12], weeks_other=52)
    )
    assert len(alone) > 1500
    assert alone == with_others


def test_refused_under_the_production_configuration(migrated_database, tmp_path):
    production = install(make_app(migrated_database, ENV="production"))
    target = tmp_path / "bench-prod.db"
    result = production.test_cli_runner().invoke(
        args=["seed-bench", "--size", "S", "--database", str(target)]
    )
    assert result.exit_code != 0
    assert "production" in result.output
    assert not target.exists()
