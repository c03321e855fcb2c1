"""S8's report: the profile's categories add up to the busy time, idle time is left out, and the
table names the highest rate held (docs/performance.md S8). Times themselves are never asserted.
"""

from __future__ import annotations

import json
import sys

from bench import profile
from bench.s8 import profile_shape, render


def test_a_worker_waiting_for_a_request_counts_as_idle():
    def gunicorn_loop():
        return sys._getframe()

    frame = gunicorn_loop()
    assert profile._category(frame) == "other"  # this test's own frames name no known kind
    code = frame.f_code.replace(co_filename="/x/gunicorn/workers/sync.py")
    assert profile._category(type("F", (), {"f_code": code, "f_back": None})()) == profile.IDLE


def test_the_shape_is_shares_of_the_busy_samples(tmp_path):
    (tmp_path / "profile-1.json").write_text(
        json.dumps({profile.IDLE: 900, "templates (Jinja)": 30, "app code": 10})
    )
    (tmp_path / "profile-2.json").write_text(json.dumps({"templates (Jinja)": 50, "app code": 10}))
    assert profile_shape(tmp_path) == {"templates (Jinja)": 80.0, "app code": 20.0}


def test_the_table_names_the_highest_rate_held():
    step = {
        "p50_ms": 10.0,
        "p95_ms": 30.0,
        "p99_ms": 50.0,
        "failures": 0,
        "app_cpu_cores": 1.2,
        "db_cpu_cores": 0.3,
    }
    report = {
        "size": "L",
        "started": "2026-12-01T15:00:00+00:00",
        "machine": {"cores": 2, "cpu": "test"},
        "f1_p95_ms": 5.0,
        "steps": [
            {**step, "rate": 20, "rps": 19.8, "held": True},
            {**step, "rate": 40, "rps": 35.0, "p95_ms": 80.0, "held": False},
        ],
        "highest_held": {**step, "rate": 20, "rps": 19.8, "held": True},
        "clinics": 1.5,
        "profile_at_saturation": {"templates (Jinja)": 80.0},
    }
    text = render(report)
    assert "Highest rate held: 19.8 requests/s (target 100)" in text
    assert "1.5 L-size clinics" in text and "80.0  templates (Jinja)" in text
    assert text.count("| yes") == 1 and text.count("| NO") == 1


def test_password_hashing_under_werkzeug_is_not_counted_as_the_framework():
    """Sign-ins hash with Werkzeug's check_password_hash, whose scrypt is C without a frame."""

    def check_password_hash():
        return sys._getframe()

    code = check_password_hash().f_code.replace(co_filename="/x/werkzeug/security.py")
    frame = type("F", (), {"f_code": code, "f_back": None})()
    assert profile._category(frame) == "password hashing (scrypt)"
