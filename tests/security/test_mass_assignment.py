"""AC-4: every form posted with extra fields changes no owner, visibility, role or case.

Each role fills in every form it can reach (as the page renders it) and adds fields naming
other people and the other case. Afterwards no existing row has a different owner, author,
case, counselor, role or visibility than before — except where the form itself offers that
choice (the visibility picker) — and no new row belongs to someone else or the other case.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from tests.security.forms import harvest

PROTECTED = (
    "author_id",
    "owner_id",
    "user_id",
    "case_id",
    "counselor_id",
    "role",
    "visibility",
    "is_builtin",
    "created_by_id",
    "assigned_by_id",
)


def _snapshot(app) -> dict[tuple[str, tuple], dict[str, object]]:
    rows = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            if table.name == "audit_events":  # metadata about the request, not a record
                continue
            columns = [c for c in table.c if c.name in PROTECTED]
            if not columns:
                continue
            key_columns = list(table.primary_key.columns)
            for row in db.session.execute(sa.select(*key_columns, *columns)).mappings():
                key = (table.name, tuple(row[c.name] for c in key_columns))
                rows[key] = {c.name: row[c.name] for c in columns}
        db.session.remove()
    return rows


#: For each role: (the other side's counselor, client, case) — whom the extra fields name.
def _other_side(world, role: str) -> tuple[int, int, int]:
    if role in ("X", "O"):
        return world.users["C"], world.users["A"], world.ids["case1_case"]
    return world.users["O"], world.users["X"], world.ids["case2_case"]


def _extras(world, role: str) -> dict[str, str]:
    other, stranger, case = (str(v) for v in _other_side(world, role))
    return {
        "author_id": stranger,
        "owner_id": other,
        "user_id": stranger,
        "case_id": case,
        "counselor_id": other,
        "created_by_id": other,
        "assigned_by_id": other,
        "role": "admin",
        "is_builtin": "y",
        "visibility": "counselor_and_partner",
    }


def test_extra_fields_change_no_protected_column(app, world, clients):
    before = _snapshot(app)
    posted = []
    problems = []
    # Admin last: its forms (deactivation, erasure) would end other people's sessions.
    for role in ("A", "B", "X", "C", "O", "M"):
        client = clients[role]
        for form in harvest(app, world, client, role):
            data = form.values()
            offered = {name for name, _kind, _value in form.fields} | set(form.options)
            for name, value in _extras(world, role).items():
                if name not in offered:
                    data[name] = [value]
            response = client.post(form.action, data=data)
            posted.append(f"{role} {form.action}")
            if response.status_code >= 500:
                problems.append(f"{role} POST {form.action}: {response.status_code}")
            after = _snapshot(app)
            for key, columns in after.items():
                old = before.get(key)
                if old is None:
                    continue
                for column, value in columns.items():
                    if value != old[column] and not (
                        column == "visibility" and "visibility" in offered
                    ):
                        problems.append(
                            f"{role} POST {form.action}: {key} {column} {old[column]} -> {value}"
                        )
            other, stranger, other_case = _other_side(world, role)
            for key, columns in after.items():
                if key in before or role == "M":
                    continue
                foreign = {
                    c: v
                    for c, v in columns.items()
                    if (c == "case_id" and v == other_case)
                    or (c.endswith("_id") and c != "case_id" and v in (other, stranger))
                    or (c == "role" and v == "admin")
                }
                if foreign:
                    problems.append(f"{role} POST {form.action}: new row {key} with {foreign}")
            before = after
    assert len(posted) >= 25, posted
    assert not problems, "\n".join(problems)
