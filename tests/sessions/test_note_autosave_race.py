"""No lost note (security issue 19.14): autosave takes part in the note's optimistic locking.

An autosave and a "Save draft" (or another tab's autosave) from the same version: exactly one
is applied, the other gets a conflict (409) and is kept by its editor; none is lost silently.
Run on PostgreSQL (``TEST_DATABASE_URL``) this races two real transactions; on SQLite the
write transactions queue behind each other and the rule is the same.
"""

from __future__ import annotations

import re
import threading

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import SessionNote


def _sections(app, sid: int) -> dict:
    with app.app_context():
        note = db.session.scalar(sa.select(SessionNote).where(SessionNote.session_id == sid))
        return dict(note.sections or {})


def _token(client, url: str) -> dict[str, str]:
    page = client.get(url).get_data(as_text=True)
    return {"X-CSRFToken": re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)}


@pytest.fixture
def note(app, couple_case, build, login_as):
    counselor, case, _a, _b = couple_case
    sid = build.session(case, sections={"data": "As first saved"})
    base = f"/cases/{case.id}/sessions/{sid}"
    return sid, base, [login_as(counselor), login_as(counselor)]


def test_an_autosave_carries_the_version_and_moves_it_on(app, note):
    sid, base, (tab, _other) = note
    headers = _token(tab, base)
    first = tab.post(
        f"{base}/note/autosave",
        json={"seq": 5, "fields": {"data": "typed", "version": "1"}},
        headers=headers,
    )
    assert first.json == {"saved": True, "version": 2}
    assert tab.post(f"{base}/note", data={"version": "2", "data": "saved"}).status_code == 302
    assert _sections(app, sid)["data"] == "saved"


def test_an_autosave_from_an_old_version_is_a_conflict_and_changes_nothing(app, note):
    sid, base, (tab, other) = note
    assert other.post(f"{base}/note", data={"version": "1", "data": "other tab"}).status_code == 302
    late = tab.post(
        f"{base}/note/autosave",
        json={"seq": 7, "fields": {"data": "from version one", "version": "1"}},
        headers=_token(tab, base),
    )
    assert late.status_code == 409 and late.json["error"] == "conflict"
    assert _sections(app, sid)["data"] == "other tab"


@pytest.mark.parametrize("rounds", range(3))
def test_autosave_racing_a_form_save_from_the_same_version(app, note, rounds):
    sid, base, (autosaving, saving) = note
    headers = _token(autosaving, base)
    barrier = threading.Barrier(2)
    outcome: dict[str, int] = {}

    def autosave():
        barrier.wait(timeout=30)
        outcome["autosave typed text"] = autosaving.post(
            f"{base}/note/autosave",
            json={"seq": 100 + rounds, "fields": {"data": "autosave typed text", "version": "1"}},
            headers=headers,
        ).status_code

    def form_save():
        barrier.wait(timeout=30)
        outcome["form saved text"] = saving.post(
            f"{base}/note", data={"version": "1", "data": "form saved text"}
        ).status_code

    threads = [threading.Thread(target=autosave), threading.Thread(target=form_save)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    winners = [text for text, status in outcome.items() if status in (200, 302)]
    losers = [text for text, status in outcome.items() if status == 409]
    assert len(winners) == 1 and len(losers) == 1, outcome
    assert _sections(app, sid)["data"] == winners[0]
