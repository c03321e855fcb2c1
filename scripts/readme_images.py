"""Regenerate the README's PDF images (docs/images/session-summary-*.png) from real output.

Seeds the demo data into a throw-away SQLite database, renders both copies of the demo
session that discussed a journal entry (the same templates and worker as the app), and turns
each page into a PNG with poppler's ``pdftoppm`` at 60 dpi (an A4 page is 497 x 702 px):

    .venv/bin/python scripts/readme_images.py

Nothing of the developer's own instance/ is read or changed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
sys.path.insert(0, str(ROOT))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["REKINDLE_INSTANCE_PATH"] = tmp
        pdfs = _render(Path(tmp))
        for name, data in pdfs.items():
            pdf = Path(tmp) / f"{name}.pdf"
            pdf.write_bytes(data)
            # poppler's own tool on a file this script just wrote: no outside input.
            subprocess.run(  # noqa: S603
                ["pdftoppm", "-png", "-r", "60", str(pdf), str(Path(tmp) / name)],  # noqa: S607
                check=True,
            )
            for page in sorted(Path(tmp).glob(f"{name}-*.png")):
                number = int(page.stem.rsplit("-", 1)[1])
                target = IMAGES / f"session-summary-{name}-page{number}.png"
                target.write_bytes(page.read_bytes())
                print(target.relative_to(ROOT))


def _render(tmp: Path) -> dict[str, bytes]:
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from app import create_app
    from app.crypto import Keyring
    from app.demo import seed_demo
    from app.extensions import db
    from app.models import Case, CounselingSession, SessionJournalPick
    from app.pdf import render_pdf
    from app.services.sessions import load_session
    from app.sessions.summary import summary_context

    app = create_app(
        {
            "SECRET_KEY": "readme-images-only-" + "x" * 40,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'demo.db'}",
            "REKINDLE_ENCRYPTION_KEYS": Keyring.generate().to_json(),
            "REKINDLE_AUDIT_ANCHOR_FILE": str(tmp / "anchor.json"),
            "REKINDLE_CLIENT_KEY_STORE": str(tmp / "client-keys.json"),
            "SERVER_NAME": None,
        }
    )
    with app.app_context():
        upgrade()
        seed_demo()
        db.session.commit()
        case_id, session_id = db.session.execute(
            sa.select(CounselingSession.case_id, CounselingSession.id)
            .join(SessionJournalPick, SessionJournalPick.session_id == CounselingSession.id)
            .limit(1)
        ).one()
        case = db.session.get_one(Case, case_id)
        session = load_session(case_id, session_id)
        out = {}
        with app.test_request_context():
            for copy in ("clinician", "client"):
                template, context = summary_context(case, session, copy)
                out[copy] = render_pdf(template, context)
        return out


if __name__ == "__main__":
    main()
