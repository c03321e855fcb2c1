"""A double-submitted comment (docs/security.md RE-4) is one comment and one notification."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import JournalComment, JournalEntry
from tests.notifications_ui.conftest import outbox, request_key


@pytest.fixture
def entry_id(app, couple, login_as) -> int:
    """An entry Alex shared with the counselor."""
    alex = login_as(couple.a)
    response = alex.post(
        "/me/journal/new",
        data={
            "title": "Sunday",
            "body": "We walked.",
            "visibility": "counselor",
            "request_key": request_key(),
        },
    )
    assert response.status_code == 302
    with app.app_context():
        return db.session.scalar(sa.select(JournalEntry.id))


def _comments(app) -> int:
    with app.app_context():
        return len(db.session.scalars(sa.select(JournalComment)).all())


def _comment(client, entry_id: int, key: str | None):
    data = {"body": "Thank you for writing this 🌱"}
    if key is not None:
        data["request_key"] = key
    return client.post(f"/caseload/journal/{entry_id}/comments", data=data)


def test_the_comment_form_carries_a_fresh_key(couple, entry_id, login_as):
    counselor = login_as(couple.counselor)
    pages = [counselor.get(f"/caseload/journal/{entry_id}").get_data(as_text=True) for _ in "ab"]
    keys = [page.split('name="request_key"')[1].split('value="')[1].split('"')[0] for page in pages]
    assert all(len(k) >= 16 for k in keys) and keys[0] != keys[1]


def test_a_double_click_adds_one_comment_and_one_notification(app, couple, entry_id, login_as):
    counselor = login_as(couple.counselor)
    key = request_key()
    for _ in range(2):
        response = _comment(counselor, entry_id, key)
        assert response.status_code == 302
    assert _comments(app) == 1
    rows = outbox(app, kind="journal.comment")
    assert [(r.recipient_id, r.about) for r in rows] == [(couple.a.id, ("journal_entry", entry_id))]


@pytest.mark.parametrize(
    "keys",
    [
        pytest.param(["first-key-aaaaaaaaaaaa", "second-key-bbbbbbbbbbb"], id="two forms"),
        pytest.param([None, None], id="no key at all"),
        pytest.param(["x" * 500, "x" * 500], id="a key too long to be one"),
        pytest.param(["<script>'\"", "<script>'\""], id="a key of the wrong alphabet"),
    ],
)
def test_two_comments_without_a_shared_valid_key_are_two(app, couple, entry_id, login_as, keys):
    counselor = login_as(couple.counselor)
    for key in keys:
        assert _comment(counselor, entry_id, key).status_code == 302
    assert _comments(app) == 2
    assert len(outbox(app, kind="journal.comment")) == 2
