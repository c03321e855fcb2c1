"""Validated measures (CSI-4, CSI-16, PHQ-9, GAD-7): scheduling, answering, trends, safety."""

from flask import Blueprint

bp = Blueprint("measures", __name__)

from app.measures import client_routes, routes  # noqa: E402,F401
