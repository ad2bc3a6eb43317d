"""Word forms shared by search, units and parsing: lower case, words only, singular."""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z0-9]+")


def singular(word: str) -> str:
    """A crude English singular: 'bananas' -> 'banana', 'berries' -> 'berry', 'potatoes' -> 'potato'."""
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("oes", "ches", "shes", "xes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def normalize(text: str) -> str:
    """Lower case, words only, each word singular: the form every name and query is compared in."""
    return " ".join(singular(w) for w in _WORD.findall(text.lower().replace("_", " ")))


_MULTI_WORD_UNITS = ("fl oz", "extra small", "extra large", "drink box")
_UNIT_SPELLINGS = {"tablespoon": "tbsp", "teaspoon": "tsp", "nlea serving": "serving"}


def measure_unit(measure: str) -> str:
    """The unit word of an SR28 measure as people type it: 'medium (7\" long)' -> 'medium',
    'cup, sliced' -> 'cup', 'fl oz' -> 'fl oz', 'slices' -> 'slice', 'NLEA serving' -> 'serving'."""
    text = measure.lower().split(",")[0].split("(")[0].strip()
    for spelling, unit in _UNIT_SPELLINGS.items():
        if text.startswith(spelling):
            return unit
    for unit in _MULTI_WORD_UNITS:
        if text.startswith(unit):
            return unit
    words = _WORD.findall(text)
    return singular(words[0]) if words else ""
