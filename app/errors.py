"""Central error handling: calm pages in the site layout, JSON for autosave calls."""

from __future__ import annotations

import contextlib

import psycopg
from flask import Flask, current_app, g, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError, PendingRollbackError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.authz import record_denial
from app.crypto import DataKeyMissing
from app.extensions import db
from app.services.concurrency import StaleEdit

MESSAGES = {
    400: ("That request could not be understood", "Please go back and try again."),
    403: ("Not allowed", "You do not have access to this page."),
    404: ("Page not found", "There is nothing here, or it is not yours to see."),
    405: ("Not allowed", "This address does not accept that kind of request."),
    409: ("This cannot be changed now", "Something about it changed in the meantime."),
    413: (
        "That was too long to save",
        "What you sent is larger than Rekindle accepts. Go back: your text is still in the "
        "editor and in this browser's drafts. Shorten it or split it in two.",
    ),
    410: (
        "This is no longer available",
        "It was written by a client whose writing has been erased, and it cannot be read.",
    ),
    429: ("Please wait a moment", "There were too many attempts. Try again in a few minutes."),
    503: (
        "Rekindle is briefly unavailable",
        "It could not reach its database just now. Nothing you saved before this was lost, and "
        "text you are writing stays in this browser's drafts. Please try again in a minute.",
    ),
    500: (
        "Something went wrong on our side",
        "Nothing you saved before this was lost. Please try again in a moment.",
    ),
}


def wants_json() -> bool:
    """Autosave and other script calls get JSON errors, not pages."""
    return request.is_json or request.accept_mimetypes.best == "application/json"


def _no_user_lookup() -> None:
    """Render without asking the database who is signed in (it cannot answer now).

    Flask-Login's context processor loads the user unless this request already did; when that
    load is what failed, rendering any page would fail the same way and the worker answered
    nothing (bench/faults.py). The stand-alone pages do not show who is signed in anyway.
    """
    if "_login_user" not in g:
        g._login_user = current_app.login_manager.anonymous_user()  # type: ignore[attr-defined]


def render_error(code: int, description: str | None = None):
    """The error page (or JSON) for ``code``."""
    title, default_text = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    text = description or default_text
    if wants_json():
        return jsonify(error=title, message=text), code
    try:
        return render_template("errors/error.html", code=code, title=title, text=text), code
    except (OperationalError, PendingRollbackError):
        # The layout asks who is signed in, which needs the database: when it is unreachable
        # the page stands alone, as the 503 page does, instead of failing the worker.
        with contextlib.suppress(Exception):
            db.session.rollback()
        _no_user_lookup()
        page = render_template("errors/unavailable.html", code=code, title=title, text=text)
        return page, code


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(StaleEdit)
    def stale_edit(conflict: StaleEdit):
        db.session.rollback()
        if wants_json():
            return jsonify(error="conflict", message=str(conflict)), 409
        return render_template("errors/conflict.html", conflict=conflict), 409

    @app.errorhandler(DataKeyMissing)
    def unreadable_client_writing(error: DataKeyMissing):
        # A row under a destroyed data key (a restored backup not yet erased again): the
        # writing is gone by design, so say so instead of failing.
        db.session.rollback()
        app.logger.warning("client writing without its data key on %s: %s", request.path, error)
        return render_error(410)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        record_denial(f"csrf at {request.endpoint}: {error.description}")
        return render_error(
            400,
            "This form was open too long or came from elsewhere. Go back, reload the page and "
            "send it again; your text is kept in this browser's drafts.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code and error.code >= 500:
            db.session.rollback()
        custom = error.description if error.code == 409 else None
        return render_error(error.code or 500, custom)

    @app.errorhandler(OperationalError)
    def database_unreachable(error: OperationalError):
        # PostgreSQL refused or dropped the connection (a restart, a failover, too many
        # clients): a calm 503 the browser may retry, and autosave keeps the text and sends
        # it again. SQLAlchemy drops the dead connection and connects anew on the next request.
        if not (error.connection_invalidated or isinstance(error.orig, psycopg.OperationalError)):
            return unexpected_error(error)
        with contextlib.suppress(Exception):
            db.session.rollback()
        app.logger.warning("database unreachable on %s %s: %s", request.method, request.path, error)
        return _unavailable()

    def _unavailable():
        _no_user_lookup()
        title, text = MESSAGES[503]
        if wants_json():
            response = make_response(jsonify(error=title, message=text), 503)
        else:
            page = render_template("errors/unavailable.html", title=title, text=text)
            response = make_response(page, 503)
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(PendingRollbackError)
    def connection_lost_earlier(error: PendingRollbackError):
        # The connection died earlier in this request and the next read found the transaction
        # invalidated (bench/faults.py saw it while PostgreSQL cut connections): the same calm
        # 503. Any other pending rollback is a bug and stays a 500.
        if "invalid transaction" not in str(error):
            return unexpected_error(error)
        with contextlib.suppress(Exception):
            db.session.rollback()
        app.logger.warning("database connection lost on %s %s", request.method, request.path)
        return _unavailable()

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(InternalServerError.code)
