"""Without a mail server (development) every e-mail is an .eml file under instance/mail/."""

from __future__ import annotations

import os
import stat
from email import message_from_bytes
from email import policy as email_policy

import pytest

from app.models import NotificationState
from tests.notifications.conftest import PING_TITLE, state, tell


@pytest.fixture
def app_config(mail_files) -> dict:
    """This module's app has no mail server (except where a test says otherwise)."""
    return {"MAIL_SERVER": None, "MAIL_FILE_DIR": str(mail_files)}


def test_without_a_mail_server_emails_are_eml_files_only_the_owner_reads(
    app, factory, ping, mail_files
):
    client = factory.client()
    notification_id = tell(app, client)
    assert state(app, notification_id) is NotificationState.SENT
    [path] = list(mail_files.glob("*.eml"))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    message = message_from_bytes(path.read_bytes(), policy=email_policy.default)
    assert message["To"] == client.email
    assert message["Subject"] == "You have something new in Rekindle"
    assert PING_TITLE in message.get_body(("plain",)).get_content()


def test_without_a_public_url_links_name_the_development_server(app, factory, ping, mail_files):
    client = factory.client()
    notification_id = tell(app, client)
    [path] = list(mail_files.glob("*.eml"))
    message = message_from_bytes(path.read_bytes(), policy=email_policy.default)
    assert (
        f"http://localhost:5000/me?n={notification_id}"
        in message.get_body(("plain",)).get_content()
    )


def test_by_default_the_files_are_in_the_instance_folder(app, factory, ping):
    from pathlib import Path

    from app.notifications import email

    app.config["MAIL_FILE_DIR"] = None
    with app.app_context():
        assert email.mail_dir() == Path(app.instance_path) / "mail"
