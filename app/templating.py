"""Template filters and globals."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, current_app
from markupsafe import Markup, escape

from app.auth.forms import PostForm
from app.practice_dates import practice_zone, write_day


def local_time(value: datetime | None, fmt: str = "%d %b %Y, %H:%M") -> str:
    """Show a UTC time in the practice's time zone."""
    if value is None:
        return ""
    return value.astimezone(practice_zone()).strftime(fmt)


def day(value: date | datetime | None) -> str:
    """A date as ``27 Nov 2026``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return write_day(value.astimezone(practice_zone()).date())
    return write_day(value)


def paragraphs(text: str | None) -> Markup:
    """Plain text shown with its line breaks; everything is escaped first."""
    if not text:
        return Markup("")
    blocks = [b for b in str(text).replace("\r\n", "\n").split("\n\n") if b.strip()]
    return Markup("").join(
        Markup("<p>")
        + Markup("<br>").join(escape(line) for line in block.split("\n"))
        + Markup("</p>")
        for block in blocks
    )


def init_app(app: Flask) -> None:
    """Register filters and globals."""
    app.jinja_env.filters.update(local_time=local_time, day=day, paragraphs=paragraphs)
    app.jinja_env.globals.update(
        # Never bind request data: the error page of a too-large POST renders this form too,
        # and reading the body again would raise 413 inside the error handler.
        post_form=lambda: PostForm(formdata=None),
        nav_items=nav_items,
        practice_name=lambda: app.config["REKINDLE_PRACTICE_NAME"],
    )


#: The menu per role. Entries whose endpoint does not exist (yet) are left out.
NAV_ITEMS: dict[str, list[tuple[str, str]]] = {
    "counselor": [
        ("caseload.index", "Caseload"),
        ("journal.shared_feed", "Shared journal"),
        ("library.index", "Modules"),
    ],
    "client": [
        ("client.home", "Home"),
        ("exercises.index", "Exercises"),
        ("journal.index", "Journal"),
    ],
    "admin": [
        ("admin.index", "Accounts"),
        ("admin.audit", "Audit log"),
        ("admin.erasure_index", "Erase a client"),
        ("intake.admin_consents", "Consent texts"),
    ],
}


def nav_items() -> list[tuple[str, str]]:
    """Menu entries for the signed-in user."""
    from flask_login import current_user

    if not current_user.is_authenticated:
        return []
    return [
        (endpoint, label)
        for endpoint, label in NAV_ITEMS.get(str(current_user.role), [])
        if endpoint in current_app.view_functions
    ]
