"""Build the shipped food table from USDA SR28 and the hand-curated selection.

`python -m foods.build [--sr28 DIR] [--out DIR]` joins `data/selection.csv` with SR28 and writes
`data/foods.csv` and `data/portions.csv`. Every number in them is SR28's, or derived from SR28
(the yield factor from water content), so the table can always be regenerated and checked.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from foods import sr28
from foods.errors import FoodError, TableError
from foods.nutrients import NUTRIENTS
from foods.table import (
    DATA_DIR,
    FOOD_COLUMNS,
    PORTION_COLUMNS,
    VALID_AISLES,
    VALID_BUY_UNITS,
    VALID_MEALS,
    VALID_TAGS,
    other_packs_problem,
    pack_grams_list,
    split_list,
)

SELECTION_COLUMNS = [
    "id", "name", "ndb", "portion_ndb", "portion_seq", "portion_label", "step", "default_steps", "min_steps",
    "max_steps", "meals", "tags",
    "articles", "limit", "bought_ndb", "buy_unit", "buy_seq", "pack_grams", "pack_label", "other_pack_grams",
    "other_pack_labels", "yield_method", "sold_trimmed", "refuse_eaten", "aisle",
    "note",
]


@dataclass(frozen=True)
class Sr28:
    """The SR28 files the build needs, parsed."""

    abbrev: pd.DataFrame
    food_des: pd.DataFrame
    weight: pd.DataFrame
    groups: dict[str, str]

    @classmethod
    def read(cls, directory: Path) -> Sr28:
        return cls(
            sr28.read_abbrev(directory),
            sr28.read_food_des(directory),
            sr28.read_weight(directory),
            sr28.read_groups(directory),
        )


def read_selection(path: Path) -> pd.DataFrame:
    """The hand-curated selection as strings, checked for shape; row numbers are the file's lines."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in SELECTION_COLUMNS if c not in frame.columns]
    if missing:
        raise TableError(path.name, f"missing column(s): {', '.join(missing)}")
    return frame


def _check_selection_row(name: str, line: int, row: pd.Series, data: Sr28) -> None:
    def fail(column: str, message: str) -> None:
        raise TableError(name, message, row=line, column=column)

    for col in ("ndb", "bought_ndb", "portion_ndb"):
        if col == "portion_ndb" and not row[col]:
            continue
        if row[col] not in data.food_des.index:
            fail(col, f"NDB number '{row[col]}' is not in SR28 FOOD_DES.txt")
        if row[col] not in data.abbrev.index:
            fail(col, f"NDB number '{row[col]}' is not in SR28 ABBREV.txt")
    for col, allowed in (("meals", VALID_MEALS), ("tags", VALID_TAGS)):
        bad = [v for v in split_list(row[col]) if v not in allowed]
        if bad:
            fail(col, f"unknown value(s) {', '.join(bad)}; allowed: {', '.join(sorted(allowed))}")
    if not split_list(row["meals"]):
        fail("meals", "a food needs at least one meal")
    if row["aisle"] not in VALID_AISLES:
        fail("aisle", f"'{row['aisle']}' is not one of {', '.join(VALID_AISLES)}")
    if row["buy_unit"] not in VALID_BUY_UNITS:
        fail("buy_unit", f"'{row['buy_unit']}' is not one of {', '.join(VALID_BUY_UNITS)}")
    for col in ("step", "default_steps", "min_steps", "max_steps"):
        try:
            value = float(row[col])
        except ValueError:
            fail(col, f"'{row[col]}' is not a number")
        if value <= 0:
            fail(col, f"{value:g} must be positive")
        if col != "step" and value != int(value):
            fail(col, f"{value:g} must be a whole number of steps")
    if float(row["min_steps"]) > float(row["max_steps"]):
        fail("min_steps", "min_steps is larger than max_steps")
    if not float(row["min_steps"]) <= float(row["default_steps"]) <= float(row["max_steps"]):
        fail("default_steps", f"{row['default_steps']} is outside min_steps..max_steps "
                              f"({row['min_steps']}..{row['max_steps']})")
    if row["yield_method"] not in YIELD_METHODS:
        fail("yield_method", f"'{row['yield_method']}' is not one of {', '.join(YIELD_METHODS)}")
    if row["yield_method"] == "piece" and row["buy_unit"] != "piece":
        fail("yield_method", "yield by piece needs buy_unit piece")
    if row["buy_unit"] == "pack" and not row["pack_grams"]:
        fail("pack_grams", "a food bought in packs needs pack_grams")
    _check_other_packs(row, fail)


def _check_other_packs(row: pd.Series, fail) -> None:
    """Other pack sizes, as a table checks them (other_packs_problem)."""
    _, problem = other_packs_problem(row["other_pack_grams"], tuple(split_list(row["other_pack_labels"])),
                                     row["buy_unit"], row["pack_grams"], row["pack_label"])
    if problem:
        fail(*problem)


def _measure_grams(weight: pd.DataFrame, ndb: str, seq: str, name: str, line: int, column: str) -> pd.Series:
    try:
        seq_no = int(seq)
    except ValueError:
        raise TableError(name, f"'{seq}' is not a WEIGHT.txt Seq number", row=line, column=column) from None
    hit = weight[(weight["NDB_No"] == ndb) & (weight["Seq"] == seq_no)]
    if hit.empty:
        raise TableError(name, f"SR28 WEIGHT.txt has no Seq {seq_no} for NDB {ndb}", row=line, column=column)
    return hit.iloc[0]


def _refuse(data: Sr28, bought_ndb: str, sold_trimmed: bool, refuse_eaten: bool = False) -> float:
    """SR28's refuse (peel, shell, bone) of the bought form, thrown away before eating; none when it is sold
    trimmed (shelled nuts) or eaten with the food (a potato baked in its jacket keeps its 'parings')."""
    refuse = data.food_des.loc[bought_ndb, "Refuse"]
    return 0.0 if sold_trimmed or refuse_eaten or pd.isna(refuse) else float(refuse)


YIELD_METHODS = ("water", "protein", "piece")


def yield_factor(water_eaten: float, water_bought: float) -> float:
    """Grams of the bought form per gram eaten, from dry matter: cooking adds or removes water only."""
    if pd.isna(water_eaten) or pd.isna(water_bought) or water_bought >= 100:
        return 1.0
    return round((100.0 - water_eaten) / (100.0 - water_bought), 4)


def protein_yield(protein_eaten: float, protein_bought: float) -> float:
    """Grams bought per gram eaten when frying adds fat or batter: protein is what cooking keeps."""
    if pd.isna(protein_eaten) or pd.isna(protein_bought) or protein_bought <= 0:
        return 1.0
    return round(protein_eaten / protein_bought, 4)


def food_yield(method: str, data: Sr28, ndb: str, bought: str, eaten_piece: float, bought_piece: float | None) -> float:
    """The bought form's grams per gram eaten, by the row's method; always from SR28 numbers."""
    if bought == ndb:
        return 1.0
    if method == "piece":  # a part of the bought piece (a yolk of an egg) or a piece cooked whole
        return round(bought_piece / eaten_piece, 4)
    column = "Protein_(g)" if method == "protein" else "Water_(g)"
    eaten, source = data.abbrev.loc[ndb, column], data.abbrev.loc[bought, column]
    return protein_yield(eaten, source) if method == "protein" else yield_factor(eaten, source)


def build_tables(selection: pd.DataFrame, data: Sr28, name: str = "selection.csv") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Join the selection with SR28: one row per food, and one row per household measure."""
    if selection["id"].duplicated().any():
        dup = selection.index[selection["id"].duplicated()][0]
        raise TableError(name, f"duplicate id '{selection.loc[dup, 'id']}'", row=int(dup) + 2, column="id")
    foods, portions = [], []
    for idx, row in selection.iterrows():
        line = int(idx) + 2
        _check_selection_row(name, line, row, data)
        ndb, bought = row["ndb"], row["bought_ndb"]
        portion_ndb = row["portion_ndb"] or ndb  # another SR28 food's measure when `ndb` has none (kefir)
        plan_measure = _measure_grams(data.weight, portion_ndb, row["portion_seq"], name, line, "portion_seq")
        piece_grams = None
        if row["buy_unit"] == "piece":
            piece = _measure_grams(data.weight, bought, row["buy_seq"], name, line, "buy_seq")
            piece_grams = piece["Gm_Wgt"] / piece["Amount"]
        des = data.food_des.loc[ndb]
        record = {
            "id": row["id"], "name": row["name"], "ndb": ndb, "portion_ndb": portion_ndb, "sr28_name": des["Long_Desc"],
            "group": data.groups.get(des["FdGrp_Cd"], des["FdGrp_Cd"]),
            "portion_seq": int(plan_measure["Seq"]), "portion_label": row["portion_label"],
            "portion_grams": plan_measure["Gm_Wgt"] / plan_measure["Amount"],
            "step": float(row["step"]), "default_steps": int(float(row["default_steps"])),
            "min_steps": int(float(row["min_steps"])),
            "max_steps": int(float(row["max_steps"])),
            "meals": row["meals"], "tags": row["tags"], "tags_guessed": 0, "articles": row["articles"],
            "limit": int(row["limit"] or 0),
            "bought_ndb": bought, "bought_name": data.food_des.loc[bought, "Long_Desc"],
            "yield_factor": food_yield(row["yield_method"], data, ndb, bought,
                                       plan_measure["Gm_Wgt"] / plan_measure["Amount"], piece_grams),
            "refuse_pct": _refuse(data, bought, row["sold_trimmed"] == "1", row["refuse_eaten"] == "1"),
            "buy_unit": row["buy_unit"], "buy_piece_grams": piece_grams,
            "pack_grams": float(row["pack_grams"]) if row["pack_grams"] else None,
            "pack_label": row["pack_label"],
            "other_pack_grams": ";".join(f"{g:g}" for g in pack_grams_list(row["other_pack_grams"])),
            "other_pack_labels": ";".join(split_list(row["other_pack_labels"])), "aisle": row["aisle"],
        }
        for field, column in zip(NUTRIENTS["field"], NUTRIENTS["sr28_column"], strict=True):
            record[field] = data.abbrev.loc[ndb, column]
        foods.append(record)
        w = data.weight[data.weight["NDB_No"] == portion_ndb]
        for _, m in w.iterrows():
            portions.append({"food_id": row["id"], "ndb": portion_ndb, "seq": int(m["Seq"]), "amount": m["Amount"],
                             "measure": m["Msre_Desc"], "grams": m["Gm_Wgt"], "source": "sr28"})
    return pd.DataFrame(foods)[FOOD_COLUMNS], pd.DataFrame(portions)[PORTION_COLUMNS]


def write_csv_atomically(frame: pd.DataFrame, path: Path) -> None:
    """Write to a temporary file beside the target, then rename: never a half-written table."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    frame.to_csv(tmp, index=False, float_format="%.6g", lineterminator="\n")
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m foods.build", description=__doc__.splitlines()[0])
    parser.add_argument("--sr28", type=Path, default=sr28.default_sr28_dir(), help="SR28 folder")
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="where foods.csv and portions.csv go")
    args = parser.parse_args(argv)
    try:
        data = Sr28.read(args.sr28)
        foods, portions = build_tables(read_selection(DATA_DIR / "selection.csv"), data)
    except (FoodError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    write_csv_atomically(foods, args.out / "foods.csv")
    write_csv_atomically(portions, args.out / "portions.csv")
    print(f"wrote {len(foods)} foods and {len(portions)} household measures to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
