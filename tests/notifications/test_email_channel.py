"""The e-mail: multipart plain text and HTML, in the practice's name, a neutral line and a link."""

from __future__ import annotations

from app.extensions import db
from app.notifications import set_preferences
from tests.notifications.conftest import PING_TITLE, parts, tell, to


def test_the_email_is_multipart_from_the_practice_with_a_neutral_subject(app, factory, ping, inbox):
    client = factory.client()
    notification_id = tell(app, client)
    [message] = to(inbox, client)
    assert message["Subject"] == "You have something new in Rekindle"
    assert message["From"].startswith(app.config["REKINDLE_PRACTICE_NAME"])
    assert "no-reply@rekindle.test" in message["From"]
    assert message.is_multipart()
    texts = parts(message)
    assert set(texts) == {"text/plain", "text/html"}
    for text in texts.values():
        assert PING_TITLE in text
        assert f"https://rekindle.example/me?n={notification_id}" in text
        assert app.config["REKINDLE_PRACTICE_NAME"] in text
    assert message["Message-ID"] == state_row_message_id(app, notification_id)


def state_row_message_id(app, notification_id: int) -> str:
    from tests.notifications.conftest import row

    return row(app, notification_id).message_id


def test_discreet_mode_names_neither_the_app_nor_the_practice(app, factory, ping, inbox):
    client = factory.client()
    with app.app_context():
        set_preferences(db.session.merge(client), discreet=True)
        db.session.commit()
    tell(app, client)
    [message] = to(inbox, client)
    practice = app.config["REKINDLE_PRACTICE_NAME"]
    assert message["Subject"] == "You have a new notification"
    assert message["From"].startswith("Notifications <")
    for text in [message["Subject"], message["From"], *parts(message).values()]:
        assert "Rekindle" not in text.replace("rekindle.example", "").replace("rekindle.test", "")
        assert practice not in text
        assert PING_TITLE not in text  # not even which kind of thing is new
