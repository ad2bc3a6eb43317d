"""`mineral-planner check FILE|- --profile FILE.toml [--save]`: a day's intake against the targets."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from foods.intake import parse_any, parse_csv, parse_json
from foods.table import NUTRIENT_LABELS
from planner.check import CheckReport, check_day
from planner.cli.options import add_catalog, add_format, add_profile
from planner.cli.output import emit, table
from planner.errors import shortened
from planner.paths import MAX_INPUT_BYTES, decode_user_bytes, food_table, read_user_text
from planner.profile_choice import resolve_profile
from planner.store import Store, parse_date
from planner.supplements import split_supplements

STATUS_WORDS = {"below": "below", "met": "met", "above_ul": "ABOVE the upper limit",
                "above_cdrr": "above the ceiling (CDRR)", "above_limit": "above your limit",
                "above": "above the budget", "not_pushed": "not pushed (ask your clinician)", "unknown": "unknown"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="check a day's intake against your targets and say what to add",
                       description="Check what you ate against your magnesium, potassium and calcium targets. "
                                   "The intake is free text (one food a line: '2 bananas', '30 g almonds'), "
                                   "CSV with columns food,amount,unit, or JSON.")
    p.add_argument("intake", help="the intake file; '-' reads standard input")
    add_profile(p)
    p.add_argument("--save", action="store_true",
                   help="store the day in the profile's own diary (replaces that person's entry for the date)")
    p.add_argument("--date", default=None, help="the day, YYYY-MM-DD (default: today)")
    p.add_argument("--note", default="", help="a note saved with the day")
    p.add_argument("--no-suggest", action="store_true", help="skip the suggestions that close the gaps")
    add_catalog(p)
    add_format(p)
    p.set_defaults(handler=run_check)


def read_intake(source: str) -> tuple[str, str]:
    """(text, kind): '-' is standard input; a .json file is JSON, a .csv or .tsv file CSV; anything else is
    detected from its text."""
    if source == "-":
        raw = getattr(sys.stdin, "buffer", None)
        data = raw.read(MAX_INPUT_BYTES + 1) if raw is not None else sys.stdin.read(MAX_INPUT_BYTES + 1).encode()
        return decode_user_bytes(data, "standard input"), "any"
    path = Path(source)
    text = read_user_text(path, "intake file", f"{shortened(path)} is a folder; give the file with what you ate")
    return text, {".json": "json", ".csv": "csv", ".tsv": "csv"}.get(path.suffix.lower(), "any")


def run_check(args) -> int:
    date = dt.date.today() if args.date is None else parse_date(args.date)
    text, kind = read_intake(args.intake)
    foods = food_table(args.catalog)
    chosen = resolve_profile(args.profile)
    food_text, supplements, any_food = split_supplements(text)  # "2 Magne B6" lines, before the food parse
    items = {"json": parse_json, "csv": parse_csv}.get(kind, parse_any)(food_text, foods) if any_food else []
    report = check_day(items, chosen.profile, foods, suggest=not args.no_suggest, supplements=supplements)
    report.notes.insert(0, chosen.note)
    saved = None
    if args.save:  # everything above succeeded: the whole input is valid
        replaced = Store().save_day(date, [i.to_dict() for i in items], report.totals, note=args.note,
                                    profile=chosen.diary_name)
        saved = {"date": date.isoformat(), "profile": chosen.diary_name, "replaced": replaced}
    data = {"date": date.isoformat(), "profile_used": chosen.to_dict(), **report.to_dict(), "saved": saved}
    emit(args.format, data, report_text(report, date, saved))
    return 0


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


def report_text(report: CheckReport, date: dt.date, saved: dict | None = None) -> str:
    """The report for people: items and readings, totals against targets, contributors, notes, suggestions."""
    lines = [f"Day check for {date.isoformat()}", "", "What you ate:"]
    for it in report.items:
        mark = "  (closest match)" if it.guessed else ""
        lines.append(f"  line {it.line}: {it.text} -> {it.food.name} [NDB {it.food.ndb}], {it.reading}{mark}")
    if report.supplements:
        lines += ["", "Supplements (counted in the totals):"]
        lines += [f"  line {s.line}: {s.text} -> {s.name}, {s.reading} [{s.source}]" for s in report.supplements]
    if report.supplement_warnings:
        lines += ["", "Supplement warnings:"] + [f"  ! {w}" for w in report.supplement_warnings]
    rows = []
    for s in report.status.values():
        star = "*" if s.lower_bound else ""
        status = STATUS_WORDS.get(s.status, s.status)
        if s.nutrient == "energy_kcal":
            status = {"below": f"under the budget ({report.energy['left_kcal']:,.0f} kcal left)",
                      "met": "within the budget", "above": "above the budget"}[s.status]
        elif s.status == "met" and s.min is None and s.max is not None:
            status = "under the limit"
        elif s.status == "below" and s.goal:
            status += f" ({_amount(s.missing, s.unit)} short)"
        elif s.status == "below":
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
    if report.limit_notes:
        lines += ["", "What the articles say to limit:"]
        lines += [f"  - {n.text} [{n.source}]" for n in report.limit_notes]
    if report.above_limits:
        lines += ["", "Above a limit:"] + [f"  - {a['text']}" for a in report.above_limits]
    if report.suggestions:
        lines += ["", "To close the gap:"] + [f"  - {s.text}" for s in report.suggestions]
    if report.gaps_unclosed:
        lines += ["", "Not closed:"] + [f"  - {g.text}" for g in report.gaps_unclosed]
    if not report.gaps:
        lines += ["", "Every goal is met today" + (", but a limit is crossed (above)." if report.above_limits
                                                   else ".")]
    if report.notes:
        lines += ["", "Notes:"] + [f"  - {n}" for n in report.notes]
    if report.incomplete:
        lines.append("* SR28 lacks a value for some food eaten: that total is a lower bound.")
    if saved:
        lines.append(f"Saved to the diary of '{saved['profile']}' for {saved['date']}"
                     + (" (replaced the earlier entry)." if saved["replaced"] else "."))
    return "\n".join(lines)
