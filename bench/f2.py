"""The static HTML of the floor F2, rendered from ``templates/pdf/`` at the start of each run.

F2 is WeasyPrint alone on a 3-page session summary. ``f2_html`` renders the real clinician
copy of counselor A's 3-page session from the run's fixture with the sessions feature's own
template, CSS and fonts, so the floor always matches the summary the app serves today.
``python -m bench.f2`` saves it as ``bench/results/f2_summary.html`` to look at.
"""

from __future__ import annotations

import sys

import sqlalchemy as sa
from flask import Flask

from bench.server import RESULTS, ensure_fixture, working_copy

F2_SESSION_INDEX = 0  # the first (shortest) of counselor A's long notes renders as 3 pages


def f2_html(database_url: str) -> str:
    """The summary HTML, read from the run's database (nothing is written to it)."""
    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    _, html = summary_html(app)
    with app.app_context():
        db.engine.dispose()
    return html


def summary_html(app: Flask) -> tuple[str, str]:
    """The template of counselor A's 3-page clinician summary and the HTML it renders."""
    from flask_login import login_user

    from app.authz import session_for_counselor
    from app.extensions import db
    from app.models import Case, CounselingSession, SessionNote, User
    from app.pdf import render_html
    from app.sessions.summary import summary_context
    from bench.seed import COUNSELOR_A

    with app.test_request_context():
        counselor = db.session.scalar(sa.select(User).where(User.email == COUNSELOR_A))
        case_id = db.session.scalar(
            sa.select(Case.id).where(Case.counselor_id == counselor.id).order_by(Case.id)
        )
        session_id = db.session.scalars(
            sa.select(CounselingSession.id)
            .join(SessionNote, SessionNote.session_id == CounselingSession.id)
            .where(CounselingSession.case_id == case_id)
            .order_by(CounselingSession.starts_at)
        ).all()[F2_SESSION_INDEX]
        counselor.session_token = "bench"  # noqa: S105 - lets Flask-Login accept the user
        login_user(counselor)
        case, session = session_for_counselor(case_id, session_id)
        template, context = summary_context(case, session, "clinician")
        html = render_html(template, context)
        db.session.rollback()
    return template, html


def main() -> int:
    """Render from fixture S and save the HTML for a look."""
    fixture, _ = ensure_fixture("S", lambda m: print(m, file=sys.stderr))
    database = working_copy(fixture)
    html = f2_html(f"sqlite:///{database}")
    database.unlink(missing_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "f2_summary.html").write_text(html)
    print(f"Saved bench/results/f2_summary.html ({len(html)} characters).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
