"""`mineral-planner diary show [--profile NAME] [--from DATE] [--to DATE]` and `diary delete DATE`: one person's
saved days."""

from __future__ import annotations

import argparse

from foods.nutrients import SHOWN_NUTRIENTS
from planner.cli.options import add_format, add_profile
from planner.cli.output import emit
from planner.errors import PlannerError
from planner.render import table

DIARY_PROFILE_HELP = "whose diary: a saved profile's name or a profile file (default: as `check` picks)"


def register(sub: argparse._SubParsersAction) -> None:
    diary = sub.add_parser("diary", help="the days you saved with `check --save`: totals and weekly averages")
    cmds = diary.add_subparsers(dest="diary_command", metavar="ACTION", required=True)
    show = cmds.add_parser("show", help="one person's days with their totals, and weekly averages")
    show.add_argument("--from", dest="start", default=None, help="first day, YYYY-MM-DD")
    show.add_argument("--to", dest="end", default=None, help="last day, YYYY-MM-DD")
    add_profile(show, DIARY_PROFILE_HELP)
    add_format(show)
    show.set_defaults(handler=run_show)
    delete = cmds.add_parser("delete", help="remove one day from one person's diary")
    delete.add_argument("date", help="the day, YYYY-MM-DD")
    add_profile(delete, DIARY_PROFILE_HELP)
    add_format(delete)
    delete.set_defaults(handler=run_delete)


def _headers() -> list[str]:
    from foods.nutrients import NUTRIENT_LABELS, NUTRIENT_UNITS

    return [f"{NUTRIENT_LABELS[k].lower()} {NUTRIENT_UNITS[k]}" for k in SHOWN_NUTRIENTS]


def run_show(args) -> int:
    from planner.profile_choice import resolve_profile
    from planner.store import Store, parse_date
    from planner.supplements import from_record, warnings_for

    start, end = (None if d is None else parse_date(d) for d in (args.start, args.end))
    if start and end and start > end:
        raise PlannerError(f"--from {start} is after --to {end}")
    chosen = resolve_profile(args.profile)
    whose = chosen.diary_name
    store = Store()
    days = store.diary(start, end, profile=whose) if store.path.is_file() else []
    weeks = store.weekly_averages(days=days)
    taken = {d.date: [from_record(r) for r in d.supplements] for d in days}
    warnings = {day: warnings_for(items, chosen.profile) for day, items in taken.items()}
    data = {"profile": whose, "from": start and start.isoformat(), "to": end and end.isoformat(),
            "days": [d.to_dict() | {"supplement_warnings": warnings[d.date]} for d in days],
            "weekly_averages": [w.to_dict() for w in weeks]}
    emit(args.format, data, _diary_text(whose, days, weeks, bool(start or end), taken, warnings))
    return 0


def _supplement_lines(taken, warnings) -> list[str]:
    """Each day's supplements with what they brought, and the day's supplement warnings (the magnesium upper
    limit counts supplements only), as the day's check showed them."""
    from planner.supplements import amounts_text

    lines = []
    for day, items in taken.items():
        lines += [f"  {day.isoformat()}: {s.text or s.name} -> {s.name}: {amounts_text(s.amounts)}" for s in items]
        lines += [f"  ! {day.isoformat()}: {w}" for w in warnings[day]]
    return ["", "Supplements (counted in the totals):", *lines] if lines else []


def _diary_text(whose: str, days, weeks, ranged: bool, taken, warnings) -> str:
    if not days:
        return (f"No days in the diary of '{whose}'" + (" for that range" if ranged else "")
                + ": save one with `mineral-planner check FILE --save`.")
    rows = [[d.date.isoformat(), len(d.items), len(d.supplements), *[d.totals.get(k) for k in SHOWN_NUTRIENTS], d.note]
            for d in days]
    week_rows = [[w.week, f"{w.start.isoformat()}..{w.end.isoformat()}", w.days,
                  *[w.averages.get(k) for k in SHOWN_NUTRIENTS]] for w in weeks]
    return "\n".join([f"Diary of '{whose}'", table(rows, ["date", "foods", "supplements", *_headers(), "note"]),
                      *_supplement_lines(taken, warnings), "",
                      "Weekly averages (days with an entry, supplements included):",
                      table(week_rows, ["week", "dates", "days", *_headers()])])


def run_delete(args) -> int:
    from planner.profile_choice import resolve_profile
    from planner.store import Store, parse_date

    day = parse_date(args.date)
    whose = resolve_profile(args.profile).diary_name
    store = Store()
    if not store.path.is_file() or not store.delete_day(day, profile=whose):
        raise PlannerError(f"no entry for {day.isoformat()} in the diary of '{whose}'")
    emit(args.format, {"deleted": day.isoformat(), "profile": whose},
         f"deleted the diary entry for {day.isoformat()} (diary of '{whose}')")
    return 0
