"""The shape of the benchmark fixtures S, M and L: the fixed seed, how many of what each size
holds, the accounts the benchmark signs in with, and the pool of words the writing is made of.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

SEED = 20260301
GENERATOR_VERSION = 2
BENCH_DOMAIN = "bench.rekindle.test"
BENCH_PASSWORD = "bench-password-rekindle-2026"  # noqa: S105 - a fixture, never a real account
COUNSELOR_A = f"counselor-a@{BENCH_DOMAIN}"
COUNSELOR_BIG = f"counselor-big@{BENCH_DOMAIN}"
CHUNK = 5000


@dataclass(frozen=True)
class Shape:
    """How many of what one size holds."""

    counselors: list[int]  # clients per counselor, counselor A first
    weeks_other: int  # journal weeks for everyone but counselor A (who always has 26)


SIZES: dict[str, Shape] = {
    "S": Shape(counselors=[40], weeks_other=26),
    "M": Shape(counselors=[40] * 10, weeks_other=26),
    # 2,000 clients: A (40), one counselor with 150, 48 sharing the other 1,810.
    "L": Shape(counselors=[40, 150] + [38] * 34 + [37] * 14, weeks_other=52),
}
WEEKS_A = 26
ENTRIES_PER_WEEK = 2
SESSIONS_PER_CASE = 10
ASSIGNMENTS_PER_CASE = 5

_WRITING = (
    "we talked about the morning again and I noticed how tired we both were after work "
    "it felt easier to listen when I put my phone away and asked what the day had been like "
    "there was a moment of tension about money and the weekend plans but we paused and came "
    "back to it later with more patience I want to remember that small things like making tea "
    "or a short walk after dinner help us feel close my partner said they felt heard for the "
    "first time in a while and I felt relieved we still disagree about visiting family over "
    "the holidays yet the conversation stayed kind I caught myself raising my voice and "
    "stopped to breathe which surprised me the exercise from last session helped us name "
    "what we need instead of what went wrong tomorrow I will try to say thank you more often "
    "we laughed together about an old memory from our first apartment and that felt warm "
    "sleep has been difficult and it makes everything feel heavier than it is I am hopeful "
    "about the plan we made for sunday mornings and curious whether it will last"
)
WORDS = _WRITING.split()
TAGS = ["communication", "family", "work", "money", "gratitude", "conflict", "hope", "sleep"]
_FIRST = "Alex Sam Jordan Taylor Casey Riley Morgan Jamie Robin Avery Quinn Drew Kai Rowan"
FIRST = _FIRST.split()
_LAST = "Rivera Chen Okafor Novak Lindqvist Haddad Moreau Tanaka Silva Kowalski Byrne"
LAST = _LAST.split()
MODULES = [
    ("Soft start-up", "Begin hard conversations gently."),
    ("Repair attempts", "Notice and accept bids to repair."),
    ("Love maps", "Stay curious about each other's inner world."),
    ("Time-out plan", "Pause before a conversation overheats."),
    ("Appreciation habit", "Say what you value, every day."),
]


def _sentences(rng: random.Random, count: int) -> list[str]:
    out = []
    for _ in range(count):
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
        out.append(" ".join(words).capitalize() + ".")
    return out
