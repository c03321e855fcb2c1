"""Search, filter and page arguments of the admin's lists, read from the query string.

Text is cleaned of control characters before it gets near the database (a NUL gave
PostgreSQL's error, a 500), cut to a sane length, and numbers outside a sane range are
ignored: a hand-edited address shows a list, never an error.
"""

from __future__ import annotations

from flask import request

from app.forms import clean_text
from app.services.listing import SEARCH_LENGTH


def text(name: str, length: int = SEARCH_LENGTH) -> str:
    """A text argument, cleaned and cut to ``length``."""
    return clean_text(request.args.get(name, ""))[:length].strip()


def number(name: str) -> int | None:
    """A positive id argument, or None."""
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def page(name: str = "page") -> int:
    """A page number between 1 and 10,000 (1 when missing or not a number)."""
    return min(max(request.args.get(name, 1, type=int) or 1, 1), 10_000)
