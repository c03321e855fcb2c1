"""A worker killed between handing an e-mail over and marking it sent never sends it twice.

The kill is played here by an exception no handler catches (as ``SIGKILL`` would end the
process): the row keeps its sending claim. ``tests/notifications/test_consumer.py`` kills a real
consumer process.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from app.models import NotificationState
from app.notifications import email
from app.notifications.delivery import INTERRUPTED
from tests.notifications.conftest import NOON, row, tell, to


class Killed(BaseException):
    """The worker's end, as far as the code after it is concerned."""


@pytest.fixture
def killed_after_handing_over(monkeypatch):
    real = email.Mailer.send

    def send_then_die(self, message):
        real(self, message)
        raise Killed

    monkeypatch.setattr(email.Mailer, "send", send_then_die)
    return lambda: monkeypatch.setattr(email.Mailer, "send", real)


def test_with_a_mail_server_the_claim_becomes_a_dead_letter_not_a_second_email(
    app, factory, ping, inbox, run_sweep, killed_after_handing_over
):
    client = factory.client()
    with time_machine.travel(NOON, tick=False), pytest.raises(Killed):
        tell(app, client, key="killed")
    revive = killed_after_handing_over
    revive()
    [notification] = _rows(app, client)
    assert notification.state is NotificationState.SENDING and notification.message_id
    with time_machine.travel(NOON + timedelta(minutes=9), tick=False):
        run_sweep()  # the claim may still be in progress
    assert row(app, notification.id).state is NotificationState.SENDING
    with time_machine.travel(NOON + timedelta(minutes=11), tick=False):
        run_sweep()
    dead = row(app, notification.id)
    assert dead.state is NotificationState.DEAD and dead.last_error == INTERRUPTED[:200]
    for hours in (1, 5, 24):
        with time_machine.travel(NOON + timedelta(hours=hours), tick=False):
            run_sweep()
    [message] = to(inbox, client)
    assert message["Message-ID"] == dead.message_id


def _rows(app, client):
    from tests.notifications.conftest import rows_of

    return rows_of(app, client)


@pytest.fixture
def app_config(request, mail_files, smtp_config) -> dict:
    if "to_files" in request.node.name:
        return {"MAIL_SERVER": None, "MAIL_FILE_DIR": str(mail_files)}
    return dict(smtp_config)


def test_to_files_a_written_email_counts_as_sent(
    app, factory, ping, mail_files, run_sweep, killed_after_handing_over
):
    client = factory.client()
    with time_machine.travel(NOON, tick=False), pytest.raises(Killed):
        tell(app, client, key="written")
    killed_after_handing_over()
    [notification] = _rows(app, client)
    with time_machine.travel(NOON + timedelta(minutes=11), tick=False):
        run_sweep()
        run_sweep()
    assert row(app, notification.id).state is NotificationState.SENT
    assert len(list(mail_files.glob("*.eml"))) == 1


def test_to_files_an_email_never_written_is_sent_after_all(
    app, factory, ping, mail_files, run_sweep, monkeypatch
):
    def die(self, message):
        raise Killed

    real = email.Mailer.send
    monkeypatch.setattr(email.Mailer, "send", die)
    client = factory.client()
    with time_machine.travel(NOON, tick=False), pytest.raises(Killed):
        tell(app, client, key="unwritten")
    monkeypatch.setattr(email.Mailer, "send", real)
    [notification] = _rows(app, client)
    with time_machine.travel(NOON + timedelta(minutes=11), tick=False):
        run_sweep()
        run_sweep()
    assert row(app, notification.id).state is NotificationState.SENT
    assert len(list(mail_files.glob("*.eml"))) == 1
