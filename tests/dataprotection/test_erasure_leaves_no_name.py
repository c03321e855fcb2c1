"""Issue 19.11: after erasing a client, no page of the counselor, the partner or the admin names them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Assignment, Case, CaseStatus, CaseStatusChange, User
from app.services.erasure import NAME_REDACTION, name_words, redact_names
from tests.dataprotection.conftest import plant_couple

ALEX = "Alexandra Quillfeather"
SAM = "Sam Okonkwo"


@pytest.fixture
def named_couple(app, factory):
    """The planted couple, with real names in the label, a status reason and a note."""
    planted = plant_couple(app, factory)
    with app.app_context():
        alex = db.session.get(User, planted.a_id)
        alex.name = ALEX
        db.session.get(User, planted.b_id).name = SAM
        case = db.session.get(Case, planted.case_id)
        case.label = "Alexandra & Sam Q./O."
        db.session.add(
            CaseStatusChange(
                case_id=case.id,
                from_status=CaseStatus.INTAKE,
                to_status=CaseStatus.ACTIVE,
                reason="alexandra asked to start after the holidays",
                changed_by_id=planted.counselor_id,
            )
        )
        assignment = db.session.scalars(sa.select(Assignment)).one()
        assignment.note = "Quillfeather: take your time; Sam, you too."
        db.session.commit()
    return planted


def _pages(planted) -> dict[str, list[str]]:
    case = planted.case_id
    return {
        "counselor": ["/caseload", f"/cases/{case}", "/caseload/journal"],
        "partner": ["/me", "/me/journal", "/me/journal/shared"],
        "admin": ["/admin", "/admin/audit", "/admin/erasure"],
    }


def test_no_page_names_the_erased_client(app, named_couple, factory, login_as):
    planted = named_couple
    admin = login_as(factory.admin())
    response = admin.post(
        f"/admin/erasure/{planted.a_id}",
        data={"email": planted.a_email, "reason": "Written request of the client, 27 Nov"},
    )
    assert response.status_code == 302
    with app.app_context():
        counselor = db.session.get(User, planted.counselor_id).email
    clients = {
        "counselor": login_as(counselor),
        "partner": login_as(planted.b_email),
        "admin": admin,
    }
    forbidden = ["alexandra", "quillfeather", planted.a_email.split("@")[0]]
    for who, paths in _pages(planted).items():
        for path in paths:
            response = clients[who].get(path)
            assert response.status_code == 200, (who, path)
            page = response.get_data(as_text=True).casefold()
            assert [w for w in forbidden if w in page] == [], (who, path)
    # What is not the erased client's name stays: the partner's name, the rest of the label.
    case_page = clients["counselor"].get(f"/cases/{planted.case_id}").get_data(as_text=True)
    assert SAM in case_page and NAME_REDACTION in case_page
    with app.app_context():
        note = db.session.scalars(sa.select(Assignment)).one().note
        assert note == f"{NAME_REDACTION}: take your time; Sam, you too."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Alex & Sam", "[erased] & Sam"),
        ("RIVERA couple", "[erased] couple"),
        ("Alexander and Sam", "Alexander and Sam"),  # a longer word is another name
        ("alex.rivera's case", "[erased].[erased]'s case"),
        (None, None),
    ],
)
def test_redaction_replaces_whole_words_of_the_name(text, expected):
    assert redact_names(text, name_words("Alex Rivera", "arivera@example.test")) == expected
