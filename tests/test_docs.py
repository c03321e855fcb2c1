"""The repository explains itself: every cited requirement and every named test exists."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = {"security": ROOT / "docs" / "security.md", "performance": ROOT / "docs" / "performance.md"}
SOURCES = [
    p
    for folder in ("app", "tests", "bench", "scripts")
    for p in (ROOT / folder).rglob("*")
    if p.suffix in (".py", ".toml", ".html", ".md") and ".artifacts" not in p.parts
] + [ROOT / "README.md", ROOT / "Makefile"]


def _ids(doc: str) -> set[str]:
    """Row names of a doc's tables: ``| AU-2 |``, ``| T1 |``, ``| S4 |``."""
    return set(re.findall(r"^\| ([A-Z]+-?\d+)(?:[–-][A-Z]*\d+)? \|", DOCS[doc].read_text(), re.M))


@pytest.mark.parametrize("doc", sorted(DOCS))
def test_every_test_file_a_doc_names_exists(doc):
    named = set(re.findall(r"`(tests/[\w/]+\.py)`", DOCS[doc].read_text()))
    assert named
    assert sorted(n for n in named if not (ROOT / n).is_file()) == []


def test_every_citation_names_a_row_of_its_doc():
    cited = re.compile(r"docs/(security|performance)\.md,? ((?:[A-Z]+-?\d+(?:\.\.\d+)?(?:, )?)+)")
    seen, missing = 0, []
    for path in SOURCES:
        for doc, names in cited.findall(path.read_text(errors="replace")):
            for name in re.findall(r"[A-Z]+-?\d+", names):
                seen += 1
                if name not in _ids(doc):
                    missing.append(f"{path.relative_to(ROOT)}: {doc} {name}")
    assert seen >= 20  # the code does cite them; a broken pattern must not pass quietly
    assert missing == []


def test_no_reference_to_a_file_outside_the_repository():
    stale = re.compile(r"(?<![/\w])(SECURITY|PERFORMANCE|PRODUCT)\.md")
    found = [
        str(p.relative_to(ROOT)) for p in SOURCES if stale.search(p.read_text(errors="replace"))
    ]
    assert found == []
