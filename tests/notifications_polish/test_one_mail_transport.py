"""Every e-mail of the app goes through app/mailer.py: the same SMTP settings for the account
e-mails (invitations, resets, sign-in links) as for notifications, and without a mail server
the same ``.eml`` files under ``instance/mail/``."""

from __future__ import annotations

import ast
import os
import re
import stat
from email import message_from_bytes
from email import policy as email_policy
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from app import mail, mailer
from app.notifications import email

ACCOUNT_MAILS = {
    "invitation": lambda: mail.send_invitation(
        "ana@example.test", "Ana Ruiz", "https://r.example/invite/T1", inviter="Dr. Lee", days=7
    ),
    "password reset": lambda: mail.send_password_reset(
        "ana@example.test", "Ana Ruiz", "https://r.example/password/T2", minutes=60
    ),
    "sign-in link": lambda: mail.send_sign_in_link(
        "ana@example.test", "Ana Ruiz", "https://r.example/login/email/T3", 15
    ),
    "case invitation": lambda: mail.send_case_invitation(
        "ana@example.test",
        "Ana Ruiz",
        "https://r.example/invite/T4",
        inviter="Dr. Lee",
        case_label="Ruiz",
        has_account=False,
        days=7,
    ),
}


@pytest.fixture
def app_config(tmp_path) -> dict:
    return {"MAIL_SERVER": None, "MAIL_FILE_DIR": str(tmp_path / "mail")}


def _files(app) -> list[Path]:
    return sorted(Path(app.config["MAIL_FILE_DIR"]).glob("*.eml"))


@pytest.mark.parametrize("send", ACCOUNT_MAILS.values(), ids=ACCOUNT_MAILS.keys())
def test_without_a_server_account_emails_are_eml_files_only_the_owner_reads(app, send):
    with app.test_request_context():
        assert send() is True
    [path] = _files(app)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    message = message_from_bytes(path.read_bytes(), policy=email_policy.default)
    assert message["To"] == "ana@example.test"
    assert message["Message-ID"] and message["Date"]
    assert re.search(r"https://r\.example/\S+/T\d", message.get_body(("plain",)).get_content())


def test_a_newcomer_follows_the_invitation_from_the_eml_file(app, factory, login_as):
    counselor = login_as(factory.counselor(name="Dr. Morgan Lee"))
    response = counselor.post(
        "/cases/new",
        data={
            "label": "Solo",
            "kind": "individual",
            "a_name": "Ana Ruiz",
            "a_email": "ana@example.test",
        },
    )
    page = counselor.get(response.headers["Location"]).get_data(as_text=True)
    assert "instance/mail/" in page  # the counselor is told where it went, not "e-mailed"
    [path] = _files(app)
    message = message_from_bytes(path.read_bytes(), policy=email_policy.default)
    [link] = re.findall(r"https?://\S+/invite/\S+", message.get_body(("plain",)).get_content())
    assert f'value="{link}"' in page  # the same link the page shows once
    newcomer = app.test_client()
    invitation = newcomer.get(urlsplit(link).path)
    assert invitation.status_code == 200 and "password" in invitation.get_data(as_text=True)


class FakeSMTP:
    """Stands in for smtplib.SMTP / SMTP_SSL and notes what the transport asked of it."""

    calls: list[tuple] = []

    def __init__(self, host, port, timeout=None, context=None) -> None:
        self.calls.append(("connect", type(self).__name__, host, port, timeout))

    def starttls(self, context=None) -> None:
        self.calls.append(("starttls",))

    def login(self, user, password) -> None:
        self.calls.append(("login", user, password))

    def send_message(self, message) -> None:
        self.calls.append(("send", message["To"]))

    def quit(self) -> None:
        self.calls.append(("quit",))

    def close(self) -> None:
        pass


class FakeSMTPSSL(FakeSMTP):
    pass


@pytest.fixture
def smtp(app, monkeypatch):
    FakeSMTP.calls = []
    monkeypatch.setattr(mailer.smtplib, "SMTP", FakeSMTP)
    monkeypatch.setattr(mailer.smtplib, "SMTP_SSL", FakeSMTPSSL)
    app.config.update(
        MAIL_SERVER="smtp.example.test",
        MAIL_PORT=2525,
        MAIL_USERNAME="rekindle",
        MAIL_PASSWORD="s3cret",
        MAIL_TIMEOUT=7.5,
    )
    return FakeSMTP.calls


def _notification_email(app) -> None:
    with app.test_request_context():
        letter = email.Letter(
            to="ana@example.test",
            lines=[email.Line("Hello", "https://r.example/me")],
            home="https://r.example/me",
            discreet=False,
        )
        with email.Mailer() as transport:
            transport.send(email.build(letter, email.message_id_for("k")))


@pytest.mark.parametrize(
    ("tls", "ssl", "connects_with", "starttls"),
    [(True, False, "FakeSMTP", True), (False, True, "FakeSMTPSSL", False)],
    ids=["STARTTLS", "SSL"],
)
@pytest.mark.parametrize("name", [*ACCOUNT_MAILS, "notification"])
def test_every_email_honours_the_same_server_settings(
    app, smtp, name, tls, ssl, connects_with, starttls
):
    app.config.update(MAIL_USE_TLS=tls, MAIL_USE_SSL=ssl)
    if name == "notification":
        _notification_email(app)
    else:
        with app.test_request_context():
            assert ACCOUNT_MAILS[name]() is True
    expected = [("connect", connects_with, "smtp.example.test", 2525, 7.5)]
    expected += [("starttls",)] if starttls else []
    expected += [("login", "rekindle", "s3cret"), ("send", "ana@example.test"), ("quit",)]
    assert smtp == expected
    assert _files(app) == []


def test_only_the_transport_opens_smtp_connections():
    root = Path(__file__).resolve().parents[2] / "app"
    opening = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in {"SMTP", "SMTP_SSL"}:
                opening.add(path.relative_to(root).as_posix())
    assert opening == {"mailer.py"}
