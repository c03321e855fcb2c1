"""The fixture's strategy modules: five built-in modules of one version, three exercises each."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any, cast

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Exercise,
    ExerciseKind,
    ModuleVersion,
    StrategyModule,
)
from bench.seed_base import GeneratorBase
from bench.seed_shape import MODULES, SEED


class ModulesPart(GeneratorBase):
    """Writes the strategy modules every case's assignments are made of."""

    def modules(self) -> None:
        """Five built-in modules of one version with three exercises each."""
        rng = random.Random(SEED - 1)
        kinds = [ExerciseKind.REFLECTION, ExerciseKind.SCALE, ExerciseKind.CHECKLIST]
        for n, (title, summary) in enumerate(MODULES):
            module_id = self.ids.take("strategy_modules")
            version_id = self.ids.take("module_versions")
            self.out.add(
                StrategyModule,
                id=module_id,
                slug=f"bench-{n}",
                is_builtin=True,
                created_at=self.now - timedelta(days=400),
            )
            self.out.add(
                ModuleVersion,
                id=version_id,
                module_id=module_id,
                number=1,
                title=title,
                summary=summary,
                introduction=self.text(rng, 6, 10),
                counselor_notes=self.text(rng, 2, 4),
                caution="",
                created_at=self.now - timedelta(days=400),
            )
            exercises = []
            for position, kind in enumerate(kinds):
                exercise_id = self.ids.take("exercises")
                config: dict[str, Any] = {}
                if kind is ExerciseKind.SCALE:
                    config = {"min": 0, "max": 10, "low": "Not at all", "high": "Very much"}
                elif kind is ExerciseKind.CHECKLIST:
                    config = {"items": ["Listen first", "Name one feeling", "Ask one question"]}
                self.out.add(
                    Exercise,
                    id=exercise_id,
                    version_id=version_id,
                    position=position,
                    kind=kind.value,
                    title=f"{title}: step {position + 1}",
                    prompt=self.text(rng, 1, 3),
                    config=config,
                )
                exercises.append((exercise_id, kind))
            self.versions.append(version_id)
            self.modules_ids.append(module_id)
            self.exercises.append(exercises)
        self.out.flush()
        # The current version points back at a row written just now.
        for module_id, version_id in zip(self.modules_ids, self.versions, strict=True):
            db.session.execute(
                sa.update(cast(sa.Table, StrategyModule.__table__))
                .where(StrategyModule.__table__.c.id == module_id)
                .values(current_version_id=version_id)
            )
