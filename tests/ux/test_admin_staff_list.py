"""The admin's account list scales to a practice (issue ux-pass, item 12): search by name or
e-mail, filters by role and state, pages — and never any clinical content."""

from __future__ import annotations

import re

import pytest

from app.services.listing import ADMIN_PAGE_SIZE
from tests.sessions.conftest import SessionBuilder


def _names(page: str) -> list[str]:
    staff = page.split('id="staff-title"', 1)[1].split('id="new-counselor-title"', 1)[0]
    return re.findall(r'<div class="fw-semibold">([^<]+?) <span', staff)


@pytest.fixture
def practice(factory):
    admin = factory.admin(name="Pat Admin", email="pat@practice.test")
    factory.counselor(name="Morgan Lee", email="morgan@practice.test")
    factory.counselor(name="Dana Reyes", email="dreyes@elsewhere.test", active=False)
    return admin


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"staff_q": "morgan"}, ["Morgan Lee"]),
        ({"staff_q": "ELSEWHERE"}, ["Dana Reyes"]),  # e-mail, any case
        ({"staff_q": "%"}, []),  # a wildcard matches itself only
        ({"role": "admin"}, ["Pat Admin"]),
        ({"role": "counselor", "state": "active"}, ["Morgan Lee"]),
        ({"state": "inactive"}, ["Dana Reyes"]),
        ({"role": "client"}, ["Pat Admin", "Dana Reyes", "Morgan Lee"]),  # ignored, not an error
        ({"staff_q": "mor\x00gan\x1b"}, ["Morgan Lee"]),  # control characters dropped
        ({"staff_q": "x" * 500, "staff_page": "99999999999"}, []),
    ],
)
def test_search_and_filters(app, practice, login_as, query, expected):
    response = login_as(practice).get("/admin", query_string=query)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert _names(page) == expected
    if not expected:
        assert "No accounts match." in page


def test_pages_keep_the_case_list_in_place(app, factory, login_as):
    admin = factory.admin(name="Pat Admin")
    for n in range(ADMIN_PAGE_SIZE + 2):
        factory.counselor(name=f"Counselor {n:02d}")
    client = login_as(admin)
    first = client.get("/admin?q=harper").get_data(as_text=True)
    assert len(_names(first)) == ADMIN_PAGE_SIZE
    # The account pages keep the case search, and the case search keeps the account page.
    assert "staff_page=2" in first and "q=harper" in first.split('aria-label="Account pages"')[1]
    second = client.get("/admin?staff_page=2&q=harper").get_data(as_text=True)
    assert len(_names(second)) == 3 and set(_names(second)).isdisjoint(_names(first))
    assert 'name="staff_page" value="2"' in second  # kept by the case search form


def test_the_admin_never_sees_clinical_content(app, factory, login_as):
    admin = factory.admin()
    counselor = factory.counselor(name="Morgan Lee")
    alex = factory.client(name="Alex Rivera")
    case = factory.case(counselor, [alex, factory.client()], label="Rivera couple")
    SessionBuilder(app).entry(case, alex, body="A very private worry", title="Secret title")
    page = login_as(admin).get("/admin", query_string={"staff_q": "Morgan"}).get_data(as_text=True)
    assert "Morgan Lee" in page and "Rivera couple" in page
    for clinical in ("A very private worry", "Secret title", "Alex Rivera"):
        assert clinical not in page


def test_the_audit_case_filter_includes_the_reassignment(app, factory, login_as):
    admin = factory.admin()
    before, after = factory.counselor(name="Morgan Lee"), factory.counselor(name="Dana Reyes")
    case = factory.case(before, [factory.client()], label="Rivera couple")
    other = factory.case(before, [factory.client()], label="Other couple")
    client = login_as(admin)
    for moved in (case, other):
        client.post(f"/admin/cases/{moved.id}/reassign", data={"counselor": str(after.id)})
    page = client.get("/admin/audit", query_string={"case": case.id}).get_data(as_text=True)
    rows = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert rows.count("Moved the case from Morgan Lee to Dana Reyes") == 1
    assert "Rivera couple" in rows and "Other couple" not in rows
