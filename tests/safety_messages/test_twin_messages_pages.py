"""B's messages pages read the same as in a twin case without A's concern (and without the
message A wrote under it): CSRF tokens, request keys, ids, e-mails and times masked."""

from __future__ import annotations

import json

import pytest

from tests.intake.test_no_sign_for_the_other_partner import _counts, _mask, _Text
from tests.safety_messages.conftest import HELD, tell

START = ["/me", "/me/messages"]
SKIP = ("/logout", ".pdf", "/export.json", "/autosave", "/weather", "/draft", "/find/")


class _MessagesText(_Text):
    """Visible text and links of a page, following the thread pages too."""

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/messages"):
            self.links.append(href.split("#")[0])


def crawl(http) -> list[tuple[str, str]]:
    """``(masked path, masked visible text)`` of the pages B reaches from home and messages,
    in the order visited (two thread pages mask to the same path, so not a dict)."""
    seen: list[tuple[str, str]] = []
    visited: set[str] = set()
    queue = list(START)
    while queue and len(seen) < 60:
        url = queue.pop(0)
        if url in visited or any(s in url for s in SKIP):
            continue
        visited.add(url)
        response = http.get(url)
        parser = _MessagesText()
        parser.feed(response.get_data(as_text=True))
        seen.append((_mask(url), f"{response.status_code} " + _mask(" ".join(parser.parts))))
        queue.extend(parser.links)
    return seen


@pytest.fixture
def twins(factory, app, login_as):
    with_concern = tell(factory, app, login_as, concern=True)
    without = tell(factory, app, login_as, concern=False, write_held=False)
    return with_concern, without


def test_b_messages_pages_read_the_same(twins, login_as):
    with_concern, without = twins
    seen, twin = crawl(login_as(with_concern.b)), crawl(login_as(without.b))
    threads = [key for key, _ in seen if key.startswith("/messages/")]
    assert len(threads) >= 2, [key for key, _ in seen]  # the joint thread and B's private one
    assert seen == twin
    assert all(HELD not in text for _, text in seen)
    # What B reads of A's earlier message is there: the crawl did reach the joint thread.
    assert any("Alex before the check" in text for _, text in seen)


def test_b_counts_notifications_and_export_are_the_same(app, twins, login_as):
    with_concern, without = twins
    assert _counts(app, with_concern.b) == _counts(app, without.b)

    def export(story):
        return _mask(
            json.dumps(login_as(story.b).get("/me/export.json").get_json(), sort_keys=True)
        )

    assert export(with_concern) == export(without)


def test_the_twins_differ_for_the_counselor(twins, login_as):
    # Not a test that cannot fail: the counselor's joint thread does hold the message.
    with_concern, without = twins
    for story, holds in ((with_concern, True), (without, False)):
        page = login_as(story.counselor).get(f"/messages/{story.threads['joint']}")
        assert (HELD in page.get_data(as_text=True)) is holds
