"""The strategy-module library: built-in and counselors' own modules, versioned."""

from flask import Blueprint

bp = Blueprint("library", __name__)

from app.library import routes  # noqa: E402,F401
