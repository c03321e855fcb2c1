"""Routes of the modules blueprint (being built)."""

from app.modules import bp  # noqa: F401
