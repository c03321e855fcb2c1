"""The one way e-mail leaves the app: to the SMTP server, or (without one) to ``.eml`` files.

Every e-mail (invitations, password resets, sign-in links, notifications, digests) is handed
over here, so all of them honour the same settings: ``MAIL_SERVER``, ``MAIL_PORT``,
``MAIL_USERNAME``/``MAIL_PASSWORD``, ``MAIL_USE_TLS`` (STARTTLS), ``MAIL_USE_SSL`` and
``MAIL_TIMEOUT``. Without ``MAIL_SERVER`` (development) each e-mail is written as
``instance/mail/<id>.eml`` (or under ``MAIL_FILE_DIR``), mode 0600 in a 0700 folder, so a
newcomer can open an invitation in any mail program; instance/ already holds the secret key
and the encryption keys, so a one-time link there is no new exposure.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr
from pathlib import Path
from types import TracebackType

from flask import current_app

MAIL_DIR = "mail"


def to_files() -> bool:
    """True when no mail server is configured, so e-mails are written to files instead."""
    return not current_app.config.get("MAIL_SERVER")


def sender_address() -> str:
    """The bare address of ``MAIL_SENDER`` (its name part is chosen per e-mail)."""
    return parseaddr(current_app.config.get("MAIL_SENDER") or "")[1] or "no-reply@rekindle.test"


def new_message_id() -> str:
    """A fresh, random Message-ID on the sender's domain (it also names the ``.eml`` file)."""
    domain = sender_address().rpartition("@")[2] or "rekindle.invalid"
    return make_msgid(domain=domain)


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
        if to_files():
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
