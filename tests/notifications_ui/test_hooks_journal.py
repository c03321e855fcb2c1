"""The journal announces once, to the right people only: an entry shared with the counselor
to the counselor (never to the partner); a counselor's comment to the entry's author."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import JournalEntry
from tests.notifications_ui.conftest import kinds_for, nobody_else, outbox, request_key


def _write(client, visibility: str, key: str | None = None):
    return client.post(
        "/me/journal/new",
        data={
            "title": "Sunday",
            "body": "We walked.",
            "visibility": visibility,
            "request_key": key or request_key(),
        },
    )


def _entry_id(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(JournalEntry.id).order_by(JournalEntry.id.desc()))


@pytest.mark.parametrize(
    ("visibility", "counselor_told"),
    [("counselor", True), ("counselor_and_partner", True), ("private", False)],
)
def test_a_new_entry_tells_the_counselor_once_if_shared_with_them(
    app, couple, people, login_as, visibility, counselor_told
):
    alex = login_as(couple.a)
    key = request_key()
    for _ in range(2):  # a double click on "Save entry"
        assert _write(alex, visibility, key).status_code == 302
    entry_id = _entry_id(app)
    rows = outbox(app, kind="journal.shared")
    expected = [(couple.counselor.id, ("journal_entry", entry_id))] if counselor_told else []
    assert [(r.recipient_id, r.about) for r in rows] == expected
    # The partner is told nothing, even of an entry shared with them.
    assert nobody_else(app, people, couple.counselor) == {}


def test_sharing_an_entry_later_tells_the_counselor_and_widening_again_does_not(
    app, couple, people, login_as
):
    alex = login_as(couple.a)
    _write(alex, "private")
    entry_id = _entry_id(app)
    share = f"/me/journal/{entry_id}/visibility"
    for _ in range(2):
        assert alex.post(share, data={"visibility": "counselor"}).status_code == 302
    alex.post(share, data={"visibility": "counselor_and_partner"})
    assert kinds_for(app, couple.counselor) == ["journal.shared"]
    assert nobody_else(app, people, couple.counselor) == {}


def test_a_comment_tells_the_author_only(app, couple, people, login_as):
    alex = login_as(couple.a)
    _write(alex, "counselor_and_partner")  # the partner may read it, yet hears nothing
    entry_id = _entry_id(app)
    counselor = login_as(couple.counselor)
    response = counselor.post(
        f"/caseload/journal/{entry_id}/comments", data={"body": "Thank you for sharing this."}
    )
    assert response.status_code == 302
    rows = outbox(app, kind="journal.comment")
    assert [(r.recipient_id, r.about) for r in rows] == [(couple.a.id, ("journal_entry", entry_id))]
    assert kinds_for(app, couple.b) == []
    assert nobody_else(app, people, couple.a, couple.counselor) == {}
