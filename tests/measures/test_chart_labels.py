"""The charts' labels: the partner gap's score labels never collide, the gap is written below the
plot, and a provisional reliable-change threshold is said beside the marker legend."""

import dataclasses
import xml.etree.ElementTree as ET

import pytest

from app.measures import instruments as catalogue
from app.measures.charts import (
    GAP_BOTTOM,
    GAP_HEIGHT,
    TOP,
    GapPoint,
    Point,
    gap_steps,
    gap_svg,
    trend_svg,
)

SVG = "{http://www.w3.org/2000/svg}"
FONT = 11  # the charts' font size: two labels at one x need at least this much between baselines


def gap_points(instrument, pairs):
    gaps = [abs(a - b) for a, b in pairs]
    steps = gap_steps(instrument, gaps)
    return [
        GapPoint(f"{n + 1:02d} Mar", a, b, g, s)
        for n, ((a, b), g, s) in enumerate(zip(pairs, gaps, steps, strict=True))
    ]


def texts(svg, cls):
    root = ET.fromstring(str(svg))  # noqa: S314 - our own chart markup, not untrusted input
    return [
        (float(t.get("x")), float(t.get("y")), "".join(t.itertext()))
        for t in root.iter(f"{SVG}text")
        if t.get("class") == cls
    ]


@pytest.mark.parametrize(
    "pairs",
    [
        [(50, 51), (52, 52), (55, 53), (60, 61)],  # close, and equal in week 2
        [(30, 70), (40, 66), (48, 72), (62, 64)],  # far apart
        [(0, 1), (81, 80), (0, 0), (81, 81)],  # at both ends of the range
    ],
    ids=["close", "far", "edges"],
)
def test_the_two_partners_score_labels_never_overlap(pairs):
    csi = catalogue.get("CSI-16")
    svg = gap_svg(csi, gap_points(csi, pairs), ("Alex", "Sam"), title="gap")
    labels = texts(svg, "score-label")
    assert len(labels) == 2 * len(pairs)
    by_x: dict[float, list[float]] = {}
    for x, y, _ in labels:
        by_x.setdefault(x, []).append(y)
    for ys in by_x.values():
        assert len(ys) == 2
        assert abs(ys[0] - ys[1]) >= FONT
    plot_bottom = GAP_HEIGHT - GAP_BOTTOM
    assert all(TOP - 4 <= y <= plot_bottom for _, y, _ in labels)  # never on the dates below


def test_the_higher_partner_is_labelled_above_and_the_lower_below():
    csi = catalogue.get("CSI-16")
    svg = gap_svg(csi, gap_points(csi, [(50, 51)]), ("Alex", "Sam"), title="gap")
    y = {text: y for _, y, text in texts(svg, "score-label")}
    assert set(y) == {"50", "51"}
    assert y["51"] < y["50"]  # Sam's 51 is written higher on the page than Alex's 50


def test_the_gap_and_its_change_are_written_below_the_plot():
    csi = catalogue.get("CSI-16")
    svg = gap_svg(csi, gap_points(csi, [(60, 58), (62, 40)]), ("A", "B"), title="gap")
    plot_bottom = GAP_HEIGHT - GAP_BOTTOM
    gaps = texts(svg, "gap-label")
    changes = texts(svg, "gap-change")
    assert [t for _, _, t in gaps] == ["gap 2", "gap 22"]
    assert [t for _, _, t in changes] == ["gap widened"]
    assert all(y > plot_bottom for _, y, _ in gaps + changes)


def test_a_long_series_leaves_out_score_labels_but_keeps_every_change():
    csi = catalogue.get("CSI-16")
    pairs = [(50, 50 + (20 if n % 7 == 3 else 0)) for n in range(30)]
    svg = gap_svg(csi, gap_points(csi, pairs), ("A", "B"), title="gap")
    assert texts(svg, "score-label") == []
    changes = sum(1 for p in gap_points(csi, pairs) if p.change)
    assert changes and len(texts(svg, "gap-change")) == changes


@pytest.mark.parametrize("chart", ["trend", "gap"])
def test_a_provisional_threshold_is_said_beside_the_marker_legend(chart):
    csi = catalogue.get("CSI-16")  # its SD is a placeholder
    checked = dataclasses.replace(csi, rci_sd_status="verified", rci_reliability_status="verified")
    for instrument, provisional in ((csi, True), (checked, False)):
        if chart == "trend":
            svg = trend_svg(
                instrument, [Point("01 Mar", 50, "x"), Point("08 Mar", 60, "y")], title="t"
            )
        else:
            svg = gap_svg(instrument, gap_points(instrument, [(50, 51)]), ("A", "B"), title="g")
        ((_, _, legend),) = texts(svg, "marker-legend")
        assert "6.3 points or more" in legend
        assert ("threshold provisional" in legend) == provisional
