"""What each copy of the session summary holds, and what it must never hold."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Visibility
from tests.pdf.helpers import give_homework, pdf_text
from tests.sessions.conftest import CANARY

SECTIONS = {
    "data": "Partners described a week of calmer evenings.",
    "assessment": "ASSESSMENT-TEXT shows steady progress in repair attempts.",
    "plan": "Continue soft start-up work.",
    "focus": "We practised starting hard conversations gently.",
    "next_steps": "Try one gentle start-up each day.",
}


@pytest.fixture
def summary(app, build, couple_case):
    counselor, case, a, b = couple_case
    sid = build.session(case, attendees=[a, b], sections=SECTIONS, signed_by=counselor)
    build.process_note(sid, counselor, "PROCESS-NOTE-TEXT about countertransference.")
    shared = build.entry(case, a, body="PICKED-EXCERPT we went for a long walk.", title="Walk")
    private = build.entry(
        case, b, body=f"{CANARY} never to be shared", visibility=Visibility.PRIVATE
    )
    build.pick(sid, shared)
    build.pick(sid, private)  # planted directly: the render must still leave it out
    build.check_ins(case, a)
    build.check_ins(case, b)
    give_homework(app, case, sid, [a, b])
    return counselor, case, sid


def _get(login_as, counselor, case, sid, copy):
    response = login_as(counselor).get(f"/cases/{case.id}/sessions/{sid}/summary.pdf?copy={copy}")
    assert response.status_code == 200, response.data[:300]
    return response


def test_clinician_copy(login_as, summary):
    counselor, case, sid = summary
    response = _get(login_as, counselor, case, sid, "clinician")
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    text = pdf_text(response.data)
    assert "calmer evenings" in text
    assert "ASSESSMENT-TEXT" in text
    assert "PICKED-EXCERPT" in text
    assert f"Signed by {counselor.name}" in text
    assert "Page 1 of" in text and "Confidential" in text
    assert "PROCESS-NOTE-TEXT" not in text
    assert CANARY not in text
    assert "DRAFT" not in text


def test_client_copy(login_as, summary):
    counselor, case, sid = summary
    text = pdf_text(_get(login_as, counselor, case, sid, "client").data)
    assert "Soft start-up practice" in text and "04 Dec 2026" in text
    assert "starting hard conversations gently" in text
    for forbidden in (
        "ASSESSMENT-TEXT",
        "PROCESS-NOTE-TEXT",
        CANARY,
        "PICKED-EXCERPT",
        "calmer evenings",
    ):
        assert forbidden not in text


def test_unsigned_note_has_a_draft_watermark(app, login_as, build, couple_case):
    counselor, case, a, b = couple_case
    sid = build.session(case, sections={"data": "Draft text"})
    text = pdf_text(_get(login_as, counselor, case, sid, "clinician").data)
    assert "DRAFT" in text and "Draft text" in text


def test_revoked_entry_disappears(app, login_as, build, couple_case):
    from app.models import JournalEntry

    counselor, case, a, b = couple_case
    sid = build.session(case, sections={"data": "x"})
    entry_id = build.entry(case, a, body="REVOKED-LATER text")
    build.pick(sid, entry_id)
    with app.app_context():
        db.session.get(JournalEntry, entry_id).visibility = Visibility.PRIVATE
        db.session.commit()
    text = pdf_text(_get(login_as, counselor, case, sid, "clinician").data)
    assert "REVOKED-LATER" not in text


def test_every_pdf_is_audited(app, login_as, summary):
    counselor, case, sid = summary
    _get(login_as, counselor, case, sid, "client")
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "session_summary.pdf")
        ).all()
    assert [(e.detail, e.outcome, e.case_id) for e in events] == [("client", "ok", case.id)]


def test_unknown_copy_is_404(login_as, summary):
    counselor, case, sid = summary
    response = login_as(counselor).get(f"/cases/{case.id}/sessions/{sid}/summary.pdf?copy=all")
    assert response.status_code == 404


@pytest.mark.parametrize("size", ["A4", "Letter"])
def test_page_size_follows_config(app, size, login_as, summary):
    import io

    from pypdf import PdfReader

    counselor, case, sid = summary
    app.config["REKINDLE_PAGE_SIZE"] = size
    data = _get(login_as, counselor, case, sid, "client").data
    width = float(PdfReader(io.BytesIO(data)).pages[0].mediabox.width)
    assert round(width) == (595 if size == "A4" else 612)
