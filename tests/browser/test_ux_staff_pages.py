"""Staff pages at 1280 px (issue ux-pass, items 6, 7, 10 and 12): the caseload, the case page
after a reassignment, the former counselor's page, the admin's case list and audit log."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP
from tests.conftest import TEST_PASSWORD
from tests.modules.conftest import break_module_cycle
from tests.ux.builders import assign, load_library


@pytest.fixture(autouse=True)
def _library(app):
    load_library(app)
    yield
    break_module_cycle(app)


def test_staff_pages_after_a_reassignment(app, factory, new_visitor):
    admin = factory.admin(name="Pat Admin")
    lee = factory.counselor(name="Morgan Lee")
    reyes = factory.counselor(name="Dana Reyes")
    alex, sam = factory.client(name="Alex Rivera"), factory.client(name="Sam Rivera")
    case = factory.case(lee, [alex, sam], label="Rivera couple")
    for n in range(3):
        factory.case(lee, [], label=f"Harper {n}")
    assign(app, case, [alex, sam], "reflect-on-the-relationship")

    office = new_visitor("admin", viewport=DESKTOP)
    office.login(admin.email, TEST_PASSWORD)
    page = office.visit("/admin")
    page.check(f"#case-{case.id}")
    page.select_option("#reassign-to", label="Dana Reyes")
    page.click("button:has-text('Reassign')")
    page.wait_for_selector(".alert-success:has-text('is now with Dana Reyes')")
    office.check_page()
    page.fill("#case-q", "rivera")
    page.click("form[aria-label='Find cases'] button:has-text('Show')")
    office.check_page()
    assert page.locator("label.fw-semibold").all_inner_texts() == ["Rivera couple"]
    office.screenshot("admin-cases")
    page = office.visit("/admin/audit")
    assert "Moved the case from Morgan Lee to Dana Reyes" in page.inner_text("tbody")
    assert "Opened the accounts page" not in page.inner_text("tbody")
    office.screenshot("audit-log")

    new = new_visitor("new-counselor", viewport=DESKTOP)
    new.login(reyes.email, TEST_PASSWORD)
    page = new.visit("/caseload")
    assert "Alex Rivera: 0 of 4" in page.inner_text("main")
    new.screenshot("caseload")
    page = new.visit(f"/cases/{case.id}")
    history = page.inner_text("#history-title >> xpath=..")
    assert "Moved from Morgan Lee to Dana Reyes" in history
    assert page.is_visible("#since-last") and not page.is_visible("#new-status")
    new.screenshot("case-page")

    old = new_visitor("former-counselor", viewport=DESKTOP)
    old.login(lee.email, TEST_PASSWORD)
    page = old.visit(f"/cases/{case.id}")
    assert "This case has moved to another counselor" in page.inner_text("h1")
    old.screenshot("case-moved")
