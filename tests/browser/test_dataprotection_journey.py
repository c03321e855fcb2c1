"""Journey: a client downloads their data; the admin erases the other partner; the counselor sees it."""

from __future__ import annotations

import json
from pathlib import Path

from app.extensions import db
from app.models import User
from tests.browser.conftest import PHONE
from tests.conftest import TEST_PASSWORD
from tests.dataprotection.conftest import plant_couple


def test_export_and_erasure_pages(app, factory, new_visitor):
    planted = plant_couple(app, factory)
    with app.app_context():
        counselor_email = db.session.get(User, planted.counselor_id).email
    admin = factory.admin()

    alex = new_visitor("client", viewport=PHONE)
    alex.login(planted.a_email, TEST_PASSWORD)
    page = alex.visit("/me")
    page.click("text=download a copy of everything you wrote")
    page.wait_for_url("**/me/export")
    alex.check_page()
    alex.screenshot("export-phone")
    alex.screenshot("export-desktop", viewport={"width": 1280, "height": 900})
    with page.expect_download() as download_info:
        page.click("text=Download as JSON")
    data = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert data["account"]["email"] == planted.a_email
    with page.expect_download() as download_info:
        page.click("text=Download as PDF")
    assert download_info.value.suggested_filename.endswith(".pdf")

    office = new_visitor("admin")
    office.login(admin.email, TEST_PASSWORD)
    page = office.visit("/admin/erasure")
    page.fill("#email", planted.b_email)
    page.click("input[type=submit][value=Find]")
    page.wait_for_url(f"**/admin/erasure/{planted.b_id}")
    office.check_page()
    page.fill("#email", "not-the-right@example.test")
    page.fill("#reason", "Written request received today")
    page.click("input[type=submit][value='Erase this client permanently']")
    assert "This is not the client's email" in page.inner_text("main")
    assert page.input_value("#reason") == "Written request received today"
    office.check_page()
    office.screenshot("confirm-desktop")
    office.screenshot("confirm-phone", viewport=PHONE)
    page.fill("#email", planted.b_email)
    page.click("input[type=submit][value='Erase this client permanently']")
    page.wait_for_url("**/admin/erasure")
    assert "The client is erased" in page.inner_text("main")
    office.check_page()

    counselor = new_visitor("counselor")
    counselor.login(counselor_email, TEST_PASSWORD)
    page = counselor.visit(f"/cases/{planted.case_id}")
    assert "Partner B was erased on" in " ".join(page.inner_text("main").split())
    counselor.screenshot("case-desktop")
    counselor.screenshot("case-phone", viewport=PHONE)
