"""The private safety check: questions, autosaved answers, concerns, the counselor's decision.

The questions and the rules that raise a concern are data (``content/safety_check.toml``).
A check is the answering partner's and the case counselor's only: nothing here is ever listed,
counted or announced to the other partner. Functions flush; views commit.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from app import audit
from app.extensions import db
from app.models import (
    Case,
    CautionOverride,
    SafetyCheck,
    SafetyCheckStatus,
    SafetyConcern,
    SafetyDecision,
    StrategyModule,
    User,
    utcnow,
)
from app.policy import safety as safety_policy
from app.services.combined_read import Part, read

CONTENT_FILE = Path(__file__).parent / "content" / "safety_check.toml"
NOTE_MAX = 5_000
DECISION_LABELS = {
    SafetyDecision.CONTINUE_JOINT: "Joint work continues; sharing resumes",
    SafetyDecision.INDIVIDUAL_ONLY: "Individual sessions only for now; sharing resumes",
    SafetyDecision.REFER: "Referred on for specialist support; sharing resumes",
}


class SafetyError(ValueError):
    """A change the rules refuse; the message is shown next to the form."""


@dataclass(frozen=True)
class Question:
    """One question of the check and its choices."""

    key: str
    text: str
    choices: tuple[str, ...]


@dataclass(frozen=True)
class CheckContent:
    """The check as the partner sees it, and the rules that raise a concern."""

    version: int
    intro: str
    questions: tuple[Question, ...]
    concern_rules: dict[str, frozenset[str]]


@cache
def content() -> CheckContent:
    """The questions and concern rules, read once."""
    data = tomllib.loads(CONTENT_FILE.read_text(encoding="utf-8"))
    rules: dict[str, set[str]] = {}
    for rule in data.get("concern", []):
        rules.setdefault(rule["question"], set()).update(rule["choices"])
    return CheckContent(
        version=int(data["version"]),
        intro=data["intro"].strip(),
        questions=tuple(
            Question(q["key"], q["text"], tuple(q["choices"])) for q in data["questions"]
        ),
        concern_rules={k: frozenset(v) for k, v in rules.items()},
    )


def raises_concern(answers: dict[str, Any]) -> bool:
    """Whether these answers meet any rule of the check's data."""
    return any(answers.get(key) in choices for key, choices in content().concern_rules.items())


def clean_answers(raw: dict[str, Any]) -> dict[str, str]:
    """Only known questions with one of their choices."""
    kept = {}
    for question in content().questions:
        value = raw.get(question.key)
        if isinstance(value, str) and value in question.choices:
            kept[question.key] = value
    return kept


def latest_check(user: User, case_id: int) -> SafetyCheck | None:
    """The partner's newest check in the case (theirs only)."""
    return db.session.scalars(
        sa.select(SafetyCheck)
        .where(SafetyCheck.case_id == case_id, SafetyCheck.user_id == user.id)
        .order_by(SafetyCheck.created_at.desc(), SafetyCheck.id.desc())
        .limit(1)
    ).first()


def draft_of(user: User, case_id: int) -> SafetyCheck | None:
    """The partner's draft waiting in the case, if any (reads only)."""
    check = latest_check(user, case_id)
    return check if check is not None and check.status is SafetyCheckStatus.DRAFT else None


def check_to_answer(user: User, case_id: int) -> SafetyCheck:
    """The partner's draft in the case, made on first visit (or after the last one was sent)."""
    check = latest_check(user, case_id)
    if check is None or check.status is SafetyCheckStatus.SUBMITTED:
        check = SafetyCheck(case_id=case_id, user_id=user.id, status=SafetyCheckStatus.DRAFT)
        check.answers = {}
        db.session.add(check)
        db.session.flush()
    return check


def is_due(user: User, case_id: int, *, before_joint_work: bool) -> bool:
    """Whether the partner has a check to answer: none yet before joint work, or a draft waits
    (the counselor asked, or they started one)."""
    check = latest_check(user, case_id)
    if check is None:
        return before_joint_work
    return check.status is SafetyCheckStatus.DRAFT


def autosave(check: SafetyCheck, seq: int, raw: dict[str, Any]) -> bool:
    """Keep the answers unless a later save already arrived; False when this one was stale."""
    if check.status is not SafetyCheckStatus.DRAFT:
        raise SafetyError("These answers were sent already.")
    if seq <= check.draft_seq:
        return False
    check.answers = clean_answers(raw)
    check.draft_seq = seq
    db.session.flush()
    return True


def submit(check: SafetyCheck, raw: dict[str, Any], case: Case) -> SafetyConcern | None:
    """Send the answers to the counselor; a concern is raised, and announced, when a rule says."""
    if check.status is not SafetyCheckStatus.DRAFT:
        return db.session.scalar(sa.select(SafetyConcern).where(SafetyConcern.check_id == check.id))
    answers = clean_answers(raw)
    missing = [q for q in content().questions if q.key not in answers]
    if missing:
        raise SafetyError(
            "Please choose an answer for every question (you may choose “I'd rather not say”)."
        )
    check.answers = answers
    check.status = SafetyCheckStatus.SUBMITTED
    check.submitted_at = utcnow()
    db.session.flush()
    audit.record("safety.check_submitted", check, case_id=case.id)
    if not raises_concern(answers):
        return None
    concern = SafetyConcern(case_id=case.id, user_id=check.user_id, check_id=check.id)
    db.session.add(concern)
    db.session.flush()
    from app.intake import notifications as alerts

    alerts.concern_raised(concern, case)
    return concern


def ask_again(counselor: User, case: Case, user_id: int) -> SafetyCheck:
    """The counselor asks a partner for a new check: a fresh draft waits on their home page."""
    check = latest_check(db.session.get_one(User, user_id), case.id)
    if check is None or check.status is SafetyCheckStatus.SUBMITTED:
        check = SafetyCheck(case_id=case.id, user_id=user_id, status=SafetyCheckStatus.DRAFT)
        check.answers = {}
        db.session.add(check)
        db.session.flush()
    audit.record("safety.check_requested", check, case_id=case.id)
    return check


def decide(
    counselor: User, concern: SafetyConcern, decision: SafetyDecision, note: str
) -> SafetyConcern:
    """Record the counselor's decision: the banner goes, the partner's sharing resumes."""
    if concern.decided_at is not None:
        return concern
    concern.decision = decision
    concern.decision_note = note.strip()[:NOTE_MAX]
    concern.decided_by_id = counselor.id
    concern.decided_at = utcnow()
    db.session.flush()
    audit.record(
        "safety.decision_recorded", concern, case_id=concern.case_id, detail=decision.value
    )
    from app.intake import notifications as alerts

    alerts.concern_decided(concern)
    return concern


def override_caution(
    counselor: User, case: Case, module: StrategyModule, reason: str
) -> CautionOverride:
    """Let the counselor assign a blocked module in this case, with their reason."""
    reason = reason.strip()
    if not reason:
        raise SafetyError("Write why this module is right for this couple now.")
    concern = db.session.scalars(
        sa.select(SafetyConcern)
        .where(SafetyConcern.case_id == case.id)
        .order_by(SafetyConcern.raised_at.desc(), SafetyConcern.id.desc())
        .limit(1)
    ).first()
    if concern is None or not safety_policy.module_blocked(case.id, module.id):
        raise SafetyError("This module is not blocked for this case.")
    override = CautionOverride(
        case_id=case.id, module_id=module.id, concern_id=concern.id, overridden_by_id=counselor.id
    )
    override.reason = reason[:NOTE_MAX]
    db.session.add(override)
    db.session.flush()
    audit.record("safety.caution_overridden", override, case_id=case.id, detail=module.slug)
    return override


def checks_of_case(case_id: int) -> list[SafetyCheck]:
    """Every sent check of the case, newest first (the counselor's view)."""
    return list(
        db.session.scalars(
            sa.select(SafetyCheck)
            .where(
                SafetyCheck.case_id == case_id, SafetyCheck.status == SafetyCheckStatus.SUBMITTED
            )
            .order_by(SafetyCheck.submitted_at.desc())
        )
    )


def case_safety_part(case_id: int) -> Part:
    """The case's checks with their concerns (``case_safety``'s read, for the combined read).

    Every concern belongs to one check of its case (``check_id`` is unique), so joining
    concerns to the case's checks brings each once without multiplying rows.
    """
    return Part(
        (SafetyCheck, SafetyConcern),
        SafetyCheck.case_id == case_id,
        joins=((SafetyConcern, SafetyConcern.check_id == SafetyCheck.id),),
        order_by=(SafetyCheck.submitted_at.desc(), SafetyCheck.id.desc()),
    )


def case_safety_from(
    case_id: int, rows: list[tuple[Any, ...]]
) -> tuple[list[SafetyCheck], set[int], list[SafetyConcern]]:
    """``case_safety`` from the rows of ``case_safety_part``."""
    sent = [check for check, _ in rows if check.status is SafetyCheckStatus.SUBMITTED]
    asked = {check.user_id for check, _ in rows if check.status is SafetyCheckStatus.DRAFT}
    concerns = sorted(
        (c for _, c in rows if c is not None and c.case_id == case_id),
        key=lambda c: c.raised_at,
        reverse=True,
    )
    return sent, asked, concerns


def case_safety(case_id: int) -> tuple[list[SafetyCheck], set[int], list[SafetyConcern]]:
    """``checks_of_case``, who has a check waiting to be answered, and ``concerns_of_case``."""
    found = read({"safety": case_safety_part(case_id)})
    return case_safety_from(case_id, found.rows["safety"])


def concerns_of_case(case_id: int) -> list[SafetyConcern]:
    """Every concern of the case, newest first (the counselor's view)."""
    return list(
        db.session.scalars(
            sa.select(SafetyConcern)
            .where(SafetyConcern.case_id == case_id)
            .order_by(SafetyConcern.raised_at.desc())
        )
    )


def own_checks(user: User) -> list[SafetyCheck]:
    """The user's own sent checks, for their export (never the partner's)."""
    return list(
        db.session.scalars(
            sa.select(SafetyCheck)
            .where(
                SafetyCheck.user_id == user.id, SafetyCheck.status == SafetyCheckStatus.SUBMITTED
            )
            .order_by(SafetyCheck.submitted_at)
        )
    )
