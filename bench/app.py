"""The app the benchmark serves: the product app plus the benchmark's own page and command.

The product's entry point (``wsgi:app``) never imports this package, so no configuration of a
deployment can switch the floor page, the ``X-Bench-Queries`` header or ``seed-bench`` on.
Only the benchmark's entry point (``bench.wsgi``) and the tests that check the floor call
``install``.
"""

from __future__ import annotations

from flask import Flask

from app import create_app


def install(app: Flask) -> Flask:
    """Add the floor page F1, the statement-count header and ``seed-bench`` to ``app``."""
    from bench.floor import bp
    from bench.profile import install as install_profile
    from bench.querycount import install as install_querycount
    from bench.seed import seed_bench_command

    if "bench" not in app.blueprints:
        app.register_blueprint(bp)
        install_querycount(app)
        install_profile(app)  # only with BENCH_PROFILE set (S8)
        app.cli.add_command(seed_bench_command)
    return app


def create_bench_app(overrides: dict | None = None) -> Flask:
    """The product app, configured as usual, with the benchmark's additions."""
    return install(create_app(overrides))
