"""Benchmark-only pages (the floor F1). Registered only when ``REKINDLE_BENCH`` is true."""

from typing import cast

from flask import Blueprint, Flask

from app.bench.querycount import install

bp = Blueprint("bench", __name__, url_prefix="/bench")
bp.record_once(lambda state: install(cast(Flask, state.app)))

from app.bench import routes  # noqa: E402,F401
