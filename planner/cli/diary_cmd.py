"""`mineral-planner diary show [--from DATE] [--to DATE]` and `diary delete DATE`: the saved days."""

from __future__ import annotations

import argparse

from foods.table import NUTRIENT_LABELS, NUTRIENT_UNITS
from planner.cli.output import add_format, emit, table
from planner.errors import PlannerError
from planner.store import Store, parse_date

SHOWN = ("calcium_mg", "magnesium_mg", "potassium_mg", "sodium_mg", "energy_kcal")


def register(sub: argparse._SubParsersAction) -> None:
    diary = sub.add_parser("diary", help="the days you saved with `check --save`: totals and weekly averages")
    cmds = diary.add_subparsers(dest="diary_command", metavar="ACTION", required=True)
    show = cmds.add_parser("show", help="days with their totals, and weekly averages")
    show.add_argument("--from", dest="start", default=None, help="first day, YYYY-MM-DD")
    show.add_argument("--to", dest="end", default=None, help="last day, YYYY-MM-DD")
    add_format(show)
    show.set_defaults(handler=run_show)
    delete = cmds.add_parser("delete", help="remove one day")
    delete.add_argument("date", help="the day, YYYY-MM-DD")
    add_format(delete)
    delete.set_defaults(handler=run_delete)


def _headers() -> list[str]:
    return [f"{NUTRIENT_LABELS[k].lower()} {NUTRIENT_UNITS[k]}" for k in SHOWN]


def run_show(args) -> int:
    start = parse_date(args.start) if args.start else None
    end = parse_date(args.end) if args.end else None
    if start and end and start > end:
        raise PlannerError(f"--from {start} is after --to {end}")
    store = Store()
    days = store.diary(start, end) if store.path.is_file() else []
    weeks = store.weekly_averages(days=days)
    data = {"from": start and start.isoformat(), "to": end and end.isoformat(),
            "days": [d.to_dict() for d in days], "weekly_averages": [w.to_dict() for w in weeks]}
    if not days:
        text = "No days in the diary" + (" for that range" if start or end else "") + \
               ": save one with `mineral-planner check FILE --save`."
    else:
        rows = [[d.date.isoformat(), len(d.items), *[d.totals.get(k) for k in SHOWN], d.note] for d in days]
        week_rows = [[w.week, f"{w.start.isoformat()}..{w.end.isoformat()}", w.days,
                      *[w.averages.get(k) for k in SHOWN]] for w in weeks]
        text = "\n".join([table(rows, ["date", "items", *_headers(), "note"]), "", "Weekly averages (days with an entry):",
                          table(week_rows, ["week", "dates", "days", *_headers()])])
    emit(args.format, data, text)
    return 0


def run_delete(args) -> int:
    day = parse_date(args.date)
    store = Store()
    if not store.path.is_file() or not store.delete_day(day):
        raise PlannerError(f"no diary entry for {day.isoformat()}")
    emit(args.format, {"deleted": day.isoformat()}, f"deleted the diary entry for {day.isoformat()}")
    return 0
