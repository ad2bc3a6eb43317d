"""`mineral-planner plan --profile FILE.toml --days 7 [--format json] [--out plan.json] [--xlsx week.xlsx]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from planner.cli.output import add_format, dumps, emit
from planner.errors import PlannerError
from planner.files import check_writable, write_bytes_atomic
from planner.model import MAX_DAYS, Lock, make_plan
from planner.paths import food_table
from planner.plan import plan_text, plan_to_dict
from planner.profile import Profile, load_profile, profile_from_dict
from planner.rules import meal_slots

EXIT_NO_PLAN = 1   # the solver failed or the hard rules contradict each other: the message says which

# flag -> profile field, for the single-valued fields a flag replaces
_FIELD_FLAGS = {"sex": "sex", "age": "age", "pregnancy": "pregnancy", "weight_kg": "weight_kg",
                "height_cm": "height_cm", "activity": "activity", "energy_kcal": "energy_kcal", "diet": "diet",
                "target_set": "target_set"}
# repeatable flags add to the file's lists (an exclusion in the file must never be dropped by a flag)
_LIST_FLAGS = {"exclude": "exclude", "dislike": "dislike", "like": "like", "condition": "conditions"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan", help="plan meals for 1-14 days that meet your magnesium, potassium and calcium targets",
                       description="Plan 1-14 days of five small meals in household portions. Profile fields come "
                                   "from --profile and from flags; a flag replaces the file's value, and a "
                                   "repeatable flag (--exclude, --dislike, --like, --condition) adds to its list.")
    p.add_argument("--profile", default=None, help="profile TOML file, or the name of a saved profile "
                                                   "(default: a default adult, adjusted by the flags)")
    p.add_argument("--days", type=int, default=7, help=f"how many days, 1-{MAX_DAYS} (default 7)")
    p.add_argument("--out", type=Path, default=None, help="also write the plan as JSON to this file")
    p.add_argument("--xlsx", type=Path, default=None, help="also write an Excel workbook (plan, shopping list)")
    p.add_argument("--time-limit", type=float, default=30.0,
                   help="safety cap in seconds for the whole run (default 30; the solves stop at work limits)")
    p.add_argument("--max-days-per-food", type=int, default=3, help="a food on at most this many days (default 3)")
    p.add_argument("--lock", action="append", default=[], metavar="DAY:MEAL:FOOD[:GRAMS]",
                   help=f"keep a food in a meal, e.g. 1:breakfast:oatmeal (meals: {', '.join(meal_slots())})")
    p.add_argument("--prices", type=Path, default=None, help="CSV food_id,price_per_kg: plan the cheapest week")
    p.add_argument("--budget", type=float, default=None, help="weekly budget (needs --prices)")
    p.add_argument("--seed", type=int, default=0, help="pick another of the equally good plans")
    p.add_argument("--catalog", default=None, help="'curated' (default), 'full' (imported SR28) or a folder")
    who = p.add_argument_group("profile fields (override the file)")
    who.add_argument("--sex", default=None, help="female | male")
    who.add_argument("--age", type=int, default=None)
    who.add_argument("--pregnancy", "--pregnant", dest="pregnancy", default=None, metavar="TRIMESTER",
                     help="trimester1 | trimester2 | trimester3")
    who.add_argument("--lactation", action="store_true", default=None, help="breastfeeding")
    who.add_argument("--weight-kg", type=float, default=None)
    who.add_argument("--height-cm", type=float, default=None)
    who.add_argument("--activity", default=None, help="sedentary | light | moderate | active | very_active")
    who.add_argument("--energy-kcal", type=float, default=None, help="your energy budget (else estimated)")
    who.add_argument("--diet", default=None, help="omnivore | pescatarian | vegetarian | vegan")
    who.add_argument("--exclude", action="append", default=[], help="a food id or an allergen (repeatable)")
    who.add_argument("--dislike", action="append", default=[], help="a food id never to plan (repeatable)")
    who.add_argument("--like", action="append", default=[], help="a food id to plan more often (repeatable)")
    who.add_argument("--condition", action="append", default=[],
                     help="kidney_disease, heart_failure, ace_inhibitor, arb, ... (repeatable)")
    who.add_argument("--target-set", default=None, help="us | efsa")
    add_format(p)
    p.set_defaults(handler=run_plan)


def _base_profile(value: str | None) -> Profile:
    """A profile file, else a saved profile of that name, else the default adult."""
    if value is None:
        return Profile()
    path = Path(value)
    if path.exists():
        if path.is_dir():
            raise PlannerError(f"{path} is a folder; --profile takes a TOML file")
        return load_profile(path)
    from planner.store import Store

    store = Store()
    if store.path.is_file() and value in store.list_profiles():
        return profile_from_dict(store.load_profile(value))
    raise PlannerError(f"profile file {value} not found (and no saved profile has that name)")


def profile_from_args(args) -> Profile:
    """The profile file (or the default adult) with the flags applied, validated as a whole."""
    data = _base_profile(args.profile).to_dict()
    for flag, name in _FIELD_FLAGS.items():
        value = getattr(args, flag)
        if value is not None:
            data[name] = value
    if args.lactation:
        data["lactation"] = True
    for flag, name in _LIST_FLAGS.items():
        data[name] = list(dict.fromkeys([*data.get(name, []), *getattr(args, flag)]))
    return profile_from_dict(data)


def parse_lock(text: str) -> Lock:
    """'1:breakfast:oatmeal' or '2:lunch:lentils:198' -> Lock (days counted from 1 on the command line)."""
    parts = text.split(":")
    if len(parts) not in (3, 4):
        raise PlannerError(f"--lock '{text}': write DAY:MEAL:FOOD or DAY:MEAL:FOOD:GRAMS, e.g. 1:breakfast:oatmeal")
    try:
        day = int(parts[0])
        grams = float(parts[3]) if len(parts) == 4 else None
    except ValueError:
        raise PlannerError(f"--lock '{text}': the day and the grams are numbers, e.g. 2:lunch:lentils:198") from None
    return Lock(day - 1, parts[1].strip(), parts[2].strip(), grams)


def run_plan(args) -> int:
    if not 1 <= args.days <= MAX_DAYS:
        raise PlannerError(f"--days must be from 1 to {MAX_DAYS}, not {args.days}")
    if args.xlsx is not None and args.xlsx.suffix.lower() != ".xlsx":
        raise PlannerError(f"an Excel workbook's name ends in .xlsx: '{args.xlsx.name}' does not")
    if args.budget is not None and args.prices is None:
        raise PlannerError("--budget needs --prices FILE (food_id,price_per_kg)")
    for path, suffix in ((args.out, None), (args.xlsx, ".xlsx")):   # before the solve, not after it
        if path is not None:
            check_writable(path, suffix)
    profile = profile_from_args(args)
    table = food_table(args.catalog)
    prices = None
    if args.prices is not None:
        from planner.shopping import load_prices

        prices = load_prices(args.prices, table)
    locks = [parse_lock(text) for text in args.lock]
    plan = make_plan(profile, table, args.days, locks=locks, max_days_per_food=args.max_days_per_food,
                     prices=prices, weekly_budget=args.budget, time_limit=args.time_limit, seed=args.seed)
    data = plan_to_dict(plan, table)
    emit(args.format, data, plan_text(plan, table))
    if plan.status.status in ("failed", "infeasible"):   # no file gets a plan with empty days
        problem = [n for n in plan.notes if "solver failed" in n or "hard rules" in n]
        print(f"error: {problem[0] if problem else plan.status.message}; nothing written", file=sys.stderr)
        return EXIT_NO_PLAN
    if args.out is not None:
        write_bytes_atomic(args.out, (dumps(data) + "\n").encode("utf-8"))
    if args.xlsx is not None:
        from planner.excel import write_workbook

        write_workbook(plan, table, args.xlsx, prices=prices)
    return 0
