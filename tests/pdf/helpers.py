"""Shared helpers of the PDF tests."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

from app.extensions import db
from app.models import (
    Assignment,
    AssignmentRecipient,
    ModuleVersion,
    SessionAssignmentLink,
    StrategyModule,
)


def pdf_text(data: bytes) -> str:
    """All text of a PDF, whitespace collapsed."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def give_homework(app, case, session_id, recipients, title="Soft start-up practice") -> None:
    """A module assigned as homework in the session, due 4 Dec 2026."""
    with app.app_context():
        module = StrategyModule(is_builtin=True)
        db.session.add(module)
        db.session.flush()
        version = ModuleVersion(module_id=module.id, title=title, summary="s", introduction="i")
        db.session.add(version)
        db.session.flush()
        assignment = Assignment(
            case_id=case.id, module_version_id=version.id, due_date=date(2026, 12, 4), note=""
        )
        assignment.recipients = [AssignmentRecipient(user_id=u.id) for u in recipients]
        db.session.add(assignment)
        db.session.flush()
        db.session.add(
            SessionAssignmentLink(
                session_id=session_id, assignment_id=assignment.id, relation="homework"
            )
        )
        db.session.commit()
