"""Positive controls for the canary search: where a canary may be seen, it is found.

Without these, a canary search that silently never matched (wrong field, wrong encoding,
PDF text not extracted) would make the matrix's "0 hits" meaningless.
"""

from __future__ import annotations

import pytest

from tests.security.checks import response_text


@pytest.mark.parametrize(
    ("role", "path", "canary"),
    [
        ("A", "/me/journal/{a_private_entry}", "a_private_entry"),
        ("B", "/me/journal/shared/{a_entry_for_both}", "a_entry_for_both"),
        ("C", "/caseload/journal/{b_entry_for_counselor}", "b_entry_for_counselor"),
        ("O", "/caseload/journal/{x_entry_for_counselor}", "x_entry_for_counselor"),
        ("C", "/cases/{case1_case}/sessions/{case1_session}", "c_process_note"),
        ("C", "/cases/{case1_case}/sessions/{case1_session}", "c_note_assessment"),
        ("A", "/me/export.json", "a_private_entry"),
        ("A", "/me/export.json", "a_answer_shared"),
        ("B", "/me/export.json", "b_answer_counselor_only"),
    ],
)
def test_allowed_reader_finds_the_canary(world, clients, role, path, canary):
    response = clients[role].get(path.format(**world.ids))
    assert response.status_code == 200
    assert world.canaries[canary] in response_text(response)


def test_pdf_text_is_searched(world, clients):
    path = "/cases/{case1_case}/sessions/{case1_session}/summary.pdf".format(**world.ids)
    response = clients["C"].get(path)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert world.canaries["c_note_assessment"] in response_text(response)


def test_export_pdf_text_is_searched(world, clients):
    response = clients["A"].get("/me/export.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert world.canaries["a_private_entry"] in response_text(response)


def test_client_copy_pdf_leaves_out_clinical_and_process_notes(world, clients):
    """AC-3: the copy made for the couple has their focus, never the clinical or process notes."""
    path = "/cases/{case1_case}/sessions/{case1_session}/summary.pdf".format(**world.ids)
    response = clients["C"].get(path, query_string={"copy": "client"})
    assert response.status_code == 200
    text = response_text(response)
    assert "Listening to each other." in text
    for name in ("c_process_note", "c_note_assessment", "b_private_entry", "a_private_entry"):
        assert world.canaries[name] not in text, name
