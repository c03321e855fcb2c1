"""The safety check's quick exit: the button, or Escape twice, replaces the page with a neutral
one, leaves no entry for the check in the session history, and loses nothing already saved."""

from __future__ import annotations

import time

import pytest

from app.extensions import db
from app.intake import safety
from app.models import CaseStatus, User
from tests.browser.conftest import PHONE
from tests.conftest import TEST_PASSWORD


def _saved_answers(app, user_id: int, case_id: int, want: dict, seconds: float = 10.0) -> dict:
    """The answers on the server, once they match ``want`` or the wait is over."""
    deadline = time.monotonic() + seconds
    while True:
        with app.app_context():
            check = safety.latest_check(db.session.get_one(User, user_id), case_id)
            answers = dict(check.answers or {}) if check else {}
        if answers == want or time.monotonic() > deadline:
            return answers
        time.sleep(0.1)


@pytest.fixture
def partner(factory):
    counselor = factory.counselor(name="Dana Reyes")
    a = factory.client(name="Alex Rivers")
    b = factory.client(name="Sam Rivers")
    case = factory.case(counselor, [a, b], status=CaseStatus.INTAKE, label="Rivers")
    return case, a


@pytest.mark.parametrize("how", ["button", "escape twice"])
def test_quick_exit_leaves_no_history_entry_and_keeps_the_answers(app, new_visitor, partner, how):
    case, a = partner
    visitor = new_visitor(f"alex-{how.replace(' ', '-')}", viewport=PHONE)
    page = visitor.page
    visitor.login(a.email, TEST_PASSWORD)
    visitor.visit("/me")
    page.click("text=Answer the questions")
    page.wait_for_selector("#safety-check")
    visitor.check_page()
    assert page.is_visible("[data-quick-exit]")
    page.check("#afraid-2")  # "Sometimes"
    page.wait_for_selector("text=Your answers so far are saved.")
    page.check("#hurt-1")  # "No": the quick exit goes right after, before its save returns
    visitor.screenshot("check-before-exit")
    length_before = page.evaluate("history.length")

    if how == "button":
        page.click("[data-quick-exit]")
    else:
        page.locator("body").press("Escape")
        page.locator("body").press("Escape")
    page.wait_for_url("**/weather")
    assert "Weather today" in page.content()
    assert "Rekindle" not in page.content() and "safety" not in page.content().lower()
    visitor.screenshot("after-exit")
    # The check's entry was replaced, not added to: Back goes to the page before the check.
    assert page.evaluate("history.length") == length_before
    page.go_back()
    page.wait_for_load_state()
    assert page.url.endswith("/me"), page.url
    page.go_forward()
    page.wait_for_load_state()
    assert page.url.endswith("/weather"), page.url

    assert _saved_answers(app, a.id, case.id, {"afraid": "Sometimes", "hurt": "No"}) == {
        "afraid": "Sometimes",
        "hurt": "No",
    }
    # Coming back, the saved answers are there.
    visitor.visit(f"/me/safety/{case.id}")
    assert page.is_checked("#afraid-2") and page.is_checked("#hurt-1")


def test_one_escape_does_not_leave(new_visitor, partner):
    case, a = partner
    visitor = new_visitor("alex-one-escape", viewport=PHONE)
    page = visitor.page
    visitor.login(a.email, TEST_PASSWORD)
    visitor.visit(f"/me/safety/{case.id}")
    page.locator("body").press("Escape")
    page.wait_for_timeout(200)  # nothing should happen; give a stray navigation the chance
    assert page.url.endswith(f"/me/safety/{case.id}")
