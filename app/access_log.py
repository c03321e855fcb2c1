"""Access logs name paths, never query strings (security issue 19.3).

A query string can carry what a person typed (a search word, a tag, anything pasted into the
address bar); logs are kept longer and read by more people than the database. gunicorn's
format is set in ``gunicorn.conf.py``; this filter does the same for the development server
(werkzeug logs the whole request line: ``"GET /me/journal?q=… HTTP/1.1" 200 -``).
"""

from __future__ import annotations

import logging
import re

# From the "?" to the next space (or the colour code werkzeug wraps a line in on a terminal).
_QUERY = re.compile(r"\?[^\s\x1b]*")


def without_query(request_line: str) -> str:
    """``GET /path?x=1 HTTP/1.1`` → ``GET /path HTTP/1.1``."""
    return _QUERY.sub("", request_line, count=1)


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
