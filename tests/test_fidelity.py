"""The shipped food table equals USDA SR28: every nutrient value, every household weight, every name.

Runs wherever SR28 is found (`../shared/usda-sr28` beside the clone, above a worktree, or
$MINERAL_PLANNER_SR28); the run's header says which folder, or that these checks are skipped.
"""

from __future__ import annotations

import filecmp

import numpy as np
import pandas as pd
import pytest

from foods.build import build_tables, read_selection, write_csv_atomically, yield_factor
from foods.errors import TableError
from foods.nutrients import NUTRIENTS
from foods.table import DATA_DIR


@pytest.fixture(scope="module")
def shipped():
    text = {"ndb": str, "portion_ndb": str, "bought_ndb": str, "tags": str, "meals": str, "articles": str}
    foods = pd.read_csv(DATA_DIR / "foods.csv", dtype=text)
    portions = pd.read_csv(DATA_DIR / "portions.csv", dtype={"ndb": str})
    return foods, portions


def test_every_nutrient_value_equals_sr28(sr28_data, shipped):
    foods, _ = shipped
    checked = 0
    for field, column in zip(NUTRIENTS["field"], NUTRIENTS["sr28_column"], strict=True):
        source = sr28_data.abbrev.loc[foods["ndb"], column].to_numpy(dtype=float)
        ours = foods[field].to_numpy(dtype=float)
        # missing stays missing: NaN exactly where SR28 has no value, never a silent zero
        assert np.array_equal(np.isnan(source), np.isnan(ours)), field
        assert np.array_equal(ours[~np.isnan(ours)], source[~np.isnan(source)]), field
        checked += int((~np.isnan(ours)).sum())
    assert checked == len(foods) * len(NUTRIENTS) - int(foods[list(NUTRIENTS["field"])].isna().sum().sum())
    assert checked > 2000


def test_calcium_magnesium_and_potassium_are_analysed_for_every_food(shipped):
    foods, _ = shipped
    for field in ("calcium_mg", "magnesium_mg", "potassium_mg", "energy_kcal"):
        assert not foods[field].isna().any(), f"choose an SR28 entry where {field} is analysed"


def test_every_portion_weight_equals_sr28(sr28_data, shipped):
    foods, portions = shipped
    weight = sr28_data.weight.set_index(["NDB_No", "Seq"])
    source = weight.loc[list(zip(portions["ndb"], portions["seq"], strict=True))]
    assert np.array_equal(portions["grams"].to_numpy(), source["Gm_Wgt"].to_numpy())
    assert np.array_equal(portions["amount"].to_numpy(), source["Amount"].to_numpy())
    assert list(portions["measure"]) == list(source["Msre_Desc"])
    # each food ships every SR28 measure of its portion NDB, and only those
    by_food = portions.groupby("food_id")["ndb"].agg(set)
    for row in foods.itertuples():
        assert by_food[row.id] == {row.portion_ndb}, row.id
        expected = set(sr28_data.weight.loc[sr28_data.weight["NDB_No"] == row.portion_ndb, "Seq"])
        assert set(portions.loc[portions["food_id"] == row.id, "seq"]) == expected, row.id
    plan = weight.loc[list(zip(foods["portion_ndb"], foods["portion_seq"], strict=True))]
    assert np.allclose(foods["portion_grams"].to_numpy(), (plan["Gm_Wgt"] / plan["Amount"]).to_numpy())


def test_a_measure_is_borrowed_only_when_sr28_has_none_for_the_food(sr28_data, shipped):
    foods, _ = shipped
    borrowed = foods[foods["portion_ndb"] != foods["ndb"]]
    assert list(borrowed["id"]) == ["kefir"]  # SR28 kefir 01289 has no WEIGHT.txt row
    for row in borrowed.itertuples():
        assert not (sr28_data.weight["NDB_No"] == row.ndb).any(), row.id


def test_names_groups_yield_and_refuse_follow_sr28(sr28_data, shipped):
    foods, _ = shipped
    selection = read_selection(DATA_DIR / "selection.csv").set_index("id")
    assert list(foods["sr28_name"]) == list(sr28_data.food_des.loc[foods["ndb"], "Long_Desc"])
    assert list(foods["bought_name"]) == list(sr28_data.food_des.loc[foods["bought_ndb"], "Long_Desc"])
    groups = sr28_data.food_des.loc[foods["ndb"], "FdGrp_Cd"].map(sr28_data.groups)
    assert list(foods["group"]) == list(groups)
    for row in foods.itertuples():
        method = selection.loc[row.id, "yield_method"]
        column = {"water": "Water_(g)", "protein": "Protein_(g)"}.get(method)
        if row.bought_ndb == row.ndb:
            expected = 1.0
        elif method == "piece":
            expected = row.buy_piece_grams / row.portion_grams
        else:
            eaten, bought = sr28_data.abbrev.loc[row.ndb, column], sr28_data.abbrev.loc[row.bought_ndb, column]
            expected = yield_factor(eaten, bought) if method == "water" else eaten / bought
        assert row.yield_factor == pytest.approx(expected, abs=1e-4), row.id
        refuse = sr28_data.food_des.loc[row.bought_ndb, "Refuse"]
        trimmed = "1" in (selection.loc[row.id, "sold_trimmed"], selection.loc[row.id, "refuse_eaten"])
        assert row.refuse_pct == pytest.approx(0.0 if pd.isna(refuse) or trimmed else refuse), row.id


def test_shipped_table_is_exactly_what_the_build_makes(sr28_data, tmp_path):
    """Byte for byte: nobody edited foods.csv or portions.csv by hand, and selection.csv is built."""
    built_foods, built_portions = build_tables(read_selection(DATA_DIR / "selection.csv"), sr28_data)
    write_csv_atomically(built_foods, tmp_path / "foods.csv")
    write_csv_atomically(built_portions, tmp_path / "portions.csv")
    for name in ("foods.csv", "portions.csv"):
        assert filecmp.cmp(tmp_path / name, DATA_DIR / name, shallow=False), f"run `python -m foods.build`: {name}"


def _cell(row: int, column: str, value: str):
    """An edit of one selection cell; `row` counts data rows from 0 (file line row + 2)."""
    def edit(selection: pd.DataFrame) -> pd.DataFrame:
        selection.loc[row, column] = value
        return selection
    return edit


@pytest.mark.parametrize("edit, message", [
    (_cell(3, "ndb", "99999"), r"selection.csv, row 5, column 'ndb': NDB number '99999' is not in SR28 FOOD_DES.txt"),
    (_cell(0, "portion_seq", "42"), r"selection.csv, row 2, column 'portion_seq': SR28 WEIGHT.txt has no Seq 42 for NDB 09040"),
    (_cell(0, "default_steps", "9"),
     r"selection.csv, row 2, column 'default_steps': 9 is outside min_steps..max_steps \(1..2\)"),
    (_cell(1, "step", "-1"), r"selection.csv, row 3, column 'step': -1 must be positive"),
    (_cell(2, "tags", "vegan;nuts"), r"selection.csv, row 4, column 'tags': unknown value\(s\) nuts"),
    (_cell(4, "id", "banana"), r"selection.csv, row 6, column 'id': duplicate id 'banana'"),
])
def test_a_bad_selection_is_refused_naming_row_and_column(sr28_data, edit, message):
    with pytest.raises(TableError, match=message):
        build_tables(edit(read_selection(DATA_DIR / "selection.csv")), sr28_data)


def test_egg_parts_and_fried_foods_have_sensible_yields(table):
    assert table.get("egg_yolk").yield_factor == pytest.approx(50 / 17, rel=1e-3)  # one large egg per yolk
    assert table.get("fried_egg").yield_factor == pytest.approx(50 / 46, rel=1e-3)
    assert 1.0 < table.get("squid").yield_factor < 1.3  # batter must not inflate the raw squid to buy


def test_yield_factor_comes_from_dry_matter():
    # 100 g cooked lentils (69.64 % water) come from 33 g dry lentils (8.26 % water)
    assert yield_factor(69.64, 8.26) == pytest.approx(0.3309, abs=1e-4)
    assert yield_factor(float("nan"), 8.26) == 1.0
