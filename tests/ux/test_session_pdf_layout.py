"""The session PDFs read cleanly (issue ux-pass, item 13).

* No word in a table cell or a label is hyphenated: the text is extracted with poppler's
  ``pdftotext`` (line by line, as printed) and every line that ends in "-" is checked: the
  two halves joined must not be a word the document holds unbroken (a compound such as
  "start-up" may still break at its own hyphen).
* A short summary (a note, two trends, nothing else) fits on one page: no near-empty page 2.
* The client copy names the counselor who wrote it.
"""

from __future__ import annotations

import re
import subprocess

import pytest

from app.extensions import db
from app.models import Assignment, AssignmentRecipient, AssignmentStatus, User
from tests.browser.conftest import ARTIFACTS
from tests.pdf.helpers import give_homework

PROSE = (
    "Both partners described a week of calmer evenings, fewer misunderstandings and "
    "considerably more acknowledgement of each other's responsibilities at home; "
    "conversations about finances remained uncomfortable but were interrupted less often. "
)
NARROW = {  # prose that wraps many times, and no compound words: any "-" at a line end is ours
    "data": PROSE * 3,
    "assessment": "Understanding is growing; acknowledgement comes sooner. " * 3,
    "plan": "Continue gentle beginnings and the appreciation exercise.",
    "focus": "We practised starting uncomfortable conversations gently and respectfully. " * 2,
    "next_steps": "Try one gentle beginning each day.",
}
SHORT = {
    "data": "Both described a calmer week.",
    "assessment": "Steady progress.",
    "plan": "Keep going.",
    "focus": "We practised gentle beginnings.",
    "next_steps": "One gentle beginning each day.",
}
MODULES = (
    "Reestablishing communication after misunderstandings",
    "Acknowledgement practice for overwhelmed households",
)


def _pdftotext(data: bytes, tmp_path) -> str:
    pdf = tmp_path / "summary.pdf"
    pdf.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def _pages(data: bytes, tmp_path) -> int:
    pdf = tmp_path / "pages.pdf"
    pdf.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


def _pdf(login_as, counselor, case, sid, copy) -> bytes:
    response = login_as(counselor).get(f"/cases/{case.id}/sessions/{sid}/summary.pdf?copy={copy}")
    assert response.status_code == 200, response.data[:300]
    return response.data


@pytest.fixture
def long_summary(app, factory, build):
    counselor = factory.counselor(name="Dr. Morgan Lee")
    alex = factory.client(name="Alexandria Montgomery")
    sam = factory.client(name="Samuel Rivera")
    case = factory.case(counselor, [alex, sam], label="Montgomery and Rivera")
    sid = build.session(case, attendees=[alex, sam], sections=NARROW, signed_by=counselor)
    build.check_ins(case, alex)
    build.check_ins(case, sam)
    for title in MODULES:
        give_homework(app, case, sid, [alex, sam], title=title)
    with app.app_context():
        statuses = iter(AssignmentStatus)
        for recipient in db.session.query(AssignmentRecipient).order_by(AssignmentRecipient.id):
            recipient.status = next(statuses, AssignmentStatus.ASSIGNED)
        db.session.commit()
    return counselor, case, sid


@pytest.mark.parametrize("copy", ["clinician", "client"])
def test_no_word_in_a_cell_or_label_is_hyphenated(login_as, long_summary, tmp_path, copy):
    counselor, case, sid = long_summary
    data = _pdf(login_as, counselor, case, sid, copy)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"narrow-cells-{copy}.pdf").write_bytes(data)
    text = _pdftotext(data, tmp_path)
    words = " ".join(text.split())
    for word in " ".join(MODULES).split():
        assert word in words, f"{word!r} is broken in the {copy} copy"
    if copy == "clinician":
        for label in ("Not started", "In progress", "Submitted", "Reviewed", "Given as homework"):
            assert label in words, f"{label!r} is broken in the clinician copy"
    # pdftotext -layout prints each printed line once, columns side by side: a hyphen that
    # ends a column's line is one the layout inserted (the test text has no compounds).
    hyphenated = [
        line.strip() for line in text.splitlines() if re.search(r"[A-Za-z]-(\s{2,}|\s*$)", line)
    ]
    assert hyphenated == [], hyphenated


def test_a_short_summary_fits_on_one_page(login_as, factory, build, tmp_path):
    counselor = factory.counselor()
    case, alex, sam = factory.couple(counselor)
    sid = build.session(case, attendees=[alex, sam], sections=SHORT, signed_by=counselor)
    build.check_ins(case, alex)
    build.check_ins(case, sam)
    data = _pdf(login_as, counselor, case, sid, "clinician")
    (ARTIFACTS / "short-summary.pdf").write_bytes(data)
    assert _pages(data, tmp_path) == 1


def test_the_client_copy_names_its_counselor(app, login_as, long_summary, tmp_path):
    counselor, case, sid = long_summary
    text = " ".join(_pdftotext(_pdf(login_as, counselor, case, sid, "client"), tmp_path).split())
    assert "Written by Dr. Morgan Lee, your counselor." in text
    with app.app_context():
        email = db.session.get(User, counselor.id).email
    assert email not in text  # the name, not the address, travels in the couple's copy


def test_statuses_in_fixture_cover_every_label(app, long_summary):
    with app.app_context():
        seen = {r.status for r in db.session.query(AssignmentRecipient)}
        assert db.session.query(Assignment).count() == 2
    assert seen == set(AssignmentStatus)
