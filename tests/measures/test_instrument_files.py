"""Every instrument file has the shape the scoring and the views rely on (schema test)."""

import math
import tomllib

import pytest

from app.measures import instruments as catalogue
from app.measures.instruments import INSTRUMENT_DIR

FILES = sorted(INSTRUMENT_DIR.glob("*.toml"))
REQUIRED = {
    "code": str,
    "version": int,
    "title": str,
    "name": str,
    "audience": str,
    "stem": str,
    "score_min": int,
    "score_max": int,
    "higher_is": str,
    "citation": str,
    "terms": str,
    "scales": dict,
    "items": list,
    "bands": list,
    "cutoff": dict,
    "reliable_change": dict,
}


def test_the_four_instruments_are_there():
    assert set(catalogue.instruments()) == {"CSI-4", "CSI-16", "PHQ-9", "GAD-7"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_file_has_every_field_with_its_type(path):
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    for key, kind in REQUIRED.items():
        assert isinstance(data.get(key), kind), f"{path.name}: {key}"
    assert data["audience"] in ("partner", "individual")
    assert data["higher_is"] in ("better", "worse")
    for entry in data["items"]:
        assert entry["scale"] in data["scales"], entry["key"]
        assert entry.get("keyed", "forward") in ("forward", "reverse")
        assert entry["text"].strip()
        assert ("left" in entry) == ("right" in entry)
    keys = [entry["key"] for entry in data["items"]]
    assert len(keys) == len(set(keys))
    for field in ("value", "direction", "meaning", "source"):
        assert field in data["cutoff"]
    assert data["cutoff"]["direction"] in ("below", "at_or_above")
    for field in ("sd", "reliability", "source", "verified"):
        assert field in data["reliable_change"], f"{path.name}: reliable_change.{field}"
    assert 0 < data["reliable_change"]["reliability"] < 1
    assert data["reliable_change"]["sd"] > 0


@pytest.mark.parametrize("instrument", catalogue.instruments().values(), ids=lambda i: i.code)
def test_range_matches_the_items_and_bands_cover_it_without_gaps(instrument):
    assert instrument.score_max == sum(len(i.options) - 1 for i in instrument.items)
    assert instrument.score_min == 0
    assert instrument.bands[0].low == instrument.score_min
    assert instrument.bands[-1].high == instrument.score_max
    for before, after in zip(instrument.bands, instrument.bands[1:], strict=False):
        assert after.low == before.high + 1
    assert instrument.score_min < instrument.cutoff < instrument.score_max


@pytest.mark.parametrize("instrument", catalogue.instruments().values(), ids=lambda i: i.code)
def test_reliable_change_is_jacobson_truax_of_the_file_figures(instrument):
    expected = 1.96 * instrument.rci_sd * math.sqrt(2) * math.sqrt(1 - instrument.rci_reliability)
    assert instrument.reliable_change == pytest.approx(expected)
    assert instrument.rci_source


def test_hand_computed_reliable_change_thresholds():
    # 1.96 * SD * sqrt(2) * sqrt(1 - r), by hand:
    assert catalogue.get("PHQ-9").reliable_change == pytest.approx(3.518, abs=0.01)  # 3.52, .87
    assert catalogue.get("GAD-7").reliable_change == pytest.approx(3.131, abs=0.01)  # 3.41, .89
    assert catalogue.get("CSI-16").reliable_change == pytest.approx(6.272, abs=0.01)  # 16, .98
    assert catalogue.get("CSI-4").reliable_change == pytest.approx(3.055, abs=0.01)  # 4.5, .94


@pytest.mark.parametrize(
    ("code", "panel"),
    [("PHQ-9", "44249-1"), ("GAD-7", "69737-5"), ("CSI-16", None), ("CSI-4", None)],
)
def test_loinc_panels(code, panel):
    assert catalogue.get(code).loinc_panel == panel


def test_phq_and_gad_show_the_owners_attribution():
    for code in ("PHQ-9", "GAD-7"):
        terms = catalogue.get(code).terms
        assert "Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues" in terms
        assert "educational grant from Pfizer Inc." in terms
        assert "No permission required to reproduce" in terms


def test_published_cutoffs_of_the_csi():
    assert catalogue.get("CSI-4").cutoff == 13.5
    assert catalogue.get("CSI-16").cutoff == 51.5
    for code in ("CSI-4", "CSI-16"):
        assert "572-583" in catalogue.get(code).cutoff_source


@pytest.mark.parametrize("forbidden", ["ORS", "SRS", "DAS", "Gottman", "Dyadic Adjustment"])
def test_no_licensed_instrument_is_shipped(forbidden):
    for instrument in catalogue.instruments().values():
        assert forbidden.lower() not in instrument.code.lower()
        assert forbidden.lower() not in instrument.name.lower()


def test_the_check_in_is_not_styled_as_a_licensed_measure():
    from app.services import checkins

    words = " ".join(f"{i.question} {i.short}" for i in checkins.ITEMS).lower()
    for name in ("outcome rating", "session rating", "ors", "srs", "dyadic", "gottman"):
        assert f" {name} " not in f" {words} "


def test_relationship_measures_are_the_partner_instruments():
    from app.models.measure import RELATIONSHIP_MEASURES

    partner = {c for c, i in catalogue.instruments().items() if i.audience == "partner"}
    assert set(RELATIONSHIP_MEASURES) == partner
