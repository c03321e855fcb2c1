"""A real local SMTP server for tests that follow e-mailed links (aiosmtpd)."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message


class Inbox(Message):
    """Keeps every message the server receives."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list = []

    def handle_message(self, message) -> None:
        self.messages.append(message)

    def links(self, to: str, pattern: str) -> list[str]:
        """Every link matching ``pattern`` (a path prefix) in the messages sent to ``to``."""
        found = []
        for message in self.messages:
            if message["To"] == to:
                body = message.get_payload(decode=True).decode()
                found += re.findall(rf"https?://\S+{pattern}\S+", body)
        return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def smtp_server(handler: Inbox) -> Iterator[Inbox]:
    """An SMTP server on a free loopback port keeping what it receives in ``handler``;
    ``handler.port`` is where it listens."""
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    """A running SMTP server's inbox; ``inbox.port`` is where it listens."""
    with smtp_server(Inbox()) as handler:
        yield handler
