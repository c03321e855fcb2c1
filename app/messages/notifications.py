"""Telling the other readers of a thread that a new message is waiting (the outbox).

The notification says only "You have a new message" and links to a page that finds the
message again within the reader's own scope: never the text, never who wrote it. Right before
delivery ``app.policy.messages`` is asked once more whether the reader may still read it (a
withdrawn message, a partner who left the case, an erased account: nothing goes out).
"""

from __future__ import annotations

from flask import url_for

from app.messages.services import ThreadView
from app.models import Message, Notification, Role, User
from app.notifications import NotificationKind, announce, cancel_about, register_kind
from app.policy import messages as policy

FOR_CLIENTS = "message.new"
FOR_COUNSELORS = "message.new_for_counselor"
TITLE = "You have a new message"


def _link(notification: Notification) -> str:
    return url_for("messages.open_message", message_id=notification.about_id or 0)


def _still_relevant(notification: Notification) -> bool:
    if notification.about_type != "message" or notification.about_id is None:
        return False
    return policy.still_may_read_message(notification.recipient_id, notification.about_id)


# One kind per audience (a kind is for clients or for counselors), with the same words.
register_kind(
    NotificationKind(
        code=FOR_CLIENTS,
        audience="client",
        title=TITLE,
        label="A new message",
        link=_link,
        still_relevant=_still_relevant,
    )
)
register_kind(
    NotificationKind(
        code=FOR_COUNSELORS,
        audience="counselor",
        title=TITLE,
        label="A new message",
        link=_link,
        still_relevant=_still_relevant,
    )
)


def announce_message(view: ThreadView, message: Message, author: User) -> None:
    """Announce the message to every other reader of the thread (in the same transaction)."""
    for reader in policy.recipients(
        view.thread, view.case, view.members, author, message.created_at
    ):
        kind = FOR_COUNSELORS if reader.role is Role.COUNSELOR else FOR_CLIENTS
        announce(
            recipient=reader,
            kind=kind,
            case=view.case,
            about=("message", message.id),
            key=f"{kind}:{message.id}:{reader.id}",
        )


def withdrawn(message: Message) -> None:
    """A withdrawn message is news to nobody: cancel what was not yet read or sent."""
    cancel_about(("message", message.id), kinds=[FOR_CLIENTS, FOR_COUNSELORS])
