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


@pytest.mark.parametrize(
    "app_config", [{"REKINDLE_PDF_RECYCLE_GROWTH": 0.08, "REKINDLE_PDF_RECYCLE_MB": 100_000}]
)
def test_a_worker_grown_over_its_warm_size_is_replaced_beside_the_render(app):
    """T6: < 10 % growth over 100 renders, by replacing a worker that grew 8 % since warm."""
    with app.app_context():
        pool = _pool(background=True)
        try:
            assert pool.render(HTML).startswith(b"%PDF")
            worker = pool._idle.get_nowait()
            worker.warm_bytes //= 2  # as if it had doubled since it was warm
            pool._idle.put(worker)
            assert pool.render(HTML).startswith(b"%PDF")
            assert pool.recycled == 1
            worker.process.wait(timeout=10)  # the grown one was stopped
            # Its replacement starts in a thread, warm, so the next render does not wait for it.
            replacement = pool._idle.get(timeout=120)
            assert replacement.alive() and replacement.process.pid != worker.process.pid
            assert pool.recycle_seconds > 0
            pool._idle.put(replacement)
        finally:
            pool.close()
