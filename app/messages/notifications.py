"""Telling the readers of a thread that a new message is waiting (the outbox, later)."""

from __future__ import annotations

from app.messages.services import ThreadView
from app.models import Message, User


def announce_message(view: ThreadView, message: Message, author: User) -> None:
    """Announce the message to every other reader of the thread (in the same transaction)."""
    return None
