"""Sending: one message per Send, plain text up to 5,000 characters, immutable, withdrawable."""

import json
from datetime import timedelta

import pytest
import time_machine

from app.models import utcnow
from tests.journal.conftest import csrf_headers
from tests.messages.conftest import messages_in, send


def test_a_double_clicked_send_creates_one_message(app, login_as, couple, open_threads):
    a = login_as(couple.a)
    joint = open_threads["joint"]
    first = send(a, joint, "Only once, please", key="same-key-0123456789")
    second = send(a, joint, "Only once, please", key="same-key-0123456789")
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert [m.body for m in messages_in(app, joint)] == ["Only once, please"]


def test_another_persons_request_key_is_refused(app, login_as, couple, open_threads):
    send(login_as(couple.a), open_threads["joint"], "A's words", key="shared-key-0123456789")
    response = send(
        login_as(couple.b), open_threads["joint"], "B's words", key="shared-key-0123456789"
    )
    assert response.status_code == 404
    assert [m.body for m in messages_in(app, open_threads["joint"])] == ["A's words"]


@pytest.mark.parametrize(
    "text",
    ["مرحبا بكم", "你好，我们谈谈吧", "😀🎉❤️‍🔥", "line one\nline two", "x" * 5000],
    ids=["arabic", "chinese", "emoji", "lines", "longest"],
)
def test_any_script_and_emoji_are_kept(app, login_as, couple, open_threads, text):
    send(login_as(couple.a), open_threads["joint"], text)
    assert [m.body for m in messages_in(app, open_threads["joint"])] == [text]


def test_past_5000_characters_the_field_says_so_and_keeps_the_text(
    app, login_as, couple, open_threads
):
    text = "long " * 1001
    response = send(login_as(couple.a), open_threads["joint"], text)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "up to 5,000 characters" in page and text.strip() in page
    assert messages_in(app, open_threads["joint"]) == []


def test_an_empty_message_is_not_sent(app, login_as, couple, open_threads):
    response = send(login_as(couple.a), open_threads["joint"], "   ")
    assert response.status_code == 422
    assert "Write a few words" in response.get_data(as_text=True)


def test_the_author_may_withdraw_within_five_minutes(app, login_as, couple, open_threads):
    a = login_as(couple.a)
    send(a, open_threads["joint"], "I take this back")
    (message,) = messages_in(app, open_threads["joint"])
    assert a.post(f"/messages/message/{message.id}/withdraw").status_code == 302
    (after,) = messages_in(app, open_threads["joint"])
    assert after.withdrawn_at is not None and after.body is None
    page = login_as(couple.b).get(f"/messages/{open_threads['joint']}").get_data(as_text=True)
    assert "Message withdrawn" in page and "I take this back" not in page


def test_after_five_minutes_a_message_stays(app, login_as, couple, open_threads):
    a = login_as(couple.a)
    send(a, open_threads["joint"], "Too late to take back")
    (message,) = messages_in(app, open_threads["joint"])
    with time_machine.travel(utcnow() + timedelta(minutes=6)):
        a.post(f"/messages/message/{message.id}/withdraw")
    (after,) = messages_in(app, open_threads["joint"])
    assert after.withdrawn_at is None and after.body == "Too late to take back"


def test_nobody_else_may_withdraw(app, login_as, couple, open_threads):
    send(login_as(couple.a), open_threads["joint"], "Mine")
    (message,) = messages_in(app, open_threads["joint"])
    for other in (couple.b, couple.counselor):
        assert login_as(other).post(f"/messages/message/{message.id}/withdraw").status_code == 404
    assert messages_in(app, open_threads["joint"])[0].withdrawn_at is None


def test_a_sent_message_cannot_be_edited(app):
    rules = [str(r) for r in app.url_map.iter_rules() if r.endpoint.startswith("messages.")]
    assert not any("edit" in r for r in rules)


def test_the_draft_is_autosaved_for_its_author_alone(app, login_as, couple, open_threads):
    a = login_as(couple.a)
    joint = open_threads["joint"]
    headers = csrf_headers(a)
    body = json.dumps({"seq": 5, "fields": {"body": "half a thought"}})
    saved = a.post(
        f"/messages/{joint}/draft", data=body, content_type="application/json", headers=headers
    )
    assert saved.status_code == 200 and saved.get_json()["saved"] is True
    older = json.dumps({"seq": 4, "fields": {"body": "older text"}})
    again = a.post(
        f"/messages/{joint}/draft", data=older, content_type="application/json", headers=headers
    )
    assert again.get_json()["saved"] is False
    assert "half a thought" in a.get(f"/messages/{joint}").get_data(as_text=True)
    assert "half a thought" not in login_as(couple.b).get(f"/messages/{joint}").get_data(
        as_text=True
    )
    send(a, joint, "the whole thought")
    assert "half a thought" not in a.get(f"/messages/{joint}").get_data(as_text=True)


def test_read_receipts_per_participant(app, login_as, couple, open_threads):
    a = login_as(couple.a)
    joint = open_threads["joint"]
    send(a, joint, "Did you read this?")
    assert "Not read yet" in a.get(f"/messages/{joint}").get_data(as_text=True)
    login_as(couple.b).get(f"/messages/{joint}")
    assert "Read by Sam" in a.get(f"/messages/{joint}").get_data(as_text=True)
    login_as(couple.counselor).get(f"/messages/{joint}")
    assert "Read by Dr. Lee, Sam" in a.get(f"/messages/{joint}").get_data(as_text=True)
