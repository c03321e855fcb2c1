"""Journey: Alex writes a private and a shared entry; only the right people ever see them.

Sam (the partner) and counselor2 never see the private entry anywhere; the counselor reads
and answers the shared one; Alex takes it back and the counselor loses access at once.
"""

from datetime import UTC, datetime, timedelta

from app.models import Visibility
from tests.browser.conftest import PHONE
from tests.conftest import TEST_PASSWORD
from tests.journal.conftest import make_entry  # noqa: F401  (fixture)

CANARY = "lanternmoth4471"


def _write(page, title: str, body: str, mood: str, who: str) -> None:
    page.click("text=Write an entry")
    page.fill("#title", title)
    page.fill("#body", body)
    page.select_option("#mood", mood)
    page.fill("#tags", "evenings, listening")
    page.check(f"input[name=visibility][value={who}]")
    page.wait_for_selector("[data-save-state]:has-text('Saved')")
    page.click("input[type=submit][value='Save entry']")
    page.wait_for_url("**/me/journal/*")


def test_private_and_shared_entries_reach_only_the_right_people(factory, new_visitor, make_entry):  # noqa: F811
    counselor = factory.counselor(name="Dr. Morgan Lee")
    counselor2 = factory.counselor(name="Jordan Ellis")
    alex = factory.client(name="Alex Rivera")
    sam = factory.client(name="Sam Rivera")
    case = factory.case(counselor, [alex, sam], label="Rivera couple")
    # Some history, so the mood chart has a shape.
    now = datetime.now(UTC)
    for n, mood in enumerate([2, 3, 2, 4, 3, 4, 5, 4]):
        make_entry(
            alex, case, title=f"Earlier {n}", mood=mood, created_at=now - timedelta(days=60 - 7 * n)
        )
    make_entry(sam, case, title="Sam shared this", visibility=Visibility.COUNSELOR_AND_PARTNER)
    make_entry(
        alex,
        case,
        title="We can both read this",
        body="Line one.\nLine two.\n\nA second paragraph.",
        visibility=Visibility.COUNSELOR_AND_PARTNER,
        comment="Thank you both for trying this.",
        comment_by=counselor,
    )

    alex_v = new_visitor("alex")
    alex_v.login(alex.email, TEST_PASSWORD)
    page = alex_v.visit("/me/journal")
    page.click("text=Write an entry")
    page.fill("#body", "Trying out the editor.")
    alex_v.check_page()
    alex_v.screenshot("editor-desktop")
    alex_v.screenshot("editor-phone", viewport=PHONE)
    page.set_viewport_size({"width": 1280, "height": 900})
    alex_v.visit("/me/journal")
    _write(
        page, f"Only mine {CANARY}", f"Something I am not ready to share. {CANARY}", "2", "private"
    )
    private_url = page.url.split("?")[0]
    assert "Only you can read it" in page.inner_text("main")
    alex_v.check_page()
    alex_v.visit("/me/journal")
    _write(
        page, "For my counselor", "I noticed I go quiet when I feel overwhelmed.", "4", "counselor"
    )
    shared_url = page.url.split("?")[0]
    shared_id = shared_url.rsplit("/", 1)[1]
    private_id = private_url.rsplit("/", 1)[1]
    alex_v.visit("/me/journal")
    assert page.locator("svg.mood-chart circle").count() >= 9
    alex_v.screenshot("list-desktop")
    alex_v.screenshot("list-phone", viewport=PHONE)

    # Sam: the partner sees their own shared list and home, never the private entry.
    sam_v = new_visitor("sam", viewport=PHONE)
    sam_v.login(sam.email, TEST_PASSWORD)
    for path in ["/me", "/me/journal", "/me/journal/shared"]:
        sam_v.visit(path)
        assert CANARY not in sam_v.page.content()
        assert "For my counselor" not in sam_v.page.content()
    # A search for the canary (posted: the word never appears in the address) finds nothing.
    sam_v.page.click("summary:has-text('Search and filter')")
    sam_v.page.fill("#q", CANARY.upper())
    sam_v.page.click("button:has-text('Search')")
    sam_v.page.wait_for_url("**/me/journal/shared?s=*")
    assert CANARY.lower() not in sam_v.page.url.lower()
    assert "Nothing has been shared with you that matches" in sam_v.page.content()
    assert "For my counselor" not in sam_v.page.content()
    response = sam_v.page.goto(f"{sam_v.base_url}/me/journal/shared/{private_id}")
    assert response.status == 404 and CANARY not in sam_v.page.content()
    response = sam_v.page.goto(f"{sam_v.base_url}/me/journal/{private_id}")
    assert response.status == 404
    sam_v.visit("/me/journal/shared")
    sam_v.page.click("text=We can both read this")
    assert "Written by Alex Rivera" in sam_v.page.inner_text("main")
    sam_v.check_page()
    sam_v.screenshot("partner-entry-phone")
    # Nothing sticks out sideways on a phone.
    assert sam_v.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # counselor2: another counselor sees nothing of this case.
    other = new_visitor("counselor2")
    other.login(counselor2.email, TEST_PASSWORD)
    other.visit("/caseload/journal")
    assert CANARY not in other.page.content() and "For my counselor" not in other.page.content()
    for url in (f"/caseload/journal/{private_id}", f"/caseload/journal/{shared_id}"):
        assert other.page.goto(other.base_url + url).status == 404

    # The case counselor: sees the shared entry (unread), not the private one; reads, comments.
    coun = new_visitor("counselor")
    coun.login(counselor.email, TEST_PASSWORD)
    feed = coun.visit("/caseload/journal")
    assert "For my counselor" in feed.inner_text("main")
    assert CANARY not in feed.content()
    assert "Unread" in feed.inner_text("main")
    coun.screenshot("feed-desktop")
    coun.screenshot("feed-phone", viewport=PHONE)
    feed.set_viewport_size({"width": 1280, "height": 900})
    feed.click("text=For my counselor")
    feed.click("text=Mark as read")
    assert "Marked as read" in feed.inner_text("main")
    feed.fill("#body", "Thank you for writing this. Let us talk about the quiet moments.")
    feed.click("button:has-text('Add comment')")
    assert "Your comment is added" in feed.inner_text("main")
    coun.check_page()
    coun.screenshot("entry-phone", viewport=PHONE)
    feed.set_viewport_size({"width": 1280, "height": 900})
    assert coun.page.goto(coun.base_url + f"/caseload/journal/{private_id}").status == 404

    # The case page: each partner's shared entries and mood trend; nothing private.
    case_page = coun.visit(f"/cases/{case.id}")
    section = case_page.locator("section[aria-labelledby=case-journal-heading]")
    assert "For my counselor" in section.inner_text()
    assert "Sam shared this" in section.inner_text()
    assert CANARY not in case_page.content() and "Earlier" not in section.inner_text()
    coun.screenshot("case-desktop")
    coun.screenshot("case-phone", viewport=PHONE)

    # Alex sees the comment, then takes the entry back.
    alex_v.visit(f"/me/journal/{shared_id}")
    assert "Let us talk about the quiet moments." in page.inner_text("main")
    page.check("input[name=visibility][value=private]")
    page.click("button:has-text('Update sharing')")
    assert "Now readable by: only me" in page.inner_text("main")

    # The counselor loses access at once.
    assert coun.page.goto(coun.base_url + f"/caseload/journal/{shared_id}").status == 404
    coun.visit("/caseload/journal")
    assert "For my counselor" not in coun.page.inner_text("main")
