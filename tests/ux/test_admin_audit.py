"""The audit log reads as sentences and is not flooded by page views (issue ux-pass, 12)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.security.test_audit_log import _events


def _page(client, **params) -> str:
    response = client.get("/admin/audit", query_string=params)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # The events only (the action filter lists every sentence too).
    return page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""


def test_a_reassignment_reads_as_a_sentence(app, factory, login_as):
    admin = factory.admin(name="Pat Admin")
    before = factory.counselor(name="Morgan Lee")
    after = factory.counselor(name="Dana Reyes")
    case = factory.case(before, [factory.client()], label="Rivera couple")
    login_as(admin).post(f"/admin/cases/{case.id}/reassign", data={"counselor": str(after.id)})
    page = _page(login_as(admin))
    assert "Moved the case from Morgan Lee to Dana Reyes" in page
    assert "counselor " + str(before.id) + "-&gt;" not in page


def test_routine_page_views_are_hidden_by_default(app, factory, login_as):
    admin = factory.admin()
    at = datetime(2026, 3, 1, tzinfo=UTC)
    _events(app, [("admin.accounts_viewed", admin.id, None, at), ("journal.read", admin.id, 3, at)])
    client = login_as(admin)
    page = _page(client)
    assert "Read a journal entry" in page and "Opened the accounts page" not in page
    assert "Opened the accounts page" in _page(client, routine="y")
    only = _page(client, action="admin.accounts_viewed")
    assert "Opened the accounts page" in only and "Read a journal entry" not in only


def test_unknown_codes_still_read_as_words(app, factory, login_as):
    admin = factory.admin()
    _events(app, [("measure.shared_result", admin.id, 4, datetime(2026, 3, 1, tzinfo=UTC))])
    assert "Measure: shared result" in _page(login_as(admin))
