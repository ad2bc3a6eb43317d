"""Words the CLI, the workbook and the dashboard share, written once: the disclaimer, the nutrients shown
and their words, status words, and the sentence for a shortfall. Light to import (no pandas)."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

DISCLAIMER_LEAD = "This tool informs; it does not prescribe."
DISCLAIMER_REST = (
    "It is not medical advice. If you have kidney disease, take medicines that raise potassium (ACE inhibitors, "
    "ARBs, potassium-sparing diuretics, NSAIDs), or take supplements in pregnancy, ask your clinician before "
    "changing what you eat. Cramps that are frequent, severe or new deserve a visit to a doctor."
)
DISCLAIMER = f"{DISCLAIMER_LEAD} {DISCLAIMER_REST}"

# the minerals and energy every table shows, in this order (CLI tables, diary, workbook)
SHOWN_NUTRIENTS = ("calcium_mg", "magnesium_mg", "potassium_mg", "sodium_mg", "energy_kcal")


class Status(StrEnum):
    """A nutrient's standing in a day check (planner.check writes these values)."""

    BELOW = "below"
    MET = "met"
    ABOVE_UL = "above_ul"
    ABOVE_CDRR = "above_cdrr"
    ABOVE_LIMIT = "above_limit"
    ABOVE = "above"
    NOT_PUSHED = "not_pushed"
    UNKNOWN = "unknown"


STATUS_WORDS = {
    Status.BELOW: "below", Status.MET: "met", Status.ABOVE_UL: "ABOVE the upper limit",
    Status.ABOVE_CDRR: "above the sodium ceiling", Status.ABOVE_LIMIT: "above your limit",
    Status.ABOVE: "above the budget", Status.NOT_PUSHED: "not pushed (ask your clinician)",
    Status.UNKNOWN: "unknown",
}


def status_words(status: str) -> str:
    """'above_ul' -> 'ABOVE the upper limit': a status in words, never the internal code."""
    return STATUS_WORDS.get(status, str(status).replace("_", " "))


def nutrient_word(name: str) -> str:
    """'magnesium_mg' -> 'magnesium', 'vitamin_b6_mg' -> 'vitamin b6': the nutrient inside a sentence."""
    return name.rsplit("_", 1)[0].replace("_", " ")


def unit_word(name: str) -> str:
    """'magnesium_mg' -> 'mg', 'vitamin_d_ug' -> 'µg'."""
    return name.rsplit("_", 1)[-1].replace("ug", "µg")


def nutrient_heading(name: str) -> str:
    """'Magnesium mg': the column heading of a nutrient (its SR28 label and unit)."""
    from foods.table import NUTRIENT_LABELS, NUTRIENT_UNITS  # pandas: only when a table is drawn

    return f"{NUTRIENT_LABELS.get(name, nutrient_word(name))} {NUTRIENT_UNITS.get(name, unit_word(name))}"


class _ShortfallLike(Protocol):
    nutrient: str
    achieved: float
    target: float
    day: int | None
    binding: list[str]
    help: str


def shortfall_sentence(s: _ShortfallLike, with_day: bool = True) -> str:
    """'Day 3: magnesium 250 of 320 mg (limited by the energy budget): add nuts' for people."""
    where = f"Day {s.day + 1}: " if with_day and s.day is not None else ""
    text = f"{where}{nutrient_word(s.nutrient)} {s.achieved:,.0f} of {s.target:,.0f} {unit_word(s.nutrient)}"
    if s.binding:
        text += f" (limited by {', '.join(s.binding)})"
    return text + (f": {s.help}" if s.help else "")
