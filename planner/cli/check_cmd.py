"""`mineral-planner check FILE|- --profile FILE.toml [--save]`: a day's intake against the targets."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from planner.cli.options import add_catalog, add_format, add_profile
from planner.cli.output import emit
from planner.cli.profile_flags import add_profile_fields, profile_from_args
from planner.errors import shortened
from planner.paths import MAX_INPUT_BYTES, decode_user_bytes, food_table, read_user_text
from planner.render import check_text
from planner.store import Store, parse_date


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="check a day's intake against your targets and say what to add",
                       description="Check what you ate against your magnesium, potassium and calcium targets. "
                                   "The intake is free text (one food a line: '2 bananas', '30 g almonds'), "
                                   "CSV with columns food,amount,unit, or JSON. Profile fields come from --profile "
                                   "and from flags (--sex female --age 30 --pregnant); a flag replaces the file's "
                                   "value, and a repeatable flag adds to its list.")
    p.add_argument("intake", help="the intake file; '-' reads standard input")
    add_profile(p)
    p.add_argument("--save", action="store_true",
                   help="store the day in the profile's own diary (replaces that person's entry for the date)")
    p.add_argument("--date", default=None, help="the day, YYYY-MM-DD (default: today)")
    p.add_argument("--note", default="", help="a note saved with the day")
    p.add_argument("--no-suggest", action="store_true", help="skip the suggestions that close the gaps")
    add_catalog(p)
    add_profile_fields(p)
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
    from foods.intake import parse_any, parse_csv, parse_json
    from planner.check import check_day
    from planner.supplements import split_supplements

    date = dt.date.today() if args.date is None else parse_date(args.date)
    text, kind = read_intake(args.intake)
    foods = food_table(args.catalog)
    profile, chosen = profile_from_args(args)
    food_text, supplements, any_food = split_supplements(text)  # "2 Magne B6" lines, before the food parse
    items = {"json": parse_json, "csv": parse_csv}.get(kind, parse_any)(food_text, foods) if any_food else []
    report = check_day(items, profile, foods, suggest=not args.no_suggest, supplements=supplements)
    report.notes.insert(0, chosen.note)
    saved = None
    if args.save:  # everything above succeeded: the whole input is valid
        replaced = Store().save_day(date, [i.to_dict() for i in items], report.totals, note=args.note,
                                    profile=chosen.diary_name, supplements=[s.to_dict() for s in supplements])
        saved = {"date": date.isoformat(), "profile": chosen.diary_name, "replaced": replaced}
    data = {"date": date.isoformat(), "profile_used": chosen.to_dict(), **report.to_dict(), "saved": saved}
    emit(args.format, data, check_text(report, date, saved))
    return 0
