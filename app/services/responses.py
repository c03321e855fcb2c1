"""Clients' answers to exercises: drafts, autosave, submitting, and who may read them.

Reading rules (docs/security.md "Who sees what"), applied in one place:

* the author sees their own answer, draft or submitted;
* the case counselor sees *submitted* answers shared with the counselor or with both;
* the partner sees *submitted* answers shared with both — never drafts, never the others.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app import audit
from app.drafts import AutosavePayload
from app.extensions import db
from app.models import (
    AssignmentRecipient,
    AssignmentStatus,
    Exercise,
    ExerciseKind,
    Response,
    ResponseStatus,
    Visibility,
    utcnow,
)
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

VISIBILITY_LABELS: dict[Visibility, str] = {
    Visibility.PRIVATE: "Only me",
    Visibility.COUNSELOR: "My counselor",
    Visibility.COUNSELOR_AND_PARTNER: "My counselor and my partner",
}

#: Answers the counselor may read once submitted.
COUNSELOR_READABLE = (Visibility.COUNSELOR, Visibility.COUNSELOR_AND_PARTNER)


class ResponseError(Exception):
    """An answer change the rules refuse (for example: already submitted)."""


def empty_answer(kind: ExerciseKind) -> dict[str, Any]:
    """An answer with every field blank."""
    return {
        name: ([] if name == "checked" else None if name == "value" else "")
        for name in ANSWER_FIELDS[kind]
    }


def _iso_date_or_blank(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        return ""


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
            answer[name] = _iso_date_or_blank(payload.text(name, 40))
        else:
            answer[name] = payload.text(name, max_length)
    return answer


def visibility_from(value: str | None) -> Visibility:
    """A visibility from a form value; anything unknown falls back to the default."""
    try:
        return Visibility(value or "")
    except ValueError:
        return Visibility.COUNSELOR


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
    """Who else may read a submitted answer; sharing can be widened or revoked at any time."""
    if response.visibility is visibility:
        return
    detail = f"{response.visibility} -> {visibility}"
    response.visibility = visibility
    audit.record("response.visibility", response, case_id=case_id, detail=detail)


# --- reading -------------------------------------------------------------------------------


def partner_can_read(response: Response) -> bool:
    """Whether the author's partner may read this answer."""
    return (
        response.status is ResponseStatus.SUBMITTED
        and response.visibility is Visibility.COUNSELOR_AND_PARTNER
    )


def counselor_can_read(response: Response) -> bool:
    """Whether the case counselor may read this answer."""
    return response.status is ResponseStatus.SUBMITTED and response.visibility in COUNSELOR_READABLE


def responses_by_exercise(recipient_ids: list[int]) -> dict[tuple[int, int], Response]:
    """``{(recipient_id, exercise_id): response}`` for the given recipients, in one query."""
    if not recipient_ids:
        return {}
    rows = db.session.scalars(sa.select(Response).where(Response.recipient_id.in_(recipient_ids)))
    return {(r.recipient_id, r.exercise_id): r for r in rows}
