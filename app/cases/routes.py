"""Routes of the cases blueprint (being built)."""

from app.cases import bp  # noqa: F401
