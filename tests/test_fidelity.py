"""The shipped food table equals USDA SR28: every nutrient value and every household weight."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from foods.build import Sr28, build_tables, read_selection, yield_factor
from foods.table import DATA_DIR, NUTRIENTS


@pytest.fixture(scope="module")
def sr28(sr28_dir):
    return Sr28.read(sr28_dir)


@pytest.fixture(scope="module")
def shipped():
    foods = pd.read_csv(DATA_DIR / "foods.csv", dtype={"ndb": str, "bought_ndb": str, "tags": str, "meals": str})
    portions = pd.read_csv(DATA_DIR / "portions.csv", dtype={"ndb": str})
    return foods, portions


def test_every_nutrient_value_equals_sr28(sr28, shipped):
    foods, _ = shipped
    checked = 0
    for field, column in zip(NUTRIENTS["field"], NUTRIENTS["sr28_column"], strict=True):
        source = sr28.abbrev.loc[foods["ndb"], column].to_numpy(dtype=float)
        ours = foods[field].to_numpy(dtype=float)
        # missing stays missing: NaN exactly where SR28 has no value, never a silent zero
        assert np.array_equal(np.isnan(source), np.isnan(ours)), field
        assert np.allclose(ours[~np.isnan(ours)], source[~np.isnan(source)], rtol=1e-6, atol=1e-9), field
        checked += int((~np.isnan(ours)).sum())
    assert checked > 1000


def test_every_portion_weight_equals_sr28(sr28, shipped):
    foods, portions = shipped
    weight = sr28.weight.set_index(["NDB_No", "Seq"])
    source = weight.loc[list(zip(portions["ndb"], portions["seq"], strict=True))]
    assert np.allclose(portions["grams"].to_numpy(), source["Gm_Wgt"].to_numpy())
    assert np.allclose(portions["amount"].to_numpy(), source["Amount"].to_numpy())
    assert list(portions["measure"]) == list(source["Msre_Desc"])
    # every SR28 measure of every food is shipped
    expected = sr28.weight[sr28.weight["NDB_No"].isin(foods["ndb"])]
    assert len(portions.drop_duplicates(["ndb", "seq"])) == len(expected)
    plan = weight.loc[list(zip(foods["ndb"], foods["portion_seq"], strict=True))]
    assert np.allclose(foods["portion_grams"].to_numpy(), (plan["Gm_Wgt"] / plan["Amount"]).to_numpy())


def test_names_groups_yield_and_refuse_follow_sr28(sr28, shipped):
    foods, _ = shipped
    selection = read_selection(DATA_DIR / "selection.csv").set_index("id")
    assert list(foods["sr28_name"]) == list(sr28.food_des.loc[foods["ndb"], "Long_Desc"])
    groups = sr28.food_des.loc[foods["ndb"], "FdGrp_Cd"].map(sr28.groups)
    assert list(foods["group"]) == list(groups)
    for row in foods.itertuples():
        method = selection.loc[row.id, "yield_method"]
        column = {"water": "Water_(g)", "protein": "Protein_(g)"}.get(method)
        if row.bought_ndb == row.ndb:
            expected = 1.0
        elif method == "piece":
            expected = row.buy_piece_grams / row.portion_grams
        else:
            eaten, bought = sr28.abbrev.loc[row.ndb, column], sr28.abbrev.loc[row.bought_ndb, column]
            expected = yield_factor(eaten, bought) if method == "water" else eaten / bought
        assert row.yield_factor == pytest.approx(expected, abs=1e-4), row.id
        refuse = sr28.food_des.loc[row.bought_ndb, "Refuse"]
        trimmed = selection.loc[row.id, "sold_trimmed"] == "1"
        assert row.refuse_pct == pytest.approx(0.0 if pd.isna(refuse) or trimmed else refuse), row.id


def test_shipped_table_is_exactly_what_the_build_makes(sr28, shipped):
    foods, portions = shipped
    built_foods, built_portions = build_tables(read_selection(DATA_DIR / "selection.csv"), sr28)
    assert list(built_foods["id"]) == list(foods["id"])
    for col in ("ndb", "bought_ndb", "portion_seq", "meals", "tags", "aisle", "buy_unit"):
        assert list(built_foods[col].astype(str)) == list(foods[col].fillna("").astype(str)), col
    assert len(built_portions) == len(portions)


def test_egg_parts_and_fried_foods_have_sensible_yields(table):
    assert table.get("egg_yolk").yield_factor == pytest.approx(50 / 17, rel=1e-3)  # one large egg per yolk
    assert table.get("fried_egg").yield_factor == pytest.approx(50 / 46, rel=1e-3)
    assert 1.0 < table.get("squid").yield_factor < 1.3  # batter must not inflate the raw squid to buy


def test_yield_factor_comes_from_dry_matter():
    # 100 g cooked lentils (69.64 % water) come from 33 g dry lentils (8.26 % water)
    assert yield_factor(69.64, 8.26) == pytest.approx(0.3309, abs=1e-4)
    assert yield_factor(float("nan"), 8.26) == 1.0
