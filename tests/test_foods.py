"""The food table's API: coverage of the articles, lookup, search, top lists, filters, validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from foods import FoodTable, TableError, UnknownFood, load_table
from foods.table import DATA_DIR, VALID_AISLES, read_table

# The foods the articles recommend (issue 2): each must be in the table, traceable to an article.
ARTICLE_FOODS = [
    "banana", "apricot", "dried apricot", "prune", "raisin", "fig", "date", "grape", "nectarine", "orange",
    "kelp", "cabbage", "broccoli", "spinach", "lettuce", "dill", "parsley", "green onion", "carrot",
    "baked potato", "pea", "bean", "lentil", "buckwheat", "millet", "oat", "barley", "pasta",
    "whole-wheat bread", "walnut", "almond", "hazelnut", "pine nut", "cashew", "pistachio", "peanut",
    "sunflower seed", "sesame oil", "milk", "kefir", "cottage cheese", "cheese", "butter", "egg yolk",
    "chicken", "pork", "lamb", "beef", "beef liver", "chicken liver", "cod liver oil", "salmon", "cod",
    "shrimp", "honey", "green tea", "chamomile tea", "orange juice",
]
LIMIT_FOODS = ["coffee", "black tea", "beer", "wine", "sugar", "cola"]


def test_table_loads_once_and_is_cached():
    assert load_table() is load_table()


def test_table_is_large_enough_and_consistent(table):
    assert len(table) >= 120
    assert table.frame["id"].is_unique
    assert set(table.frame["aisle"]) <= set(VALID_AISLES)
    assert (table.frame["portion_grams"] > 0).all()
    for food in table:
        assert food.meals, food.id
        assert food.min_steps <= food.max_steps, food.id


@pytest.mark.parametrize("text", ARTICLE_FOODS)
def test_every_article_food_is_in_the_table(table, text):
    food = table.find(text)
    assert food is not None
    assert not food.limit


def test_recommended_foods_name_their_articles(table):
    with_articles = [f for f in table if f.articles]
    assert len(with_articles) >= 50
    for f in with_articles:
        assert all(a in {"000", "001", "002", "003", "004"} for a in f.articles), f.id


@pytest.mark.parametrize("text", LIMIT_FOODS)
def test_limit_foods_are_flagged(table, text):
    assert table.find(text).limit


def test_search_forgives_plurals_and_typos(table):
    assert table.find("bananas").id == table.find("banana").id
    assert table.find("bannana").id == table.find("banana").id
    assert table.find("almonds").id == table.find("almond").id
    assert "buckwheat" in table.find("buckwheat").name.lower()
    assert "cook" in table.find("buckwheat").name.lower() or "cook" in table.find("buckwheat").sr28_name.lower()


def test_unknown_food_names_the_closest_matches(table):
    with pytest.raises(UnknownFood) as err:
        table.get("bananna")
    assert "banana" in str(err.value)
    with pytest.raises(UnknownFood):
        table.find("xylophone stew")


def test_top_magnesium_per_portion_is_computed_from_the_table(table):
    top = table.top("magnesium", per="portion", n=10)
    assert len(top) == 10
    values = top["magnesium_mg"].to_numpy()
    assert (np.diff(values) <= 0).all()
    for row in top.itertuples():
        food = table.get(row.food_id)
        assert row.magnesium_mg == pytest.approx(food.nutrients["magnesium_mg"] * food.portion_grams / 100)
        assert not food.limit


def test_top_per_100kcal_and_per_100g(table):
    per_kcal = table.top("potassium", per="100kcal", n=5)
    for row in per_kcal.itertuples():
        f = table.get(row.food_id)
        assert row.potassium_mg == pytest.approx(f.nutrients["potassium_mg"] / f.nutrients["energy_kcal"] * 100)
    assert table.top("calcium_mg", per="100g", n=3)["calcium_mg"].iloc[0] == table.frame.loc[
        table.frame["limit"] == 0, "calcium_mg"].max()
    with pytest.raises(ValueError):
        table.top("unobtainium")


def test_filters_by_tag_and_group(table):
    vegan = table.filter(tags=["vegan"])
    assert vegan and all("vegan" in f.tags for f in vegan)
    assert not any({"dairy", "egg", "fish"} & f.tags for f in vegan)
    no_lactose = table.filter(exclude_tags=["lactose"])
    assert table.find("milk").id not in {f.id for f in no_lactose}
    fruits = table.filter(group="fruit")
    assert table.find("banana").id in {f.id for f in fruits}


def test_missing_values_stay_missing(table):
    frame = table.nutrients
    assert frame.isna().to_numpy().any(), "SR28 lacks some values (e.g. vitamin D); they must stay NaN"
    food = next(f for f in table if f.missing())
    assert all(np.isnan(food.nutrients[k]) for k in food.missing())


def _copy_table(tmp_path, edit):
    foods = pd.read_csv(DATA_DIR / "foods.csv", dtype=str, keep_default_na=False)
    portions = pd.read_csv(DATA_DIR / "portions.csv", dtype=str, keep_default_na=False)
    foods = edit(foods)
    foods.to_csv(tmp_path / "foods.csv", index=False)
    portions.to_csv(tmp_path / "portions.csv", index=False)
    return tmp_path


def test_bad_table_missing_column_is_refused_naming_file_and_column(tmp_path):
    path = _copy_table(tmp_path, lambda f: f.drop(columns=["magnesium_mg"]))
    with pytest.raises(TableError, match=r"foods.csv: missing column\(s\): magnesium_mg"):
        read_table(path)


def test_bad_table_non_numeric_value_names_row_and_column(tmp_path):
    def edit(f):
        f.loc[4, "calcium_mg"] = "lots"
        return f

    with pytest.raises(TableError, match=r"foods.csv, row 6, column 'calcium_mg': 'lots' is not a number"):
        read_table(_copy_table(tmp_path, edit))


def test_bad_table_negative_value_names_row_and_column(tmp_path):
    def edit(f):
        f.loc[0, "potassium_mg"] = "-5"
        return f

    with pytest.raises(TableError, match=r"row 2, column 'potassium_mg': -5 is negative"):
        read_table(_copy_table(tmp_path, edit))


def test_bad_table_duplicate_id_is_refused(tmp_path):
    def edit(f):
        f.loc[3, "id"] = f.loc[2, "id"]
        return f

    with pytest.raises(TableError, match=r"row 5, column 'id': duplicate id"):
        read_table(_copy_table(tmp_path, edit))


def test_table_built_from_frames_directly():
    t = load_table()
    again = FoodTable(t.frame.reset_index(drop=True), pd.read_csv(DATA_DIR / "portions.csv", dtype={"ndb": str}))
    assert set(again.foods) == set(t.foods)
