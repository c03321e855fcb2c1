"""Count SQL statements per request and report them in an ``X-Bench-Queries`` header.

Installed only on the app the benchmark serves (``bench.app.install``); the tests use
``is_counted`` too, so they count exactly what the benchmark reports. Transaction control (``BEGIN``) is not counted, so
SQLite and PostgreSQL report the same numbers; everything else is, including the login-session
lookup and the audit writes made after the view.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

HEADER = "X-Bench-Queries"
_local = threading.local()


def is_counted(statement: str) -> bool:
    """Transaction control is not a query the page asked for."""
    return not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA"))


@event.listens_for(Engine, "before_cursor_execute")
def _count(conn, cursor, statement, parameters, context, executemany) -> None:
    if getattr(_local, "counting", False) and is_counted(statement):
        _local.count += 1


class QueryCountMiddleware:
    """WSGI middleware: the header is added when the response starts, after every hook ran."""

    def __init__(self, wsgi_app: Callable) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        _local.counting = True
        _local.count = 0

        def counted_start(status: str, headers: list[tuple[str, str]], *args: Any):
            headers.append((HEADER, str(_local.count)))
            return start_response(status, headers, *args)

        try:
            return self.wsgi_app(environ, counted_start)
        finally:
            _local.counting = False


def install(app: Flask) -> None:
    """Wrap the app once."""
    if not isinstance(app.wsgi_app, QueryCountMiddleware):
        app.wsgi_app = QueryCountMiddleware(app.wsgi_app)  # type: ignore[method-assign]
