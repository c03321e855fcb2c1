"""This feature's sections of the case page and of the client's home."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for

from app.models import Case, CaseMember, User
from app.services import assignments as assignment_service

CASE_TEMPLATE = "assignments/_case_section.html"
HOME_TEMPLATE = "exercises/_home_section.html"


def assignments_section(viewer: User, case: Case) -> dict[str, Any] | None:
    """The case's assignments with each partner's progress (two queries plus one per relation)."""
    assignments = assignment_service.case_assignments(case)
    return {
        "case": case,
        "assignments": assignments,
        "newer": {a.id for a in assignments if assignment_service.newer_version_exists(a)},
        "assign_url": url_for("assignments.assign", case_id=case.id),
        "can_assign": not case.is_closed,
    }


def next_exercises_section(viewer: User, memberships: list[CaseMember]) -> dict[str, Any] | None:
    """What to do next: the first unfinished exercise of each open assignment."""
    if not memberships or "exercises.index" not in current_app.view_functions:
        return None
    work = assignment_service.client_work(viewer)
    return {
        "todo": [w for w in work if w.next_exercise is not None][:3],
        "has_any": bool(work),
        "feedback": [w for w in work if w.recipient.feedback][:3],
    }
