"""The e-mail channel: a neutral note and a link, multipart plain text and HTML.

Nothing clinical ever goes into an e-mail: the subject is always "You have something new in
Rekindle" (or, in discreet mode, a neutral line without the app's or the practice's name),
and the body names only the kind's fixed title and a link. The sender is the practice's name
(``REKINDLE_PRACTICE_NAME``) at the address of ``MAIL_SENDER``; discreet mode uses
``MAIL_DISCREET_NAME`` instead.

Without ``MAIL_SERVER`` (development) every e-mail is written as a ``.eml`` file, mode 0600,
under ``instance/mail/`` so it can be opened in any mail program. The file is written
atomically and named after the Message-ID, so "was it sent?" can be answered by looking.
"""

from __future__ import annotations

import hashlib
import os
import smtplib
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr
from pathlib import Path
from types import TracebackType

from flask import current_app, render_template

SUBJECT = "You have something new in Rekindle"
DISCREET_SUBJECT = "You have a new notification"
DIGEST_SUBJECT = "Your daily summary from Rekindle"
DISCREET_DIGEST_SUBJECT = "Your daily summary"
MAIL_DIR = "mail"


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
    domain = _sender_address().rpartition("@")[2] or "rekindle.invalid"
    return f"<{digest}@{domain}>"


def _sender_address() -> str:
    return parseaddr(current_app.config.get("MAIL_SENDER") or "")[1] or "no-reply@rekindle.test"


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
    message["From"] = formataddr((name, _sender_address()))
    message["To"] = str(Address(addr_spec=letter.to))
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id
    message.set_content(render_template("notifications/email/letter.txt", **context))
    message.add_alternative(
        render_template("notifications/email/letter.html", **context), subtype="html"
    )
    return message


class Mailer:
    """Hands e-mails over: to the SMTP server (one connection per batch) or to files.

    Use as a context manager around a batch; ``send`` raises ``OSError`` or
    ``smtplib.SMTPException`` when the server refuses or cannot be reached.
    """

    def __init__(self) -> None:
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Say goodbye to the server (errors there no longer matter)."""
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None

    def send(self, message: EmailMessage) -> None:
        """Hand ``message`` over, or raise."""
        if not current_app.config.get("MAIL_SERVER"):
            write_file(message)
            return
        try:
            self._connection().send_message(message)
        except (OSError, smtplib.SMTPException):
            self.close()  # the next e-mail of the batch starts a fresh connection
            raise

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            config = current_app.config
            host, port = config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25)
            timeout = float(config.get("MAIL_TIMEOUT") or 30)
            smtp: smtplib.SMTP
            if config.get("MAIL_USE_SSL"):
                smtp = smtplib.SMTP_SSL(
                    host, port, timeout=timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(host, port, timeout=timeout)
                if config.get("MAIL_USE_TLS"):
                    smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            self._smtp = smtp
        return self._smtp


def mail_dir() -> Path:
    """Where e-mails are written when no mail server is configured."""
    return Path(
        current_app.config.get("MAIL_FILE_DIR") or Path(current_app.instance_path) / MAIL_DIR
    )


def file_for(message_id: str) -> Path:
    """The ``.eml`` file a Message-ID is written to."""
    return mail_dir() / f"{message_id.strip('<>').partition('@')[0]}.eml"


def write_file(message: EmailMessage) -> Path:
    """Write ``message`` as ``instance/mail/<id>.eml`` (0600), atomically: the file exists
    only complete, so its presence means "sent"."""
    folder = mail_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = file_for(str(message["Message-ID"]))
    partial = path.with_suffix(".part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(bytes(message))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(partial, path)
    return path


def was_written(message_id: str) -> bool:
    """Whether the e-mail ``message_id`` is already in ``instance/mail/`` (file delivery)."""
    return file_for(message_id).exists()
