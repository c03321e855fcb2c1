"""A migration run inside a process leaves the app's loggers working (migrations/env.py).

Alembic's logging set-up used to disable every logger that already existed, so once a test (or
a CLI command) had migrated a database in-process, the app's warnings went nowhere.
"""

from __future__ import annotations

from flask_migrate import upgrade

from tests.conftest import make_app


def test_the_apps_logger_still_works_after_a_migration(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'migrated.db'}")
    assert not app.logger.disabled
    with app.app_context():
        upgrade()
    assert not app.logger.disabled
