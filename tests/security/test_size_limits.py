"""IN-3: text up to a field's limit is kept, in any script; one more character is refused
next to the field with the text still there; an oversized request gets a friendly 413."""

from __future__ import annotations

import re
import secrets

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import JournalEntry
from app.services.journal import MAX_BODY

SCRIPTS = {
    "emoji": "🙂",
    "finnish": "ä",
    "mixed": "Hyvää päivää 🌲 ",
}


def _text(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[:length]


def _new_entry(client, body: str):
    return client.post(
        "/me/journal/new",
        data={
            "title": "Long one",
            "body": body,
            "visibility": "private",
            "mood": "",
            "tags": "",
            "request_key": secrets.token_urlsafe(24),
        },
    )


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("length", [MAX_BODY - 1, MAX_BODY])
def test_text_up_to_the_limit_is_kept(app, world, clients, script, length):
    body = _text(SCRIPTS[script], length)
    response = _new_entry(clients["A"], body)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    with app.app_context():
        stored = db.session.scalars(
            sa.select(JournalEntry)
            .where(JournalEntry.author_id == world.users["A"])
            .order_by(JournalEntry.id.desc())
        ).first()
        assert stored.body == body


@pytest.mark.parametrize("script", SCRIPTS)
def test_one_character_over_is_refused_next_to_the_field_and_kept(world, clients, script):
    body = _text(SCRIPTS[script], MAX_BODY + 1)
    response = _new_entry(clients["A"], body)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "the most one entry" in html and 'aria-invalid="true"' in html
    # The text is still in the editor, not lost.
    textarea = re.search(r"<textarea[^>]*>\n?(.*?)</textarea>", html, re.S).group(1)
    assert len(textarea) >= MAX_BODY


def test_oversized_request_gets_a_friendly_413(world, clients):
    response = _new_entry(clients["A"], "x" * (3 * 1024 * 1024))
    assert response.status_code == 413
    assert "still in the editor" in response.get_data(as_text=True)


def test_oversized_autosave_gets_json_413(world, clients):
    client = clients["A"]
    html = client.get("/account/password").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
    response = client.post(
        f"/me/journal/new/{secrets.token_urlsafe(24)}/autosave",
        json={"seq": 5, "fields": {"body": "ä" * (MAX_BODY + 1)}, "csrf_token": token},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 413
    assert response.is_json
