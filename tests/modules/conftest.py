"""Builders for the modules tests: the built-in library, couples and assignments."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Assignment,
    AssignmentRecipient,
    Case,
    ModuleVersion,
    StrategyModule,
    User,
)
from app.services.assignments import assign_module
from app.services.modules import load_builtin_modules


@dataclass
class Couple:
    """A couple case with its counselor and both partners (detached)."""

    counselor: User
    case: Case
    a: User
    b: User


@dataclass
class Given:
    """An assignment to a couple: ids of the assignment, version, exercises and recipients."""

    assignment_id: int
    version_id: int
    module_id: int
    exercise_ids: list[int]
    recipient_a: int
    recipient_b: int | None


@pytest.fixture
def builtin(app) -> dict[str, int]:
    """Load the built-in modules; returns ``{slug: module_id}``."""
    with app.app_context():
        load_builtin_modules()
        db.session.commit()
        return dict(db.session.execute(sa.select(StrategyModule.slug, StrategyModule.id)).all())


@pytest.fixture
def couple(factory) -> Couple:
    """A couple case of a fresh counselor."""
    case, a, b = factory.couple()
    counselor = factory.user  # placeholder replaced below
    with factory.app.app_context():
        counselor = db.session.get(User, case.counselor_id)
        db.session.expunge(counselor)
    return Couple(counselor=counselor, case=case, a=a, b=b)


@pytest.fixture
def give(app, builtin):
    """Assign a module (by slug or id) to some members of a case."""

    def _give(case: Case, users: list[User], slug_or_id="reflect-on-the-relationship", **kw):
        module_id = builtin[slug_or_id] if isinstance(slug_or_id, str) else slug_or_id
        with app.app_context():
            module = db.session.get(StrategyModule, module_id)
            version = db.session.scalar(
                sa.select(ModuleVersion)
                .where(ModuleVersion.id == module.current_version_id)
                .options(selectinload(ModuleVersion.exercises))
            )
            assignment = assign_module(
                db.session.get(Case, case.id),
                version,
                [db.session.get(User, u.id) for u in users],
                due_date=kw.get("due_date"),
                note=kw.get("note", ""),
                assigned_by=db.session.get(User, case.counselor_id),
                request_key=kw.get("request_key"),
            )
            db.session.commit()
            recipients = dict(
                db.session.execute(
                    sa.select(AssignmentRecipient.user_id, AssignmentRecipient.id).where(
                        AssignmentRecipient.assignment_id == assignment.id
                    )
                ).all()
            )
            return Given(
                assignment_id=assignment.id,
                version_id=version.id,
                module_id=module_id,
                exercise_ids=[e.id for e in version.exercises],
                recipient_a=recipients.get(users[0].id),
                recipient_b=recipients.get(users[1].id) if len(users) > 1 else None,
            )

    return _give


def count_assignments(app) -> int:
    """How many assignments exist."""
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Assignment.id)))


def break_module_cycle(app) -> None:
    """Unlink modules from their current versions so the shared teardown can empty the tables.

    strategy_modules and module_versions point at each other; SQLite enforces the foreign key
    when the shared teardown deletes module_versions first.
    """
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            conn.execute(sa.update(StrategyModule).values(current_version_id=None))
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _unlink_versions_after_test(app):
    yield
    break_module_cycle(app)
