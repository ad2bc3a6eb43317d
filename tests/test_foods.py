"""The food table's API: coverage of the articles, tags, portions, lookup, search, top lists, validation."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from foods import FoodTable, TableError, UnknownFood, load_table
from foods.build import SELECTION_COLUMNS, read_selection
from foods.table import DATA_DIR, DIET_TAGS, VALID_AISLES, read_table

# What the articles in ../shared/seeds recommend (issue 2's list), the food that stands for it in the
# table, and the article files that name it (at least these must be in its `articles`).
ARTICLE_FOODS = [
    ("banana", "banana", {"000", "003", "004"}), ("apricot", "apricot", {"000"}),
    ("dried apricots", "dried_apricots", {"000", "001", "003"}), ("prunes", "prunes", {"000"}),
    ("raisins", "raisins", {"000", "001"}), ("figs", "figs", {"000"}), ("dried figs", "dried_figs", {"000"}),
    ("dates", "dates", {"004"}), ("grapes", "grapes", {"000"}), ("nectarine", "nectarine", {"000"}),
    ("orange", "orange", {"000"}), ("grapefruit", "grapefruit", {"000"}), ("tangerine", "tangerine", {"000"}),
    ("lemon", "lemon", {"000"}), ("sea cabbage", "kelp", {"000", "003"}), ("seaweed", "kelp", {"003"}),
    ("white cabbage", "cabbage", {"000"}), ("broccoli", "broccoli", {"000"}), ("spinach", "spinach", {"000"}),
    ("lettuce", "lettuce", {"000"}), ("dill", "dill", {"000"}), ("parsley", "parsley", {"000"}),
    ("green onions", "green_onions", {"000"}), ("carrots", "carrot", {"003"}),
    ("jacket potato", "potato_baked", {"004"}), ("baked potato", "potato_baked", {"004"}),
    ("peas", "peas", {"000"}), ("beans", "white_beans", {"000"}), ("lentils", "lentils", {"003"}),
    ("buckwheat", "buckwheat", {"000", "001", "003"}), ("millet", "millet", {"000"}),
    ("oats", "oatmeal", {"000", "003"}), ("barley", "barley", {"000"}), ("pasta", "pasta", {"003"}),
    ("coarse bread", "whole_wheat_bread", {"004"}), ("rye bread", "rye_bread", {"004"}),
    ("walnuts", "walnuts", {"000", "001"}), ("almonds", "almonds", {"001"}), ("hazelnuts", "hazelnuts", {"000"}),
    ("pine nuts", "pine_nuts", {"000"}), ("cashews", "cashews", {"000"}), ("pistachios", "pistachios", {"000"}),
    ("peanuts", "peanuts", {"000"}), ("sunflower seeds", "sunflower_seeds", {"000"}),
    ("sesame oil", "sesame_oil", {"000"}), ("milk", "milk", {"000", "003"}), ("kefir", "kefir", {"003"}),
    ("cottage cheese", "cottage_cheese", {"000", "002", "003", "004"}), ("hard cheese", "cheese", {"000"}),
    ("fermented milk", "kefir", {"004"}), ("yogurt", "yogurt", {"004"}), ("buttermilk", "buttermilk", {"004"}),
    ("butter", "butter", {"003"}), ("egg yolk", "egg_yolk", {"004"}), ("poultry", "chicken", {"003"}),
    ("chicken", "chicken", {"004"}), ("turkey", "turkey", {"003"}), ("pork", "pork", {"000"}),
    ("mutton", "lamb", {"000"}), ("beef liver", "beef_liver", {"000"}), ("chicken liver", "chicken_liver", {"000"}),
    ("cod liver", "cod_liver_oil", {"004"}), ("salmon", "salmon", {"003"}), ("sea fish", "cod", {"000"}),
    ("mackerel", "mackerel", {"000"}), ("herring", "herring", {"000"}), ("seafood", "shrimp", {"000", "004"}),
    ("mussels", "mussels", {"000", "004"}), ("honey", "honey", {"000", "003"}), ("green tea", "green_tea", {"003"}),
    ("chamomile tea", "chamomile_tea", {"000", "003"}), ("compote", "prune_compote", {"003", "004"}),
    ("stewed apricots", "apricot_compote", {"003", "004"}), ("orange juice", "orange_juice", {"003"}),
    ("lemon juice", "lemon_juice", {"003"}), ("fruit drink", "cranberry_juice", {"003"}),
    ("water", "water", {"003", "004"}),
]
# What the articles say to cut down: always flagged `limit`, named by the article that says so.
LIMIT_FOODS = [
    ("coffee", "coffee", {"003", "004"}), ("strong tea", "black_tea", {"003", "004"}), ("beer", "beer", {"000", "003"}),
    ("wine", "wine", {"000", "003"}), ("vodka", "vodka", {"000", "003"}), ("sugar", "sugar", {"003"}),
    ("sweets", "hard_candy", {"003"}), ("milk chocolate", "milk_chocolate", {"003"}),
    ("cookies", "cookies", {"003"}), ("cake", "pound_cake", {"003", "004"}), ("white bread", "white_bread", {"004"}),
    ("croissant", "croissant", {"003"}), ("doughnut", "doughnut", {"003"}), ("salami", "salami", {"003"}),
    ("smoked sausage", "smoked_sausage", {"003"}), ("potato chips", "potato_chips", {"003"}),
    ("pickles", "pickles", {"003"}), ("hamburger", "hamburger", {"003"}), ("pizza", "frozen_pizza", {"003"}),
    ("cola", "cola", {"003"}), ("fizzy drink", "cola", {"003"}), ("soda", "soda", {"003"}),
    ("tonic water", "tonic_water", {"003"}),
]
# The SR28 entry is the form eaten: cooked legumes and grains, a potato baked in its skin.
EATEN_FORMS = {"lentils": "cooked", "buckwheat": "cooked", "millet": "cooked", "oatmeal": "cooked",
               "barley": "cooked", "pasta": "cooked", "white_beans": "cooked", "peas": "cooked",
               "potato_baked": "baked, flesh and skin", "chicken": "cooked", "salmon": "cooked",
               "beef_liver": "cooked", "chicken_liver": "cooked", "kefir": "Kefir"}


def test_table_loads_once_and_is_cached():
    assert load_table() is load_table()
    assert load_table(DATA_DIR) is load_table(DATA_DIR)


def test_table_is_large_enough_and_consistent(table):
    assert len(table) >= 120
    assert table.frame["id"].is_unique
    assert set(table.frame["aisle"]) <= set(VALID_AISLES)
    assert (table.frame["portion_grams"] > 0).all()
    for food in table:
        assert food.meals, food.id
        assert food.min_steps <= food.default_steps <= food.max_steps, food.id
        assert len(food.ndb) == 5 and food.sr28_name, food.id  # traceable to its SR28 entry
        assert food.portions, food.id


@pytest.mark.parametrize("text, food_id, articles", ARTICLE_FOODS)
def test_every_article_food_is_in_the_table_with_its_articles(table, text, food_id, articles):
    food = table.find(text)
    assert food.id == food_id
    assert not food.limit
    assert articles <= set(food.articles), f"{food_id} must name articles {sorted(articles)}"


@pytest.mark.parametrize("text, food_id, articles", LIMIT_FOODS)
def test_limit_foods_are_flagged_and_name_the_article_that_says_so(table, text, food_id, articles):
    food = table.find(text)
    assert food.id == food_id and food.limit
    assert articles <= set(food.articles)


@pytest.mark.parametrize("food_id, words", EATEN_FORMS.items())
def test_the_sr28_entry_is_the_form_eaten(table, food_id, words):
    assert words.lower() in table.get(food_id).sr28_name.lower()


def test_article_numbers_are_the_five_seed_files(table):
    with_articles = [f for f in table if f.articles]
    assert len(with_articles) >= 120
    for f in with_articles:
        assert set(f.articles) <= {"000", "001", "002", "003", "004"}, f.id
    # every recommended food that is not a staple names its article; the staples are few and plain
    staples = {f.id for f in table if not f.articles}
    selection = read_selection(DATA_DIR / "selection.csv")
    everyday = set(selection.loc[selection["note"].str.startswith("everyday food people type"), "id"])
    assert staples - everyday <= {"tofu", "wheat_bran", "olive_oil", "sunflower_oil", "peanut_butter", "beef",
                                  "ground_beef", "soy_milk", "almond_milk"}  # fortified plant milks: for vegans


def test_lactose_free_means_no_milk_kefir_or_cheese(table):
    """Issue 3: a lactose-free profile gets no milk, kefir or cheese, hard aged cheeses included."""
    no_lactose = {f.id for f in table.filter(exclude_tags=["lactose"])}
    for fid in ("milk", "whole_milk", "skim_milk", "kefir", "buttermilk", "yogurt", "cottage_cheese", "cheese",
                "swiss_cheese", "parmesan", "feta", "mozzarella", "butter", "sour_cream"):
        assert fid not in no_lactose, fid
    assert all("lactose" in f.tags for f in table if "dairy" in f.tags)
    assert all("dairy" in table.get(f).tags for f in ("cheese", "swiss_cheese", "parmesan", "butter"))
    notes = read_selection(DATA_DIR / "selection.csv").set_index("id")["note"]
    assert all("under 1 g lactose" in notes[f] for f in ("cheese", "swiss_cheese", "parmesan"))


def test_diet_and_allergen_tags_are_coherent(table):
    animal = {"dairy", "egg", "fish", "shellfish", "liver", "fish_liver_oil"}
    for f in table:
        if "vegan" in f.tags:
            assert {"vegetarian", "pescatarian"} <= f.tags and not animal & f.tags, f.id
        if "vegetarian" in f.tags:
            assert "pescatarian" in f.tags and not {"fish", "shellfish", "liver", "fish_liver_oil"} & f.tags, f.id
        if "fish_liver_oil" in f.tags:
            assert "fish" in f.tags, f.id
        if f.group in ("Beef Products", "Pork Products", "Poultry Products", "Lamb, Veal, and Game Products",
                       "Sausages and Luncheon Meats"):
            assert not DIET_TAGS & f.tags, f.id
    tags = {fid: table.get(fid).tags for fid in ("honey", "egg_yolk", "beef_liver", "chicken_liver", "cod_liver_oil",
                                                 "almonds", "peanuts", "oatmeal", "shrimp", "salmon", "kefir")}
    assert "vegan" not in tags["honey"] and "vegetarian" in tags["honey"]
    assert "egg" in tags["egg_yolk"]
    assert "liver" in tags["beef_liver"] and "liver" in tags["chicken_liver"]
    assert {"fish_liver_oil", "fish"} <= tags["cod_liver_oil"]
    assert "tree_nuts" in tags["almonds"] and "peanuts" in tags["peanuts"] and "tree_nuts" not in tags["peanuts"]
    assert "gluten" in tags["oatmeal"] and "shellfish" in tags["shrimp"] and "fish" in tags["salmon"]
    assert "lactose" in tags["kefir"]


def test_usual_portions_are_servings_people_eat(table):
    grams = {fid: round(table.get(fid).default_grams) for fid in
             ("banana", "salmon", "milk", "almonds", "lentils", "cottage_cheese", "dried_apricots", "kefir")}
    assert grams == {"banana": 118, "salmon": 85, "milk": 244, "almonds": 28, "lentils": 198,
                     "cottage_cheese": 113, "dried_apricots": 28, "kefir": 245}
    salmon = table.get("salmon")
    assert salmon.portion_text(salmon.default_grams) == "3 oz cooked salmon (85 g)"
    assert salmon.grams_range == (pytest.approx(85, abs=1), pytest.approx(170, abs=1))


@pytest.mark.parametrize("food_id, steps, text", [
    ("tangerine", 3, "3 medium tangerines (264 g)"), ("prunes", 6, "6 pitted prunes (57 g)"),
    ("multigrain_bread", 2, "2 slices multi-grain bread (52 g)"), ("chamomile_tea", 2, "2 cups chamomile tea (474 g)"),
    ("apricot", 4, "4 apricots (140 g)"), ("water", 2, "2 glasses water (474 g)"),
    ("sardines", 1, "½ can sardines (46 g)"), ("lentils", 3, "1½ cups cooked lentils (297 g)"),
    ("tofu", 1, "¼ cup tofu (63 g)"), ("potato_baked", 2, "2 medium baked potatoes (346 g)"),
    ("dried_apricots", 2, "4 dried apricot halves (14 g)"), ("hard_candy", 2, "2 hard candies (12 g)"),
    ("radishes", 2, "4 medium radishes (18 g)"), ("salmon", 6, "6 oz cooked salmon (170 g)"),
    ("kelp", 2, "2 tbsp kelp (10 g)"), ("ice_cream", 2, "2 half-cup scoops of vanilla ice cream (132 g)"),
    ("banana", 1, "1 medium banana (118 g)"), ("parsley", 4, "¼ cup chopped parsley (15 g)"),
])
def test_portion_text_reads_as_people_write_it(table, food_id, steps, text):
    food = table.get(food_id)
    assert food.portion_text(steps * food.step_grams) == text


def test_every_portion_text_has_one_bracket_and_no_decimal_halves(table):
    for food in table:
        for grams in {*food.grams_range, food.default_grams, food.step_grams / 2}:
            text = food.portion_text(grams)
            assert text.count("(") == 1 and text.endswith(" g)"), text
            assert ".5 " not in text and ".25 " not in text, text


@pytest.mark.parametrize("count, label, words", [
    (2, "cup (8 fl oz)", "2 cups (8 fl oz each, 474 g)"), (1, "cup (8 fl oz)", "1 cup (8 fl oz, 474 g)"),
    (2, "medium (2-3/4\" dia)", "2 medium (2-3/4\" dia each, 474 g)"), (2, "cup, chopped", "2 cups, chopped (474 g)"),
    (2, "medium ear of corn", "2 medium ears of corn (474 g)"), (1.37, "cup", "1.37 cups (474 g)"),
    (0.5, "piece of pound cake", "½ piece of pound cake (474 g)"), (2.5, "glass water", "2½ glasses water (474 g)"),
    (2, "kiwifruit", "2 kiwifruit (474 g)"), (1 / 3, "cup", "⅓ cup (474 g)"), (2, "NLEA serving", "2 NLEA servings (474 g)"),
])
def test_measure_text_for_any_label(count, label, words):
    from foods.text import measure_text

    assert measure_text(count, label, "474 g") == words


def test_bought_forms_are_what_shops_sell(table):
    lentils, buckwheat, banana = table.get("lentils"), table.get("buckwheat"), table.get("banana")
    assert "raw" in lentils.bought_name.lower() and 0.3 < lentils.yield_factor < 0.4  # dry lentils
    assert "roasted, dry" in buckwheat.bought_name.lower() and buckwheat.yield_factor < 0.3
    assert banana.bought_ndb == banana.ndb and banana.refuse_pct > 30  # the peel
    assert table.get("kefir").bought_ndb == table.get("kefir").ndb


# Realistic queries and the food that must come first.
SEARCHES = {
    "almond": "almonds", "almonds": "almonds", "bannana": "banana", "bananas": "banana", "kefir": "kefir",
    "sea cabbage": "kelp", "buckweat": "buckwheat", "buckwheat": "buckwheat", "baked potato": "potato_baked",
    "milk": "milk", "cottage cheese": "cottage_cheese", "yoghurt": "yogurt", "oatmeal": "oatmeal",
    "oats": "oatmeal", "lentil": "lentils", "cod liver oil": "cod_liver_oil", "cod liver": "cod_liver_oil",
    "coffee": "coffee", "prawns": "shrimp", "spaghetti": "pasta", "citrus": "orange", "salad": "lettuce",
    "skim milk": "skim_milk", "porridge": "oatmeal", "kasha": "buckwheat", "tvorog": "cottage_cheese",
}


@pytest.mark.parametrize("query, food_id", SEARCHES.items())
def test_search_puts_the_meant_food_first(table, query, food_id):
    assert table.search(query)[0].id == food_id
    assert table.find(query).id == food_id


def test_search_lists_related_foods_and_leaves_out_look_alikes(table):
    assert {f.id for f in table.search("potato")} >= {"potato_baked", "potato_boiled", "sweet_potato"}
    assert {f.id for f in table.search("fish")} >= {"salmon", "cod", "mackerel", "herring", "tuna", "sardines"}
    assert {f.id for f in table.search("seafood")} >= {"shrimp", "mussels", "squid"}
    assert {f.id for f in table.search("cheese")} >= {"cheese", "cottage_cheese", "feta", "parmesan"}
    assert "salmon" not in {f.id for f in table.search("almond")}
    assert "cooked" in table.search("buckwheat")[0].sr28_name
    assert table.search("xylophone") == []


def test_unknown_food_names_the_closest_matches(table):
    with pytest.raises(UnknownFood, match=r"unknown food 'bananna'\. Did you mean: banana") as err:
        table.get("bananna")
    assert err.value.suggestions[0] == "banana"
    with pytest.raises(UnknownFood, match="dried_apricots"):
        table.get("dried_apricot")
    with pytest.raises(UnknownFood):
        table.find("xylophone stew")


def test_top_magnesium_per_portion_is_per_usual_serving(table):
    top = table.top("magnesium", per="portion", n=10)
    assert len(top) == 10
    values = top["magnesium_mg"].to_numpy()
    assert (np.diff(values) <= 0).all()
    for row in top.itertuples():
        food = table.get(row.food_id)
        assert row.grams == pytest.approx(food.default_grams)
        assert row.magnesium_mg == pytest.approx(food.nutrients["magnesium_mg"] * food.default_grams / 100)
        assert row.portion == food.portion_words(food.default_grams)
        assert not food.limit
    # a cup of wheat bran is not a portion anyone eats: a quarter cup is
    assert table.get("wheat_bran").default_grams < 20


def test_top_per_100kcal_and_per_100g(table):
    per_kcal = table.top("potassium", per="100kcal", n=5)
    for row in per_kcal.itertuples():
        f = table.get(row.food_id)
        assert row.potassium_mg == pytest.approx(f.nutrients["potassium_mg"] / f.nutrients["energy_kcal"] * 100)
        assert row.grams == pytest.approx(100 * 100 / f.nutrients["energy_kcal"])
    assert table.top("calcium_mg", per="100g", n=3)["calcium_mg"].iloc[0] == table.frame.loc[
        table.frame["limit"] == 0, "calcium_mg"].max()
    everything = len(table)
    assert "hamburger" in set(table.top("sodium", n=everything, include_limit=True)["food_id"])
    assert "hamburger" not in set(table.top("sodium", n=everything)["food_id"])
    assert list(table.top("calcium", foods=["banana", "milk"])["food_id"]) == ["milk", "banana"]
    with pytest.raises(UnknownFood, match="banana"):
        table.top("calcium", foods=["bananna"])
    for bad in ({"nutrient": "unobtainium"}, {"nutrient": "calcium", "per": "serving"},
                {"nutrient": "calcium", "n": 0}):
        with pytest.raises(ValueError):
            table.top(**bad)


def test_a_missing_value_is_left_out_of_top_lists_never_ranked_as_zero():
    t = load_table()
    foods = t.frame.reset_index(drop=True).copy()
    foods.loc[foods["id"] == "cod_liver_oil", "vitamin_d_ug"] = np.nan
    changed = FoodTable(foods, pd.read_csv(DATA_DIR / "portions.csv", dtype={"ndb": str}))
    assert "vitamin_d_ug" in changed.get("cod_liver_oil").missing()
    ranked = changed.top("vitamin_d", n=len(changed))
    assert "cod_liver_oil" not in set(ranked["food_id"])
    assert len(ranked) == changed.nutrients["vitamin_d_ug"].notna().sum() - changed.frame.loc[
        changed.nutrients["vitamin_d_ug"].notna(), "limit"].sum()


def test_filters_by_tag_and_group(table):
    vegan = table.filter(tags=["vegan"])
    assert vegan and all("vegan" in f.tags for f in vegan)
    assert not any({"dairy", "egg", "fish"} & f.tags for f in vegan)
    no_gluten = table.filter(exclude_tags=["gluten"])
    assert "buckwheat" in {f.id for f in no_gluten} and "barley" not in {f.id for f in no_gluten}
    fruits = table.filter(group="fruit")
    assert "banana" in {f.id for f in fruits} and all("fruit" in f.group.lower() for f in fruits)
    assert "coffee" not in {f.id for f in table.filter(include_limit=False)}


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


def _set(row: int, column: str, value: str):
    def edit(f):
        f.loc[row, column] = value
        return f
    return edit


@pytest.mark.parametrize("edit, message", [
    (lambda f: f.drop(columns=["magnesium_mg"]), r"^foods\.csv: missing column\(s\): magnesium_mg$"),
    (_set(4, "calcium_mg", "lots"), r"^foods\.csv, row 6, column 'calcium_mg': 'lots' is not a number$"),
    (_set(0, "potassium_mg", "-5"), r"^foods\.csv, row 2, column 'potassium_mg': -5 is negative; it must be 0 or more$"),
    (_set(3, "id", "apricot"), r"^foods\.csv, row 5, column 'id': duplicate id 'apricot' \(first on row 3\)$"),
    (_set(7, "portion_grams", ""), r"^foods\.csv, row 9, column 'portion_grams': is empty; it needs a number$"),
    (_set(2, "tags", "vegan;nutz"), r"^foods\.csv, row 4, column 'tags': unknown value\(s\) nutz; allowed: "),
    (_set(0, "default_steps", "7"), r"^foods\.csv, row 2, column 'default_steps': default_steps is outside"),
    (_set(5, "id", ""), r"^foods\.csv, row 7, column 'id': empty id$"),
])
def test_a_bad_table_is_refused_with_one_message_naming_file_row_and_column(tmp_path, edit, message):
    with pytest.raises(TableError, match=message) as err:
        read_table(_copy_table(tmp_path, edit))
    assert "\n" not in str(err.value)


def test_a_table_that_is_not_csv_or_is_missing_is_refused(tmp_path):
    with pytest.raises(TableError, match="file not found"):
        read_table(tmp_path)
    (tmp_path / "foods.csv").write_bytes(b"\xff\xfe\x00garbage")
    (tmp_path / "portions.csv").write_text("food_id,ndb\n")
    with pytest.raises(TableError, match=r"^foods\.csv: cannot be read as CSV"):
        read_table(tmp_path)


def test_a_selection_without_a_column_is_refused(tmp_path):
    selection = pd.read_csv(DATA_DIR / "selection.csv", dtype=str, keep_default_na=False)
    selection.drop(columns=["default_steps"]).to_csv(tmp_path / "selection.csv", index=False)
    with pytest.raises(TableError, match=r"^selection\.csv: missing column\(s\): default_steps$"):
        read_selection(tmp_path / "selection.csv")
    assert list(selection.columns) == SELECTION_COLUMNS


def test_table_built_from_frames_directly():
    t = load_table()
    again = FoodTable(t.frame.reset_index(drop=True), pd.read_csv(DATA_DIR / "portions.csv", dtype={"ndb": str}))
    assert set(again.foods) == set(t.foods)
    assert again.get("kefir").portion_ndb == "01088" and again.get("banana").portion_ndb == "09040"


def test_loading_the_shipped_table_is_fast():
    began = time.perf_counter()
    read_table(DATA_DIR)
    assert time.perf_counter() - began < 10.0   # ~0.1 s quiet; a guard against a slow path, not a benchmark


def test_catalogue_guesses_keep_the_safety_tags_and_limits():
    """The full SR28 catalogue has no curated tags: the guesses must still catch liver, fish-liver oil, lactose,
    eggs, shellfish, gluten grains and the foods the articles say to limit."""
    from foods.catalog import guess_fields

    rows = {
        "Beef, variety meats and by-products, liver, raw": ("1300", {"liver"}, set(DIET_TAGS), 0),
        "Liver sausage, liverwurst, pork": ("0700", {"liver", "salty"}, set(DIET_TAGS), 1),
        "Fish oil, cod liver": ("0400", {"fish", "fish_liver_oil"}, {"vegan", "vegetarian"}, 0),
        "Cheese, parmesan, hard": ("0100", {"dairy", "lactose"}, {"vegan"}, 0),
        "Egg, whole, raw, fresh": ("0100", {"egg"}, {"vegan"}, 0),
        "Crustaceans, shrimp, mixed species, raw": ("1500", {"shellfish"}, {"vegan", "vegetarian"}, 0),
        "Wheat flour, white, all-purpose": ("2000", {"gluten"}, set(), 0),
        "Buckwheat groats, roasted, cooked": ("2000", set(), set(), 0),
        "Seeds, sunflower seed kernels, dried": ("1200", set(), set(), 0),
        "Alcoholic beverage, wine, table, red": ("1400", {"alcohol"}, set(), 1),
        "Beverages, coffee, brewed, prepared with tap water": ("1400", {"caffeine"}, set(), 1),
        "Beverages, coffee, brewed, decaffeinated": ("1400", set(), set(), 1),
        "Beverages, tea, herb, brewed, chamomile": ("1400", set(), set(), 0),
        "Honey": ("1900", set(), {"vegan"}, 0),
        "Candies, hard": ("1900", {"added_sugar"}, set(), 1),
        "Lard": ("0400", set(), set(DIET_TAGS), 0),
    }
    names = pd.Series(list(rows))
    guessed = guess_fields(pd.Series([g for g, *_ in rows.values()]), names)
    for name, tags, limit in zip(names, guessed["tags"], guessed["limit"], strict=True):
        _, must, must_not, is_limit = rows[name]
        got = set(tags.split(";")) - {""}
        assert must <= got and not must_not & got, (name, got)
        assert limit == is_limit, name
    assert "caffeine" not in guessed["tags"][names == "Beverages, coffee, brewed, decaffeinated"].iloc[0]
    assert "tree_nuts" not in guessed["tags"][names.str.startswith("Seeds")].iloc[0]
    assert "gluten" not in guessed["tags"][names.str.startswith("Buckwheat")].iloc[0]


@pytest.mark.parametrize("text, food_id", [("tea", "black_tea"), ("bread", "white_bread"), ("donut", "doughnut"),
                                           ("donuts", "doughnut"), ("herbal tea", "herbal_tea"),
                                           ("unsalted butter", "butter"), ("buckwheat kasha", "buckwheat")])
def test_everyday_words_find_the_usual_food(table, text, food_id):
    assert table.find(text).id == food_id
    assert table.search(text)[0].id == food_id


def test_negated_words_in_a_name_are_no_match(table):
    # "Tomato juice, canned, no salt added", "Butter, unsalted", "... without salt": none of them is salt
    hits = {f.id for f in table.search("salt", limit=20)}
    assert not hits & {"tomato_juice", "butter", "pasta", "lentils", "cashews"}
    assert "potato_chips" in hits  # salted


def test_search_leaves_out_foods_that_only_share_a_fragment(table):
    for text in ("buckwheat", "bukwheat", "buckweat"):
        assert [f.id for f in table.search(text)] == ["buckwheat"], text
    assert [f.id for f in table.search("donut")] == ["doughnut"]


@pytest.mark.parametrize("text, wrong", [("oat milk", "milk"), ("hemp milk", "milk"), ("rice milk", "milk"),
                                         ("coconut milk", "milk")])  # soy and almond milk are in the table
def test_a_name_missing_a_typed_word_is_a_suggestion_not_the_match(table, text, wrong):
    with pytest.raises(UnknownFood) as err:
        table.find(text)
    assert wrong in err.value.suggestions or wrong in str(err.value)


def test_a_cut_or_cooking_word_does_not_hide_the_food(table):
    assert table.find("salmon fillet").id == "salmon" and table.find("grilled chicken").id == "chicken"


def test_no_food_is_tagged_caffeine_when_sr28_says_it_has_none(table):
    for food in table:
        if "caffeine" in food.tags:
            assert not any(w in food.sr28_name.lower() for w in ("no caffeine", "without caffeine", "decaffeinated"))
    assert "caffeine" not in table.get("soda").tags and "caffeine" in table.get("cola").tags


def test_kelp_stays_near_one_iodine_sized_serving(table):
    kelp = table.get("kelp")
    assert kelp.grams_range[1] <= 5.5 and kelp.default_grams == pytest.approx(5)  # iodine: 1 tbsp a meal
    assert kelp.portion_text(kelp.grams_range[1]) == "1 tbsp kelp (5 g)"


def test_baked_and_boiled_potatoes_are_bought_as_sr28s_raw_potato_with_its_refuse(table):
    """SR28 gives raw potatoes (11352, flesh and skin) 25 % refuse, parings and trimmings: a medium potato's
    213 g is what is left of about 284 g bought, whichever way it is cooked."""
    baked, boiled = table.get("potato_baked"), table.get("potato_boiled")
    assert baked.bought_ndb == boiled.bought_ndb == "11352"
    assert baked.refuse_pct == boiled.refuse_pct == 25


def test_catalogue_guesses_no_caffeine_where_sr28_names_say_none():
    from foods.catalog import guess_fields

    names = pd.Series(["Beverages, carbonated, lemon-lime soda, no caffeine", "Beverages, ZEVIA, cola, caffeine free",
                       "Beverages, carbonated, cola, without caffeine", "Beverages, carbonated, cola, regular"])
    tags = guess_fields(pd.Series(["1400"] * 4), names)["tags"].tolist()
    assert ["caffeine" in t for t in tags] == [False, False, False, True]


# --- the table's snapshot (foods/snapshot.py) ------------------------------------------------------------------

def _csv_copy(folder):
    """The shipped foods.csv and portions.csv in a folder of their own (the snapshot is written beside them)."""
    import shutil

    folder.mkdir()
    for name in ("foods.csv", "portions.csv"):
        shutil.copy2(DATA_DIR / name, folder / name)
    return folder


def test_a_table_loaded_from_its_snapshot_is_the_table_the_csvs_make(tmp_path):
    from foods.export import food_to_dict
    from foods.snapshot import SNAPSHOT_NAME

    folder = _csv_copy(tmp_path / "table")
    read = load_table.__wrapped__(folder)            # read from the CSVs: the snapshot is written beside them
    assert (folder / SNAPSHOT_NAME).is_file() and read._frame is not None
    kept = load_table.__wrapped__(folder)            # the next process: foods and search index, no frame yet
    assert kept._frame is None and kept is not read
    # every field, a missing value as None (missing equals missing), tags and meals sorted
    assert [food_to_dict(f, detail=True) for f in kept] == [food_to_dict(f, detail=True) for f in read]
    assert kept.source == read.source
    for query in ("buckwheat", "2% milk", "almnds", "salmon fillet"):
        assert [f.id for f in kept.search(query)] == [f.id for f in read.search(query)]
    pd.testing.assert_frame_equal(kept.frame, read.frame)   # read from the CSVs when first asked for
    pd.testing.assert_frame_equal(kept.top("magnesium_mg", n=5), read.top("magnesium_mg", n=5))


def test_a_changed_csv_or_a_broken_snapshot_is_read_from_the_csvs_again(tmp_path):
    from foods.snapshot import SNAPSHOT_NAME

    folder = _csv_copy(tmp_path / "table")
    load_table.__wrapped__(folder)
    foods = pd.read_csv(folder / "foods.csv", dtype=str, keep_default_na=False)
    foods.loc[foods["id"] == "banana", "name"] = "Banana, ripe"
    foods.to_csv(folder / "foods.csv", index=False)
    changed = load_table.__wrapped__(folder)
    assert changed._frame is not None and changed.get("banana").name == "Banana, ripe"
    assert load_table.__wrapped__(folder).get("banana").name == "Banana, ripe"   # the new snapshot
    (folder / SNAPSHOT_NAME).write_bytes(b"\x80\x05 not JSON")
    assert load_table.__wrapped__(folder).get("banana").name == "Banana, ripe"
    foods.loc[foods["id"] == "banana", "calcium_mg"] = "lots"
    foods.to_csv(folder / "foods.csv", index=False)
    with pytest.raises(TableError, match="'lots' is not a number"):   # a bad CSV is refused, never hidden
        load_table.__wrapped__(folder)


def _tampered(folder, change) -> None:
    """The snapshot with its stamp kept (so it is read) and its state changed by `change(state)`."""
    import json

    from foods.snapshot import SNAPSHOT_NAME

    stamp, text = (folder / SNAPSHOT_NAME).read_text(encoding="utf-8").split("\n", 1)
    state = json.loads(text)
    change(state)
    (folder / SNAPSHOT_NAME).write_text(f"{stamp}\n{json.dumps(state)}", encoding="utf-8")


def _set_field(state, name, value):
    from foods.table import STATE_FIELDS

    state["foods"]["rows"][0][STATE_FIELDS.index(name)] = value


@pytest.mark.parametrize("change", [
    lambda s: _set_field(s, "portion_grams", "118"),                         # a number as text
    lambda s: _set_field(s, "tags", "vegan"),                                # a set as a string
    lambda s: _set_field(s, "min_steps", True),                              # a flag for a count
    lambda s: s["foods"]["rows"][0].pop(3),                                  # a field missing
    lambda s: s["foods"]["rows"][0][-1].append(1.0),                         # one nutrient too many
    lambda s: s["foods"]["fields"].reverse(),                                # fields of other code
    lambda s: _set_field(s, "portions", [[1, 1.0, "cup"]]),                  # a portion cut short
    lambda s: s["search_index"]["owners"].__setitem__(0, 10**6),            # a key owned by no food
    lambda s: s["search_index"]["key_words"].append(0),                      # words beyond the keys
    lambda s: s["search_index"].update(word_foods={"banana": [-1]}),         # a food index below zero
    lambda s: s.update(foods=[{}]),                                          # not the foods' table
], ids=["text-number", "tags-string", "bool-count", "missing-field", "extra-nutrient", "other-fields",
        "short-portion", "owner-range", "extra-word", "negative-food", "foods-list"])
def test_a_tampered_snapshot_is_a_miss_and_the_csvs_are_read(tmp_path, change):
    """A snapshot is checked, not trusted: whatever does not fit what load_table writes is read from the CSVs."""
    folder = _csv_copy(tmp_path / "table")
    read = load_table.__wrapped__(folder)
    _tampered(folder, change)
    again = load_table.__wrapped__(folder)
    assert again._frame is not None                                   # read from the CSVs, not the snapshot
    assert again.get("banana") == read.get("banana") and again.search("almnds")[0].id == "almonds"
    assert load_table.__wrapped__(folder)._frame is None              # and a good snapshot written again


def test_the_snapshot_is_json_and_a_pickle_beside_the_csvs_is_never_run(tmp_path):
    """A folder others can write to (a --catalog DIR) must not run their code: the snapshot is plain JSON, and a
    pickle in the old snapshot's place, or in the new one's with a valid stamp, is never unpickled."""
    import json
    import pickle
    from pathlib import Path

    from foods.snapshot import FORMER_NAMES, SNAPSHOT_NAME

    class Payload:
        def __reduce__(self):
            return (Path.touch, (tmp_path / "ran",))

    folder = _csv_copy(tmp_path / "table")
    (folder / FORMER_NAMES[0]).write_bytes(pickle.dumps(Payload()))
    load_table.__wrapped__(folder)
    stamp, text = (folder / SNAPSHOT_NAME).read_text(encoding="utf-8").split("\n", 1)
    assert json.loads(stamp) and isinstance(json.loads(text), dict)   # plain JSON, stamp first
    assert (folder / SNAPSHOT_NAME).stat().st_mode & 0o777 == 0o644   # others who read the CSVs can use it
    assert not (folder / FORMER_NAMES[0]).exists()                      # the old pickle is removed, not read
    (folder / SNAPSHOT_NAME).write_bytes(stamp.encode() + b"\n" + pickle.dumps(Payload()))
    assert len(load_table.__wrapped__(folder)) == len(load_table())
    assert not (tmp_path / "ran").exists()


def test_a_folder_that_cannot_be_written_keeps_no_snapshot_and_still_loads(tmp_path, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    folder = _csv_copy(tmp_path / "table")
    monkeypatch.setattr(tempfile, "mkstemp", refuse)   # an installed package's read-only data folder
    table = load_table.__wrapped__(folder)
    assert len(table) == len(load_table()) and table.get("banana").ndb == "09040"
    assert sorted(p.name for p in folder.iterdir()) == ["foods.csv", "portions.csv"]


@pytest.mark.parametrize(("word", "one"), [
    ("leaves", "leaf"), ("halves", "half"), ("loaves", "loaf"), ("glasses", "glass"), ("cookies", "cookie"),
    ("brownies", "brownie"), ("pies", "pie"), ("berries", "berry"), ("anchovies", "anchovy"),
    ("potatoes", "potato"), ("peaches", "peach"), ("dishes", "dish"), ("boxes", "box"), ("bananas", "banana"),
    ("molasses", "molasses"), ("hummus", "hummus"), ("asparagus", "asparagus"), ("leaf", "leaf"), ("oats", "oat"),
])
def test_singular_reads_household_plurals(word, one):
    from foods.text import singular

    assert singular(word) == one


def test_every_counted_unit_and_plural_reads_back_to_its_singular():
    """What the plan writes ('2 leaves', '3 glasses', '2 halves') is read back as the unit it counted."""
    from foods.text import _IRREGULAR_PLURALS, COUNTED_UNITS, plural, singular

    words = sorted(COUNTED_UNITS | set(_IRREGULAR_PLURALS) | {"cookie", "pie", "berry", "peach", "box", "banana"})
    assert {w: singular(plural(w)) for w in words} == {w: w for w in words}


def test_every_portion_label_counts_a_noun_in_the_plural(table):
    """Two portions read '2 large scrambled eggs', never '2 large egg scrambleds': the label's counted word is a
    noun, not a cooking word after it."""
    import re

    cooking_word_plural = re.compile(r"\b\w+(?<!e)eds\b")   # 'scrambleds', 'choppeds'; 'seeds' is a noun
    texts = {f.id: f.portion_text(2 * f.portion_grams) for f in table.foods.values()}
    assert {fid: t for fid, t in texts.items() if cooking_word_plural.search(t)} == {}
    assert texts["scrambled_egg"].startswith("2 large scrambled eggs")


def test_plural_and_singular_forms_find_the_same_food(table):
    from foods.intake import parse_text

    for many, one in (("lettuce leaves", "lettuce leaf"), ("dried apricot halves", "dried apricot half"),
                      ("cookies", "cookie"), ("brownies", "brownie")):
        assert [f.id for f in table.search(many)] == [f.id for f in table.search(one)], many
    # 'cookies' was read as 'cooky': '2 cookies' found the butter cookies, '1 cookie' nothing
    assert [i.food.id for i in parse_text("1 cookie\n2 cookies", table)] == ["cookies", "cookies"]
