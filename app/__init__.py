"""Rekindle: case management for counselors who work with couples."""

from __future__ import annotations

import os

from flask import Flask

from app import access_log
from app.config import ROOT, load_config


def create_app(overrides: dict | None = None, *, instance_path: str | None = None) -> Flask:
    """Build the application. Nothing here touches the network or the database.

    ``instance_path`` defaults to the repository's ``instance/`` (``REKINDLE_INSTANCE_PATH``
    overrides it, for example to keep a test run's files apart).
    """
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "app" / "static"),
        instance_path=instance_path
        or os.environ.get("REKINDLE_INSTANCE_PATH")
        or str(ROOT / "instance"),
        instance_relative_config=True,
    )
    load_config(app, overrides)
    register_extensions(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    access_log.init_app()
    return app


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions, the keyring and the database tuning."""
    from app import crypto, database, tasks
    from app.auth.services import load_session_user
    from app.extensions import bootstrap, csrf, db, limiter, login_manager, migrate

    database.init_app(app)
    db.init_app(app)
    database.end_reads_on_teardown(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), compare_type=True)
    csrf.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)
    crypto.init_app(app)
    tasks.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = None  # the server-side LoginSession is the protection
    login_manager.user_loader(load_session_user)
    login_manager.unauthorized_handler(_unauthorized)


def _unauthorized():
    """Pages redirect to sign-in; script calls (autosave) get 401 so they can keep the draft."""
    from flask import flash, jsonify, redirect, request, url_for

    from app.errors import wants_json

    if wants_json():
        return jsonify(error="signed_out", message="Please sign in again."), 401
    flash("Please sign in to continue.", "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def register_blueprints(app: Flask) -> None:
    """One blueprint per feature."""
    from app.admin import bp as admin_bp
    from app.appointments import bp as appointments_bp
    from app.assignments import bp as assignments_bp
    from app.auth import bp as auth_bp
    from app.caseload import bp as caseload_bp
    from app.cases import bp as cases_bp
    from app.client import bp as client_bp
    from app.exercises import bp as exercises_bp
    from app.intake import bp as intake_bp
    from app.journal import bp as journal_bp
    from app.library import bp as library_bp
    from app.main import bp as main_bp
    from app.measures import bp as measures_bp
    from app.messages import bp as messages_bp
    from app.notification_centre import bp as notification_centre_bp
    from app.notifications.admin import bp as dead_letters_bp
    from app.pdf.views import bp as pdfs_bp
    from app.sessions import bp as sessions_bp

    for blueprint in (
        main_bp,
        auth_bp,
        caseload_bp,
        cases_bp,
        library_bp,
        assignments_bp,
        exercises_bp,
        journal_bp,
        sessions_bp,
        client_bp,
        admin_bp,
        pdfs_bp,
        measures_bp,
        messages_bp,
        dead_letters_bp,
        notification_centre_bp,
        appointments_bp,
        intake_bp,
    ):
        app.register_blueprint(blueprint)


def register_request_hooks(app: Flask) -> None:
    """Deny by default, then security headers on every response."""
    from app.authz import require_login
    from app.security_headers import apply_security_headers

    app.before_request(require_login)
    app.after_request(apply_security_headers)


def register_errorhandlers(app: Flask) -> None:
    """Calm error pages in the site layout."""
    from app.errors import init_app

    init_app(app)


def register_template_helpers(app: Flask) -> None:
    """Filters and globals the templates share."""
    from app.templating import init_app

    init_app(app)


def register_commands(app: Flask) -> None:
    """Operational commands on ``flask --app wsgi ...``."""
    from app.cli import init_app

    init_app(app)
