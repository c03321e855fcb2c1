"""Sign-in, sign-out, passwords and login sessions."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from app.auth import invitations, recovery, routes, totp  # noqa: E402,F401
