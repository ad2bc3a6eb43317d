"""`mineral-planner shopping plan.json [--days 1-3] [--pantry FILE] [--prices FILE] --xlsx | --csv | --format`."""

from __future__ import annotations

import argparse
from pathlib import Path

from planner.cli.options import add_catalog, add_format
from planner.cli.output import emit
from planner.files import check_writable, write_bytes_atomic
from planner.paths import food_table


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("shopping", help="a plan's shopping list: bought forms, buyable amounts, by aisle",
                       description="Turn a plan (from `mineral-planner plan --out plan.json`) into a shopping "
                                   "list: each food in the form it is bought, rounded up to whole pieces, bunches, "
                                   "packs or round weights, grouped by aisle. Prints it, or writes a workbook or CSV.")
    p.add_argument("plan", type=Path, help="plan JSON file")
    p.add_argument("--days", default=None, help="which days, e.g. 1-3, 1,3,5 or all (default: every day)")
    p.add_argument("--pantry", type=Path, default=None,
                   help="text file of foods you already have, one food name or id a line ('#' for comments; "
                        "typos are forgiven): left off the list")
    p.add_argument("--prices", type=Path, default=None,
                   help="CSV of prices as bought for an estimated cost: header food_id,price_per_kg, or "
                        "food_id,price,per with per = kg, 100g, piece, bunch or pack")
    add_catalog(p)
    out = p.add_mutually_exclusive_group()
    out.add_argument("--xlsx", type=Path, default=None, help="write an Excel workbook (list, meal plan, nutrients)")
    out.add_argument("--csv", type=Path, default=None, help="write the list as CSV")
    add_format(p)
    p.set_defaults(handler=_shopping)


def _shopping(args) -> int:
    from planner.shopping import chosen_days, load_pantry_entries, load_prices, read_plan_file, shopping_list

    target = args.xlsx or args.csv
    if target:
        check_writable(target, ".xlsx" if args.xlsx else ".csv")
    table = food_table(args.catalog)
    plan = read_plan_file(args.plan, table)
    days = chosen_days(plan, args.days)
    entries = load_pantry_entries(args.pantry, table) if args.pantry else []
    prices = load_prices(args.prices, table) if args.prices else None
    shopping = shopping_list(plan, table, days, {e.food_id for e in entries}, prices)
    shopping.notes += [e.note(table) for e in entries if not e.exact]
    if not target:
        emit(args.format, shopping.to_dict(), shopping.to_text())
        return 0
    path = _write_list(plan, table, shopping, args)
    n = len(shopping.items)
    emit(args.format, {"written": str(path), "items": n, "days": [d + 1 for d in shopping.days],
                       "notes": shopping.notes},
         "\n".join([f"wrote {path}: {n} item{'s' if n != 1 else ''} to buy for {shopping.days_text()}",
                    *[f"Note: {note}" for note in shopping.notes]]))
    return 0


def _write_list(plan, table, shopping, args) -> Path:
    if args.xlsx:
        from planner.excel import write_workbook

        return write_workbook(plan, table, args.xlsx, shopping=shopping)
    # with a BOM, so Excel reads the names and "×" as UTF-8 when the file is double-clicked
    return write_bytes_atomic(args.csv, shopping.to_csv().encode("utf-8-sig"))
