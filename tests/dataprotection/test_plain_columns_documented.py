"""Every column is encrypted, a key, or listed with its reason in docs/security.md (19.10)."""

from __future__ import annotations

import re
from pathlib import Path

from app.extensions import db
from app.services.keys import encrypted_columns

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
SECTION = "## Columns that stay plain, and why"


def documented_columns() -> set[str]:
    text = DOC.read_text()
    section = text[text.index(SECTION) :]
    following = section.find("\n## ", len(SECTION))
    section = section if following == -1 else section[:following]
    return set(re.findall(r"`(\w+\.\w+)`", section))


def test_every_plain_column_is_documented(app):
    with app.app_context():
        encrypted = {f"{c.table.name}.{c.column}" for c in encrypted_columns()}
    keys = {"id", "uid"}
    undocumented = sorted(
        f"{table.name}.{column.name}"
        for table in db.metadata.sorted_tables
        for column in table.columns
        if column.name not in keys
        and not column.name.endswith("_id")
        and f"{table.name}.{column.name}" not in encrypted
        and f"{table.name}.{column.name}" not in documented_columns()
    )
    assert undocumented == []
