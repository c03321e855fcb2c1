"""PDF-4: every document the app accepts becomes a PDF, at the size limits.

A client's export with 12 journal entries of the longest allowed length (100,000 characters)
and a session summary with 70 amendments of the longest allowed length (20,000 characters)
each render to a real PDF whose last entry's words are in it. With the page-request limits
(20 s, what every PDF had before the job queue) both ran out of time and failed for good.
"""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import JournalEntry, NoteAmendment, ResponseStatus, SessionNote, Visibility
from app.services.journal import MAX_BODY
from app.services.sessions import SECTION_MAX
from tests.pdf.helpers import fetch_pdf, last_pages_text, long_text

ENTRIES = 12
AMENDMENTS = 70


def unbroken(text: str) -> str:
    """Text with line breaks undone: no spaces, no hyphens WeasyPrint added at line ends."""
    return re.sub(r"[\s\-\u00ad\u2010]", "", text)


@pytest.fixture
def app_config():
    # The page limits stay as shipped; the queue's renders use the background limits.
    return {"REKINDLE_PDF_TIMEOUT": 20.0}


def test_export_of_twelve_longest_entries(app, couple_case, login_as):
    _counselor, case, a, _b = couple_case
    canary = "CANARYlastentrye41c"
    with app.app_context():
        for n in range(ENTRIES):
            entry = JournalEntry(
                case_id=case.id,
                author_id=a.id,
                visibility=Visibility.PRIVATE,
                status=ResponseStatus.SUBMITTED,
            )
            last = n == ENTRIES - 1
            entry.title, entry.tags = f"Entry {n + 1}", []
            entry.body = long_text(MAX_BODY, canary if last else "")
            db.session.add(entry)
        db.session.commit()

    download = fetch_pdf(login_as(a), "/me/export.pdf")
    pages, text = last_pages_text(download.data, pages=6)
    assert pages > 300
    assert canary in unbroken(text)


def test_session_summary_with_seventy_longest_amendments(app, build, couple_case, login_as):
    counselor, case, a, b = couple_case
    canary = "CANARYlastamendment9b2d"
    sid = build.session(
        case, attendees=[a, b], sections={"data": "Calm week."}, signed_by=counselor
    )
    with app.app_context():
        note = db.session.query(SessionNote).filter_by(session_id=sid).one()
        for n in range(AMENDMENTS):
            amendment = NoteAmendment(note_id=note.id, author_id=counselor.id)
            amendment.body = long_text(SECTION_MAX, canary if n == AMENDMENTS - 1 else "")
            db.session.add(amendment)
        db.session.commit()

    url = f"/cases/{case.id}/sessions/{sid}/summary.pdf?copy=clinician"
    download = fetch_pdf(login_as(counselor), url)
    pages, text = last_pages_text(download.data, pages=6)
    assert pages > 300
    assert canary in unbroken(text)
