"""The session summary: clinician copy with measures; client copy only when included, and
only for an individual (a couple's copy never shows a partner's measures)."""

from datetime import timedelta

from app.extensions import db
from app.models import CounselingSession, MeasureCadence, utcnow
from tests.measures.conftest import positions_for


def _session(app, case, counselor) -> int:
    from tests.sessions.conftest import SessionBuilder

    return SessionBuilder(app).session(case, starts_at=utcnow() + timedelta(hours=1))


def _context(app, case_id, session_id, copy):
    from app.measures import summary
    from app.models import Case, User
    from app.services import sessions as session_service

    with app.app_context():
        case = db.session.get(Case, case_id)
        meeting = db.session.get(CounselingSession, session_id)
        members = session_service.case_clients(case.id)
        if copy == "client":
            return summary.for_client(case, members, meeting)
        counselor = db.session.get(User, case.counselor_id)
        return summary.for_clinician(counselor, case, members, meeting)


def test_individual_client_copy_shows_measures_only_when_included(
    app, factory, login_as, schedule_measure, answer
):
    counselor, client = factory.counselor(), factory.client()
    case = factory.case(counselor, [client])

    class One:
        pass

    one = One()
    one.case, one.counselor, one.a = case, counselor, client
    schedule = schedule_measure(one, "GAD-7", cadence=MeasureCadence.ONCE, share=True)
    answer(login_as(client), schedule, positions_for("GAD-7", 8))
    session_id = _session(app, case, counselor)
    assert _context(app, case.id, session_id, "client") is None
    assert _context(app, case.id, session_id, "clinician")["all"].trends
    c = login_as(counselor)
    page = c.get(f"/cases/{case.id}/sessions/{session_id}").get_data(as_text=True)
    assert "Measures in the client PDF: <strong>left out</strong>" in page
    c.post(f"/cases/{case.id}/sessions/{session_id}/client-measures", data={"include": "1"})
    shown = _context(app, case.id, session_id, "client")
    assert shown and shown["trends"][0].points[0].total == 8
    page = c.get(f"/cases/{case.id}/sessions/{session_id}").get_data(as_text=True)
    assert "Measures in the client PDF: <strong>shown</strong>" in page


def test_couple_client_copy_never_shows_measures(app, couple, login_as, schedule_measure, answer):
    schedule = schedule_measure(couple, "CSI-16", share=True)
    answer(login_as(couple.a), schedule, positions_for("CSI-16", 40))
    answer(login_as(couple.b), schedule, positions_for("CSI-16", 70))
    session_id = _session(app, couple.case, couple.counselor)
    c = login_as(couple.counselor)
    c.post(f"/cases/{couple.case.id}/sessions/{session_id}/client-measures", data={"include": "1"})
    assert _context(app, couple.case.id, session_id, "client") is None
    clinician = _context(app, couple.case.id, session_id, "clinician")
    assert len(clinician["all"].trends) == 2 and len(clinician["all"].gaps) == 1
