"""``python -m bench.make_f2``: save the static HTML of the floor F2.

F2 is WeasyPrint alone on a 3-page session summary. This renders the real clinician copy of
counselor A's 3-page session from fixture S, with the sessions feature's own template, CSS
and fonts, and saves the HTML as ``bench/f2_summary.html``. Run it again when the summary
template changes much; the benchmark itself only reads the saved file.
"""

from __future__ import annotations

import sys

import sqlalchemy as sa

from bench.server import ROOT, ensure_fixture, working_copy

F2_SESSION_INDEX = 0  # the first (shortest) of counselor A's long notes renders as 3 pages


def main() -> int:
    """Render and save the HTML."""
    from flask_login import login_user

    from app import create_app
    from app.authz import session_for_counselor
    from app.bench_seed import COUNSELOR_A
    from app.extensions import db
    from app.models import Case, CounselingSession, SessionNote, User
    from app.pdf import render_html
    from app.sessions.summary import summary_context

    fixture, _ = ensure_fixture("S", lambda m: print(m, file=sys.stderr))
    database = working_copy(fixture)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
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
        db.engine.dispose()
    (ROOT / "bench" / "f2_summary.html").write_text(html)
    database.unlink(missing_ok=True)
    print(f"Saved bench/f2_summary.html ({len(html)} characters) from {template}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
