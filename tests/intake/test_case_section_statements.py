"""The intake section of the case page reads nothing of its own, with every fact present.

The performance test measures the bench data; this one fills what used to make the section read
more (published documents, signatures, a waiver, "Limited secrets", a raised concern). Alone,
the section costs the case page's one shared read (app.services.case_page_read); on the page,
which issues that read before its sections, nothing (docs/performance.md T1).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.intake import consents, sections
from app.models import Case, CaseMember, ConfidentialityPolicy, User
from bench.querycount import is_counted
from tests.intake.conftest import WORRIED, answer_check


def _statements_of_section(app, counselor: User, case: Case) -> int:
    issued: list[str] = []

    def listener(conn, cursor, statement, *_):
        if is_counted(statement):
            issued.append(statement)

    with app.app_context():
        viewer = db.session.get_one(User, counselor.id)
        # As the case page loads it: with its members and their users.
        loaded = (
            db.session.scalars(
                sa.select(Case)
                .where(Case.id == case.id)
                .options(joinedload(Case.members).joinedload(CaseMember.user))
            )
            .unique()
            .one()
        )
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            context = sections.case_intake_section(viewer, loaded)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
    assert context is not None
    return len(issued)


@pytest.mark.parametrize(
    ("policy", "concern"),
    [
        (None, False),
        (ConfidentialityPolicy.NO_SECRETS, True),
        (ConfidentialityPolicy.LIMITED_SECRETS, False),
        (ConfidentialityPolicy.LIMITED_SECRETS, True),
    ],
)
def test_the_intake_section_reads_a_fixed_few_statements(
    app, couple, intake, login_as, policy, concern
):
    counselor, case, a, b = couple
    intake.publish_defaults()
    if policy is not None:
        intake.set_policy(case, counselor, policy)
    intake.sign_all(a, case)
    with app.app_context():
        consents.waive(
            db.session.get_one(User, counselor.id),
            db.session.get_one(Case, case.id),
            db.session.scalars(
                sa.select(CaseMember).where(
                    CaseMember.case_id == case.id, CaseMember.user_id == b.id
                )
            ).one(),
            "Signed on paper.",
        )
        db.session.commit()
    if concern:
        answer_check(login_as(a), case.id, WORRIED)
    # The one statement is the shared read every section of the page takes its part of.
    assert _statements_of_section(app, counselor, case) == 1
    assert sections.CASE_STATEMENTS == 0
