"""Recording sessions, drafting, signing and amending notes, and process notes."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, CounselingSession, NoteStatus, SessionNote


def _note(app, sid):
    with app.app_context():
        note = db.session.scalar(sa.select(SessionNote).where(SessionNote.session_id == sid))
        return note.status, note.version, dict(note.sections or {}), note.signed_by_id


def test_record_session_once_per_form(app, login_as, couple_case):
    counselor, case, a, b = couple_case
    client = login_as(counselor)
    form = {
        "date": "2026-11-20",
        "time": "15:00",
        "duration_minutes": "50",
        "modality": "video",
        "kind": "joint",
        "attendees": [str(a.id), str(b.id)],
        "request_key": "key-1",
    }
    first = client.post(f"/cases/{case.id}/sessions/new", data=form)
    second = client.post(f"/cases/{case.id}/sessions/new", data=form)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        sessions = db.session.scalars(sa.select(CounselingSession)).all()
        assert len(sessions) == 1
        note = db.session.scalar(sa.select(SessionNote))
        assert note.format.value == counselor.note_format.value


def test_bad_input_is_shown_next_to_the_field(login_as, couple_case):
    counselor, case, a, b = couple_case
    response = login_as(counselor).post(
        f"/cases/{case.id}/sessions/new",
        data={"date": "", "time": "15:00", "duration_minutes": "9999", "modality": "video"},
    )
    assert response.status_code == 200
    assert b"Choose the date of the session." in response.data
    assert b"Between 5 and 600 minutes." in response.data


def test_outsider_cannot_attend(login_as, couple_case, factory):
    counselor, case, a, b = couple_case
    stranger = factory.client()
    response = login_as(counselor).post(
        f"/cases/{case.id}/sessions/new",
        data={
            "date": "2026-11-20",
            "time": "15:00",
            "duration_minutes": "50",
            "modality": "video",
            "kind": "joint",
            "attendees": [str(stranger.id)],
        },
    )
    assert b"Only members of this case" in response.data


def test_draft_sign_then_amend(app, login_as, couple_case, build):
    counselor, case, a, b = couple_case
    sid = build.session(case, attendees=[a, b])
    client = login_as(counselor)
    base = f"/cases/{case.id}/sessions/{sid}"
    response = client.post(
        f"{base}/note",
        data={"version": "1", "data": "They talked.", "assessment": "Progress.", "plan": "More."},
    )
    assert response.status_code == 302
    status, version, sections, _ = _note(app, sid)
    assert status is NoteStatus.DRAFT and sections["data"] == "They talked."
    assert client.post(f"{base}/sign", data={"version": str(version)}).status_code == 302
    status, version, sections, signer = _note(app, sid)
    assert status is NoteStatus.SIGNED and signer == counselor.id
    # A signed note no longer changes.
    client.post(f"{base}/note", data={"version": str(version), "data": "Rewritten"})
    assert _note(app, sid)[2]["data"] == "They talked."
    client.post(f"{base}/amend", data={"body": "Corrected the date of the next session."})
    page = client.get(base).get_data(as_text=True)
    assert "Corrected the date of the next session." in page
    assert "Signed by" in page


def test_signing_an_empty_note_is_refused(app, login_as, couple_case, build):
    counselor, case, a, b = couple_case
    sid = build.session(case)
    login_as(counselor).post(f"/cases/{case.id}/sessions/{sid}/sign", data={"version": "1"})
    assert _note(app, sid)[0] is NoteStatus.DRAFT


def test_stale_save_shows_both_versions(app, login_as, couple_case, build):
    counselor, case, a, b = couple_case
    sid = build.session(case, sections={"data": "Saved text"})
    client = login_as(counselor)
    base = f"/cases/{case.id}/sessions/{sid}"
    client.post(f"{base}/note", data={"version": "1", "data": "First save"})
    response = client.post(f"{base}/note", data={"version": "1", "data": "Late save"})
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "First save" in text and "Late save" in text
    assert _note(app, sid)[2]["data"] == "First save"


def test_autosave_ignores_older_saves(app, login_as, couple_case, build):
    counselor, case, a, b = couple_case
    sid = build.session(case)
    client = login_as(counselor)
    page = client.get(f"/cases/{case.id}/sessions/{sid}").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    url = f"/cases/{case.id}/sessions/{sid}/note/autosave"
    headers = {"X-CSRFToken": token}
    newer = client.post(
        url, json={"seq": 5, "fields": {"data": "newer", "version": "1"}}, headers=headers
    )
    assert newer.json == {"saved": True, "version": 2}
    older = client.post(
        url, json={"seq": 4, "fields": {"data": "older", "version": "2"}}, headers=headers
    )
    assert older.json["stale"]
    assert _note(app, sid)[2]["data"] == "newer"
    # The editor's own "Save draft" after an autosave, from the version the autosave returned,
    # is not a conflict.
    saved = client.post(f"/cases/{case.id}/sessions/{sid}/note", data={"version": "2", "data": "x"})
    assert saved.status_code == 302


def test_process_notes_only_for_their_author(app, login_as, couple_case, build, factory):
    counselor, case, a, b = couple_case
    sid = build.session(case)
    former = factory.counselor()
    build.process_note(sid, former, "FORMER-COUNSELOR-PRIVATE")
    client = login_as(counselor)
    base = f"/cases/{case.id}/sessions/{sid}"
    client.post(
        f"{base}/process-note", data={"process-body": "My own thoughts", "process-version": "0"}
    )
    page = client.get(base).get_data(as_text=True)
    assert "My own thoughts" in page
    assert "FORMER-COUNSELOR-PRIVATE" not in page


def test_every_read_and_change_is_audited(app, login_as, couple_case, build):
    counselor, case, a, b = couple_case
    sid = build.session(case)
    client = login_as(counselor)
    client.get(f"/cases/{case.id}/sessions/{sid}")
    client.post(f"/cases/{case.id}/sessions/{sid}/note", data={"version": "1", "data": "x"})
    with app.app_context():
        actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"session_note.read", "session_note.update"} <= actions


def test_closed_case_is_read_only(app, login_as, factory, build):
    from app.models import CaseStatus

    counselor = factory.counselor()
    a, b = factory.client(), factory.client()
    case = factory.case(counselor, [a, b], status=CaseStatus.CLOSED)
    sid = build.session(case)
    client = login_as(counselor)
    response = client.post(
        f"/cases/{case.id}/sessions/{sid}/note", data={"version": "1", "data": "x"}
    )
    assert response.status_code == 409
    assert client.get(f"/cases/{case.id}/sessions/{sid}").status_code == 200
