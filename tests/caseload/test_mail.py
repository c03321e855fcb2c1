"""With MAIL_SERVER configured, invitation links are e-mailed (a real local SMTP server)."""

import re
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message


class Inbox(Message):
    """Keeps every message the server receives."""

    def __init__(self) -> None:
        super().__init__()
        self.messages = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_inbox():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture
def app_config(request):
    inbox, port = request.getfixturevalue("smtp_inbox")
    return {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
        "REKINDLE_PUBLIC_URL": "https://rekindle.example",
    }


def test_invitations_are_emailed_with_the_same_link(app, factory, login_as, smtp_inbox):
    inbox, _ = smtp_inbox
    client = login_as(factory.counselor(name="Dr. Morgan Lee"))
    response = client.post(
        "/cases/new",
        data={
            "label": "Harper couple",
            "kind": "couple",
            "a_name": "Billie Harper",
            "a_email": "billie@example.test",
            "b_name": "Frankie Harper",
            "b_email": "frankie@example.test",
        },
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    shown = set(re.findall(r'value="(https://rekindle\.example/invite/[^"]+)"', page))
    assert len(shown) == 2
    assert {m["To"] for m in inbox.messages} == {"billie@example.test", "frankie@example.test"}
    mailed = {
        re.search(r"https://\S+/invite/\S+", m.get_payload()).group(0) for m in inbox.messages
    }
    assert mailed == shown
    assert all("Dr. Morgan Lee" in m.get_payload() for m in inbox.messages)
    assert "e-mailed" in page


def test_mail_failure_keeps_the_case_and_says_so(app, factory, login_as, smtp_inbox):
    app.config["MAIL_PORT"] = _free_port()  # nobody listens there
    client = login_as(factory.counselor())
    response = client.post(
        "/cases/new",
        data={
            "label": "Solo",
            "kind": "individual",
            "a_name": "Ash Lee",
            "a_email": "ash@example.test",
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "could not be sent" in page and "/invite/" in page
