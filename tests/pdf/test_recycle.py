"""T6: a render worker that grew past REKINDLE_PDF_RECYCLE_MB is replaced after its render.

The job queue's workers render the longest documents (hundreds of pages); without this, such
a worker kept the memory of that render for every later one.
"""

from __future__ import annotations

import pytest

from app.pdf import _pool

HTML = "<html><body><p>Short.</p></body></html>"


@pytest.mark.parametrize(
    ("app_config", "kept"),
    [({"REKINDLE_PDF_RECYCLE_MB": 1}, 0), ({"REKINDLE_PDF_RECYCLE_MB": 100_000}, 1)],
    ids=["grown-past-the-limit", "within-the-limit"],
)
def test_a_grown_worker_is_replaced(app, kept):
    with app.app_context():
        pool = _pool(background=True)
        try:
            assert pool.render(HTML).startswith(b"%PDF")
            assert pool._idle.qsize() == kept
        finally:
            pool.close()
