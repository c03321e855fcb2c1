"""Each signature yields a PDF of exactly what was signed; its text hashes to the version's."""

from __future__ import annotations

import hashlib
import re

import pytest

from app.extensions import db
from app.intake import consents
from app.models import ConfidentialityPolicy, ConsentDocument, ConsentKind
from tests.pdf.helpers import fetch_pdf, pdf_text


def _collapsed(text: str) -> str:
    return " ".join(text.split())


def _signed_body(pdf: str, title: str) -> str:
    """The text between the "The text you signed" heading and its end marker."""
    marker = "THE TEXT YOU SIGNED"  # the kicker is set in capitals
    start = pdf.index(marker, pdf.index(title)) + len(marker)
    return pdf[start : pdf.index("End of the signed text.")].strip()


@pytest.mark.parametrize("kind", [ConsentKind.TREATMENT, ConsentKind.ELECTRONIC])
def test_signed_pdf_text_hashes_to_the_version(app, couple, intake, login_as, kind):
    _counselor, case, a, _b = couple
    intake.publish_defaults()
    intake.sign_all(a, case)
    with app.app_context():
        document = consents.current_documents()[kind]
        version_text, version_hash, title = document.text, document.sha256, document.title
    signature = next(s for s in intake.signatures(a.id) if s.version_sha256 == version_hash)
    text = pdf_text(fetch_pdf(login_as(a), f"/me/consents/signed/{signature.id}.pdf").data)
    body = _signed_body(text, title)
    # The PDF shows the version's words, and nothing else, in that order.
    assert body == _collapsed(version_text)
    assert (
        hashlib.sha256(body.encode()).hexdigest()
        == hashlib.sha256(_collapsed(version_text).encode()).hexdigest()
    )
    # The hash printed under the signature is the version's, and the version's is its text's.
    assert version_hash in re.sub(r"\s", "", text)
    assert version_hash == hashlib.sha256(version_text.encode()).hexdigest()
    assert "Alex Rivers" in text and "192.0.2.1" in text


def test_the_agreement_pdf_shows_the_policy_signed(app, couple, intake, login_as):
    counselor, case, a, _b = couple
    intake.publish_defaults()
    intake.set_policy(case, counselor, ConfidentialityPolicy.LIMITED_SECRETS)
    intake.sign_all(a, case)
    intake.set_policy(case, counselor, ConfidentialityPolicy.SECRETS_KEPT)  # later change
    with app.app_context():
        document = consents.current_documents()[ConsentKind.CONFIDENTIALITY]
        title = document.title
    signature = next(s for s in intake.signatures(a.id) if s.policy is not None)
    text = pdf_text(fetch_pdf(login_as(a), f"/me/consents/signed/{signature.id}.pdf").data)
    body = _signed_body(text, title)
    assert "Confidentiality policy: Limited secrets" in body
    assert "Secrets kept" not in body
    with app.app_context():
        from app.intake.documents import text_signed
        from app.models import ConsentSignature

        row = db.session.get_one(ConsentSignature, signature.id)
        _doc, signed = text_signed(row)
    assert hashlib.sha256(signed.encode()).hexdigest() == signature.signed_text_sha256
    assert body == _collapsed(signed)


def test_only_the_signer_gets_the_pdf(couple, intake, login_as):
    counselor, case, a, b = couple
    intake.publish_defaults()
    intake.sign_all(a, case)
    intake.sign_all(b, case)
    signature = intake.signatures(a.id)[0]
    for other in (b, counselor):
        assert login_as(other).get(f"/me/consents/signed/{signature.id}.pdf").status_code == 404


def test_the_version_hash_is_the_hash_of_its_canonical_text(app):
    with app.app_context():
        document = consents.publish(ConsentKind.TREATMENT, "T", "  One line.  \r\n\r\nTwo.\n", None)
        assert document.text == "One line.\n\nTwo."
        assert document.sha256 == hashlib.sha256(b"One line.\n\nTwo.").hexdigest()
        again = consents.publish(ConsentKind.TREATMENT, "T", "One line.\n\nTwo.", None)
        assert again.id == document.id
        assert db.session.query(ConsentDocument).count() == 1
