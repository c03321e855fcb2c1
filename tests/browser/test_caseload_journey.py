"""Journey: a counselor creates a couple case and both partners join through their links."""

from tests.browser.conftest import DESKTOP, PHONE
from tests.caseload.builders import populate_caseload
from tests.conftest import TEST_PASSWORD

COUPLES = [
    ("Okafor & Lindqvist", "Robin Okafor", "Casey Lindqvist"),
    ("Nakamura couple", "Taylor Nakamura", "Jamie Nakamura"),
    ("Santos couple", "Emerson Santos", "Kai Santos"),
    ("Adeyemi & Moreau", "Sasha Adeyemi", "Noor Moreau"),
]


def test_counselor_creates_couple_and_partners_join(app, factory, new_visitor):
    counselor = factory.counselor(name="Dr. Morgan Lee")
    # A lived-in caseload, so the screenshots show the dashboard as counselors will see it.
    populate_caseload(app, counselor.id, 4, couples=COUPLES)
    factory.case(counselor, [factory.client(name="Devon Park")], label="Devon Park")
    visitor = new_visitor("counselor")
    visitor.login(counselor.email, TEST_PASSWORD)
    page = visitor.page
    assert page.url.endswith("/caseload")
    visitor.check_page()
    visitor.screenshot("dashboard-desktop")
    visitor.screenshot("dashboard-phone", viewport=PHONE)
    page.set_viewport_size(DESKTOP)

    page.click("text=New case")
    page.wait_for_url("**/cases/new")
    visitor.check_page()
    page.fill("#label", "Harper couple")
    page.fill("#a_name", "Billie Harper")
    page.fill("#a_email", "billie@example.test")
    page.fill("#b_name", "Frankie Harper")
    page.fill("#b_email", "frankie@example.test")
    visitor.screenshot("new-case-desktop")
    page.click("button:has-text('Create case')")
    page.wait_for_url("**/cases/*")
    assert "Harper couple" in page.inner_text("h1")
    visitor.check_page()

    fields = page.locator("[data-invite-link]")
    assert fields.count() == 2
    links = [fields.nth(i).input_value() for i in range(2)]
    assert all("/invite/" in link for link in links)
    page.locator("[data-copy-target]").first.click()
    page.wait_for_selector("button:has-text('Copied')")
    visitor.screenshot("case-desktop")
    visitor.screenshot("case-phone", viewport=PHONE)

    for name, link in zip(("billie", "frankie"), links, strict=True):
        partner = new_visitor(name, viewport=PHONE)
        partner.page.goto(link)
        partner.check_page()
        partner.page.fill("#password", f"{name} likes long quiet walks")
        partner.page.fill("#confirm", f"{name} likes long quiet walks")
        if name == "billie":
            partner.screenshot("invitation-phone")
        partner.page.click("button[type=submit]")
        partner.page.wait_for_url("**/me")
        assert "Harper couple" in partner.page.inner_text("main")
        partner.check_page()

    page.reload()
    assert page.locator("text=Joined").count() == 2
    assert page.locator("[data-invite-link]").count() == 0
    visitor.check_page()


def test_admin_adds_a_counselor_and_reassigns_a_case(app, factory, new_visitor):
    admin = factory.admin(name="Avery Admin")
    first = factory.counselor(name="Dr. Morgan Lee")
    second = factory.counselor(name="Jordan Ellis")
    factory.case(first, [factory.client(), factory.client()], label="Nakamura couple")
    visitor = new_visitor("admin")
    visitor.login(admin.email, TEST_PASSWORD)
    page = visitor.page
    page.fill("#name", "Dr. Kit Moss")
    page.fill("#email", "kit.moss@example.test")
    page.click("button:has-text('Add counselor')")
    page.wait_for_selector("[data-invite-link]")
    link = page.locator("[data-invite-link]").input_value()
    assert "/invite/" in link
    visitor.check_page()
    # One reassign form for the list (issue ux-pass, item 12): choose the case, then who.
    page.check("input[name=case]")
    page.select_option("#reassign-to", label=second.name)
    page.click("button:has-text('Reassign')")
    page.wait_for_selector("text=is now with Jordan Ellis")
    visitor.check_page()
    visitor.screenshot("admin-desktop")
    visitor.screenshot("admin-phone", viewport=PHONE)

    newcomer = new_visitor("kit", viewport=PHONE)
    newcomer.page.goto(link)
    newcomer.page.fill("#password", "kit keeps a tidy caseload")
    newcomer.page.fill("#confirm", "kit keeps a tidy caseload")
    newcomer.page.click("button[type=submit]")
    newcomer.page.wait_for_url("**/caseload")
    newcomer.check_page()
