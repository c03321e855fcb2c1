"""Unsaved edits of shared entries are kept on the server, encrypted, for the author alone (19.8)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import ServerDraft, Visibility
from tests.journal.conftest import csrf_headers

EDIT = "KEPT-EDIT-CANARY second thoughts"


@pytest.fixture
def shared_entry(world, make_entry):
    return make_entry(
        world.a, world.case, body="What others read.", visibility=Visibility.COUNSELOR_AND_PARTNER
    )


def _autosave(http, entry_id: int, seq: int, body: str, version: str = "1"):
    return http.post(
        f"/me/journal/{entry_id}/autosave",
        json={"seq": seq, "fields": {"title": "T", "body": body, "version": version}},
        headers=csrf_headers(http),
    )


def test_the_edit_is_stored_encrypted_and_readers_see_the_saved_text(
    world, shared_entry, login_as, app
):
    author = login_as(world.a)
    assert _autosave(author, shared_entry, 5, EDIT).json["kept"] == "server"
    with app.app_context():
        raw = db.session.execute(sa.text("SELECT fields_ct FROM server_drafts")).scalar_one()
        assert b"KEPT-EDIT-CANARY" not in bytes(raw)
    for reader, url in (
        (world.b, f"/me/journal/shared/{shared_entry}"),
        (world.counselor, f"/caseload/journal/{shared_entry}"),
    ):
        page = login_as(reader).get(url).get_data(as_text=True)
        assert "What others read." in page and "KEPT-EDIT-CANARY" not in page


def test_the_author_gets_the_edit_back_in_the_editor_on_any_device(world, shared_entry, login_as):
    _autosave(login_as(world.a), shared_entry, 5, EDIT)
    page = login_as(world.a).get(f"/me/journal/{shared_entry}/edit").get_data(as_text=True)
    assert "KEPT-EDIT-CANARY" in page
    assert "Your unsaved changes from" in page
    assert 'data-autosave-seq="5"' in page


def test_an_older_save_never_replaces_a_newer_kept_edit(world, shared_entry, login_as, app):
    author = login_as(world.a)
    _autosave(author, shared_entry, 9, EDIT)
    _autosave(author, shared_entry, 8, "older text")
    with app.app_context():
        assert db.session.scalars(sa.select(ServerDraft)).one().fields["body"] == EDIT


def test_save_applies_the_edit_and_forgets_it(
    world, shared_entry, login_as, count_rows, load_entry
):
    author = login_as(world.a)
    _autosave(author, shared_entry, 5, EDIT)
    saved = author.post(
        f"/me/journal/{shared_entry}/edit",
        data={"title": "T", "body": EDIT, "mood": "", "tags": "", "version": "1"},
    )
    assert saved.status_code == 302
    assert load_entry(shared_entry)["body"] == EDIT
    assert count_rows(ServerDraft) == 0


def test_a_kept_edit_from_an_old_version_leads_to_the_conflict_page(
    world, shared_entry, login_as, load_entry
):
    first, second = login_as(world.a), login_as(world.a)
    _autosave(first, shared_entry, 5, EDIT)
    second.post(
        f"/me/journal/{shared_entry}/edit",
        data={"title": "T", "body": "saved elsewhere", "mood": "", "tags": "", "version": "1"},
    )
    page = first.get(f"/me/journal/{shared_entry}/edit").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in page, "the kept edit keeps its base"
    late = first.post(
        f"/me/journal/{shared_entry}/edit",
        data={"title": "T", "body": EDIT, "mood": "", "tags": "", "version": "1"},
    )
    assert late.status_code == 409 and load_entry(shared_entry)["body"] == "saved elsewhere"


def test_nobody_else_gets_the_kept_edit(world, shared_entry, login_as):
    _autosave(login_as(world.a), shared_entry, 5, EDIT)
    for user in (world.b, world.counselor, world.outsider):
        http = login_as(user)
        response = http.get(f"/me/journal/{shared_entry}/edit")
        assert response.status_code in (403, 404)
        assert "KEPT-EDIT-CANARY" not in response.get_data(as_text=True)


def test_the_author_can_discard_the_kept_edit(world, shared_entry, login_as, count_rows):
    author = login_as(world.a)
    _autosave(author, shared_entry, 5, EDIT)
    page = author.get(f"/me/journal/{shared_entry}/edit").get_data(as_text=True)
    assert f"/me/journal/{shared_entry}/kept-edit/discard" in page
    assert author.post(f"/me/journal/{shared_entry}/kept-edit/discard").status_code == 302
    assert count_rows(ServerDraft) == 0
    page = author.get(f"/me/journal/{shared_entry}/edit").get_data(as_text=True)
    assert "KEPT-EDIT-CANARY" not in page and "What others read." in page


def test_nobody_else_can_discard_it(world, shared_entry, login_as, count_rows):
    _autosave(login_as(world.a), shared_entry, 5, EDIT)
    for user in (world.b, world.counselor, world.outsider):
        response = login_as(user).post(f"/me/journal/{shared_entry}/kept-edit/discard")
        assert response.status_code in (403, 404)
    assert count_rows(ServerDraft) == 1
