"""A render that runs past the time limit is stopped and the user gets a clear page."""

from __future__ import annotations

import pytest


@pytest.fixture
def app_config():
    # PDFs render in the job queue, with the background limits (PDF-4).
    return {"REKINDLE_PDF_BACKGROUND_TIMEOUT": 0.3}


def test_slow_render_is_stopped_with_a_clear_message(login_as, build, couple_case):
    counselor, case, a, b = couple_case
    sid = build.session(case, sections={"data": "word " * 150_000})
    response = login_as(counselor).get(f"/cases/{case.id}/sessions/{sid}/summary.pdf")
    assert response.status_code == 503
    assert b"took too long to prepare" in response.data
    assert response.mimetype == "text/html"
