"""Demo data for a newcomer running ``make run``: idempotent, refused in production.

What the demo says (accounts, cases, journal entries, notes, answers) is data, in
``data/*.toml``, read through ``app.demo.data``. Each feature owns one module here with a
``seed()`` function that builds its part from that data and looks before it adds, so running
the command twice changes nothing. They run in the order of ``STEPS``: later features build on
the accounts and cases made before them.
"""

from __future__ import annotations

import importlib

from flask import current_app

STEPS = [
    "accounts",
    "caseload",
    "modules",
    "journal",
    "sessions",
    "appointments",
    "messages",
    "intake",
]


def seed_demo() -> None:
    """Run every step in order; each commits its own work."""
    if current_app.config.get("ENV") == "production":
        raise RuntimeError("Demo data is never loaded under the production configuration.")
    for name in STEPS:
        module = importlib.import_module(f"app.demo.{name}")
        module.seed()
