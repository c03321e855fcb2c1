"""Switching a draft note's format keeps every word (issue ux-pass, item 9)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import NoteFormat, SessionNote
from app.services import note_formats
from app.services import sessions as service


def _row(sid: int) -> SessionNote:
    return db.session.scalar(sa.select(SessionNote).where(SessionNote.session_id == sid))


def _note(app, sid: int) -> tuple[NoteFormat, dict, int]:
    """The note's format, sections and version."""
    with app.app_context():
        note = _row(sid)
        return note.format, dict(note.sections or {}), note.version


def _switch(app, sid: int, fmt: NoteFormat) -> tuple[list[str], str, dict]:
    with app.app_context():
        note = _row(sid)
        moved, into = note_formats.switch_format(note, fmt)
        db.session.commit()
        return moved, into, dict(note.sections)


@pytest.mark.parametrize(
    ("start", "sections"),
    [
        (
            NoteFormat.SOAP,
            {"subjective": "S1", "objective": "O1", "assessment": "A1", "plan": "P1"},
        ),
        (NoteFormat.DAP, {"data": "D1\n\nsecond paragraph", "assessment": "A1", "plan": "P1"}),
        (NoteFormat.BIRP, {"behavior": "B1", "intervention": "I1", "response": "R1", "plan": "P"}),
    ],
)
def test_every_round_trip_keeps_every_word(app, factory, build, start, sections):
    case, _a, _b = factory.couple()
    sid = build.session(case, fmt=start, sections=dict(sections))
    formats = [f for f in NoteFormat if f is not start] + [start]
    for fmt in formats:
        _moved, _into, now = _switch(app, sid, fmt)
        shown = {s.key for s in service.note_sections(fmt)}
        visible = " ".join(v for k, v in now.items() if k in shown)
        for text in sections.values():
            assert text in visible, f"{text!r} is not on the {fmt.value} page"
    # Back where it started, each section holds its own text again, once.
    assert {k: v for k, v in now.items() if v} == sections


def test_moved_text_is_named(app, factory, build):
    case, _a, _b = factory.couple()
    sid = build.session(case, fmt=NoteFormat.SOAP, sections={"subjective": "S", "objective": ""})
    moved, into, now = _switch(app, sid, NoteFormat.DAP)
    assert moved == ["Subjective"] and into == "Data"
    assert now["data"] == "Subjective:\nS"


def test_the_switch_posts_the_typed_text_first(app, factory, build, login_as):
    counselor = factory.counselor()
    case = factory.case(counselor, [factory.client(), factory.client()])
    sid = build.session(case, fmt=NoteFormat.SOAP)
    version = _note(app, sid)[2]
    response = login_as(counselor).post(
        f"/cases/{case.id}/sessions/{sid}/note/format",
        data={"format": "DAP", "version": str(version), "subjective": "typed, never saved"},
    )
    assert response.status_code == 302
    fmt, sections, _version = _note(app, sid)
    assert fmt is NoteFormat.DAP
    assert sections["data"] == "Subjective:\ntyped, never saved"


def test_a_stale_editor_gets_the_conflict_page_not_a_lost_text(app, factory, build, login_as):
    counselor = factory.counselor()
    case = factory.case(counselor, [factory.client(), factory.client()])
    sid = build.session(case, fmt=NoteFormat.SOAP, sections={"subjective": "saved elsewhere"})
    response = login_as(counselor).post(
        f"/cases/{case.id}/sessions/{sid}/note/format",
        data={"format": "DAP", "version": "-1", "subjective": "MINE"},
    )
    assert response.status_code == 409
    assert "MINE" in response.get_data(as_text=True)
    assert _note(app, sid)[0] is NoteFormat.SOAP
