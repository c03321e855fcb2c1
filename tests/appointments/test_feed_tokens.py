"""Feed addresses: a long random token kept only as a hash; replaced or revoked from the
account, after which the old address answers 404."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import CalendarFeed


def _turn_on(client) -> str:
    page = client.post("/account/calendar/on").get_data(as_text=True)
    url = page.split('id="feed-url" readonly value="', 1)[1].split('"', 1)[0]
    return url.replace("http://localhost", "")


@pytest.mark.parametrize("who", [1, 3])  # partner A, the counselor
def test_turn_on_replace_and_revoke(app, couple, book, login_as, clock, who):
    case, a, b, counselor = couple
    book(case, counselor, datetime(2027, 3, 16, 18, 0))
    person = login_as(couple[who])
    assert "The feed is <strong>off</strong>" in person.get("/account/calendar").get_data(
        as_text=True
    )
    first = _turn_on(person)
    token = first.rsplit("/", 1)[1].removesuffix(".ics")
    assert len(token) >= 40
    anonymous = app.test_client()
    answer = anonymous.get(first)
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    assert "BEGIN:VEVENT" in answer.get_data(as_text=True)
    with app.app_context():
        hashes = db.session.scalars(sa.select(CalendarFeed.token_hash)).all()
    assert hashes == [hashlib.sha256(token.encode()).hexdigest()]  # never the token itself

    second = _turn_on(person)
    assert second != first
    assert anonymous.get(first).status_code == 404
    assert anonymous.get(second).status_code == 200

    person.post("/account/calendar/off")
    assert anonymous.get(second).status_code == 404
    assert "The feed is <strong>off</strong>" in person.get("/account/calendar").get_data(
        as_text=True
    )


def test_a_made_up_token_is_404(client):
    assert client.get("/calendar/feed/" + "x" * 43 + ".ics").status_code == 404


def test_the_account_page_links_to_the_feed(couple, login_as):
    page = login_as(couple[1]).get("/account/password").get_data(as_text=True)
    assert "/account/calendar" in page
