"""Demo assignments in every status; the case-page and client-home sections."""

import sqlalchemy as sa
from sqlalchemy import event

from app.assignments.sections import assignments_section
from app.extensions import db
from app.models import AssignmentRecipient, AssignmentStatus, Case, Response


def test_demo_has_every_status_and_shared_answers(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        rivera = db.session.scalar(sa.select(Case).where(Case.label == "Rivera couple"))
        statuses = set(
            db.session.scalars(
                sa.select(AssignmentRecipient.status)
                .join(AssignmentRecipient.assignment)
                .where(AssignmentRecipient.assignment.property.mapper.class_.case_id == rivera.id)
            )
        )
        assert statuses == set(AssignmentStatus)
        visibilities = {r.visibility.value for r in db.session.scalars(sa.select(Response))}
        assert {"counselor", "counselor_and_partner"} <= visibilities


def test_demo_alex_sees_sams_shared_answer(app, runner):
    runner.invoke(args=["seed-demo"])
    client = app.test_client()
    client.post("/login", data={"email": "alex@demo.rekindle.test", "password": "rekindle-demo"})
    home = client.get("/me").get_data(as_text=True)
    assert "What to do next" in home
    listing = client.get("/me/exercises").get_data(as_text=True)
    assert "Reflect on the relationship" in listing


def _count_queries(app, fn):
    statements = []

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            fn()
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def test_case_section_queries_do_not_grow(app, couple, give):
    def load():
        with app.test_request_context():
            case = db.session.get(Case, couple.case.id)
            section = assignments_section(couple.counselor, case)
            rendered = [
                (a.module_version.title, [r.user.name for r in a.recipients])
                for a in section["assignments"]
            ]
            assert rendered

    give(couple.case, [couple.a, couple.b])
    one = _count_queries(app, load)
    for slug in (
        "give-each-other-space",
        "focus-on-personal-growth",
        "work-on-yourselves-as-a-couple",
    ):
        give(couple.case, [couple.a, couple.b], slug)
    assert _count_queries(app, load) == one <= 4


def test_client_home_shows_next_exercise_first(app, login_as, couple, give):
    give(couple.case, [couple.a, couple.b], "give-each-other-space")
    home = login_as(couple.a).get("/me").get_data(as_text=True)
    assert "What to do next" in home
    assert "How much space do I need right now?" in home


def test_client_home_query_count_is_constant(app, login_as, couple, give):
    give(couple.case, [couple.a, couple.b])
    client = login_as(couple.a)
    client.get("/me")

    def fetch():
        assert client.get("/me").status_code == 200

    one = _count_queries(app, fetch)
    for slug in ("give-each-other-space", "focus-on-personal-growth"):
        give(couple.case, [couple.a, couple.b], slug)
    assert _count_queries(app, fetch) == one
