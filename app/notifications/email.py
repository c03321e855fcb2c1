"""The e-mail channel: a neutral note and a link, multipart plain text and HTML.

Nothing clinical ever goes into an e-mail: the subject is always "You have something new in
Rekindle" (or, in discreet mode, a neutral line without the app's or the practice's name),
and the body names only the kind's fixed title and a link. The sender is the practice's name
(``REKINDLE_PRACTICE_NAME``) at the address of ``MAIL_SENDER``; discreet mode uses
``MAIL_DISCREET_NAME`` instead.

Handing over (SMTP, or ``.eml`` files under ``instance/mail/`` without ``MAIL_SERVER``) is
app/mailer.py, the one transport every e-mail of the app uses. A file is named after the
Message-ID, so "was it sent?" can be answered by looking.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr, formatdate

from flask import current_app, render_template

# The transport every e-mail of the app uses (app/mailer.py), re-exported as ``email.<name>``.
from app.mailer import Mailer as Mailer
from app.mailer import mail_dir as mail_dir
from app.mailer import sender_address
from app.mailer import was_written as was_written

SUBJECT = "You have something new in Rekindle"
DISCREET_SUBJECT = "You have a new notification"
DIGEST_SUBJECT = "Your daily summary from Rekindle"
DISCREET_DIGEST_SUBJECT = "Your daily summary"


@dataclass(frozen=True)
class Line:
    """One thing the e-mail tells of: a fixed title and where it links."""

    title: str
    link: str


@dataclass(frozen=True)
class Letter:
    """What one e-mail says (nothing else may go into it)."""

    to: str
    lines: list[Line]
    home: str
    discreet: bool
    digest: bool = False


def message_id_for(key: str) -> str:
    """A Message-ID made from the notification's idempotency key: the same key always gives
    the same id, so a mail server's log and ``instance/mail/`` can be searched for it."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    domain = sender_address().rpartition("@")[2] or "rekindle.invalid"
    return f"<{digest}@{domain}>"


def build(letter: Letter, message_id: str) -> EmailMessage:
    """The e-mail for ``letter``: plain text and HTML, from the practice (or neutral)."""
    config = current_app.config
    practice = config["REKINDLE_PRACTICE_NAME"]
    name = config.get("MAIL_DISCREET_NAME") or "Notifications" if letter.discreet else practice
    if letter.digest:
        subject = DISCREET_DIGEST_SUBJECT if letter.discreet else DIGEST_SUBJECT
    else:
        subject = DISCREET_SUBJECT if letter.discreet else SUBJECT
    context = {"letter": letter, "practice": None if letter.discreet else practice}
    message = EmailMessage()
    message["From"] = formataddr((name, sender_address()))
    message["To"] = str(Address(addr_spec=letter.to))
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id
    message.set_content(render_template("notifications/email/letter.txt", **context))
    message.add_alternative(
        render_template("notifications/email/letter.html", **context), subtype="html"
    )
    return message
