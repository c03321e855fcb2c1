"""Scoring with hand-computed cases: every band boundary and cutoff, missing answers, keying."""

import pytest

from app.measures import instruments as catalogue
from app.measures.instruments import MissingAnswers, score


def answers_for(code: str, total: int) -> dict[str, int]:
    """Answers (printed positions) whose points add up to ``total``: fill items in order."""
    instrument = catalogue.get(code)
    left, answers = total, {}
    for item in instrument.items:
        top = len(item.options) - 1
        points = min(top, left)
        left -= points
        position = top - points if item.reverse else points
        answers[item.key] = position
    assert left == 0, "total beyond the range"
    assert score(instrument, answers).total == total
    return answers


PHQ9_BANDS = [
    (0, "Minimal"),
    (4, "Minimal"),
    (5, "Mild"),
    (9, "Mild"),
    (10, "Moderate"),
    (14, "Moderate"),
    (15, "Moderately severe"),
    (19, "Moderately severe"),
    (20, "Severe"),
    (27, "Severe"),
]
GAD7_BANDS = [
    (0, "Minimal"),
    (4, "Minimal"),
    (5, "Mild"),
    (9, "Mild"),
    (10, "Moderate"),
    (14, "Moderate"),
    (15, "Severe"),
    (21, "Severe"),
]


@pytest.mark.parametrize(("total", "band"), PHQ9_BANDS)
def test_phq9_band_boundaries(total, band):
    assert score(catalogue.get("PHQ-9"), answers_for("PHQ-9", total)).band == band


@pytest.mark.parametrize(("total", "band"), GAD7_BANDS)
def test_gad7_band_boundaries(total, band):
    assert score(catalogue.get("GAD-7"), answers_for("GAD-7", total)).band == band


@pytest.mark.parametrize(
    ("code", "total", "beyond"),
    [
        ("PHQ-9", 9, False),
        ("PHQ-9", 10, True),
        ("GAD-7", 9, False),
        ("GAD-7", 10, True),
        ("CSI-4", 13, True),
        ("CSI-4", 14, False),
        ("CSI-4", 0, True),
        ("CSI-4", 21, False),
        ("CSI-16", 51, True),
        ("CSI-16", 52, False),
        ("CSI-16", 0, True),
        ("CSI-16", 81, False),
    ],
)
def test_cutoffs(code, total, beyond):
    assert score(catalogue.get(code), answers_for(code, total)).beyond_cutoff is beyond


def test_phq9_hand_computed():
    answers = dict(
        zip([f"phq9_{n}" for n in range(1, 10)], [1, 2, 0, 3, 1, 0, 2, 1, 0], strict=True)
    )
    result = score(catalogue.get("PHQ-9"), answers)
    assert (result.total, result.band, result.beyond_cutoff) == (10, "Moderate", True)


def test_gad7_hand_computed():
    answers = dict(zip([f"gad7_{n}" for n in range(1, 8)], [3, 3, 2, 1, 0, 0, 0], strict=True))
    assert score(catalogue.get("GAD-7"), answers).total == 9


def test_csi4_hand_computed():
    # Happy (3) + Mostly true (3) + Somewhat (2) + Almost completely (4) = 12: distress.
    answers = {"csi4_1": 3, "csi4_2": 3, "csi4_3": 2, "csi4_4": 4}
    result = score(catalogue.get("CSI-4"), answers)
    assert (result.total, result.beyond_cutoff) == (12, True)


def test_csi16_reverse_keyed_items_score_the_printed_first_option_highest():
    csi = catalogue.get("CSI-16")
    reverse = {i.key for i in csi.items if i.reverse}
    # "All the time" and the pairs printed positive word first.
    assert reverse == {"csi_2", "csi_11", "csi_13", "csi_14", "csi_16"}
    assert csi.item("csi_2").options[0] == "All the time"
    assert csi.item("csi_2").points(0) == 5 and csi.item("csi_2").points(5) == 0
    assert csi.item("csi_11").left == "Interesting" and csi.item("csi_11").points(0) == 5
    assert csi.item("csi_12").left == "Bad" and csi.item("csi_12").points(0) == 0
    assert csi.item("csi_15").left == "Discouraging" and csi.item("csi_15").points(5) == 5


def test_csi16_hand_computed_with_reverse_items():
    # Everyone picks the first printed option: happiness 0, item 2 "All the time" 5,
    # items 3-10 "Not at all" 0, Interesting 5, Bad 0, Full 5, Sturdy 5, Discouraging 0,
    # Enjoyable 5: 5 + 5 * 4 = 25.
    csi = catalogue.get("CSI-16")
    first = {item.key: 0 for item in csi.items}
    assert score(csi, first).total == 25
    # The last printed option everywhere: 6 + 0 + 8 * 5 + 0 + 5 + 0 + 0 + 5 + 0 = 56.
    last = {item.key: len(item.options) - 1 for item in csi.items}
    assert score(csi, last).total == 56


def test_csi16_maximum_is_81():
    csi = catalogue.get("CSI-16")
    best = {i.key: (0 if i.reverse else len(i.options) - 1) for i in csi.items}
    assert score(csi, best).total == 81


@pytest.mark.parametrize("code", list(catalogue.instruments()))
def test_one_missing_answer_is_refused_with_its_number(code):
    instrument = catalogue.get(code)
    answers = answers_for(code, 0)
    last = instrument.items[-1]
    del answers[last.key]
    with pytest.raises(MissingAnswers) as refused:
        score(instrument, answers)
    assert refused.value.keys == [last.key]
    assert str(last.number) in str(refused.value)
    assert "Please answer" in str(refused.value)


@pytest.mark.parametrize("bad", ["", None, "7", "-1", "abc", "1.0", True, 99])
def test_invalid_answers_count_as_missing_never_as_points(bad):
    instrument = catalogue.get("PHQ-9")
    answers = answers_for("PHQ-9", 0)
    answers["phq9_1"] = bad
    with pytest.raises(MissingAnswers):
        score(instrument, answers)


def test_nothing_answered_lists_every_question():
    with pytest.raises(MissingAnswers) as refused:
        score(catalogue.get("GAD-7"), {})
    assert refused.value.numbers == list(range(1, 8))


def test_form_values_as_strings_score_like_numbers():
    answers = {k: str(v) for k, v in answers_for("PHQ-9", 12).items()}
    assert score(catalogue.get("PHQ-9"), answers).total == 12
