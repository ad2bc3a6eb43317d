"""`mineral-planner plan edit PLAN.json --day 2 --meal lunch --remove banana [--out F] [--format json]`.

One edit of a saved plan through planner.edit, the functions the dashboard's buttons call. The plan follows
the profile it carries; `--never-use` adds the food to that profile's exclusions in the plan written out.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from planner.cli.options import add_catalog, add_format
from planner.cli.output import dumps, emit
from planner.errors import PlannerError
from planner.files import check_writable, write_bytes_atomic
from planner.paths import food_table
from planner.rules import meal_slots

if TYPE_CHECKING:   # the plan and the edits (pandas, the model) load when an edit runs, not when `plan` starts
    from planner import edit

MEAL_ACTIONS = ("set_portion", "remove", "lock", "unlock")
DEFAULT_TIME_LIMIT = 5.0   # seconds for each replanned meal


def register(sub: argparse._SubParsersAction) -> None:
    """`edit` under `plan`'s sub-commands: `mineral-planner plan edit PLAN.json ...`."""
    p = sub.add_parser("edit", help="change a saved plan: set a portion, remove, lock or unlock a food, never use "
                                    "a food, regenerate a meal or day",
                       description="One change to a plan file from `mineral-planner plan --out FILE`. Days count "
                                   "from 1. The plan is printed; --out also writes it.")
    p.add_argument("plan", type=Path, help="plan JSON file")
    p.add_argument("--day", type=int, default=None, help="the day, from 1")
    p.add_argument("--meal", default=None, help=f"the meal: {', '.join(meal_slots())}")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--set-portion", nargs=2, metavar=("FOOD", "GRAMS"), help="set (or add) a food's grams")
    what.add_argument("--remove", metavar="FOOD", help="take a food out of the meal")
    what.add_argument("--lock", nargs="?", const="", metavar="FOOD",
                      help="keep a food (without FOOD: every food of the meal) when regenerating")
    what.add_argument("--unlock", nargs="?", const="", metavar="FOOD", help="undo --lock")
    what.add_argument("--never-use", metavar="FOOD",
                      help="exclude a food everywhere and replan the meals that had it")
    what.add_argument("--regenerate", action="store_true", help="plan the meal (or without --meal, the day) again")
    p.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT,
                   help=f"seconds for each replanned meal (default {DEFAULT_TIME_LIMIT:g})")
    p.add_argument("--out", type=Path, default=None, help="also write the edited plan as JSON to this file")
    add_catalog(p)
    add_format(p)
    p.set_defaults(handler=run_edit)


def _place(args, need_meal: bool) -> tuple[int, str | None]:
    """The 0-based day and the meal the edit is about, checked against what the action needs."""
    action = _action(args)
    if args.day is None:
        raise PlannerError(f"--{action.replace('_', '-')} needs --day N (from 1)")
    if need_meal and args.meal is None:
        raise PlannerError(f"--{action.replace('_', '-')} needs --meal ({', '.join(meal_slots())})")
    if args.meal is not None and args.meal not in meal_slots():
        raise PlannerError(f"--meal '{args.meal[:60]}' is not a meal; meals are {', '.join(meal_slots())}")
    return args.day - 1, args.meal


def _action(args) -> str:
    for name in (*MEAL_ACTIONS, "never_use"):
        if getattr(args, name) is not None:
            return name
    return "regenerate"


def _grams(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise PlannerError(f"--set-portion: grams must be a number such as 150, not '{text[:60]}'") from None


def apply(args, plan, table) -> edit.Edit:
    """The one edit the arguments ask for."""
    from planner import edit

    action = _action(args)
    if action == "never_use":
        return edit.never_use(plan, table, args.never_use, time_limit=args.time_limit)
    if action == "regenerate":
        day, meal = _place(args, need_meal=False)
        return edit.regenerate(plan, table, day, meal, time_limit=args.time_limit)
    day, meal = _place(args, need_meal=True)
    if action == "set_portion":
        food, grams = args.set_portion
        return edit.set_portion(plan, table, day, meal, table.get(food).id, _grams(grams))
    if action == "remove":
        return edit.remove(plan, table, day, meal, table.get(args.remove).id)
    food = getattr(args, action)
    return edit.set_locked(plan, day, meal, table.get(food).id if food else None, action == "lock")


def run_edit(args) -> int:
    from planner import edit
    from planner.plan import load_plan, plan_text, plan_to_dict

    if args.out is not None:
        check_writable(args.out, None)
    table = food_table(args.catalog)
    plan = edit.refreshed(load_plan(args.plan, table), table)   # notes true to the file's days, then the edit
    result = apply(args, plan, table)
    data = plan_to_dict(result.plan, table)
    report = {"action": _action(args), "changed": result.changed, "message": result.message, "news": result.news}
    text = "\n".join([result.message, *result.news, "", plan_text(result.plan, table)])
    emit(args.format, {**data, "edit": report}, text)
    if args.out is not None:
        write_bytes_atomic(args.out, (dumps(data) + "\n").encode("utf-8"))
    return 0
