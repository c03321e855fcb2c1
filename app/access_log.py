"""Access logs name paths, never query strings or feed tokens (security issue 19.3, CAL-1).

A query string can carry what a person typed (a search word, a tag, anything pasted into the
address bar); logs are kept longer and read by more people than the database. gunicorn's
format is set in ``gunicorn.conf.py``; this filter does the same for the development server
(werkzeug logs the whole request line: ``"GET /me/journal?q=… HTTP/1.1" 200 -``).

A private calendar feed's token is in its path (calendar apps subscribe to a plain address),
and whoever reads the log could subscribe with it: both logs write the feed path with the
token masked. ``MaskedGunicornLogger`` is the ``logger_class`` of ``gunicorn.conf.py``.
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

# From the "?" to the next space (or the colour code werkzeug wraps a line in on a terminal).
_QUERY = re.compile(r"\?[^\s\x1b]*")


# A feed address: /calendar/feed/<token>.ics (the token is URL-safe base64, no "/").
_FEED = re.compile(r"/calendar/feed/[^/\s?\x1b]+?\.ics")
MASKED_FEED = "/calendar/feed/[token].ics"


def mask_tokens(path: str) -> str:
    """``/calendar/feed/abc123.ics`` → ``/calendar/feed/[token].ics``."""
    return _FEED.sub(MASKED_FEED, path)


def without_query(request_line: str) -> str:
    """``GET /path?x=1 HTTP/1.1`` → ``GET /path HTTP/1.1``, with any feed token masked."""
    return mask_tokens(_QUERY.sub("", request_line, count=1))


class QueryStringFilter(logging.Filter):
    """Drops the query string from werkzeug's request lines before any handler sees them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
            record.args = (without_query(record.args[0]), *record.args[1:])
        return True


def init_app() -> None:
    """Install the filter on werkzeug's logger once per process."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, QueryStringFilter) for f in logger.filters):
        logger.addFilter(QueryStringFilter())


class MaskedGunicornLogger(Logger):
    """gunicorn's logger with the path (and the request line) token-masked."""

    def atoms(
        self, resp: object, req: object, environ: dict[str, str], request_time: object
    ) -> dict[str, str]:
        atoms: dict[str, str] = super().atoms(resp, req, environ, request_time)
        # gunicorn logs a request its worker failed to answer with empty atoms (None): a
        # TypeError here killed the worker (bench/faults.py, PostgreSQL refusing connections).
        if atoms.get("U"):
            atoms["U"] = mask_tokens(atoms["U"])
        if atoms.get("r"):
            atoms["r"] = without_query(atoms["r"])
        return atoms
