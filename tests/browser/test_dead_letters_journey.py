"""Journey: the admin finds an undelivered notification, reads its metadata and tries again."""

from __future__ import annotations

from datetime import UTC, datetime

from app.extensions import db
from app.models import Notification, NotificationState
from tests.browser.conftest import PHONE
from tests.conftest import TEST_PASSWORD


def test_the_admin_tries_an_undelivered_notification_again(app, factory, new_visitor, tmp_path):
    app.config["MAIL_FILE_DIR"] = str(tmp_path / "mail")
    case, a, _b = factory.couple()
    admin = factory.admin()
    with app.app_context():
        db.session.add(
            Notification(
                key="assignment.overdue:1:2026-06-11",
                recipient_id=a.id,
                kind="assignment.overdue",
                case_id=None,
                about_type="notification",
                about_id=None,
                state=NotificationState.DEAD,
                attempts=8,
                last_error="SMTPDataError 451",
                message_id="<0123456789abcdef@rekindle.test>",
                due_at=datetime(2026, 6, 10, 12, tzinfo=UTC),
                next_attempt_at=datetime(2026, 6, 10, 12, tzinfo=UTC),
                dead_at=datetime(2026, 6, 10, 15, tzinfo=UTC),
            )
        )
        db.session.commit()
    visitor = new_visitor("admin")
    visitor.login(admin.email, TEST_PASSWORD)
    visitor.page.click("text=Undelivered notifications")
    page = visitor.page
    assert "Undelivered notifications" in page.inner_text("h1")
    assert "SMTPDataError 451" in page.inner_text("table")
    visitor.check_page()
    visitor.screenshot("dead-letters-desktop")
    visitor.screenshot("dead-letters-phone", viewport=PHONE)
    page.click("button:has-text('Try again')")
    page.wait_for_load_state()
    assert "back in the outbox" in page.inner_text("main")
    visitor.check_page()
    visitor.screenshot("dead-letters-after-retry", viewport=PHONE)
