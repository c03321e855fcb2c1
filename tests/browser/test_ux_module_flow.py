"""Journey (issue ux-pass, items 1, 2 and 4): a whole module on a phone, using only "Send".

After each "Send" the client lands on the next exercise still open, never on the module's
introduction again; the end is an "All sent" screen. Every answer says who can read it, in
the words of the choice; an answer kept for oneself is "Done", not "Sent". The 0-10 scale is
one row at 375 px with both end labels in view.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.browser.conftest import PHONE
from tests.conftest import TEST_PASSWORD
from tests.modules.conftest import break_module_cycle
from tests.ux.builders import assign, load_library


@pytest.fixture(autouse=True)
def _library(app):
    load_library(app)
    yield
    break_module_cycle(app)


def test_a_whole_module_with_only_send(app, factory, new_visitor):
    counselor = factory.counselor(name="Dr. Morgan Lee")
    alex = factory.client(name="Alex Rivera")
    sam = factory.client(name="Sam Rivera")
    case = factory.case(counselor, [alex, sam], label="Rivera couple")
    assign(app, case, [alex, sam], "give-each-other-space")

    phone = new_visitor("alex", viewport=PHONE)
    phone.login(alex.email, TEST_PASSWORD)
    page = phone.visit("/me/exercises")
    page.click("text=Give each other space")
    phone.check_page()
    intro = page.inner_text(".module-intro")
    # The way in is above the introduction: one tap, no scrolling on a phone.
    start = page.locator("[data-next-exercise]")
    assert start.inner_text().startswith("Start: How much space do I need right now?")
    assert start.bounding_box()["y"] < page.locator(".module-intro").bounding_box()["y"]
    phone.screenshot("overview-before")
    start.click()

    seen_intro = 0

    def landed() -> None:
        nonlocal seen_intro
        phone.check_page()
        if intro[:60] in page.inner_text("main"):
            seen_intro += 1

    # 1. The 0-10 scale: one row, every number tappable, both end labels in view.
    landed()
    options = page.locator(".scale-option")
    tops = {round(options.nth(i).bounding_box()["y"]) for i in range(options.count())}
    assert options.count() == 11 and len(tops) == 1, "the scale wraps at 375 px"
    assert all(options.nth(i).bounding_box()["height"] >= 40 for i in range(11))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.locator("#scale-ends").is_visible()
    phone.screenshot("scale")
    page.click("label[for=value-7]")
    page.check("input[name=visibility][value=private]")
    page.click("input[name=send]")

    # 2. The checklist: sent to the counselor (the default).
    page.wait_for_selector("h1:has-text('What helps me during time apart')")
    landed()
    flash = page.inner_text(".alert-success")
    assert "How much space do I need right now?" in flash and "Only me" in flash
    assert "is done" in flash  # kept for oneself: nobody was sent anything
    page.locator(".checklist-item label").first.click()
    page.click("input[name=send]")

    # 3. The period of space, with its dates.
    page.wait_for_selector("h1:has-text('Our period of space')")
    landed()
    assert "Who can read it: My counselor." in page.inner_text(".alert-success")
    page.fill("#start_date", date.today().isoformat())
    page.fill("#end_date", (date.today() + timedelta(days=7)).isoformat())
    page.fill("#checkin", "Day one: quiet, and that was fine.")
    page.check("input[name=visibility][value=counselor_and_partner]")
    phone.screenshot("space")
    page.click("input[name=send]")

    # 4. The last one, then "All sent".
    page.wait_for_selector("h1:has-text('What I noticed')")
    landed()
    page.fill("#text", "That I need quiet more than I said.")
    page.click("input[name=send]")
    page.wait_for_selector("h1:has-text('All sent')")
    landed()
    phone.screenshot("all-sent")
    assert seen_intro == 0, "the module introduction came back after a Send"

    summary = page.inner_text("main")
    assert "Only me" in summary and "My counselor and my partner" in summary
    assert summary.count("My counselor") >= 2

    # The overview now names every answer's readers in the same words as the choice.
    page.click("nav[aria-label=Breadcrumb] >> text=Give each other space")
    phone.check_page()
    rows = page.locator(".list-group-item")
    assert "Who can read it: Only me" in rows.nth(0).inner_text()
    assert "Done" in rows.nth(0).inner_text() and "Sent" not in rows.nth(0).inner_text()
    assert "Who can read it: My counselor" in rows.nth(1).inner_text()
    assert "Sent" in rows.nth(1).inner_text()
    assert "Who can read it: My counselor and my partner" in rows.nth(2).inner_text()
    assert page.locator("[data-next-exercise]").count() == 0
    phone.screenshot("overview-after")

    # And the answer's own page says it too.
    rows.nth(0).locator("a").click()
    phone.check_page()
    assert "Who can read it: Only me" in page.inner_text("#mine-heading >> xpath=..")
    assert not [e for e in phone.console_errors if "favicon" not in e]
