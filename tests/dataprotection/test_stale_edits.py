"""RE-2: two writers from the same version: the second is told (conflict page), the first kept.

Tested through the feature edit pages: a journal entry, an exercise answer and a session note.
Each case runs twice: one save after the other, and both saves at the same moment on threads.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import JournalEntry, Response, ResponseStatus, SessionNote, User
from tests.dataprotection.conftest import canary


@dataclass
class Target:
    """One editable text: where to post, how to build a form, how to read the saved text."""

    login_email: str
    url: str
    form: callable
    saved_text: callable


def journal_target(app, planted) -> Target:
    with app.app_context():
        entry_id = db.session.scalar(
            sa.select(JournalEntry.id).where(
                JournalEntry.author_id == planted.a_id,
                JournalEntry.status == ResponseStatus.SUBMITTED,
            )
        )

    def read():
        with app.app_context():
            return db.session.get(JournalEntry, entry_id).body

    return Target(
        planted.a_email,
        f"/me/journal/{entry_id}/edit",
        lambda text, version: {
            "title": "Title",
            "body": text,
            "mood": "",
            "tags": "",
            "exercise_response_id": "",
            "version": str(version),
        },
        read,
    )


def answer_target(app, planted) -> Target:
    from app.models import AssignmentRecipient

    with app.app_context():
        response = db.session.scalars(
            sa.select(Response)
            .join(AssignmentRecipient)
            .where(
                AssignmentRecipient.user_id == planted.a_id,
                Response.visibility == "private",
            )
        ).one()
        response.status = ResponseStatus.DRAFT  # a draft can still be edited
        db.session.commit()
        response_id = response.id
        recipient_id, exercise_id = response.recipient_id, response.exercise_id

    def read():
        with app.app_context():
            return db.session.get(Response, response_id).answer["text"]

    return Target(
        planted.a_email,
        f"/me/exercises/{recipient_id}/{exercise_id}",
        lambda text, version: {
            "text": text,
            "visibility": "private",
            "version": str(version),
            "draft_seq": "",
            "save_draft": "Save for later",
        },
        read,
    )


def note_target(app, planted) -> Target:
    with app.app_context():
        note = db.session.scalars(sa.select(SessionNote)).one()
        note_id, session_id = note.id, note.session_id
        counselor_email = db.session.get(User, planted.counselor_id).email

    def read():
        with app.app_context():
            return db.session.get(SessionNote, note_id).sections["subjective"]

    return Target(
        counselor_email,
        f"/cases/{planted.case_id}/sessions/{session_id}/note",
        lambda text, version: {"subjective": text, "focus": "focus", "version": str(version)},
        read,
    )


TARGETS = {
    "journal entry": journal_target,
    "exercise answer": answer_target,
    "session note": note_target,
}


@pytest.fixture(params=list(TARGETS))
def target(request, app, planted) -> Target:
    return TARGETS[request.param](app, planted)


def test_a_stale_save_gets_the_conflict_page_and_the_first_save_is_kept(target, login_as):
    first_tab, second_tab = login_as(target.login_email), login_as(target.login_email)
    first_text, second_text = canary("first"), canary("second")

    first = first_tab.post(target.url, data=target.form(first_text, 1))
    assert first.status_code == 302, first.get_data(as_text=True)[:2000]
    second = second_tab.post(target.url, data=target.form(second_text, 1))

    assert second.status_code == 409
    page = second.get_data(as_text=True)
    assert "This changed while you were editing" in page
    assert first_text in page and second_text in page  # both versions shown, nothing lost
    assert target.saved_text() == first_text


def test_a_save_from_the_current_version_goes_through(target, login_as):
    tab = login_as(target.login_email)
    assert tab.post(target.url, data=target.form("one", 1)).status_code == 302
    assert tab.post(target.url, data=target.form("two", 2)).status_code == 302
    assert target.saved_text() == "two"


def test_two_saves_at_the_same_moment_never_lose_one_silently(target, login_as):
    tabs = [login_as(target.login_email), login_as(target.login_email)]
    texts = [canary("left"), canary("right")]
    barrier = threading.Barrier(2)
    results: list[tuple[str, int]] = []
    lock = threading.Lock()

    def save(tab, text):
        barrier.wait(timeout=30)
        status = tab.post(target.url, data=target.form(text, 1)).status_code
        with lock:
            results.append((text, status))

    threads = [threading.Thread(target=save, args=pair) for pair in zip(tabs, texts, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    statuses = sorted(status for _, status in results)
    assert statuses == [302, 409]
    winner = next(text for text, status in results if status == 302)
    assert target.saved_text() == winner
