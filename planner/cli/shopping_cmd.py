"""`mineral-planner shopping plan.json [--days 1-3] [--pantry FILE] [--prices FILE] --xlsx | --csv | --format`."""

from __future__ import annotations

import argparse
from pathlib import Path

from planner.cli.output import add_format, emit
from planner.errors import PlannerError
from planner.paths import food_table


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("shopping", help="a plan's shopping list: bought forms, buyable amounts, by aisle",
                       description="Turn a plan (from `mineral-planner plan --out plan.json`) into a shopping "
                                   "list: each food in the form it is bought, rounded up to whole pieces, packs "
                                   "or round weights, grouped by aisle. Prints it, or writes a workbook or CSV.")
    p.add_argument("plan", type=Path, help="plan JSON file")
    p.add_argument("--days", default=None, help="which days, e.g. 1-3 or 1,3,5 (default: every day)")
    p.add_argument("--pantry", type=Path, default=None,
                   help="file with foods you already have, one food id or name per line: left off the list")
    p.add_argument("--prices", type=Path, default=None,
                   help="CSV with a header food_id,price_per_kg (per kg as bought) for an estimated cost")
    p.add_argument("--catalog", default=None, help="'curated' (default), 'full' or a folder: the plan's food table")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--xlsx", type=Path, default=None, help="write an Excel workbook (list, meal plan, nutrients)")
    out.add_argument("--csv", type=Path, default=None, help="write the list as CSV")
    add_format(p)
    p.set_defaults(handler=_shopping)


def _load_plan(path: Path, table):
    from planner.plan import load_plan

    if path.is_dir():
        raise PlannerError(f"plan file {path} is a folder; give the JSON file written by `mineral-planner plan --out`")
    return load_plan(path, table)


def _shopping(args) -> int:
    from planner.shopping import load_pantry, load_prices, parse_days, shopping_list

    table = food_table(args.catalog)
    plan = _load_plan(args.plan, table)
    days = None if args.days is None else parse_days(args.days)
    pantry = load_pantry(args.pantry, table) if args.pantry else set()
    prices = load_prices(args.prices, table) if args.prices else None
    shopping = shopping_list(plan, table, days, pantry, prices)
    if args.xlsx or args.csv:
        from planner.excel import write_bytes_atomic, write_workbook

        if args.xlsx:
            path = write_workbook(plan, table, args.xlsx, shopping=shopping)
        else:
            path = write_bytes_atomic(args.csv, shopping.to_csv().encode("utf-8"))
        n = len(shopping.items)
        emit(args.format, {"written": str(path), "items": n, "days": [d + 1 for d in shopping.days]},
             f"wrote {path}: {n} item{'s' if n != 1 else ''} to buy for {shopping.days_text()}")
        return 0
    emit(args.format, shopping.to_dict(), shopping.to_text())
    return 0
