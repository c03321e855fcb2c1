"""The case page's list of blocked modules (one statement) agrees with ``module_blocked``."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import StrategyModule
from app.policy import safety as safety_policy
from app.services.modules import load_builtin_modules
from tests.intake.conftest import WORRIED, answer_check


def _agree(app, case_id: int) -> list[str]:
    """The blocked slugs, after checking the one-statement read against the rule per module."""
    with app.app_context():
        modules = list(db.session.scalars(sa.select(StrategyModule)))
        one_by_one = sorted(m.slug for m in modules if safety_policy.module_blocked(case_id, m.id))
        together = sorted(m.slug for m in safety_policy.blocked_modules(case_id))
        assert together == one_by_one
        return together


def test_blocked_modules_follow_the_concern_and_the_override(app, couple, login_as):
    counselor, case, a, _b = couple
    with app.app_context():
        load_builtin_modules()
        db.session.commit()
        module_id = db.session.scalar(
            sa.select(StrategyModule.id).where(StrategyModule.slug == "reestablish-communication")
        )
    assert _agree(app, case.id) == []
    answer_check(login_as(a), case.id, WORRIED)
    assert _agree(app, case.id) == ["reestablish-communication"]
    login_as(counselor).post(
        f"/cases/{case.id}/intake/caution-override",
        data={"module_id": module_id, "reason": "Both asked, seen alone."},
    )
    assert _agree(app, case.id) == []
    # A newer concern needs a newer override.
    answer_check(login_as(a), case.id, WORRIED)
    assert _agree(app, case.id) == ["reestablish-communication"]
