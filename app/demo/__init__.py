"""Demo data for a newcomer running ``make run``: idempotent, refused in production.

Each feature adds a step to ``STEPS``; a step must be safe to run again (look before adding).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app

from app.demo.accounts import seed_accounts

STEPS: list[Callable[[], None]] = [seed_accounts]


def seed_demo() -> None:
    """Run every step in order; each commits its own work."""
    if current_app.config.get("ENV") == "production":
        raise RuntimeError("Demo data is never loaded under the production configuration.")
    for step in STEPS:
        step()
