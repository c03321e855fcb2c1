"""Strategy modules: the library, versions, and assigning them to cases."""

from flask import Blueprint

bp = Blueprint("modules", __name__)

from app.modules import routes  # noqa: E402,F401
