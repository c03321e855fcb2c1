"""IN-3: long text in any script saves and reads back byte-identical; above the limit, a message."""

import html

import pytest

from app.models import JournalEntry
from app.services.journal import MAX_BODY

MIXED = "Hyvää huomenta — こんにちは 世界 — مرحبا — Привет — नमस्ते — 😀🌱👩‍❤️‍👨 — ñ ü ß\n"


def _text(length: int) -> str:
    text = (MIXED * (length // len(MIXED) + 1))[:length]
    return text


@pytest.mark.parametrize("length", [50_000, MAX_BODY])
def test_long_mixed_script_entry_reads_back_identical(world, login_as, load_entry, length):
    text = _text(length)
    assert len(text) == length
    client = login_as(world.a)
    response = client.post(
        "/me/journal/new",
        data={"title": "Long 🌱", "body": text, "visibility": "private", "request_key": "L" * 32},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    entry_id = int(response.headers["Location"].split("?")[0].rsplit("/", 1)[1])
    assert load_entry(entry_id)["body"].encode("utf-8") == text.encode("utf-8")
    editor = client.get(f"/me/journal/{entry_id}/edit").get_data(as_text=True)
    start = editor.index('name="body"')
    textarea = editor[editor.index(">", start) + 1 : editor.index("</textarea>", start)]
    assert html.unescape(textarea).lstrip("\r\n").encode() == text.encode()


def test_one_character_over_the_limit_keeps_text_and_explains(world, login_as, count_rows):
    text = _text(MAX_BODY + 1)
    client = login_as(world.a)
    response = client.post(
        "/me/journal/new", data={"body": text, "visibility": "private", "request_key": "O" * 32}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "the most one entry can hold" in page
    assert html.escape(text[-500:], quote=False) in page
    assert count_rows(JournalEntry) == 0


def test_autosave_over_the_limit_is_refused_with_413(world, login_as, make_entry):
    from tests.journal.conftest import csrf_headers

    entry_id = make_entry(world.a, world.case)
    client = login_as(world.a)
    response = client.post(
        f"/me/journal/{entry_id}/autosave",
        json={"seq": 1, "fields": {"body": "😀" * (MAX_BODY + 1), "version": "1"}},
        headers=csrf_headers(client),
    )
    assert response.status_code == 413


def test_request_over_two_mebibytes_gets_a_calm_413(world, login_as):
    client = login_as(world.a)
    response = client.post(
        "/me/journal/new", data={"body": "x" * (2 * 1024 * 1024 + 10), "visibility": "private"}
    )
    assert response.status_code == 413
    assert "still in the editor" in response.get_data(as_text=True)
