"""The journal: clients write, share by choice; counselors read and comment."""

from flask import Blueprint

bp = Blueprint("journal", __name__)

from app.journal import reader_routes, routes  # noqa: E402,F401
