"""The checks the browser journeys run over every page they visit catch what they claim to."""

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


# The Nu checks share one run of the checker over every sample page (a JVM start each is slow).
SAMPLES = {
    "/valid": '<label for="n">Name</label><input id="n" name="n">',
    "/duplicate-id": '<p id="a">one</p><p id="a">two</p>',
    "/stray-end-tag": "<div>text</div></div>",
    "/required-select": '<select name="s" required><option value="a">A</option></select>',
    "/label-on-a-div": '<label for="s">Status</label><div id="s"></div>',
}


@pytest.fixture(scope="module")
def problems(tmp_path_factory) -> list[str]:
    if java() is None:
        pytest.fail(
            "Java is needed for the Nu HTML Checker: sudo apt-get install -y default-jre-headless"
        )
    archive = PageArchive(tmp_path_factory.mktemp("pages"))
    for url, body in SAMPLES.items():
        archive.add(PAGE.format(body), url, f"test{url}")
    return markup_problems(archive)


def _on(problems: list[str], url: str) -> list[str]:
    return [p for p in problems if p.startswith(f"{url} (test{url}) ")]


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("/duplicate-id", "Duplicate ID “a”"),
        ("/stray-end-tag", "Stray end tag “div”"),
        (
            "/required-select",
            "The first child “option” element of a “select” element with a “required” attribute",
        ),
    ],
)
def test_nu_reports_each_error_once_under_its_page(problems, url, error):
    found = _on(problems, url)
    assert len(found) == 1
    assert error in found[0]


def test_nu_and_label_problems_are_reported_together(problems):
    found = _on(problems, "/label-on-a-div")
    assert any("points at a <div>" in p for p in found)
    assert any("label" in p and "points at" not in p for p in found)  # Nu's own words


def test_valid_pages_report_nothing(problems):
    assert _on(problems, "/valid") == []
