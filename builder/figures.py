"""Figures in a sentence: money amounts, large counts and durations, with a comparable value."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_SCALE = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9,
    "b": 1e9, "trillion": 1e12, "tn": 1e12,
}
_CURRENCY = {"$": "USD", "us$": "USD", "a$": "AUD", "au$": "AUD", "c$": "CAD", "hk$": "HKD",
             "nz$": "NZD", "s$": "SGD", "€": "EUR", "£": "GBP", "¥": "JPY", "rmb": "CNY"}
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "twenty": 20, "hundred": 100}

MONEY = re.compile(
    r"(?<![\w$])(?P<cur>US\$|AU\$|A\$|C\$|HK\$|NZ\$|S\$|\$|€|£|¥)\s?(?P<num>\d[\d,]*(?:\.\d+)?)"
    r"(?:\s?(?P<scale>trillion|billion|million|thousand|bn|tn|mn|[mbk])\b)?",
    re.IGNORECASE,
)
COUNT = re.compile(
    r"\b(?P<num>\d[\d,]*(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twenty)"
    r"(?:\s(?P<scale>million|billion|thousand|hundred))?"
    r"[\s-](?P<unit>years?|months?|people|individuals|sites|data centres|data centers|employees|"
    r"jobs|customers|users|businesses|startups|GPUs)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Figure:
    text: str  # as written
    kind: str  # "money", "count" or "duration"
    key: str  # comparable: "USD 2900000000", "people 3000000", "years 2"


def _number(text: str) -> float:
    text = text.lower().replace(",", "")
    return float(_WORD_NUMBERS[text]) if text in _WORD_NUMBERS else float(text)


def _comparable(value: float) -> bool:
    """A value that can be compared and printed: not infinite (a number of 309 digits is)."""
    return math.isfinite(value) and abs(value) < 1e30


def _fmt(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:g}"


def find_figures(sentence: str) -> list[Figure]:
    found = []
    taken: list[tuple[int, int]] = []
    for match in MONEY.finditer(sentence):
        scale = _SCALE.get((match.group("scale") or "").lower(), 1)
        currency = _CURRENCY[match.group("cur").lower()]
        value = _number(match.group("num")) * scale
        if not _comparable(value):
            continue
        found.append((match.start(), Figure(match.group(0).strip(), "money", f"{currency} {_fmt(value)}")))
        taken.append(match.span())
    for match in COUNT.finditer(sentence):
        if any(a <= match.start() < b for a, b in taken):
            continue
        unit = match.group("unit").lower().rstrip("s").replace("individual", "people").replace("person", "people")
        unit = {"year": "years", "month": "months", "people": "people"}.get(unit, unit + "s")
        scale = _SCALE.get((match.group("scale") or "").lower(), 1)
        if (match.group("scale") or "").lower() == "hundred":
            scale = 100
        value = _number(match.group("num")) * scale
        if not _comparable(value):
            continue
        kind = "duration" if unit in ("years", "months") else "count"
        found.append((match.start(), Figure(match.group(0).strip(), kind, f"{unit} {_fmt(value)}")))
    return [f for _, f in sorted(found, key=lambda item: item[0])]
