"""Autosave of journal drafts: ordered by sequence number, token-checked, never echoing text."""

from app.models import JournalEntry, ResponseStatus, Visibility
from tests.journal.conftest import csrf_headers

KEY = "n" * 32


def test_first_autosave_creates_a_private_draft_then_updates_it(world, login_as, count_rows, app):
    client = login_as(world.a)
    headers = csrf_headers(client)
    first = client.post(
        f"/me/journal/new/{KEY}/autosave",
        json={"seq": 10, "fields": {"title": "Draft", "body": "one", "mood": "2", "version": ""}},
        headers=headers,
    )
    assert first.status_code == 200 and first.json == {"saved": True, "version": 1}
    second = client.post(
        f"/me/journal/new/{KEY}/autosave",
        json={"seq": 11, "fields": {"body": "one two", "version": "1"}},
        headers=headers,
    )
    assert second.json == {"saved": True, "version": 2}
    late = client.post(
        f"/me/journal/new/{KEY}/autosave",
        json={"seq": 9, "fields": {"body": "stale", "version": "2"}},
        headers=headers,
    )
    assert late.json["saved"] is False
    assert count_rows(JournalEntry) == 1
    from app.extensions import db

    with app.app_context():
        entry = db.session.scalar(__import__("sqlalchemy").select(JournalEntry))
        assert entry.body == "one two"
        assert entry.status is ResponseStatus.DRAFT
        assert entry.visibility is Visibility.PRIVATE
        entry_id = entry.id
    # Saving the form with the same request key turns the draft into the saved entry.
    response = client.post(
        "/me/journal/new",
        data={"body": "final text", "visibility": "counselor", "request_key": KEY, "version": "2"},
    )
    assert response.status_code == 302
    assert count_rows(JournalEntry) == 1
    with app.app_context():
        entry = db.session.get(JournalEntry, entry_id)
        assert (entry.body, entry.status, entry.visibility) == (
            "final text",
            ResponseStatus.SUBMITTED,
            Visibility.COUNSELOR,
        )


def test_autosave_needs_the_csrf_token(world, login_as, count_rows):
    client = login_as(world.a)
    response = client.post(
        f"/me/journal/new/{KEY}/autosave", json={"seq": 1, "fields": {"body": "x"}}
    )
    assert response.status_code == 400
    assert count_rows(JournalEntry) == 0


def test_autosave_with_a_stale_version_is_a_conflict(world, login_as, make_entry, load_entry):
    entry_id = make_entry(world.a, world.case, body="kept")
    client = login_as(world.a)
    response = client.post(
        f"/me/journal/{entry_id}/autosave",
        json={"seq": 3, "fields": {"body": "overwrite?", "version": "7"}},
        headers=csrf_headers(client),
    )
    assert response.status_code == 409
    assert load_entry(entry_id)["body"] == "kept"


def test_bad_request_key_is_refused(world, login_as):
    client = login_as(world.a)
    response = client.post(
        "/me/journal/new/short/autosave",
        json={"seq": 1, "fields": {"body": "x"}},
        headers=csrf_headers(client),
    )
    assert response.status_code == 400


def test_autosave_of_a_shared_entry_never_reaches_its_readers(world, make_entry, login_as, app):
    """Half-typed edits of an entry others can read wait on the server, for the author, until Save."""
    entry_id = make_entry(
        world.a, world.case, body="What the counselor has read.", visibility=Visibility.COUNSELOR
    )
    author = login_as(world.a)
    reply = author.post(
        f"/me/journal/{entry_id}/autosave",
        json={"seq": 5, "fields": {"body": "half-typed second thoughts", "version": "1"}},
        headers=csrf_headers(author),
    )
    assert reply.status_code == 200 and reply.json == {
        "saved": False,
        "kept": "server",
        "version": 1,
    }
    page = login_as(world.counselor).get(f"/caseload/journal/{entry_id}").get_data(as_text=True)
    assert "What the counselor has read." in page
    assert "half-typed" not in page


def test_autosave_of_a_private_saved_entry_is_kept_on_the_server(world, make_entry, login_as, app):
    from app.extensions import db

    entry_id = make_entry(world.a, world.case, body="Only mine.", visibility=Visibility.PRIVATE)
    author = login_as(world.a)
    reply = author.post(
        f"/me/journal/{entry_id}/autosave",
        json={"seq": 5, "fields": {"body": "Only mine, edited.", "version": "1"}},
        headers=csrf_headers(author),
    )
    assert reply.json["saved"] is True
    with app.app_context():
        assert db.session.get(JournalEntry, entry_id).body == "Only mine, edited."
