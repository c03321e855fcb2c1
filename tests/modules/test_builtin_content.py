"""The six built-in modules: loaded from versioned files, in our own words, idempotently."""

import re
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import ModuleVersion, StrategyModule
from app.services.modules import CONTENT_DIR, load_builtin_modules, read_content_file

FILES = sorted(CONTENT_DIR.glob("*.toml"))
SEED_TITLES = {
    "Reflect on the relationship",
    "Give each other space",
    "Focus on personal growth",
    "Reestablish communication",
    "Address past issues maturely",
    "Work on yourselves as a couple",
}
# Phrases of the source article that must not reappear in our text.
ARTICLE_PHRASES = [
    "pave the way for positive change",
    "heal from their emotional wounds",
    "become a better version of yourself",
    "building a foundation of friendship",
    "without blaming or criticizing",
    "significantly increase your chances",
    "winning him back",
]


def test_six_modules_with_the_seed_titles():
    assert {read_content_file(p)[2].title for p in FILES} == SEED_TITLES


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_each_module_is_complete(path: Path):
    slug, version, content = read_content_file(path)
    assert slug == path.stem and version >= 1
    assert content.summary and len(content.summary) <= 300
    assert content.introduction.count("\n\n") >= 1  # a few short paragraphs
    assert content.counselor_notes and content.caution
    assert 3 <= len(content.exercises) <= 5
    assert len({e.kind for e in content.exercises}) >= 2


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_client_text_is_gender_neutral_and_ours(path: Path):
    _, _, content = read_content_file(path)
    client_text = " ".join(
        [content.title, content.summary, content.introduction]
        + [e.title + " " + e.prompt for e in content.exercises]
    ).lower()
    assert not re.search(
        r"\b(he|him|his|she|her|hers|boyfriend|girlfriend|husband|wife)\b", client_text
    )
    for phrase in ARTICLE_PHRASES:
        assert phrase not in client_text


def test_contact_module_cautions_about_no_contact_orders():
    _, _, content = read_content_file(CONTENT_DIR / "reestablish-communication.toml")
    assert "no-contact order" in content.caution


def test_loading_twice_changes_nothing(app):
    with app.app_context():
        first = load_builtin_modules()
        db.session.commit()
        second = load_builtin_modules()
        db.session.commit()
        assert len(first) == 6 and second == []
        assert db.session.scalar(sa.select(sa.func.count(ModuleVersion.id))) == 6


def test_newer_content_version_adds_a_version(app, tmp_path):
    for path in FILES:
        shutil.copy(path, tmp_path / path.name)
    with app.app_context():
        load_builtin_modules(tmp_path)
        db.session.commit()
        target = tmp_path / "give-each-other-space.toml"
        text = target.read_text().replace("content_version = 1", "content_version = 2")
        target.write_text(text.replace("Agree on a period", "Agree together on a period"))
        assert load_builtin_modules(tmp_path) == ["updated give-each-other-space to version 2"]
        db.session.commit()
        module = db.session.scalar(
            sa.select(StrategyModule).where(StrategyModule.slug == "give-each-other-space")
        )
        numbers = db.session.scalars(
            sa.select(ModuleVersion.number).where(ModuleVersion.module_id == module.id)
        ).all()
        current = db.session.get(ModuleVersion, module.current_version_id)
        assert sorted(numbers) == [1, 2] and current.number == 2
        assert current.summary.startswith("Agree together")


def test_command_loads_and_reports(runner, app):
    result = runner.invoke(args=["modules", "load-builtin"])
    assert result.exit_code == 0, result.output
    assert "added reflect-on-the-relationship (version 1)" in result.output
    again = runner.invoke(args=["modules", "load-builtin"])
    assert "up to date" in again.output
