"""The other partner sees no sign of a concern: B's pages, counts, badges, notifications and
export read the same as in a twin case without one (CSRF tokens, ids and times masked)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from app.extensions import db
from app.models import CaseStatus, User
from tests.intake.conftest import CALM, WORRIED, answer_check, share_entry

START = [
    "/me",
    "/me/journal",
    "/me/journal/shared",
    "/me/exercises",
    "/me/export",
    "/me/consents",
    "/me/consents/signed",
]
SKIP = ("/logout", ".pdf", "/export.json", "/autosave", "/weather")
EMAIL = re.compile(r"[\w.+-]+@[\w.-]+")
NUMBER = re.compile(r"\d+")


class _Text(HTMLParser):
    """Visible text and same-site links of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self._hidden += 1
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/me"):
            self.links.append(href.split("#")[0])
        value = dict(attrs)
        if tag == "input" and value.get("type") not in ("hidden",) and value.get("value"):
            self.parts.append(f"[{value['value']}]")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def _mask(text: str) -> str:
    return NUMBER.sub("N", EMAIL.sub("EMAIL", text))


def crawl(http) -> dict[str, str]:
    """``{masked path: masked visible text}`` of every page B reaches from B's home."""
    seen: dict[str, str] = {}
    queue = list(START)
    while queue and len(seen) < 60:
        url = queue.pop(0)
        key = _mask(url)
        if key in seen or any(s in url for s in SKIP):
            continue
        response = http.get(url)
        parser = _Text()
        parser.feed(response.get_data(as_text=True))
        seen[key] = f"{response.status_code} " + _mask(" ".join(parser.parts))
        queue.extend(parser.links)
    return seen


def _twin(factory, app, login_as, *, concern: bool):
    counselor = factory.counselor(name="Dana Counselor")
    a = factory.client(name="Alex Rivers")
    b = factory.client(name="Sam Rivers")
    case = factory.case(counselor, [a, b], status=CaseStatus.INTAKE, label="Rivers")
    share_entry(app, a, case, "Shared before the check")
    share_entry(app, b, case, "Sam shares too")
    answer_check(login_as(b), case.id, CALM)
    if concern:
        answer_check(login_as(a), case.id, WORRIED)
        share_entry(app, a, case, "Shared while the concern is open")
    else:
        answer_check(login_as(a), case.id, CALM)
    return case, a, b


def _counts(app, user):
    from app.notifications import for_recipient, unread_count

    with app.test_request_context():
        viewer = db.session.get_one(User, user.id)
        return unread_count(viewer), [item.title for item in for_recipient(viewer)]


@pytest.fixture
def twins(factory, app, login_as):
    return _twin(factory, app, login_as, concern=True), _twin(factory, app, login_as, concern=False)


def test_b_sees_the_same_pages_as_in_a_twin_case_without_the_concern(twins, login_as):
    (case1, _a1, b1), (case2, _a2, b2) = twins
    with_concern, without = crawl(login_as(b1)), crawl(login_as(b2))
    assert len(with_concern) >= 8, sorted(with_concern)
    assert with_concern == without
    assert all("concern" not in text.lower() for text in with_concern.values())


def test_b_gets_the_same_notifications_counts_and_export(app, twins, login_as):
    (case1, _a1, b1), (case2, _a2, b2) = twins
    assert _counts(app, b1) == _counts(app, b2)

    def export(b):
        data = login_as(b).get("/me/export.json").get_json()
        return _mask(json.dumps(data, sort_keys=True))

    assert export(b1) == export(b2)
    assert "Shared while the concern is open" not in export(b1)


def test_the_twins_differ_where_they_should(app, twins, login_as):
    # Not a test that cannot fail: the counselors' pages and A's own reads do differ.
    (case1, a1, b1), (case2, a2, b2) = twins
    with app.app_context():
        c1 = db.session.get_one(User, case1.counselor_id)
        c2 = db.session.get_one(User, case2.counselor_id)
        db.session.expunge_all()
    assert "a concern needs your decision" in login_as(c1).get(f"/cases/{case1.id}").get_data(
        as_text=True
    )
    assert "a concern needs your decision" not in login_as(c2).get(f"/cases/{case2.id}").get_data(
        as_text=True
    )
    assert _counts(app, c1)[0] == 1 and _counts(app, c2)[0] == 0
