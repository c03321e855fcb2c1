"""Which URLs and accounts the scenarios use, looked up in the app's routes and the fixture."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa

from bench.seed import BENCH_PASSWORD, COUNSELOR_A, COUNSELOR_BIG


@dataclass
class Targets:
    """Everything the scenarios need to know about the fixture and the routes."""

    password: str = BENCH_PASSWORD
    counselor_a: str = COUNSELOR_A
    counselor_big: str | None = None
    floor: str = ""
    dashboard: str = "/caseload"
    case_page: str | None = None
    journal_list: str | None = None
    journal_new: str | None = None
    shared_feed: str | None = None
    pdf_rule: str | None = None
    journal_client: str = ""
    writers: list[str] = field(default_factory=list)
    readers: list[str] = field(default_factory=list)
    big_pdf_clients: list[str] = field(default_factory=list)
    long_sessions: list[int] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    pdf_case: int = 0

    def pdf(self, session_id: int) -> str:
        """The summary PDF URL of a session of counselor A's first case."""
        assert self.pdf_rule
        path = self.pdf_rule.replace("<int:case_id>", str(self.pdf_case))
        return re.sub(r"<int:\w+>", str(session_id), path)


def _rules(app) -> list:
    return [r for r in app.url_map.iter_rules() if "GET" in (r.methods or ())]


def _pdf_rule(app) -> str | None:
    """The session-summary PDF route (the clinician copy when there are several)."""
    candidates = [
        r.rule
        for r in _rules(app)
        if "pdf" in (r.rule + r.endpoint).lower()
        and r.endpoint.startswith("sessions.")
        and len(r.arguments - {"case_id"}) == 1
    ]
    candidates.sort(key=lambda rule: ("client" in rule, len(rule)))
    return candidates[0] if candidates else None


def discover(database_url: str) -> Targets:
    """Resolve routes and fixture rows with an app bound to the run's database (read only)."""
    from app.extensions import db
    from app.models import (
        Case,
        CaseMember,
        CounselingSession,
        MemberRole,
        SessionNote,
        User,
    )
    from bench.app import create_bench_app

    app = create_bench_app({"SQLALCHEMY_DATABASE_URI": database_url})
    t = Targets()
    rules = {r.rule: r for r in _rules(app)}
    with app.app_context():
        a = db.session.scalar(sa.select(User).where(User.email == COUNSELOR_A))
        cases = db.session.scalars(
            sa.select(Case).where(Case.counselor_id == a.id).order_by(Case.id)
        ).all()
        first = cases[0]
        t.floor = f"/bench/floor/{first.id}"
        t.pdf_case = first.id
        if "/cases/<int:case_id>" in rules:
            t.case_page = f"/cases/{first.id}"
        else:
            t.missing.append("case page /cases/<id>")
        if "/caseload" not in rules:
            t.missing.append("dashboard /caseload")
        big = db.session.scalar(sa.select(User.email).where(User.email == COUNSELOR_BIG))
        t.counselor_big = big
        for path in ("/me/journal", "/journal"):
            if path in rules:
                t.journal_list = path
                break
        else:
            t.missing.append("client journal list /me/journal")
        news = sorted(r for r in rules if "journal" in r and r.endswith("/new") and "<" not in r)
        t.journal_new = news[0] if news else None
        if t.journal_new is None:
            t.missing.append("new journal entry form")
        feed = [r.rule for r in _rules(app) if r.endpoint == "journal.shared_feed"]
        t.shared_feed = feed[0] if feed and "<" not in feed[0] else None
        t.pdf_rule = _pdf_rule(app)
        if t.pdf_rule is None:
            t.missing.append("session summary PDF")

        def partner(case: Case, role: MemberRole) -> str | None:
            return db.session.scalar(
                sa.select(User.email)
                .join(CaseMember, CaseMember.user_id == User.id)
                .where(CaseMember.case_id == case.id, CaseMember.role == role)
            )

        t.journal_client = partner(first, MemberRole.PARTNER_A) or ""
        couples = [c for c in cases if c.kind.value == "couple" and c.status.value == "active"]
        t.writers = [partner(c, MemberRole.PARTNER_A) for c in couples[1:4]]
        t.readers = [partner(c, MemberRole.PARTNER_B) for c in couples[1:4]]
        t.big_pdf_clients = [partner(c, MemberRole.PARTNER_B) for c in couples[4:7]]
        t.long_sessions = list(
            db.session.scalars(
                sa.select(CounselingSession.id)
                .join(SessionNote, SessionNote.session_id == CounselingSession.id)
                .where(CounselingSession.case_id == first.id)
                .order_by(CounselingSession.starts_at)
            )
        )
        db.engine.dispose()
    return t
