"""The floor F2's HTML is rendered from today's summary template, never a saved copy."""

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.models import StrategyModule
from bench.f2 import summary_html
from bench.seed import Generator, Shape

ROOT_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_f2_is_counselor_as_clinician_summary_from_templates_pdf(app):
    with app.app_context():
        Generator(Shape(counselors=[4], weeks_other=1), datetime.now(UTC)).run()
    template, html = summary_html(app)
    assert template.startswith("pdf/") and (ROOT_TEMPLATES / template).is_file()
    assert "Counselor A" in html and "<html" in html
    with app.app_context():  # modules and versions point at each other; untie them
        db.session.execute(sa.update(StrategyModule).values(current_version_id=None))
        db.session.commit()


def test_no_saved_copy_is_committed():
    bench = ROOT_TEMPLATES.parent / "bench"
    assert not list(bench.glob("*.html"))
