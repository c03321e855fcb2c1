"""Builders shared by the UX tests (plain functions, usable from browser tests too)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import AssignmentRecipient, Case, ModuleVersion, StrategyModule, User
from app.services.assignments import assign_module
from app.services.modules import load_builtin_modules


def load_library(app) -> None:
    """The six built-in modules."""
    with app.app_context():
        load_builtin_modules()
        db.session.commit()


def assign(app, case: Case, users: list[User], slug: str) -> tuple[dict[int, int], list[int]]:
    """Assign a built-in module: ``({user id: recipient id}, [exercise ids])``."""
    with app.app_context():
        module = db.session.scalar(sa.select(StrategyModule).where(StrategyModule.slug == slug))
        version = db.session.scalar(
            sa.select(ModuleVersion)
            .where(ModuleVersion.id == module.current_version_id)
            .options(selectinload(ModuleVersion.exercises))
        )
        exercise_ids = [e.id for e in version.exercises]
        assignment = assign_module(
            db.session.get(Case, case.id),
            version,
            [db.session.get(User, u.id) for u in users],
            due_date=None,
            note="",
            assigned_by=db.session.get(User, case.counselor_id),
        )
        db.session.commit()
        recipients = dict(
            db.session.execute(
                sa.select(AssignmentRecipient.user_id, AssignmentRecipient.id).where(
                    AssignmentRecipient.assignment_id == assignment.id
                )
            ).all()
        )
        return recipients, exercise_ids
