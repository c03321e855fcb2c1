"""The admin's case list scales to a practice (issue ux-pass, item 12): search, filters,
pages, and one reassign form."""

from __future__ import annotations

import re

from app.extensions import db
from app.models import Case, CaseStatus
from app.services.listing import ADMIN_PAGE_SIZE


def _labels(page: str) -> list[str]:
    return re.findall(r'<label class="fw-semibold" for="case-\d+">([^<]+)</label>', page)


def test_search_filter_and_pages(app, factory, login_as):
    admin = factory.admin()
    lee, reyes = factory.counselor(name="Morgan Lee"), factory.counselor(name="Dana Reyes")
    for n in range(ADMIN_PAGE_SIZE + 5):
        factory.case(lee, [], label=f"Lee case {n:02d}")
    factory.case(reyes, [], label="Harper couple", status=CaseStatus.PAUSED)
    client = login_as(admin)
    first = client.get("/admin").get_data(as_text=True)
    assert len(_labels(first)) == ADMIN_PAGE_SIZE and "page=2" in first
    assert _labels(client.get("/admin?q=harper").get_data(as_text=True)) == ["Harper couple"]
    assert _labels(client.get("/admin?q=reyes").get_data(as_text=True)) == ["Harper couple"]
    assert _labels(client.get(f"/admin?counselor={reyes.id}").get_data(as_text=True)) == [
        "Harper couple"
    ]
    assert _labels(client.get("/admin?status=paused").get_data(as_text=True)) == ["Harper couple"]
    second = _labels(client.get("/admin?page=2").get_data(as_text=True))
    assert len(second) == 6 and set(second).isdisjoint(_labels(first))
    assert client.get("/admin?page=x&counselor=drop").status_code == 200


def test_one_reassign_form(app, factory, login_as):
    admin = factory.admin()
    lee, reyes = factory.counselor(name="Morgan Lee"), factory.counselor(name="Dana Reyes")
    case = factory.case(lee, [], label="Harper couple")
    client = login_as(admin)
    page = client.get("/admin").get_data(as_text=True)
    assert page.count(">Reassign<") == 1
    client.post("/admin/cases/reassign", data={"case": str(case.id), "counselor": str(reyes.id)})
    with app.app_context():
        assert db.session.get(Case, case.id).counselor_id == reyes.id
    missing = client.post(
        "/admin/cases/reassign", data={"counselor": str(lee.id)}, follow_redirects=True
    )
    assert "Choose a case to reassign." in missing.get_data(as_text=True)
