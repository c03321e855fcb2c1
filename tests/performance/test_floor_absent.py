"""The product app never has the benchmark's page, header or command, whatever its configuration.

Only ``bench.wsgi`` (the benchmark's own entry point) adds them; ``wsgi:app`` cannot.
"""

import ast
from pathlib import Path

import pytest

from tests.conftest import TEST_KEYRING, TEST_SECRET, make_app

APP = Path(__file__).resolve().parents[2] / "app"


def test_no_benchmark_routes_in_a_normal_app(app):
    assert [r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith("bench.")] == []


def test_floor_url_is_not_found(factory, login_as):
    case = factory.case(factory.counselor())
    response = login_as(factory.counselor()).get(f"/bench/floor/{case.id}")
    assert response.status_code == 404
    assert "X-Bench-Queries" not in response.headers


@pytest.mark.parametrize("env", ["development", "production"])
def test_no_setting_turns_the_benchmark_on(monkeypatch, migrated_database, env):
    # The old switch, set the way the benchmark used to set it, must do nothing now.
    monkeypatch.setenv("REKINDLE_BENCH", "1")
    monkeypatch.setenv("REKINDLE_ENV", env)
    app = make_app(migrated_database, SECRET_KEY=TEST_SECRET, REKINDLE_ENCRYPTION_KEYS=TEST_KEYRING)
    assert "bench" not in app.blueprints
    assert "seed-bench" not in app.cli.list_commands(None)


def test_nothing_under_app_imports_the_benchmark():
    offenders = []
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "bench"]
            offenders += [f"{path.name}: {n}" for n in names if "bench" in n.split(".")[-1]]
    assert offenders == []
