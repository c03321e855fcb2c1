"""Routes of the exercises blueprint (being built)."""

from app.exercises import bp  # noqa: F401
