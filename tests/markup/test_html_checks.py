"""The checks the browser journeys run over every page they visit catch what they claim to."""

import os

import pytest

from tests.browser.html_checks import PageArchive, dangling_labels, java, markup_problems

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title></head>
<body><main>{}</main></body></html>"""


@pytest.mark.parametrize(
    "control",
    [
        '<input id="x" name="x">',
        '<select id="x" name="x"><option value="">-</option></select>',
        '<textarea id="x" name="x"></textarea>',
        '<button id="x" type="button">Go</button>',
        '<meter id="x" value="1"></meter>',
        '<output id="x"></output>',
        '<progress id="x"></progress>',
    ],
)
def test_a_label_for_a_form_control_is_fine(control):
    assert dangling_labels(PAGE.format(f'<label for="x">X</label>{control}')) == []


@pytest.mark.parametrize(
    ("target", "what"),
    [
        ('<div id="x"></div>', "a <div>"),
        ('<span id="x"></span>', "a <span>"),
        ('<input type="hidden" id="x" name="x">', "a <input/hidden>"),
        ("", "nothing"),
    ],
)
def test_a_label_for_anything_else_is_reported(target, what):
    problems = dangling_labels(PAGE.format(f'<label for="x">New status</label>{target}'))
    assert problems == [f'line 2: <label for="x"> points at {what}']


def test_a_label_wrapping_its_control_needs_no_for():
    assert dangling_labels(PAGE.format('<label>Note <input name="n"></label>')) == []


@pytest.fixture
def archive(tmp_path):
    if java() is None:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("Java is needed for the Nu HTML Checker")
        pytest.skip("Java is needed for the Nu HTML Checker")
    return PageArchive(tmp_path)


def test_nu_reports_duplicate_ids_and_names_the_page(archive):
    archive.add(PAGE.format('<p id="a">one</p>'), "http://app/ok", "test_ok")
    archive.add(PAGE.format('<p id="a">one</p><p id="a">two</p>'), "http://app/bad", "test_bad")
    problems = markup_problems(archive)
    assert len(problems) == 1
    assert problems[0].startswith("http://app/bad (test_bad)")
    assert "Duplicate ID" in problems[0]


def test_nu_and_label_problems_are_reported_together(archive):
    archive.add(PAGE.format('<label for="s">Status</label><div id="s"></div>'), "/p", "test_p")
    problems = markup_problems(archive)
    assert any("points at a <div>" in p for p in problems)
    assert any("label" in p and "for" in p and "points at" not in p for p in problems)


def test_valid_pages_report_nothing(archive):
    archive.add(PAGE.format('<label for="n">Name</label><input id="n" name="n">'), "/p", "t")
    assert markup_problems(archive) == []
