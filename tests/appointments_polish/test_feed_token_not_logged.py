"""CAL-1: a private calendar feed's token is in its address, never in an access log.

A real gunicorn with the shipped ``gunicorn.conf.py`` serves a feed (and a revoked one); its
access log names the feed path with the token masked. The development server's filter does
the same to werkzeug's request lines.
"""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request

import pytest

from app.access_log import MASKED_FEED, QueryStringFilter, mask_tokens, without_query
from app.extensions import db
from app.models import User
from app.services import calendar_feeds
from tests.security.test_access_log import gunicorn_server  # noqa: F401 - a shared fixture


def _feed_token(app, user_id: int) -> str:
    with app.app_context():
        token = calendar_feeds.turn_on(db.session.get(User, user_id))
        db.session.commit()
        return token


def _wait_for_lines(log, count: int) -> str:
    """The log once it names the feed ``count`` times (gunicorn writes after answering)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and log.read_text().count("/calendar/feed/") < count:
        time.sleep(0.1)
    return log.read_text()


def test_a_gunicorn_access_log_masks_the_feed_token(app, factory, gunicorn_server):  # noqa: F811
    base, log = gunicorn_server
    client = factory.client()
    token = _feed_token(app, client.id)
    with urllib.request.urlopen(f"{base}/calendar/feed/{token}.ics", timeout=20) as response:
        assert response.status == 200
        assert b"BEGIN:VCALENDAR" in response.read()
    # A replaced token answers 404, and its line is masked as well.
    old, token = token, _feed_token(app, client.id)
    with pytest.raises(urllib.error.HTTPError) as gone:
        urllib.request.urlopen(f"{base}/calendar/feed/{old}.ics?x={old}", timeout=20)
    assert gone.value.code == 404
    gone.value.close()
    text = _wait_for_lines(log, 2)
    assert text.count(MASKED_FEED) == 2, text
    assert token not in text and old not in text
    assert " 200 " in text and " 404 " in text


@pytest.mark.parametrize(
    ("line", "logged"),
    [
        ("GET /calendar/feed/Ab-c_9xYZ.ics HTTP/1.1", f"GET {MASKED_FEED} HTTP/1.1"),
        ("GET /calendar/feed/Ab-c_9xYZ.ics?t=Ab-c_9xYZ HTTP/1.1", f"GET {MASKED_FEED} HTTP/1.1"),
        ("HEAD /calendar/feed/tok.ics HTTP/1.0", f"HEAD {MASKED_FEED} HTTP/1.0"),
        ("GET /account/calendar HTTP/1.1", "GET /account/calendar HTTP/1.1"),
        ("GET /me/journal?q=secret HTTP/1.1", "GET /me/journal HTTP/1.1"),
    ],
)
def test_request_lines_lose_tokens_and_query_strings(line, logged):
    assert without_query(line) == logged


def test_a_path_alone_is_masked():
    assert mask_tokens("/calendar/feed/Zz9-_.ics") == MASKED_FEED
    assert mask_tokens("/calendar/feeds") == "/calendar/feeds"


def test_the_development_server_filter_masks_the_feed_token():
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /calendar/feed/SeCrEtToKeN123.ics HTTP/1.1", "200", "-"),
        None,
    )
    assert QueryStringFilter().filter(record)
    assert "SeCrEtToKeN123" not in record.getMessage()
    assert MASKED_FEED in record.getMessage()
