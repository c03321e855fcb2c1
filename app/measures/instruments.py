"""Validated measures as versioned data: the files in ``instruments/`` and how they score.

Each file holds the items, the response scales, the range, bands, cutoff, the reliable change
figures, the citation and the terms of use (tests/measures/test_instrument_files.py checks the
shape). An answer is stored as the *position* the client chose on the printed scale (0 for the
first option); ``keyed = "reverse"`` items score the last position highest, as the published
scoring of the CSI-16 does for the items printed with the positive end first.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

INSTRUMENT_DIR = Path(__file__).parent / "instruments"


class MissingAnswers(ValueError):
    """Some items have no (valid) answer: the measure is not scored, never silently."""

    def __init__(self, keys: list[str], numbers: list[int]) -> None:
        self.keys = keys
        self.numbers = numbers
        listed = ", ".join(str(n) for n in numbers)
        noun = "question" if len(numbers) == 1 else "questions"
        super().__init__(f"Please answer {noun} {listed} before sending: every question counts.")


@dataclass(frozen=True)
class Item:
    """One question: its key, wording, printed options and keying."""

    key: str
    number: int
    text: str
    options: tuple[str, ...]
    reverse: bool
    left: str | None = None
    right: str | None = None

    def points(self, position: int) -> int:
        """The points of the option at ``position`` (0 = first printed option)."""
        top = len(self.options) - 1
        return top - position if self.reverse else position


@dataclass(frozen=True)
class Band:
    """A named range of totals, both ends included."""

    label: str
    low: int
    high: int


@dataclass(frozen=True)
class Instrument:
    """One instrument file, loaded."""

    code: str
    version: int
    title: str
    name: str
    audience: str
    stem: str
    score_min: int
    score_max: int
    higher_is: str
    citation: str
    terms: str
    items: tuple[Item, ...]
    bands: tuple[Band, ...]
    cutoff: float
    cutoff_direction: str
    cutoff_meaning: str
    cutoff_source: str
    rci_sd: float
    rci_sd_status: str
    rci_sd_source: str
    rci_reliability: float
    rci_reliability_status: str
    rci_reliability_source: str
    rci_threshold_written: float
    wording_checked: bool
    loinc_panel: str | None
    loinc_total: str | None
    safety_item: str | None
    raw: Mapping[str, Any]

    @property
    def reliable_change(self) -> float:
        """Jacobson–Truax: the smallest change unlikely (p < .05) to be measurement error."""
        return 1.96 * self.rci_sd * math.sqrt(2) * math.sqrt(1 - self.rci_reliability)

    @property
    def rci_verified(self) -> bool:
        """Both figures behind the threshold were read in their source."""
        return self.rci_sd_status == self.rci_reliability_status == "verified"

    @property
    def threshold_provisional(self) -> bool:
        """The reliable-change threshold rests on a placeholder or an unchecked figure."""
        return not self.rci_verified

    @property
    def rci_source(self) -> str:
        """Where the SD and the reliability come from, in one sentence pair."""
        return f"SD: {self.rci_sd_source} Reliability: {self.rci_reliability_source}"

    def band_of(self, total: int) -> Band:
        """The band a total falls in."""
        for band in self.bands:
            if band.low <= total <= band.high:
                return band
        raise ValueError(f"{total} is outside {self.code}'s range")

    def beyond_cutoff(self, total: float) -> bool:
        """Whether a total is on the clinical side of the cutoff."""
        if self.cutoff_direction == "below":
            return total < self.cutoff
        return total >= self.cutoff

    def item(self, key: str) -> Item:
        """The item with this key."""
        return next(i for i in self.items if i.key == key)


@dataclass(frozen=True)
class Score:
    """A scored measure."""

    total: int
    band: str
    beyond_cutoff: bool


def score(instrument: Instrument, answers: Mapping[str, Any]) -> Score:
    """Sum the points of every item; refuse (``MissingAnswers``) if any item lacks an answer."""
    missing: list[Item] = []
    total = 0
    for item in instrument.items:
        position = _position(answers.get(item.key), len(item.options))
        if position is None:
            missing.append(item)
            continue
        total += item.points(position)
    if missing:
        raise MissingAnswers([i.key for i in missing], [i.number for i in missing])
    return Score(total, instrument.band_of(total).label, instrument.beyond_cutoff(total))


def _position(value: Any, count: int) -> int | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        position = int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: 1e400 in JSON is infinity
        return None
    return position if 0 <= position < count and str(position) == str(value).strip() else None


def clean_answers(instrument: Instrument, answers: Mapping[str, Any]) -> dict[str, int]:
    """Only the valid answers to this instrument's items (drafts may be incomplete)."""
    cleaned = {}
    for item in instrument.items:
        position = _position(answers.get(item.key), len(item.options))
        if position is not None:
            cleaned[item.key] = position
    return cleaned


def _load(path: Path) -> Instrument:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    scales = data["scales"]
    items = tuple(
        Item(
            key=entry["key"],
            number=n,
            text=entry["text"],
            options=tuple(scales[entry["scale"]]),
            reverse=entry.get("keyed", "forward") == "reverse",
            left=entry.get("left"),
            right=entry.get("right"),
        )
        for n, entry in enumerate(data["items"], start=1)
    )
    rc, cut = data["reliable_change"], data["cutoff"]
    return Instrument(
        code=data["code"],
        version=data["version"],
        title=data["title"],
        name=data["name"],
        audience=data["audience"],
        stem=data["stem"],
        score_min=data["score_min"],
        score_max=data["score_max"],
        higher_is=data["higher_is"],
        citation=data["citation"],
        terms=data["terms"],
        items=items,
        bands=tuple(Band(b["label"], b["from"], b["to"]) for b in data["bands"]),
        cutoff=float(cut["value"]),
        cutoff_direction=cut["direction"],
        cutoff_meaning=cut["meaning"],
        cutoff_source=cut["source"],
        rci_sd=float(rc["sd"]),
        rci_sd_status=rc["sd_status"],
        rci_sd_source=rc["sd_source"],
        rci_reliability=float(rc["reliability"]),
        rci_reliability_status=rc["reliability_status"],
        rci_reliability_source=rc["reliability_source"],
        rci_threshold_written=float(rc["threshold"]),
        wording_checked=bool(data.get("wording_checked", True)),
        loinc_panel=data.get("loinc_panel"),
        loinc_total=data.get("loinc_total"),
        safety_item=data.get("safety_item"),
        raw=data,
    )


@cache
def instruments() -> dict[str, Instrument]:
    """Every instrument by code, in a stable order (relationship measures first)."""
    loaded = [_load(path) for path in sorted(INSTRUMENT_DIR.glob("*.toml"))]
    loaded.sort(key=lambda i: (i.audience != "partner", i.code))
    return {i.code: i for i in loaded}


def get(code: str) -> Instrument:
    """The instrument with this code (KeyError if there is none)."""
    return instruments()[code]


def is_relationship_measure(code: str) -> bool:
    """CSI-4 and CSI-16: the measures the partner gap compares."""
    return get(code).audience == "partner"
