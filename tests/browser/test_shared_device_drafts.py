"""Journey (security issue 19.8): nothing readable stays on a shared device.

Alex edits an entry Sam can read and leaves the edit unsaved. The edit is kept on the server
for Alex alone: once the server has it, the browser holds no copy; a copy that never reached
the server is dropped when Alex signs out, and when another account signs in on the browser.
Sam, on the same browser after Alex, finds none of it in localStorage; Alex, signing in again,
gets the edit back from the server.
"""

from __future__ import annotations

from app.models import Visibility
from tests.conftest import TEST_PASSWORD
from tests.journal.conftest import make_entry  # noqa: F401  (fixture)

KEPT = "quillfernkept"
UNSENT = "mothlampunsent"
LEFT_BEHIND = "inkwellleftbehind"


def _storage(page) -> str:
    """Every key and value of this origin's localStorage, as one string."""
    return page.evaluate(
        "() => Object.keys(localStorage).map(k => k + '=' + localStorage.getItem(k)).join('\\n')"
    )


def _block_autosave(page) -> None:
    page.route("**/autosave", lambda route: route.abort())


def test_an_unsaved_edit_of_a_shared_entry_never_stays_on_the_device(
    factory,
    new_visitor,
    make_entry,  # noqa: F811
):
    counselor = factory.counselor()
    alex = factory.client(name="Alex Rivera")
    sam = factory.client(name="Sam Rivera")
    case = factory.case(counselor, [alex, sam])
    entry_id = make_entry(
        alex, case, title="Our walk", body="We walked.", visibility=Visibility.COUNSELOR_AND_PARTNER
    )
    device = new_visitor("shared-device")  # one browser, used by Alex and then by Sam
    page = device.page

    # Alex edits; the edit goes to the server and leaves no copy here.
    device.login(alex.email, TEST_PASSWORD)
    device.visit(f"/me/journal/{entry_id}/edit")
    page.fill("#body", f"We walked. {KEPT}")
    page.wait_for_selector("[data-save-state]:has-text('kept for you')")
    assert KEPT not in _storage(page)

    # More typing that never reaches the server stays on the device, until Alex signs out.
    _block_autosave(page)
    page.fill("#body", f"We walked. {KEPT} {UNSENT}")
    page.wait_for_function(f"() => JSON.stringify(localStorage).includes('{UNSENT}')")
    page.click("button:has-text('Sign out')")
    page.wait_for_url("**/login")
    assert UNSENT not in _storage(page) and KEPT not in _storage(page)

    # Alex again, and this time the browser is left without signing out (the session ends on
    # its own): the copy still here is removed as soon as another account signs in.
    page.unroute("**/autosave")
    device.login(alex.email, TEST_PASSWORD)
    device.visit(f"/me/journal/{entry_id}/edit")
    _block_autosave(page)
    page.fill("#body", f"We walked. {KEPT} {LEFT_BEHIND}")
    page.wait_for_function(f"() => JSON.stringify(localStorage).includes('{LEFT_BEHIND}')")
    page.unroute("**/autosave")
    device.context.clear_cookies()
    device.login(sam.email, TEST_PASSWORD)
    for path in ("/me", "/me/journal/shared", f"/me/journal/shared/{entry_id}"):
        device.visit(path, check_a11y=False)
        stored = _storage(page)
        assert KEPT not in stored and UNSENT not in stored and LEFT_BEHIND not in stored, path
        assert KEPT not in page.content()
    page.click("button:has-text('Sign out')")
    page.wait_for_url("**/login")

    # Alex, on any browser, gets the kept edit back from the server.
    elsewhere = new_visitor("alex-elsewhere")
    elsewhere.login(alex.email, TEST_PASSWORD)
    elsewhere.visit(f"/me/journal/{entry_id}/edit")
    assert KEPT in elsewhere.page.input_value("#body")
    assert "Your unsaved changes from" in elsewhere.page.inner_text("main")
    # Saving publishes it and the server forgets the kept copy.
    elsewhere.page.click("input[type=submit][value='Save changes']")
    elsewhere.page.wait_for_url(f"**/me/journal/{entry_id}*")
    elsewhere.visit(f"/me/journal/{entry_id}/edit")
    assert "Your unsaved changes from" not in elsewhere.page.inner_text("main")
