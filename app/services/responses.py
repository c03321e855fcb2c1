"""Clients' answers to exercises: drafts, autosave, submitting, sharing, and reading them.

Who may read an answer is decided by ``app.policy`` (the author, draft or sent; the case
counselor and the partner once sent, as far as its audience reaches).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app import audit, policy
from app.drafts import AutosavePayload
from app.extensions import db
from app.models import (
    Assignment,
    AssignmentRecipient,
    AssignmentStatus,
    Exercise,
    ExerciseKind,
    ModuleVersion,
    Response,
    ResponseStatus,
    User,
    Visibility,
    utcnow,
)
from app.policy import ANSWER, EVERY_CASE
from app.policy.announcements import newly_reaches_counselor, no_longer_reaches_counselor
from app.practice_dates import iso_or_blank
from app.services import announcements
from app.services.concurrency import check_version

#: The answer fields of each kind, with their maximum lengths (text) or None (other values).
ANSWER_FIELDS: dict[ExerciseKind, dict[str, int | None]] = {
    ExerciseKind.REFLECTION: {"text": 20_000},
    ExerciseKind.CHECKLIST: {"checked": None, "note": 2_000},
    ExerciseKind.SCALE: {"value": None, "note": 2_000},
    ExerciseKind.GOAL_PLAN: {"goal": 500, "steps": 5_000, "target_date": None},
    ExerciseKind.CONVERSATION_PLANNER: {"topic": 300, "i_statement": 2_000, "need_to_hear": 2_000},
    ExerciseKind.SPACE_COMMITMENT: {"start_date": None, "end_date": None, "checkin": 5_000},
}

#: What the author sees for each audience of an answer (the policy's wording).
VISIBILITY_LABELS: dict[Visibility, str] = dict(ANSWER.labels)


class ResponseError(Exception):
    """An answer change the rules refuse (for example: already submitted)."""


def empty_answer(kind: ExerciseKind) -> dict[str, Any]:
    """An answer with every field blank."""
    return {
        name: ([] if name == "checked" else None if name == "value" else "")
        for name in ANSWER_FIELDS[kind]
    }


def draft_from_payload(exercise: Exercise, payload: AutosavePayload) -> dict[str, Any]:
    """A draft answer from an autosave: lenient (drafts may be incomplete), but bounded."""
    answer = empty_answer(exercise.kind)
    for name, max_length in ANSWER_FIELDS[exercise.kind].items():
        if name == "checked":
            allowed = set((exercise.config or {}).get("items", []))
            answer[name] = [v for v in payload.values(name) if v in allowed]
        elif name == "value":
            raw = payload.text(name, 10)
            answer[name] = int(raw) if raw.isdigit() and 0 <= int(raw) <= 10 else None
        elif name.endswith("_date"):
            answer[name] = iso_or_blank(payload.text(name, 40))
        else:
            answer[name] = payload.text(name, max_length)
    return answer


def visibility_from(value: str | None) -> Visibility:
    """A visibility from a form value; anything unknown falls back to the default."""
    return policy.level_from(value, ANSWER.default)


def find_response(recipient: AssignmentRecipient, exercise: Exercise) -> Response | None:
    """The recipient's answer to ``exercise``, if one was started."""
    return db.session.scalar(
        sa.select(Response).where(
            Response.recipient_id == recipient.id, Response.exercise_id == exercise.id
        )
    )


def _response_for_writing(recipient: AssignmentRecipient, exercise: Exercise) -> Response:
    response = find_response(recipient, exercise)
    if response is None:
        response = Response(recipient_id=recipient.id, exercise_id=exercise.id, draft_seq=0)
        response.answer = empty_answer(exercise.kind)
        try:
            # Two autosaves of a new answer may race: the unique constraint picks one row.
            with db.session.begin_nested():
                db.session.add(response)
                db.session.flush()
        except IntegrityError:
            response = find_response(recipient, exercise)
            if response is None:
                raise
        else:
            audit.record("response.started", response, case_id=_case_id(recipient))
    if response.status is ResponseStatus.SUBMITTED:
        raise ResponseError("This answer was already sent, so it can no longer be changed.")
    return response


def _case_id(recipient: AssignmentRecipient) -> int:
    # Recipients reach services through scope helpers that load their assignment.
    return recipient.assignment.case_id


def _mark_started(recipient: AssignmentRecipient) -> None:
    if recipient.status is AssignmentStatus.ASSIGNED:
        recipient.status = AssignmentStatus.IN_PROGRESS
        recipient.started_at = utcnow()


def autosave_response(
    recipient: AssignmentRecipient, exercise: Exercise, payload: AutosavePayload
) -> tuple[Response, bool]:
    """Apply an autosave unless a newer one was applied already: ``(response, applied)``."""
    response = _response_for_writing(recipient, exercise)
    if not _is_newer(response, payload.seq):
        return response, False
    response.answer = draft_from_payload(exercise, payload)
    response.visibility = visibility_from(payload.text("visibility", 40))
    response.version += 1
    _mark_started(recipient)
    db.session.flush()
    return response, True


def _is_newer(response: Response, seq: int) -> bool:
    # Same rule as app.drafts.is_newer; a freshly created row has draft_seq 0.
    if seq <= (response.draft_seq or 0):
        return False
    response.draft_seq = seq
    return True


def save_answer(
    recipient: AssignmentRecipient,
    exercise: Exercise,
    answer: dict[str, Any],
    visibility: Visibility,
    *,
    expected_version: str | None,
    seq: int | None,
    submit: bool,
) -> Response:
    """Save the form's answer as a draft, or submit it.

    Raises ``ResponseError`` when the answer was submitted already, and ``StaleAnswer`` when
    it was saved elsewhere after this form was opened.
    """
    existed = find_response(recipient, exercise) is not None
    response = _response_for_writing(recipient, exercise)
    if existed and not check_version(response, expected_version):
        raise StaleAnswer(response)
    if seq:
        # Autosaves sent before this post (a late beacon, say) must not overwrite it.
        response.draft_seq = max(response.draft_seq or 0, seq)
    response.answer = answer
    response.visibility = visibility
    _mark_started(recipient)
    if submit:
        response.status = ResponseStatus.SUBMITTED
        response.submitted_at = utcnow()
        audit.record("response.submitted", response, case_id=recipient.assignment.case_id)
    db.session.flush()
    if submit:
        _complete_if_all_submitted(recipient)
        announcements.answer_sent(response, recipient.assignment.case_id)
    return response


class StaleAnswer(ResponseError):
    """The answer was saved elsewhere (another tab) after this form was opened."""

    def __init__(self, response: Response) -> None:
        super().__init__("This answer changed in another window.")
        self.response = response


def _complete_if_all_submitted(recipient: AssignmentRecipient) -> None:
    version_id = recipient.assignment.module_version_id
    total = (
        db.session.scalar(
            sa.select(sa.func.count(Exercise.id)).where(Exercise.version_id == version_id)
        )
        or 0
    )
    done = (
        db.session.scalar(
            sa.select(sa.func.count(Response.id)).where(
                Response.recipient_id == recipient.id, Response.status == ResponseStatus.SUBMITTED
            )
        )
        or 0
    )
    if done >= total and recipient.status in (
        AssignmentStatus.ASSIGNED,
        AssignmentStatus.IN_PROGRESS,
    ):
        recipient.status = AssignmentStatus.SUBMITTED
        recipient.submitted_at = utcnow()
        audit.record(
            "assignment.submitted", recipient.assignment, detail=f"recipient {recipient.id}"
        )


def change_visibility(response: Response, visibility: Visibility, case_id: int) -> None:
    """Who else may read a submitted answer (the view checks a closed case may only narrow)."""
    if not policy.changes_audience(visibility, response.visibility):
        return
    detail = f"{response.visibility} -> {visibility}"
    old = response.visibility
    response.visibility = visibility
    audit.record("response.visibility", response, case_id=case_id, detail=detail)
    if no_longer_reaches_counselor(visibility, old):
        announcements.answer_unshared(response)
    elif response.status is ResponseStatus.SUBMITTED and newly_reaches_counselor(visibility, old):
        announcements.answer_shared(response, case_id)


# --- reading -------------------------------------------------------------------------------


def responses_by_exercise(recipient_ids: list[int]) -> dict[tuple[int, int], Response]:
    """``{(recipient_id, exercise_id): response}`` for the given recipients, in one query.

    Each answer comes with its recipient and assignment, so ``policy.may_read`` can judge it.
    """
    if not recipient_ids:
        return {}
    rows = db.session.scalars(
        sa.select(Response)
        .where(Response.recipient_id.in_(recipient_ids))
        .options(joinedload(Response.recipient).joinedload(AssignmentRecipient.assignment))
    )
    return {(r.recipient_id, r.exercise_id): r for r in rows}


def answer_states(recipient: AssignmentRecipient) -> dict[int, ResponseStatus]:
    """``{exercise id: status}`` of the recipient's own answers."""
    return dict(
        db.session.execute(
            sa.select(Response.exercise_id, Response.status).where(
                Response.recipient_id == recipient.id
            )
        ).all()
    )


def own_answers(recipient: AssignmentRecipient) -> dict[int, policy.OwnWriting]:
    """``{exercise id: how the policy describes it}`` of the recipient's own answers, one query."""
    rows = db.session.execute(
        sa.select(Response.exercise_id, Response.status, ANSWER.visibility).where(
            Response.recipient_id == recipient.id
        )
    ).all()
    return {
        exercise_id: ANSWER.own(sent=status is ResponseStatus.SUBMITTED, level=level)
        for exercise_id, status, level in rows
    }


def next_unsent(
    exercises: list[Exercise], sent: set[int], after: Exercise | None = None
) -> Exercise | None:
    """The first exercise not yet sent after ``after`` (then from the start), or None.

    After sending one exercise the client goes on to the next one still open, so that on a
    phone they never scroll past the module's introduction again (issue ux-pass, item 1).
    """
    start = exercises.index(after) + 1 if after is not None else 0
    for exercise in exercises[start:] + exercises[:start]:
        if exercise.id not in sent:
            return exercise
    return None


def _partners_answers(viewer: User, recipient: AssignmentRecipient) -> sa.Select[Response]:
    # The other recipients' answers to the same assignment that the viewer may read.
    return (
        sa.select(Response)
        .join(AssignmentRecipient, AssignmentRecipient.id == Response.recipient_id)
        .where(
            AssignmentRecipient.assignment_id == recipient.assignment_id,
            policy.readable_by_partner(ANSWER, viewer, recipient.assignment.case_id),
        )
    )


def partner_answer(
    viewer: User, recipient: AssignmentRecipient, exercise: Exercise
) -> Response | None:
    """The partner's answer to the same exercise, only if sent and shared with the viewer."""
    return db.session.scalar(
        _partners_answers(viewer, recipient)
        .where(Response.exercise_id == exercise.id)
        .options(joinedload(Response.recipient).joinedload(AssignmentRecipient.user))
    )


def exercises_the_partner_shared(viewer: User, recipient: AssignmentRecipient) -> set[int]:
    """Ids of the assignment's exercises whose partner answer the viewer may read."""
    query = _partners_answers(viewer, recipient).with_only_columns(Response.exercise_id)
    return set(db.session.scalars(query))


def linkable_answers(author: User, limit: int = 100) -> list[tuple[int, str, str]]:
    """``(response id, exercise title, module title)`` of the author's answers, newest first."""
    rows = db.session.execute(
        sa.select(Response.id, Exercise.title, ModuleVersion.title)
        .join(AssignmentRecipient, AssignmentRecipient.id == Response.recipient_id)
        .join(Assignment, Assignment.id == AssignmentRecipient.assignment_id)
        .join(Exercise, Exercise.id == Response.exercise_id)
        .join(ModuleVersion, ModuleVersion.id == Exercise.version_id)
        .where(
            policy.readable_by_author(ANSWER, author, EVERY_CASE),
            Assignment.removed_at.is_(None),
        )
        .order_by(Response.id.desc())
        .limit(limit)
    ).all()
    return [(rid, title, module) for rid, title, module in rows]


def exercise_title(response_id: int | None) -> str | None:
    """The title of the exercise an answer (for example one a journal entry links to) is for."""
    if response_id is None:
        return None
    return db.session.scalar(
        sa.select(Exercise.title)
        .join(Response, Response.exercise_id == Exercise.id)
        .where(Response.id == response_id)
    )
