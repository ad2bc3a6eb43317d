"""`mineral-planner plan --profile FILE.toml --days 7 [--format json] [--out plan.json] [--xlsx week.xlsx]`."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from planner.cli import edit_cmd
from planner.cli.options import add_catalog, add_format, add_profile
from planner.cli.output import dumps, emit
from planner.cli.profile_flags import add_profile_fields, profile_from_args
from planner.errors import PlannerError
from planner.files import check_writable, write_together
from planner.paths import food_table

if TYPE_CHECKING:   # the model, pandas and the solvers load when a plan is made, not when the CLI starts
    from planner.optimise import Lock

MAX_SEED = 2**32 - 1     # numpy's seed range
MAX_TIME_LIMIT = 3600.0
DEFAULT_TIME_LIMIT = 120.0   # seconds: a safety cap for the whole run; the solves stop at their work limits
EXIT_NO_PLAN = 1   # the solver failed or the hard rules contradict each other: the message says which
def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan", usage="%(prog)s [--profile FILE|NAME] [--days DAYS] [options]\n"
                                     "       %(prog)s edit PLAN.json (--remove FOOD | --regenerate | ...) [options]",
                       help="plan meals for 1-14 days that meet your magnesium, potassium and calcium "
                                    "targets; `plan edit` changes a saved plan",
                       description="Plan 1-14 days of five small meals in household portions. Profile fields come "
                                   "from --profile and from flags; a flag replaces the file's value, and a "
                                   "repeatable flag (--exclude, --dislike, --like, --condition) adds to its list. "
                                   "`mineral-planner plan edit PLAN.json ...` changes a saved plan (see "
                                   "`mineral-planner plan edit --help`).")
    add_profile(p)
    p.add_argument("--days", type=int, default=7, help="how many days (default 7, at most two weeks)")
    p.add_argument("--out", type=Path, default=None, help="also write the plan as JSON to this file")
    p.add_argument("--xlsx", type=Path, default=None, help="also write an Excel workbook (plan, shopping list)")
    p.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT,
                   help=f"safety cap in seconds for the whole run (default {DEFAULT_TIME_LIMIT:g}; the solves stop at "
                        "work limits, so a plan is the same on a busy machine)")
    p.add_argument("--max-days-per-food", type=int, default=3, help="a food on at most this many days (default 3)")
    p.add_argument("--lock", action="append", default=[], metavar="DAY:MEAL:FOOD[:GRAMS]",
                   help="keep a food in a meal, e.g. 1:breakfast:oatmeal or 2:dinner:lentils:198 (grams)")
    p.add_argument("--prices", type=Path, default=None, help="CSV food_id,price_per_kg: plan the cheapest week")
    p.add_argument("--budget", type=float, default=None, help="weekly budget (needs --prices)")
    p.add_argument("--seed", type=int, default=0, help="pick another of the equally good plans")
    p.add_argument("--thorough", action="store_true",
                   help="search longer (a few seconds a week, up to half a minute for a kidney diet) for a better "
                        "week: fewer foods, more meals as dishes, days closer to your energy")
    add_catalog(p)
    add_profile_fields(p)
    add_format(p)
    p.set_defaults(handler=run_plan)
    edit_cmd.register(p.add_subparsers(dest="plan_action", metavar="ACTION", title="changing a saved plan",
                                       prog=p.prog))


def parse_lock(text: str) -> Lock:
    """'1:breakfast:oatmeal' or '2:lunch:lentils:198' -> Lock (days counted from 1 on the command line)."""
    from planner.optimise import Lock

    parts = text.split(":")
    if len(parts) not in (3, 4):
        raise PlannerError(f"--lock '{text}': write DAY:MEAL:FOOD or DAY:MEAL:FOOD:GRAMS, e.g. 1:breakfast:oatmeal")
    try:
        day = int(parts[0])
        grams = float(parts[3]) if len(parts) == 4 else None
    except ValueError:
        raise PlannerError(f"--lock '{text}': the day and the grams are numbers, e.g. 2:lunch:lentils:198") from None
    return Lock(day - 1, parts[1].strip(), parts[2].strip(), grams)


def _check_options(args) -> None:
    """Every option within its range before any work (a bad --seed was numpy's traceback)."""
    if not 0 <= args.seed <= MAX_SEED:
        raise PlannerError(f"--seed must be a whole number from 0 to {MAX_SEED:,}, not {args.seed}", field="seed")
    if not (math.isfinite(args.time_limit) and 0 < args.time_limit <= MAX_TIME_LIMIT):
        raise PlannerError(f"--time-limit is seconds, more than 0 and at most {MAX_TIME_LIMIT:g}", field="time_limit")
    if args.max_days_per_food < 1:
        raise PlannerError("--max-days-per-food must be at least 1", field="max_days_per_food")
    if args.budget is not None and args.prices is None:
        raise PlannerError("--budget needs --prices FILE (food_id,price_per_kg)", field="budget")
    if args.budget is not None and not (math.isfinite(args.budget) and args.budget > 0):
        raise PlannerError("--budget is an amount of money, more than 0", field="budget")
    for path, suffix in ((args.out, None), (args.xlsx, ".xlsx")):   # before the solve, not after it
        if path is not None:
            check_writable(path, suffix)
    from planner.optimise import MAX_DAYS  # the model (pandas, the solvers) only once the cheap checks pass

    if not 1 <= args.days <= MAX_DAYS:
        raise PlannerError(f"--days must be from 1 to {MAX_DAYS}, not {args.days}", field="days")


def run_plan(args) -> int:
    _check_options(args)
    from planner.optimise import make_plan
    from planner.plan import plan_text, plan_to_dict
    from planner.shopping import load_prices

    profile, chosen = profile_from_args(args)
    table = food_table(args.catalog)
    prices = load_prices(args.prices, table) if args.prices is not None else None
    locks = [parse_lock(text) for text in args.lock]
    plan = make_plan(profile, table, args.days, locks=locks, max_days_per_food=args.max_days_per_food,
                     prices=prices, weekly_budget=args.budget, time_limit=args.time_limit, seed=args.seed,
                     thorough=args.thorough)
    data = plan_to_dict(plan, table) | {"profile_used": chosen.to_dict()}
    emit(args.format, data, f"Profile: {chosen.note}\n\n{plan_text(plan, table)}")
    if not plan.status.status.solved:   # no file gets a plan with empty days
        print(f"error: {plan.why_unsolved()}; nothing written", file=sys.stderr)
        return EXIT_NO_PLAN
    files = {args.out: (dumps(data) + "\n").encode("utf-8")} if args.out else {}
    if args.xlsx is not None:
        from planner.excel import workbook_bytes

        files[args.xlsx] = workbook_bytes(plan, table, prices=prices)
    write_together(files)       # both or neither: never a new plan beside an old workbook
    return 0
