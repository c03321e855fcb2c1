"""The practice admin edits the consent texts and sees which versions are signed (metadata)."""

from __future__ import annotations

from app.intake import consents
from app.models import ConsentKind


def test_admin_publishes_a_new_version_and_sees_counts_only(app, couple, intake, factory, login_as):
    _counselor, case, a, b = couple
    intake.publish_defaults()
    intake.sign_all(a, case)
    admin = login_as(factory.admin())
    page = admin.get("/admin/consents").get_data(as_text=True)
    assert page.count("<td>1</td>") == 3  # one signature of each current version
    assert a.name not in page and b.name not in page and "192.0.2.1" not in page
    form = admin.get("/admin/consents/treatment").get_data(as_text=True)
    assert "I agree to take part in counseling" in form
    response = admin.post(
        "/admin/consents/treatment", data={"title": "Consent", "text": "A shorter consent."}
    )
    assert response.status_code == 303
    with app.app_context():
        current = consents.current_documents()[ConsentKind.TREATMENT]
        assert current.text == "A shorter consent." and current.sha256 == consents.sha256(
            "A shorter consent."
        )
    page = admin.get("/admin/consents").get_data(as_text=True)
    assert "(current)" in page and page.count("<td>0</td>") >= 1


def test_unchanged_text_makes_no_version_and_blank_text_is_refused(intake, factory, login_as):
    intake.publish_defaults()
    admin = login_as(factory.admin())
    title, text = "Consent to couples counseling", None
    from app.intake.consents import shipped_text

    title, text = shipped_text(ConsentKind.TREATMENT)
    admin.post("/admin/consents/treatment", data={"title": title, "text": text + "\n"})
    assert "no new version was made" in admin.get("/admin/consents").get_data(as_text=True)
    response = admin.post("/admin/consents/treatment", data={"title": "T", "text": "   "})
    assert response.status_code == 422
    assert "Write the text." in response.get_data(as_text=True)


def test_a_kind_never_published_starts_from_the_shipped_text(factory, login_as):
    page = login_as(factory.admin()).get("/admin/consents/electronic").get_data(as_text=True)
    assert "I agree that the practice may contact me" in page


def test_the_case_page_shows_each_partners_consent_state(couple, intake, login_as):
    counselor, case, a, b = couple
    intake.publish_defaults()
    intake.sign_all(a, case)
    intake.publish(ConsentKind.ELECTRONIC, "A new electronic consent.")
    page = login_as(counselor).get(f"/cases/{case.id}").get_data(as_text=True)
    text = " ".join(page.split())
    assert 'Alex Rivers</strong>: <span class="badge text-bg-warning">waiting to sign' in text
    assert "to sign again (new version or policy)" in text
    assert "Consent to counseling: signed" in text
    assert 'Sam Rivers</strong>: <span class="badge text-bg-warning">waiting to sign' in text
    assert "Consent to counseling: not signed yet" in text
