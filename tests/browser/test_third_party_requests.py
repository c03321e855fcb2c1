"""HD-2: a Chromium crawl of every page as every role contacts only the app's own host.

Also the screenshots of the security pages (two-step sign-in, audit log) at phone and
desktop width, with the accessibility check on each.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pyotp
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import StrategyModule
from tests.browser.conftest import DESKTOP, PHONE
from tests.conftest import TEST_PASSWORD
from tests.security.forms import get_pages
from tests.security.scenario import build_world


@pytest.fixture
def world(app):
    world = build_world(app)
    yield world
    with app.app_context():
        db.session.execute(sa.update(StrategyModule).values(current_version_id=None))
        db.session.commit()


@pytest.mark.parametrize("role", ["A", "B", "X", "C", "O", "M"])
def test_every_page_loads_only_from_the_app(app, world, new_visitor, live_server, role):
    visitor = new_visitor(f"crawl-{role}")
    visitor.login(world.emails[role], TEST_PASSWORD)
    pages = get_pages(app, world, role)
    assert len(pages) >= 5
    for path in pages:
        visitor.visit(path, check_a11y=False)
        visitor.page.wait_for_load_state("networkidle")
    own = urlsplit(live_server).netloc
    hosts = {
        urlsplit(u).netloc for u in visitor.requests if urlsplit(u).scheme in ("http", "https")
    }
    assert hosts == {own}, f"hosts contacted: {hosts}"
    assert len(visitor.requests) > len(pages)  # pages, stylesheets and scripts were recorded


def test_security_pages_look_right_on_phone_and_desktop(app, world, new_visitor):
    counselor = new_visitor("security-counselor")
    counselor.login(world.emails["C"], TEST_PASSWORD)
    counselor.visit("/account/two-step")
    counselor.screenshot("totp-settings-off", viewport=PHONE)
    page = counselor.visit("/account/two-step/setup")
    assert page.locator("img.totp-qr").evaluate("img => img.naturalWidth") > 0
    counselor.screenshot("totp-setup-phone", viewport=PHONE)
    counselor.screenshot("totp-setup-desktop", viewport=DESKTOP)
    secret = page.inner_text("code.totp-secret").replace(" ", "")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "Save your recovery codes" in page.inner_text("h1")
    counselor.check_page()
    counselor.screenshot("totp-codes-phone", viewport=PHONE)

    # Next sign-in asks for the code.
    again = new_visitor("security-counselor-again")
    again.login(world.emails["C"], TEST_PASSWORD)
    assert "/login/two-step" in again.page.url
    again.check_page()
    again.screenshot("totp-verify-phone", viewport=PHONE)
    again.page.fill("#code", "000000")
    again.page.click("main button[type=submit]")
    again.page.wait_for_load_state()
    again.check_page()
    again.screenshot("totp-verify-error", viewport=PHONE)

    admin = new_visitor("security-admin")
    admin.login(world.emails["M"], TEST_PASSWORD)
    page = admin.visit("/admin/audit")
    assert page.locator("table.audit-table tbody tr").count() >= 3
    admin.screenshot("audit-desktop", viewport=DESKTOP)
    admin.screenshot("audit-phone", viewport=PHONE)
    admin.check_page()
