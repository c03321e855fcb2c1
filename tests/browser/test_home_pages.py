"""Journey: counselor, client and admin each sign in and see their home page."""

import pytest

from tests.browser.conftest import PHONE
from tests.conftest import TEST_PASSWORD

HOMES = {
    "counselor": ("/caseload", "Your caseload"),
    "client": ("/me", "Hello"),
    "admin": ("/admin", "Practice accounts"),
}


@pytest.mark.parametrize("role", HOMES)
def test_each_role_signs_in_and_sees_home(factory, new_visitor, role):
    user = factory.user(role)
    if role == "client":
        factory.case(factory.counselor(), [user], label="Rivera individual work")
    visitor = new_visitor(role)
    visitor.visit("/login")
    visitor.screenshot("login")
    visitor.login(user.email, TEST_PASSWORD)
    path, heading = HOMES[role]
    page = visitor.page
    assert page.url.endswith(path)
    assert heading in page.inner_text("h1")
    visitor.check_page()
    visitor.screenshot("home-desktop")
    visitor.screenshot("home-phone", viewport=PHONE)
    visitor.check_page()


def test_wrong_password_message_next_to_field(factory, new_visitor):
    user = factory.counselor()
    visitor = new_visitor("wrong")
    visitor.login(user.email, "not the password at all")
    assert "do not match" in visitor.page.inner_text(".invalid-feedback")
    visitor.check_page()


def test_sign_out_from_the_menu_on_a_phone(factory, new_visitor):
    user = factory.client()
    visitor = new_visitor("phone", viewport=PHONE)
    visitor.login(user.email, TEST_PASSWORD)
    page = visitor.page
    page.click("button.navbar-toggler")
    page.click("text=Sign out")
    page.wait_for_url("**/login")
    assert "signed out" in page.inner_text("main")
