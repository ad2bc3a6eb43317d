"""Words the CLI, the workbook and the dashboard share, written once: the disclaimer, the nutrients shown
and their words, status words, the sentence for a shortfall, text tables and the day check as text.
Light to import: the nutrients' names come from the registry (foods/nutrients.py), which needs no pandas."""

from __future__ import annotations

import datetime as dt
import math
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from foods.nutrients import NUTRIENT_LABELS, NUTRIENT_UNITS

if TYPE_CHECKING:
    from planner.check import CheckReport

DISCLAIMER_LEAD = "This tool informs; it does not prescribe."
DISCLAIMER_REST = (
    "It is not medical advice. If you have kidney disease, take medicines that raise potassium (ACE inhibitors, "
    "ARBs, potassium-sparing diuretics, NSAIDs), or take supplements in pregnancy, ask your clinician before "
    "changing what you eat. Cramps that are frequent, severe or new deserve a visit to a doctor."
)
DISCLAIMER = f"{DISCLAIMER_LEAD} {DISCLAIMER_REST}"



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


# the statuses that say a ceiling is crossed (an upper limit, the sodium CDRR, a limit the person set)
CEILING_STATUSES = frozenset({Status.ABOVE_UL, Status.ABOVE_CDRR, Status.ABOVE_LIMIT})

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


def plural(n: int, word: str) -> str:
    """'1 day', '3 days': a count with its noun as people say it."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def unit_word(name: str) -> str:
    """'magnesium_mg' -> 'mg', 'vitamin_d_ug' -> 'µg'."""
    return name.rsplit("_", 1)[-1].replace("ug", "µg")


def nutrient_heading(name: str) -> str:
    """'Magnesium mg': the column heading of a nutrient (its SR28 label and unit)."""
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


def table(rows: list[list[Any]], headers: list[str]) -> str:
    """A plain aligned text table; missing numbers show as 'missing'."""
    def cell(v: Any) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return "missing"
        if isinstance(v, float):
            return f"{v:,.1f}" if abs(v) < 100 else f"{v:,.0f}"
        return str(v)

    grid = [headers] + [[cell(v) for v in r] for r in rows]
    widths = [max(len(r[i]) for r in grid) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in grid]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _amount(value: float | None, unit: str) -> str:
    if value is None:
        return "missing"
    return f"{value:,.1f} {unit}" if abs(value) < 10 else f"{value:,.0f} {unit}"


def _target_text(s) -> str:
    if s.nutrient == "energy_kcal":
        return f"{s.min:,.0f}-{s.max:,.0f} kcal"
    if s.min is not None and s.max is not None:
        return f"{_amount(s.min, s.unit)} (max {_amount(s.max, s.unit)})"
    if s.min is not None:
        return f"at least {_amount(s.min, s.unit)}"
    if s.max is not None:
        return f"at most {_amount(s.max, s.unit)}"
    return "-"


def _section(title: str, entries: list[str]) -> list[str]:
    """A titled block of the check's text after a blank line; nothing when it has no entries."""
    return ["", title, *entries] if entries else []


def check_text(report: CheckReport, date: dt.date, saved: dict | None = None) -> str:
    """The report for people: items and readings, totals against targets, contributors, notes, suggestions."""
    lines = [f"Day check for {date.isoformat()}", "", "What you ate:"]
    for it in report.items:
        mark = "  (closest match)" if it.guessed else ""
        lines.append(f"  line {it.line}: {it.text} -> {it.food.name} [NDB {it.food.ndb}], {it.reading}{mark}")
    lines += _section("Supplements (counted in the totals):",
                      [f"  line {s.line}: {s.text} -> {s.name}, {s.reading} [{s.source}]" for s in report.supplements])
    lines += _section("Supplement warnings:", [f"  ! {w}" for w in report.supplement_warnings])
    rows = []
    for s in report.status.values():
        star = "*" if s.lower_bound else ""
        status = status_words(s.status)
        if s.nutrient == "energy_kcal":
            status = {Status.BELOW: f"under the budget ({report.energy['left_kcal']:,.0f} kcal left)",
                      Status.MET: "within the budget", Status.ABOVE: "above the budget"}[s.status]
        elif s.status == Status.MET and s.min is None and s.max is not None:
            status = "under the limit"
        elif s.status == Status.BELOW and s.goal:
            status += f" ({_amount(s.missing, s.unit)} short)"
        elif s.status == Status.BELOW:
            status += " (reported, not planned for)"
        pct = "" if s.pct is None else f"{s.pct:.0f} %"
        rows.append([NUTRIENT_LABELS.get(s.nutrient, s.nutrient), _amount(s.total, s.unit) + star, _target_text(s),
                     pct, status])
        if s.counted is not None:  # calcium: oxalate greens' calcium is shown but does not count toward the goal
            rows.append(["  of which well absorbed", _amount(s.counted, s.unit), "", "", "counts toward the goal"])
    lines += ["", "Totals against your targets:", table(rows, ["nutrient", "total", "target", "%", "status"])]
    if any(report.contributors.values()):
        lines += ["", "Top contributors:"]
        for nutrient, foods_ in report.contributors.items():
            if foods_:
                parts = ", ".join(f"{f['name']} {f['amount']:,.0f} mg"
                                  + (f" ({f['share_pct']:.0f} %)" if f["share_pct"] is not None else "")
                                  for f in foods_)
                lines.append(f"  {NUTRIENT_LABELS.get(nutrient, nutrient).lower()}: {parts}")
    lines += _section("What the articles say to limit:", [f"  - {n.text} [{n.source}]" for n in report.limit_notes])
    lines += _section("Above a limit:", [f"  - {a['text']}" for a in report.above_limits])
    lines += _section("To close the gap:", [f"  - {s.text}" for s in report.suggestions])
    lines += _section("Not closed:", [f"  - {g.text}" for g in report.gaps_unclosed])
    if not report.gaps:
        lines += ["", "Every goal is met today" + (", but a limit is crossed (above)." if report.above_limits
                                                   else ".")]
    lines += _section("Notes:", [f"  - {n}" for n in report.notes])
    if report.incomplete:
        lines.append("* SR28 lacks a value for some food eaten: that total is a lower bound.")
    if saved:
        lines.append(f"Saved to the diary of '{saved['profile']}' for {saved['date']}"
                     + (" (replaced the earlier entry)." if saved["replaced"] else "."))
    return "\n".join(lines)
