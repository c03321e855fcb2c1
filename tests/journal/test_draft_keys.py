"""The page that confirms a save clears exactly the draft the editor kept on the device.

Were the keys to differ, the saved text (a private entry, say) would come back in the next
new entry's editor and could be shared there by mistake.
"""

import re


def _attribute(html: str, name: str) -> str:
    match = re.search(rf'{name}="([^"]+)"', html)
    assert match, f"no {name} on the page"
    return match.group(1)


def test_a_saved_new_entry_clears_the_new_entry_draft(world, login_as):
    client = login_as(world.a)
    editor_key = _attribute(client.get("/me/journal/new").text, "data-autosave-key")
    saved = client.post(
        "/me/journal/new",
        data={"body": "Only mine", "visibility": "private", "request_key": "n" * 32},
    )
    confirmation = client.get(saved.headers["Location"]).text
    assert _attribute(confirmation, "data-clear-draft") == editor_key


def test_a_saved_edit_clears_that_entrys_draft(world, login_as, make_entry):
    entry_id = make_entry(world.a, world.case, body="First words")
    client = login_as(world.a)
    editor = client.get(f"/me/journal/{entry_id}/edit").text
    editor_key = _attribute(editor, "data-autosave-key")
    version = _attribute(editor, 'name="version" type="hidden" value')
    saved = client.post(
        f"/me/journal/{entry_id}/edit",
        data={"body": "Second words", "visibility": "private", "version": version},
    )
    assert saved.status_code == 302
    confirmation = client.get(saved.headers["Location"]).text
    assert _attribute(confirmation, "data-clear-draft") == editor_key
