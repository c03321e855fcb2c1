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


SENTENCE = (
    "we talked about the kitchen again and I tried to listen before answering because the "
    "weekend promise still matters to both of us even when we are tired and honest"
)
WORDS = SENTENCE.split(" ")


def long_text(chars: int, ending: str = "") -> str:
    """Ordinary prose of exactly ``chars`` characters (paragraphs of words), ending in ``ending``."""
    paragraphs, size, n = [], 0, 0
    target = chars - len(ending) - 1
    while size < target:
        words = [WORDS[(n + i) % len(WORDS)] for i in range(60)]
        n += 7
        paragraph = " ".join(words).capitalize() + "."
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    text = "\n\n".join(paragraphs)[:target].rstrip()
    text = text + " " * (target - len(text)) + " " + ending
    assert len(text) == chars
    return text


def last_pages_text(data: bytes, pages: int = 4) -> tuple[int, str]:
    """(number of pages, text of the last ``pages`` pages), whitespace collapsed."""
    reader = PdfReader(io.BytesIO(data))
    tail = reader.pages[-pages:]
    return len(reader.pages), " ".join(" ".join((p.extract_text() or "").split()) for p in tail)


def fetch_pdf(client, url: str):
    """GET a PDF link and return the PDF response, directly or through its job's page."""
    response = client.get(url)
    if response.status_code == 303:
        response = client.get(response.headers["Location"] + "/download")
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "application/pdf"
    return response
