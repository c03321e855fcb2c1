"""PDF-3: big or deeply nested documents end within the limits; the memory cap is real."""

from __future__ import annotations

import pytest

from app.pdf import PdfError, _pool

ROWS = "".join(f"<tr><td>row {i}</td><td>{'x' * 20}</td></tr>" for i in range(5000))
NESTED = "<div>" * 2000 + "deep" + "</div>" * 2000


@pytest.fixture
def app_config():
    return {"REKINDLE_PDF_TIMEOUT": 20}


@pytest.mark.parametrize(
    "body", [f"<table>{ROWS}</table>", NESTED], ids=["5000-row-table", "deep-nesting"]
)
def test_big_documents_end_with_a_pdf_or_a_clear_error(app, body):
    with app.app_context():
        try:
            result = _pool().render(f"<html><body>{body}</body></html>")
        except PdfError as exc:
            assert "took too long" in str(exc) or "too large" in str(exc)
        else:
            assert result.startswith(b"%PDF")


@pytest.mark.parametrize("app_config", [{"REKINDLE_PDF_MEMORY_MB": 64}])
def test_memory_limit_stops_the_render(app):
    # Usually "too large"; on a heavily loaded machine the starved worker may hit the time limit.
    with app.app_context(), pytest.raises(PdfError, match="too large|took too long"):
        _pool().render(f"<html><body><table>{ROWS}</table></body></html>")
