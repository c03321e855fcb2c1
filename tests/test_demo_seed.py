"""Demo data: idempotent, named as PRODUCT.md says, refused in production."""

import sqlalchemy as sa

from app.extensions import db
from app.models import Role, User
from tests.conftest import make_app


def _counts(app):
    with app.app_context():
        return {
            table.name: db.session.execute(sa.select(sa.func.count()).select_from(table)).scalar()
            for table in db.metadata.sorted_tables
            if table.name not in ("audit_events", "login_sessions")
        }


def test_seed_demo_is_idempotent(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    first = _counts(app)
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert _counts(app) == first


def test_demo_accounts_sign_in_with_demo_password(app, runner):
    runner.invoke(args=["seed-demo"])
    expected = {
        "admin@demo.rekindle.test": Role.ADMIN,
        "counselor@demo.rekindle.test": Role.COUNSELOR,
        "counselor2@demo.rekindle.test": Role.COUNSELOR,
        "alex@demo.rekindle.test": Role.CLIENT,
        "sam@demo.rekindle.test": Role.CLIENT,
    }
    with app.app_context():
        for email, role in expected.items():
            assert db.session.scalar(sa.select(User.role).where(User.email == email)) is role
    for email in expected:
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": "rekindle-demo"})
        assert response.status_code == 302, email


def test_seed_demo_refused_in_production(migrated_database):
    app = make_app(migrated_database, ENV="production")
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "production" in result.output
