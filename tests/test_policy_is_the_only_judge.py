"""Only the ``app/policy`` package decides who reads client writing: no other module compares
visibility values or filters on them (issue privacy-core, item 1).

The check reads the source of every module under ``app/`` and flags:

* a comparison (``==``, ``!=``, ``is``, ``is not``, ``in``, ``not in``, ``<``...) with a
  ``Visibility`` member, a module constant built from members, or a ``.visibility`` column or
  attribute on either side;
* a SQL operator call (``.in_()``, ``.not_in()``, ``.is_()``, ``.is_not()``...) on a
  ``.visibility`` column or with ``Visibility`` members as arguments;
* ``filter_by(visibility=...)``.

Naming a member to *set* a value (a default, a new row) is fine: that says what the writing is,
not who may read it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"
POLICY = APP / "policy"
SQL_OPERATORS = {"in_", "not_in", "notin_", "is_", "is_not", "isnot", "__eq__", "__ne__"}
COLUMN_NAMES = {"visibility", "from_visibility", "to_visibility"}
#: What a level reaches, asked of the level itself (``entry.visibility.is_shared``): the same
#: judgement in the caller's module, so it goes through ``policy.is_shared(level)`` instead.
AUDIENCE_QUESTIONS = {"is_shared", "reaches_partner", "reaches_counselor", "widens", "narrows"}


def _names_member(node: ast.AST, aliases: set[str]) -> bool:
    """Whether ``node`` contains ``Visibility.X`` or a module constant built from members."""
    for child in ast.walk(node):
        if (
            isinstance(child, ast.Attribute)
            and isinstance(child.value, ast.Name)
            and child.value.id == "Visibility"
            and child.attr.isupper()
        ):
            return True
        if isinstance(child, ast.Name) and child.id in aliases:
            return True
    return False


def _is_visibility_value(node: ast.AST) -> bool:
    """``x.visibility`` (a column or a loaded attribute), possibly ``.value`` of it; a plain
    ``visibility`` name; or a level rebuilt with ``Visibility(...)``."""
    if isinstance(node, ast.Attribute) and node.attr == "value":
        node = node.value
    if isinstance(node, ast.Name):
        return node.id in COLUMN_NAMES
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id == "Visibility"
    return isinstance(node, ast.Attribute) and node.attr in COLUMN_NAMES


def _aliases(tree: ast.Module) -> set[str]:
    """Module-level names bound to members or collections of them (``SHARED = (...)``)."""
    names: set[str] = set()
    for statement in tree.body:
        targets: list[ast.expr] = []
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets, value = [statement.target], statement.value
        else:
            continue
        if _names_member(value, set()) and not isinstance(value, ast.Dict):
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def judgements(source: str, filename: str = "<module>") -> list[str]:
    """Every place in ``source`` that judges visibility itself, as ``file:line: code``."""
    tree = ast.parse(source, filename)
    aliases = _aliases(tree)
    found = []
    for node in ast.walk(tree):
        flagged = False
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            flagged = any(_names_member(o, aliases) or _is_visibility_value(o) for o in operands)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in SQL_OPERATORS:
                flagged = _is_visibility_value(node.func.value) or any(
                    _names_member(a, aliases) for a in node.args
                )
            elif node.func.attr == "filter_by":
                flagged = any(k.arg in COLUMN_NAMES for k in node.keywords)
        elif isinstance(node, ast.Attribute) and node.attr in AUDIENCE_QUESTIONS:
            flagged = not (isinstance(node.value, ast.Name) and node.value.id == "policy")
        if flagged:
            found.append(f"{filename}:{node.lineno}: {ast.unparse(node)}")
    return found


def _modules() -> list[Path]:
    return sorted(p for p in APP.rglob("*.py") if POLICY not in p.parents)


def test_no_module_but_the_policy_judges_visibility():
    found = []
    for path in _modules():
        found += judgements(path.read_text(), str(path.relative_to(APP.parent)))
    assert found == [], "ask app.policy instead:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "code",
    [
        "entry.visibility == Visibility.PRIVATE",
        "entry.visibility is not Visibility.PRIVATE",
        "v in (Visibility.COUNSELOR, Visibility.COUNSELOR_AND_PARTNER)",
        "SHARED = (Visibility.COUNSELOR,)\nok = v in SHARED",
        "q.where(JournalEntry.visibility.in_(levels))",
        "q.where(Response.visibility != 'private')",
        "q.where(col.in_([Visibility.COUNSELOR]))",
        "q.filter_by(visibility='counselor')",
        "entry.visibility.value == 'counselor_and_partner'",
        "old is response.visibility",
        "if entry.visibility.is_shared: pass",
        "revoked = entry.visibility.narrows(old)",
    ],
)
def test_the_check_catches_each_form(code):
    assert judgements(code)


@pytest.mark.parametrize(
    "code",
    [
        "entry = JournalEntry(visibility=Visibility.PRIVATE)",
        "LABELS = {Visibility.PRIVATE: 'Only me'}",
        "if policy.reaches_partner(entry.visibility): pass",
        "q.where(policy.readable_by_partner(JOURNAL, viewer, case))",
    ],
)
def test_the_check_leaves_setting_and_asking_alone(code):
    assert judgements(code) == []


def test_the_policy_module_exists_and_judges():
    # The exemption is for a real module that does use these comparisons.
    assert judgements((POLICY / "__init__.py").read_text())
