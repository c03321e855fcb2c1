"""The fixture's assignments: five per case, given to every member, with their answers."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from app.crypto import new_uid
from app.models import (
    Assignment,
    AssignmentRecipient,
    AssignmentStatus,
    ExerciseKind,
    MemberRole,
    Response,
    ResponseStatus,
    Visibility,
)
from bench.seed_base import GeneratorBase
from bench.seed_shape import ASSIGNMENTS_PER_CASE


class AssignmentsPart(GeneratorBase):
    """Writes each case's assignments, recipients and responses."""

    def assignments(
        self,
        case_id: int,
        counselor_id: int,
        members: list[tuple[int, MemberRole]],
        start: datetime,
        rng: random.Random,
    ) -> list[int]:
        """Five assignments, each given to every member, at different stages."""
        ids = []
        for k in range(ASSIGNMENTS_PER_CASE):
            assignment_id = self.ids.take("assignments")
            created = start + timedelta(days=7 + k * 21)
            created = min(created, self.now - timedelta(days=1))
            self.out.add(
                Assignment,
                id=assignment_id,
                case_id=case_id,
                module_version_id=self.versions[k % len(self.versions)],
                assigned_by_id=counselor_id,
                due_date=(created + timedelta(days=14)).date(),
                note_ct=self.enc(
                    "assignments",
                    "note",
                    assignment_id,
                    rng.choice(["", "Take your time with this one.", "Try it after dinner."]),
                ),
                created_at=created,
            )
            ids.append(assignment_id)
            for user_id, _role in members:
                status = rng.choice(list(AssignmentStatus))
                recipient_id = self.ids.take("assignment_recipients")
                uid = new_uid()
                done = status in (AssignmentStatus.SUBMITTED, AssignmentStatus.REVIEWED)
                self.out.add(
                    AssignmentRecipient,
                    id=recipient_id,
                    uid=uid,
                    assignment_id=assignment_id,
                    user_id=user_id,
                    status=status.value,
                    started_at=created + timedelta(days=1)
                    if status is not AssignmentStatus.ASSIGNED
                    else None,
                    submitted_at=created + timedelta(days=5) if done else None,
                    reviewed_at=created + timedelta(days=8)
                    if status is AssignmentStatus.REVIEWED
                    else None,
                    feedback_ct=self.enc(
                        "assignment_recipients", "feedback", recipient_id, self.text(rng, 2, 4)
                    )
                    if status is AssignmentStatus.REVIEWED
                    else None,
                )
                if status is AssignmentStatus.ASSIGNED:
                    continue
                for exercise_id, kind in self.exercises[k % len(self.exercises)]:
                    response_uid = new_uid()
                    response_id = self.ids.take("responses")
                    if kind is ExerciseKind.SCALE:
                        answer: Any = {"value": rng.randint(0, 10)}
                    elif kind is ExerciseKind.CHECKLIST:
                        answer = {"checked": sorted(rng.sample(range(3), rng.randint(0, 3)))}
                    else:
                        answer = {"text": self.text(rng, 3, 8)}
                    self.out.add(
                        Response,
                        id=response_id,
                        uid=response_uid,
                        recipient_id=recipient_id,
                        exercise_id=exercise_id,
                        answer_ct=self.enc(
                            "responses", "answer", response_id, answer, as_json=True, owner=user_id
                        ),
                        status=(ResponseStatus.SUBMITTED if done else ResponseStatus.DRAFT).value,
                        visibility=Visibility.COUNSELOR.value,
                        draft_seq=0,
                        version=1,
                        updated_at=created + timedelta(days=4),
                        submitted_at=created + timedelta(days=5) if done else None,
                    )
        return ids
