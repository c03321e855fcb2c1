"""Cases: creating them, the case page, members, invitations and status."""

from flask import Blueprint

bp = Blueprint("cases", __name__)

from app.cases import routes  # noqa: E402,F401
