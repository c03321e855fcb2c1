"""Strategy modules, their immutable versions and the exercises in each version."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.base import UTCDateTime, enum_type, utcnow
from app.models.user import User


class ExerciseKind(enum.StrEnum):
    """The kinds of exercise a module can contain; each has its own form and display."""

    REFLECTION = "reflection"
    CHECKLIST = "checklist"
    SCALE = "scale"
    GOAL_PLAN = "goal_plan"
    CONVERSATION_PLANNER = "conversation_planner"
    SPACE_COMMITMENT = "space_commitment"


class StrategyModule(Model):
    """A module's identity. Its content lives in versions; editing adds a version."""

    __tablename__ = "strategy_modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str | None] = mapped_column(sa.String(80), unique=True)  # built-ins only
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    is_builtin: Mapped[bool] = mapped_column(default=False)
    copied_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("strategy_modules.id"))
    current_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey(
            "module_versions.id", use_alter=True, name="fk_strategy_modules_current_version"
        )
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner: Mapped[User | None] = relationship(lazy="raise")
    # The column is nullable only because module and version point at each other; the version
    # is set in the transaction that creates the module, so a saved module always has one.
    current_version: Mapped[ModuleVersion] = relationship(
        foreign_keys=[current_version_id], post_update=True, lazy="raise"
    )
    versions: Mapped[list[ModuleVersion]] = relationship(
        back_populates="module",
        foreign_keys="ModuleVersion.module_id",
        order_by="ModuleVersion.number",
        lazy="raise",
    )


class ModuleVersion(Model):
    """One immutable version of a module: what an assignment points at."""

    __tablename__ = "module_versions"
    __table_args__ = (sa.UniqueConstraint("module_id", "number", name="uq_module_versions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("strategy_modules.id"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(sa.String(160))
    summary: Mapped[str] = mapped_column(sa.String(300))
    introduction: Mapped[str] = mapped_column(sa.Text)
    counselor_notes: Mapped[str] = mapped_column(sa.Text, default="")
    caution: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    module: Mapped[StrategyModule] = relationship(
        back_populates="versions", foreign_keys=[module_id], lazy="raise"
    )
    exercises: Mapped[list[Exercise]] = relationship(
        back_populates="version",
        order_by="Exercise.position",
        lazy="raise",
        cascade="all, delete-orphan",
    )


class Exercise(Model):
    """One exercise in a module version. ``config`` holds kind-specific settings."""

    __tablename__ = "exercises"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("module_versions.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[ExerciseKind] = mapped_column(enum_type(ExerciseKind, 32))
    title: Mapped[str] = mapped_column(sa.String(160))
    prompt: Mapped[str] = mapped_column(sa.Text)
    config: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    version: Mapped[ModuleVersion] = relationship(back_populates="exercises", lazy="raise")
