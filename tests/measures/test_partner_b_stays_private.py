"""A canary answer and every score of partner B reach no page, count, export, PDF or
notification of partner A, another counselor or the practice admin (parametrized)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import CounselingSession, MeasureCadence, MeasureResponse, Notification, utcnow
from tests.measures.conftest import positions_for
from tests.security.checks import response_text

#: What only B's measures produce: B's own questionnaire (PHQ-9, scored 18: moderately
#: severe) and B's CSI-16 total of 17 as the pages, the caseload and the PDFs print it.
CANARIES = {
    "b_phq9": "PHQ-9",
    "b_phq9_band": "Moderately severe",
    "b_csi_cell": "<td>17</td>",
    "b_csi_total": "CSI-16 17",
    "b_csi_text": "17 (Notable relationship dissatisfaction)",
}


@pytest.fixture
def world(app, couple, factory, schedule_measure, login_as, answer):
    """A answers CSI-16 (71, shared with A); B answers CSI-16 (17) and a PHQ-9 for B (18)."""
    csi = schedule_measure(couple, "CSI-16", cadence=MeasureCadence.WEEKLY, share=True)
    phq = schedule_measure(
        couple, "PHQ-9", who=str(couple.b.id), cadence=MeasureCadence.ONCE, share=True
    )
    a, b = login_as(couple.a), login_as(couple.b)
    assert answer(a, csi, positions_for("CSI-16", 71)).status_code == 302
    assert answer(b, csi, positions_for("CSI-16", 17)).status_code == 302
    assert answer(b, phq, positions_for("PHQ-9", 18)).status_code == 302
    with app.app_context():
        session = CounselingSession(
            case_id=couple.case.id,
            counselor_id=couple.counselor.id,
            starts_at=utcnow() + timedelta(hours=1),
        )
        db.session.add(session)
        db.session.commit()
        b_sheets = list(
            db.session.scalars(
                sa.select(MeasureResponse.id).where(MeasureResponse.user_id == couple.b.id)
            )
        )
        session_id = session.id
    other = factory.counselor()
    factory.case(other, [factory.client(), factory.client()])
    return {
        "case": couple.case.id,
        "session": session_id,
        "b_sheet": b_sheets[0],
        "clients": {
            "A": a,
            "O": login_as(other),
            "admin": login_as(factory.admin()),
            "C": login_as(couple.counselor),
        },
        "couple": couple,
    }


SEEN_BY_NOBODY_BUT_C = [
    ("A", "/me"),
    ("A", "/me/measures/results"),
    ("A", "/me/export.json"),
    ("A", "/me/export.pdf"),
    ("A", "/me/measures/sent/{b_sheet}"),
    ("O", "/caseload"),
    ("O", "/cases/{case}"),
    ("O", "/cases/{case}/measures"),
    ("O", "/cases/{case}/measures/responses/{b_sheet}"),
    ("O", "/cases/{case}/measures/responses/{b_sheet}/fhir.json"),
    ("admin", "/admin"),
    ("admin", "/admin/audit"),
    ("admin", "/cases/{case}/measures"),
    ("admin", "/cases/{case}/measures/responses/{b_sheet}/fhir.json"),
    # The couple's own copy of the summary, made by their counselor.
    ("C", "/cases/{case}/sessions/{session}/summary.pdf?copy=client"),
]


@pytest.mark.parametrize(("who", "path"), SEEN_BY_NOBODY_BUT_C)
def test_no_canary_reaches_them(world, who, path):
    response = world["clients"][who].get(path.format(**world))
    text = response_text(response)
    found = [name for name, canary in CANARIES.items() if canary in text]
    assert found == [], (who, path, response.status_code)


@pytest.mark.parametrize(
    ("path", "canary"),
    [
        ("/cases/{case}/measures", "b_csi_cell"),
        ("/cases/{case}/measures", "b_phq9_band"),
        ("/cases/{case}", "b_csi_total"),
        ("/caseload", "b_csi_total"),
        ("/cases/{case}/sessions/{session}/summary.pdf", "b_csi_text"),
        ("/cases/{case}/measures/responses/{b_sheet}/fhir.json", "b_csi_total"),
    ],
)
def test_positive_control_the_counselor_finds_them(world, path, canary):
    response = world["clients"]["C"].get(path.format(**world))
    assert response.status_code == 200
    text = response_text(response)
    if canary == "b_csi_total" and path.endswith("fhir.json"):
        assert '"valueInteger":17' in text.replace(" ", "")
    else:
        assert CANARIES[canary] in text, path


def test_a_sees_own_shared_result_only(world):
    text = world["clients"]["A"].get("/me/measures/results").get_data(as_text=True)
    assert "Above the distress cutoff" in text and ">71<" in text
    assert ">17<" not in text


@pytest.mark.parametrize("who", ["A", "O", "admin"])
def test_no_notification_of_bs_measures(app, world, who):
    couple = world["couple"]
    with app.app_context():
        keys = list(db.session.scalars(sa.select(Notification.key)))
    b_only = [k for k in keys if f":{couple.b.id}:" in k]
    with app.app_context():
        recipients = set(
            db.session.scalars(
                sa.select(Notification.recipient_id).where(Notification.key.in_(b_only))
            )
        )
    assert recipients <= {couple.b.id}


def test_partner_a_cannot_touch_bs_sheets(world):
    a = world["clients"]["A"]
    assert a.get("/me/measures/sent/{b_sheet}".format(**world)).status_code == 404
    assert a.get("/cases/{case}/measures".format(**world)).status_code == 404
