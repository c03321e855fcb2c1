"""The author writes, reads and edits entries; plain text is kept and escaped."""

import re

from app.models import JournalEntry, JournalVisibilityChange, ResponseStatus, Visibility


def test_new_entry_is_private_by_default_and_saved(world, login_as, count_rows, load_entry):
    client = login_as(world.a)
    page = client.get("/me/journal/new")
    assert page.status_code == 200
    assert re.search(
        rb"<input[^>]*checked[^>]*value=\"private\"|<input[^>]*value=\"private\"[^>]*checked",
        page.data,
    )
    response = client.post(
        "/me/journal/new",
        data={
            "title": "After the walk",
            "body": "First line\nsecond line\n\nNew paragraph",
            "mood": "4",
            "tags": "walks, Listening , walks",
            "visibility": "private",
            "request_key": "k" * 32,
        },
    )
    assert response.status_code == 302
    assert count_rows(JournalEntry) == 1
    entry_url = response.headers["Location"].split("?")[0]
    entry = load_entry(int(entry_url.rsplit("/", 1)[1]))
    assert entry["visibility"] is Visibility.PRIVATE
    assert entry["status"] is ResponseStatus.SUBMITTED
    assert entry["tags"] == ["walks", "Listening"]
    assert entry["mood"] == 4
    assert entry["shared_at"] is None
    view = client.get(entry_url).get_data(as_text=True)
    assert "<p>First line<br>second line</p><p>New paragraph</p>" in view


def test_double_submit_creates_one_entry(world, login_as, count_rows):
    client = login_as(world.a)
    data = {"body": "Once only", "visibility": "counselor", "request_key": "d" * 32}
    first = client.post("/me/journal/new", data=data)
    second = client.post("/me/journal/new", data=data)
    assert first.status_code == second.status_code == 302
    assert count_rows(JournalEntry) == 1
    assert count_rows(JournalVisibilityChange) == 1


def test_sharing_at_creation_sets_shared_at(world, login_as, load_entry):
    client = login_as(world.a)
    response = client.post(
        "/me/journal/new",
        data={"body": "For my counselor", "visibility": "counselor", "request_key": "s" * 32},
    )
    entry = load_entry(int(response.headers["Location"].split("?")[0].rsplit("/", 1)[1]))
    assert entry["visibility"] is Visibility.COUNSELOR
    assert entry["shared_at"] is not None


def test_empty_body_gets_message_next_to_field(world, login_as, count_rows):
    client = login_as(world.a)
    response = client.post(
        "/me/journal/new", data={"title": "Kept title", "body": "", "visibility": "private"}
    )
    assert response.status_code == 200
    assert "Write a few words before saving." in response.get_data(as_text=True)
    assert "Kept title" in response.get_data(as_text=True)
    assert count_rows(JournalEntry) == 0


def test_script_in_entry_is_shown_as_text(world, login_as, make_entry):
    payload = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    entry_id = make_entry(
        world.a,
        world.case,
        title=payload,
        body=payload,
        tags=[payload],
        visibility=Visibility.COUNSELOR,
    )
    for client, url in [
        (login_as(world.a), f"/me/journal/{entry_id}"),
        (login_as(world.a), "/me/journal"),
        (login_as(world.counselor), f"/caseload/journal/{entry_id}"),
        (login_as(world.counselor), "/caseload/journal"),
    ]:
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;" in html


def test_edit_saves_and_bumps_version(world, login_as, make_entry, load_entry):
    entry_id = make_entry(world.a, world.case, body="before")
    client = login_as(world.a)
    form = client.get(f"/me/journal/{entry_id}/edit")
    assert form.status_code == 200 and "before" in form.get_data(as_text=True)
    response = client.post(
        f"/me/journal/{entry_id}/edit", data={"body": "after", "version": "1", "mood": ""}
    )
    assert response.status_code == 302
    entry = load_entry(entry_id)
    assert entry["body"] == "after" and entry["version"] == 2 and entry["mood"] is None


def test_stale_edit_gets_conflict_page_and_keeps_saved_text(
    world, login_as, make_entry, load_entry
):
    entry_id = make_entry(world.a, world.case, body="saved text")
    client = login_as(world.a)
    client.post(f"/me/journal/{entry_id}/edit", data={"body": "first writer", "version": "1"})
    response = client.post(
        f"/me/journal/{entry_id}/edit", data={"body": "second writer", "version": "1"}
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "first writer" in html and "second writer" in html
    assert load_entry(entry_id)["body"] == "first writer"


def test_closed_case_is_read_only_for_the_author(world, login_as, make_entry, app):
    from app.extensions import db
    from app.models import Case, CaseStatus

    entry_id = make_entry(world.a, world.case)
    with app.app_context():
        db.session.get(Case, world.case.id).status = CaseStatus.CLOSED
        db.session.commit()
    client = login_as(world.a)
    assert client.get(f"/me/journal/{entry_id}").status_code == 200
    assert client.get(f"/me/journal/{entry_id}/edit").status_code == 409
    assert (
        client.post(
            f"/me/journal/{entry_id}/visibility", data={"visibility": "counselor"}
        ).status_code
        == 409
    )
    assert client.get("/me/journal/new").status_code == 409


def test_client_with_a_case_is_invited_to_write(world, login_as):
    page = login_as(world.a).get("/me/journal").get_data(as_text=True)
    assert 'href="/me/journal/new"' in page
    assert "write your first entry" in page


def test_client_without_a_case_gets_a_calm_journal_page(factory, login_as):
    loner = factory.client()
    client = login_as(loner)
    page = client.get("/me/journal")
    assert page.status_code == 200
    assert "once your counselor has added you to a case" in page.get_data(as_text=True)
    assert 'href="/me/journal/new"' not in page.get_data(as_text=True)
    assert client.get("/me/journal/new").status_code == 404
