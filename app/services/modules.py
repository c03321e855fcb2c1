"""Strategy modules: the built-in library, counselors' own modules and their versions.

A ``ModuleVersion`` never changes once written: editing a module adds a version and moves
``current_version``, so assignments keep showing exactly what was given. Built-in modules come
from the TOML files in ``app/library/content/``; for them the version number *is* the file's
``content_version``, which is how ``load_builtin_modules`` knows whether a file is newer.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Exercise, ExerciseKind, ModuleVersion, StrategyModule, User

CONTENT_DIR = Path(__file__).resolve().parent.parent / "library" / "content"

KIND_LABELS: dict[ExerciseKind, str] = {
    ExerciseKind.REFLECTION: "Reflection (free text)",
    ExerciseKind.CHECKLIST: "Checklist",
    ExerciseKind.SCALE: "Scale from 0 to 10",
    ExerciseKind.GOAL_PLAN: "Goal plan",
    ExerciseKind.CONVERSATION_PLANNER: "Conversation planner",
    ExerciseKind.SPACE_COMMITMENT: "Space commitment",
}


class ModuleError(Exception):
    """A module change that the rules refuse; the message is shown to the counselor."""


@dataclass
class ExerciseContent:
    """One exercise as written by a counselor or a content file."""

    kind: ExerciseKind
    title: str
    prompt: str
    config: dict[str, Any] = field(default_factory=dict)


@dataclass
class ModuleContent:
    """Everything a module version holds."""

    title: str
    summary: str
    introduction: str
    counselor_notes: str = ""
    caution: str = ""
    exercises: list[ExerciseContent] = field(default_factory=list)

    @classmethod
    def from_version(cls, version: ModuleVersion) -> ModuleContent:
        """The content of an existing version (its exercises must be loaded)."""
        return cls(
            title=version.title,
            summary=version.summary,
            introduction=version.introduction,
            counselor_notes=version.counselor_notes,
            caution=version.caution,
            exercises=[
                ExerciseContent(e.kind, e.title, e.prompt, dict(e.config or {}))
                for e in version.exercises
            ],
        )


def _new_version(
    module: StrategyModule, content: ModuleContent, number: int, created_by: User | None
) -> ModuleVersion:
    if not content.exercises:
        raise ModuleError("A module needs at least one exercise.")
    version = ModuleVersion(
        module=module,
        number=number,
        title=content.title.strip(),
        summary=content.summary.strip(),
        introduction=content.introduction.strip(),
        counselor_notes=content.counselor_notes.strip(),
        caution=content.caution.strip(),
        created_by_id=created_by.id if created_by else None,
    )
    version.exercises = [
        Exercise(
            position=i,
            kind=ExerciseKind(e.kind),
            title=e.title.strip(),
            prompt=e.prompt.strip(),
            config=e.config,
        )
        for i, e in enumerate(content.exercises)
    ]
    db.session.add(version)
    db.session.flush()
    module.current_version_id = version.id
    return version


# --- built-in modules --------------------------------------------------------------------


def read_content_file(path: Path) -> tuple[str, int, ModuleContent]:
    """Parse one built-in module file: ``(slug, content_version, content)``."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    exercises = [
        ExerciseContent(
            kind=ExerciseKind(e["kind"]),
            title=e["title"],
            prompt=e["prompt"],
            config=dict(e.get("config", {})),
        )
        for e in data["exercises"]
    ]
    content = ModuleContent(
        title=data["title"],
        summary=data["summary"],
        introduction=data["introduction"],
        counselor_notes=data.get("counselor_notes", ""),
        caution=data.get("caution", ""),
        exercises=exercises,
    )
    return data["slug"], int(data["content_version"]), content


def load_builtin_modules(content_dir: Path = CONTENT_DIR) -> list[str]:
    """Create missing built-in modules and add a version where a file is newer (idempotent).

    Returns one line per change, for the command's output. The caller commits.
    """
    changes = []
    for path in sorted(content_dir.glob("*.toml")):
        slug, content_version, content = read_content_file(path)
        module = db.session.scalar(
            sa.select(StrategyModule)
            .where(StrategyModule.slug == slug)
            .options(selectinload(StrategyModule.current_version))
        )
        if module is None:
            module = StrategyModule(slug=slug, is_builtin=True)
            db.session.add(module)
            db.session.flush()
            _new_version(module, content, content_version, None)
            changes.append(f"added {slug} (version {content_version})")
        elif module.current_version is None or module.current_version.number < content_version:
            _new_version(module, content, content_version, None)
            changes.append(f"updated {slug} to version {content_version}")
    return changes


# --- the library ---------------------------------------------------------------------------


def visible_modules(user: User) -> list[StrategyModule]:
    """Built-in modules and the counselor's own, with their current versions, by title."""
    modules = db.session.scalars(
        sa.select(StrategyModule)
        .join(ModuleVersion, ModuleVersion.id == StrategyModule.current_version_id)
        .where(sa.or_(StrategyModule.is_builtin.is_(True), StrategyModule.owner_id == user.id))
        .options(selectinload(StrategyModule.current_version).selectinload(ModuleVersion.exercises))
        .order_by(StrategyModule.is_builtin.desc(), ModuleVersion.title)
    ).all()
    return list(modules)


def create_module(owner: User, content: ModuleContent) -> StrategyModule:
    """A new module of ``owner`` with its first version."""
    module = StrategyModule(owner_id=owner.id, is_builtin=False)
    db.session.add(module)
    db.session.flush()
    _new_version(module, content, 1, owner)
    return module


def edit_module(
    module: StrategyModule, content: ModuleContent, editor: User, *, based_on: int | None
) -> ModuleVersion:
    """Add a version with ``content``; built-ins and stale edits are refused."""
    if module.is_builtin:
        raise ModuleError("Built-in modules cannot be edited. Make your own copy instead.")
    if module.owner_id != editor.id:
        raise ModuleError("Only the counselor who made this module can edit it.")
    if based_on != module.current_version_id:
        raise StaleModuleEdit()
    latest = db.session.scalar(
        sa.select(sa.func.max(ModuleVersion.number)).where(ModuleVersion.module_id == module.id)
    )
    return _new_version(module, content, (latest or 0) + 1, editor)


class StaleModuleEdit(ModuleError):
    """The module got a newer version while this edit was open."""

    def __init__(self) -> None:
        super().__init__("This module was changed while you were editing it.")


def copy_module(module: StrategyModule, owner: User) -> StrategyModule:
    """The counselor's own editable copy of a module's current version."""
    version = db.session.scalar(
        sa.select(ModuleVersion)
        .where(ModuleVersion.id == module.current_version_id)
        .options(selectinload(ModuleVersion.exercises))
    )
    if version is None:
        raise ModuleError("This module has no content to copy.")
    content = ModuleContent.from_version(version)
    content.title = f"{version.title} (my copy)"[:160]
    copy = StrategyModule(owner_id=owner.id, is_builtin=False, copied_from_id=module.id)
    db.session.add(copy)
    db.session.flush()
    _new_version(copy, content, 1, owner)
    return copy


def version_with_exercises(version_id: int) -> ModuleVersion:
    """A version with its exercises loaded."""
    return db.session.scalars(
        sa.select(ModuleVersion)
        .where(ModuleVersion.id == version_id)
        .options(selectinload(ModuleVersion.exercises))
    ).one()


def versions_of(module: StrategyModule) -> list[ModuleVersion]:
    """Every version of the module, newest first."""
    return list(
        db.session.scalars(
            sa.select(ModuleVersion)
            .where(ModuleVersion.module_id == module.id)
            .order_by(ModuleVersion.number.desc())
        )
    )


def assignable_versions(counselor: User) -> list[tuple[int, str]]:
    """``(version id, title)`` of the current version of every module the counselor may assign."""
    rows = db.session.execute(
        sa.select(ModuleVersion.id, ModuleVersion.title)
        .join(StrategyModule, StrategyModule.current_version_id == ModuleVersion.id)
        .where(sa.or_(StrategyModule.is_builtin.is_(True), StrategyModule.owner_id == counselor.id))
        .order_by(ModuleVersion.title)
    ).all()
    return [(version_id, title) for version_id, title in rows]
