"""Demo data: idempotent, the accounts README's "Demo logins" lists, refused in production."""

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


def test_demo_data_files_ship_with_the_package():
    import tomllib
    from fnmatch import fnmatch
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    patterns = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["app"]
    files = sorted((root / "app" / "demo" / "data").glob("*.toml"))
    assert files
    for path in files:
        relative = path.relative_to(root / "app").as_posix()
        assert any(fnmatch(relative, pattern) for pattern in patterns), relative


def test_demo_text_lives_in_the_data_files():
    """What the demo says is data: no sentence-length literal in app/demo/*.py but docstrings
    and error messages."""
    import ast
    from pathlib import Path

    demo = Path(__file__).resolve().parent.parent / "app" / "demo"
    found = []
    for path in demo.glob("*.py"):
        tree = ast.parse(path.read_text())
        allowed = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        allowed |= {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.Raise)
            for inner in ast.walk(node)
        }
        found += [
            f"{path.name}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and len(node.value) > 60
            and id(node) not in allowed
        ]
    assert found == []
