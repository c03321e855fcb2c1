"""Helpers of the notification tests: a real SMTP server, a test kind, rows and e-mails."""

from __future__ import annotations

import email
import email.policy
import os
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import Notification, NotificationState, User
from app.notifications import NotificationKind, announce, kinds, set_preferences
from tests.mailbox import Inbox, smtp_server
from tests.modules.conftest import break_module_cycle, builtin, couple, give  # noqa: F401  (fixtures)

PING = "test.ping"
PING_TITLE = "Something new is waiting for you"


#: A weekday noon in UTC (the default time zone), outside anyone's default quiet hours.
NOON = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def daytime() -> Iterator[None]:
    """Every test starts at ``NOON`` (time runs on): a run at night must not meet quiet hours.

    Tests with a real consumer process (which keeps the real clock) replace this fixture.
    """
    with time_machine.travel(NOON, tick=True):
        yield


@pytest.fixture(autouse=True)
def _unlink_versions_after_test(app):
    yield
    break_module_cycle(app)


@dataclass
class Switch:
    """What the test kind's ``still_relevant`` answers (and how often it was asked)."""

    relevant: bool = True
    asked: list[int] = field(default_factory=list)


@pytest.fixture
def ping(monkeypatch) -> Switch:
    """Register ``test.ping`` (for clients) for this test only; returns its relevance switch."""
    switch = Switch()

    def still_relevant(n: Notification) -> bool:
        switch.asked.append(n.id)
        return switch.relevant

    monkeypatch.setitem(
        kinds._kinds,
        PING,
        NotificationKind(
            code=PING,
            audience="client",
            title=PING_TITLE,
            link=lambda n: f"/me?n={n.id}",
            still_relevant=still_relevant,
        ),
    )
    return switch


@pytest.fixture
def smtp_config(inbox) -> dict:
    """Configuration sending e-mail to the test's SMTP server."""
    return {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": inbox.port,
        "REKINDLE_PUBLIC_URL": "https://rekindle.example",
    }


@pytest.fixture
def app_config(smtp_config) -> dict:
    """By default every notification test mails the real SMTP server of ``inbox``."""
    return dict(smtp_config)


@pytest.fixture
def reminders_only(app, couple) -> None:  # noqa: F811  (the imported fixture)
    """Both partners have switched off "a new exercise" (tests/notifications_ui covers it), so
    the e-mails and in-app items these tests count are the reminders alone."""
    from app.notification_centre.kinds import NEW_ASSIGNMENT

    with app.app_context():
        for user in (couple.a, couple.b):
            set_preferences(
                db.session.get(User, user.id), kinds={NEW_ASSIGNMENT: {"enabled": False}}
            )
        db.session.commit()


def tell(
    app, user: User, *, kind: str = PING, key: str | None = None, case=None, about=None, due_at=None
) -> int | None:
    """Announce and commit, as a feature's service would; returns the row id."""
    with app.app_context():
        new_id = announce(
            recipient=user,
            kind=kind,
            case=case,
            about=about,
            key=key or f"{kind}:{user.id}:{datetime.now(UTC).timestamp()}",
            due_at=due_at,
        )
        db.session.commit()
        return new_id


def row(app, notification_id: int) -> Notification:
    """The row as it is now (detached)."""
    with app.app_context():
        found = db.session.get(Notification, notification_id)
        assert found is not None
        db.session.expunge(found)
        return found


def state(app, notification_id: int) -> NotificationState:
    """The row's state now."""
    return row(app, notification_id).state


def rows_of(app, user: User) -> list[Notification]:
    """Every row for ``user``, oldest first (detached)."""
    with app.app_context():
        found = db.session.scalars(
            sa.select(Notification)
            .where(Notification.recipient_id == user.id)
            .order_by(Notification.id)
        ).all()
        for item in found:
            db.session.expunge(item)
        return list(found)


def to(inbox, user: User) -> list:
    """The messages the SMTP server received for ``user``."""
    return [m for m in inbox.messages if m["To"] == user.email]


def parts(message) -> dict[str, str]:
    """A received message's text parts by type, decoded (``text/plain``, ``text/html``)."""
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    found = {}
    for part in parsed.walk():
        if part.get_content_maintype() == "text":
            found[part.get_content_type()] = part.get_content()
    return found


def everything_in(message) -> str:
    """Headers and every text part of a received message, for "does X appear" checks."""
    headers = "\n".join(f"{k}: {v}" for k, v in message.items())
    return headers + "\n" + "\n".join(parts(message).values())


@pytest.fixture
def run_sweep(app) -> Callable[[], dict[str, int]]:
    """Run the periodic sweep once (as the consumer's scheduler would)."""
    from app.notifications.sweep import sweep

    def _run() -> dict[str, int]:
        with app.app_context():
            return sweep()

    return _run


@pytest.fixture
def mail_files(tmp_path) -> Iterator[Path]:
    """The folder e-mails are written to when no mail server is configured."""
    yield tmp_path / "mail"


class RefusingInbox(Inbox):
    """An SMTP server that answers "451 try again later" to every e-mail while ``refuse``.

    With ``victim`` set to a process id it takes the next e-mail and then kills that process
    before answering "250 OK": a consumer killed between sending and marking sent.
    """

    refuse = False
    victim: int | None = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's name)
        if self.refuse:
            return "451 4.3.0 Try again later"
        answer = await super().handle_DATA(server, session, envelope)
        if self.victim is not None:
            os.kill(self.victim, signal.SIGKILL)
            self.victim = None
        return answer


@pytest.fixture
def moody_inbox() -> Iterator[RefusingInbox]:
    """A real SMTP server that can be told to refuse for a while."""
    with smtp_server(RefusingInbox()) as handler:
        yield handler
