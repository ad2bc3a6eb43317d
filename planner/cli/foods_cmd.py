"""`mineral-planner foods list | search | top | show | import-sr28`."""

from __future__ import annotations

import argparse
from pathlib import Path

from foods.nutrients import SHOWN_NUTRIENTS
from planner.cli.options import add_catalog, add_format
from planner.cli.output import emit
from planner.errors import PlannerError
from planner.paths import catalog_dir, food_table, import_catalogue
from planner.render import table

PER_WORDS = ("100g", "portion", "100kcal")   # foods.table.PER_CHOICES, named here so --help needs no pandas


def register(sub: argparse._SubParsersAction) -> None:
    foods = sub.add_parser("foods", help="the food table: list, search, top foods, details, SR28 import")
    cmds = foods.add_subparsers(dest="foods_command", metavar="ACTION", required=True)

    def add(name: str, help_: str, handler) -> argparse.ArgumentParser:
        p = cmds.add_parser(name, help=help_)
        add_catalog(p)
        add_format(p)
        p.set_defaults(handler=handler)
        return p

    p = add("list", "every food in the table", _list)
    p.add_argument("--tag", action="append", default=[], help="only foods with this tag (repeatable)")
    p.add_argument("--without", action="append", default=[], metavar="TAG",
                   help="leave out foods with this tag, e.g. lactose or gluten (repeatable)")
    p.add_argument("--group", default=None, help="only foods whose SR28 group contains this text")
    p = add("search", "find foods by name (typos and plurals forgiven)", _search)
    p.add_argument("text")
    p.add_argument("--limit", type=int, default=10)
    p = add("top", "the richest foods in a nutrient", _top)
    p.add_argument("nutrient", help="calcium, magnesium, potassium, ... or calcium_mg")
    p.add_argument("--per", choices=(*PER_WORDS, "serving"), default="100g",
                   help="per 100 g, per usual portion (3 oz salmon, 1 medium banana; 'serving' says the same) "
                        "or per 100 kcal")
    p.add_argument("-n", "--limit", type=int, default=15)
    p.add_argument("--include-limited", action="store_true", help="include foods the articles say to limit")
    p = add("show", "one food in full", _show)
    p.add_argument("food_id")
    imp = cmds.add_parser("import-sr28", help="load all SR28 foods from your own download as the 'full' catalogue")
    imp.add_argument("directory", type=Path)
    imp.add_argument("--to", type=Path, default=None, help=f"where to write it (default {catalog_dir()})")
    add_format(imp)
    imp.set_defaults(handler=_import)


def _rows(foods_):
    return [[f.id, f.name, *[f.nutrients[k] for k in SHOWN_NUTRIENTS]] for f in foods_]


def _headers():
    from foods.nutrients import NUTRIENT_LABELS, NUTRIENT_UNITS

    return ["id", "name", *[f"{NUTRIENT_LABELS[k]} {NUTRIENT_UNITS[k]}" for k in SHOWN_NUTRIENTS]]


def _check_tags(tags: list[str], option: str) -> None:
    from foods.table import VALID_TAGS

    unknown = [t for t in tags if t not in VALID_TAGS]
    if unknown:
        raise PlannerError(f"unknown tag '{unknown[0]}' for {option}; tags are: {', '.join(sorted(VALID_TAGS))}")


def _at_least_one(value: int, option: str) -> None:
    if value < 1:
        raise PlannerError(f"{option} must be at least 1, not {value}")


def _list(args) -> int:
    from foods.export import food_to_dict

    _check_tags(args.tag, "--tag")
    _check_tags(args.without, "--without")
    t = food_table(args.catalog)
    if args.group and not any(args.group.lower() in f.group.lower() for f in t):
        groups = sorted({f.group for f in t if f.group})
        raise PlannerError(f"no food group contains '{args.group}'; groups are: {'; '.join(groups)}")
    foods_ = t.filter(tags=args.tag, exclude_tags=args.without, group=args.group)
    emit(args.format, [food_to_dict(f) for f in foods_],
         table(_rows(foods_), _headers()) + f"\n{len(foods_)} foods; values per 100 g")
    return 0


def _search(args) -> int:
    from foods.errors import not_in_sr28
    from foods.export import food_to_dict

    if not args.text.strip():
        raise PlannerError("give a food name to search for, e.g. `mineral-planner foods search almonds`")
    _at_least_one(args.limit, "--limit")
    foods_ = food_table(args.catalog)
    absent = not_in_sr28(args.text)   # 'oat milk': not in SR28; its stand-ins, not the dairy milks
    hits = [foods_.get(i) for i in absent[1] if i in foods_] if absent else []
    hits = hits or foods_.search(args.text, limit=args.limit)
    if not hits:
        raise PlannerError(f"no food matches '{args.text}'; try a shorter or more common name")
    emit(args.format, [food_to_dict(f) for f in hits],
         (f"{absent[0]}.\n" if absent else "") + table(_rows(hits), _headers()))
    return 0


PER_HEADINGS = {"100g": "per 100 g", "portion": "per portion", "100kcal": "per 100 kcal"}


def _top(args) -> int:
    from foods.calcium import COUNTED_FIELD
    from foods.export import top_to_dicts
    from foods.nutrients import NUTRIENT_LABELS, NUTRIENT_UNITS, resolve_nutrient

    try:
        nutrient = resolve_nutrient(args.nutrient)
    except ValueError as exc:
        raise PlannerError(str(exc)) from None
    _at_least_one(args.limit, "-n/--limit")
    per = "portion" if args.per == "serving" else args.per
    data = top_to_dicts(food_table(args.catalog).top(nutrient, per=per, n=args.limit,
                                                     include_limit=args.include_limited), nutrient)
    amount = {"100g": lambda d: "100 g", "portion": lambda d: d["portion"], "100kcal": lambda d: f"{d['grams']:g} g"}
    calcium = [COUNTED_FIELD] if data and COUNTED_FIELD in data[0] else []   # and of which well absorbed
    rows = [[d["rank"], d["food_id"], d["name"], amount[per](d), d[nutrient], *(d[k] for k in calcium)] for d in data]
    headers = ["#", "id", "name", "amount", f"{NUTRIENT_LABELS[nutrient]} {NUTRIENT_UNITS[nutrient]} {PER_HEADINGS[per]}",
               *(["of which well absorbed"] if calcium else [])]
    emit(args.format, data, table(rows, headers))
    return 0


def _show(args) -> int:
    from foods.export import food_to_dict
    from foods.nutrients import NUTRIENT_LABELS, NUTRIENT_UNITS

    food = food_table(args.catalog).get(args.food_id)
    d = food_to_dict(food, detail=True)
    lines = [f"{food.name}  [{food.id}]  SR28 NDB {food.ndb}: {food.sr28_name}", f"group: {food.group}",
             f"usual portion: {d['portion']}; from {food.portion_text(food.grams_range[0])} "
             f"to {food.portion_text(food.grams_range[1])} a meal; meals: {', '.join(d['meals'])}",
             f"tags: {', '.join(d['tags']) or '-'}{'  (guessed from the SR28 food group)' if food.tags_guessed else ''}",
             f"articles: {', '.join(d['articles']) or '-'}{'  (LIMIT: the articles say to cut down)' if food.limit else ''}",
             f"{'':<32} {'per 100 g':>12} {'per portion':>12}"]
    for k, v in food.nutrients.items():
        unit = NUTRIENT_UNITS[k]
        per_portion = d["per_portion"][k]
        lines.append(f"  {NUTRIENT_LABELS[k]:<30} {'missing' if v != v else f'{v:g} {unit}':>12} "
                     f"{'missing' if per_portion is None else f'{per_portion:.3g} {unit}':>12}")
    lines.append("household measures: " + "; ".join(p["measure"] + f" = {p['grams']:g} g" for p in d["portions"]))
    emit(args.format, d, "\n".join(lines))
    return 0


def _import(args) -> int:
    dest = args.to or catalog_dir()
    n = import_catalogue(args.directory, dest)
    emit(args.format, {"imported": n, "to": str(dest)},
         f"imported {n} SR28 foods into {dest}; use them with --catalog full (tags and limits are guessed from "
         "SR28 food groups and names)")
    return 0
