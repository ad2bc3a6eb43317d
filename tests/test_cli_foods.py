"""`mineral-planner foods ...`: JSON contract, numbers that equal SR28, and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from foods import load_table


def test_top_magnesium_per_portion_json(cli, table):
    code, out, _ = cli("foods", "top", "magnesium", "--per", "portion", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert len(data) >= 10
    for row in data:
        food = table.get(row["food_id"])
        assert row["ndb"] == food.ndb and row["per"] == "portion" and not food.limit
        assert row["grams"] == pytest.approx(food.default_grams, abs=0.05)
        assert row["magnesium_mg"] == pytest.approx(food.nutrients["magnesium_mg"] * food.default_grams / 100, rel=1e-3)
        assert row["portion"] == food.portion_text(food.default_grams)
    assert [r["magnesium_mg"] for r in data] == sorted((r["magnesium_mg"] for r in data), reverse=True)
    assert [r["rank"] for r in data] == list(range(1, len(data) + 1))


def test_top_numbers_equal_sr28_by_hand(cli, sr28_data):
    """Checked against ABBREV.txt and WEIGHT.txt directly, not through the shipped table."""
    code, out, _ = cli("foods", "top", "magnesium", "--per", "portion", "-n", "40", "--format", "json")
    rows = {r["food_id"]: r for r in json.loads(out)}
    weight = sr28_data.weight.set_index(["NDB_No", "Seq"])
    # pumpkin seeds: 1 oz (WEIGHT 12016 seq 2) of 550 mg/100 g; spinach: 1 cup boiled (11458 seq 1) of 87 mg/100 g
    for food_id, ndb, seq, count in (("pumpkin_seeds", "12016", 2, 1), ("spinach_cooked", "11458", 1, 1),
                                     ("mackerel", "15047", 2, 1)):
        grams = weight.loc[(ndb, seq), "Gm_Wgt"] * count
        expected = sr28_data.abbrev.loc[ndb, "Magnesium_(mg)"] * grams / 100
        assert rows[food_id]["magnesium_mg"] == pytest.approx(expected, rel=1e-3), food_id
        assert rows[food_id]["grams"] == pytest.approx(grams, abs=0.05)


def test_top_per_100g_and_per_100kcal_say_what_amount_they_are_for(cli, table):
    _, out, _ = cli("foods", "top", "calcium", "--format", "json", "-n", "3")
    assert all(r["grams"] == 100 and r["per"] == "100g" for r in json.loads(out))
    _, out, _ = cli("foods", "top", "potassium_mg", "--per", "100kcal", "--format", "json", "-n", "3")
    for r in json.loads(out):
        kcal = table.get(r["food_id"]).nutrients["energy_kcal"]
        assert r["grams"] == pytest.approx(10000 / kcal, abs=0.05)
    code, out, _ = cli("foods", "top", "magnesium", "--per", "portion", "-n", "3")
    assert code == 0 and "per portion" in out and "(" in out and " g)" in out
    _, serving, _ = cli("foods", "top", "magnesium", "--per", "serving", "-n", "3")
    assert serving == out  # design.md spells it `--per serving`


def test_search_and_show(cli):
    code, out, _ = cli("foods", "search", "buckwheat", "--format", "json")
    first = json.loads(out)[0]
    assert code == 0 and first["food_id"] == "buckwheat" and first["per_100g"]["magnesium_mg"] > 0
    code, out, _ = cli("foods", "show", "banana", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["ndb"] == "09040" and data["per_100g"]["potassium_mg"] == 358
    assert data["portion"] == "1 medium banana (118 g)" and data["portion_grams"] == 118
    assert data["per_portion"]["potassium_mg"] == pytest.approx(358 * 1.18)
    assert {"calcium_mg", "magnesium_mg", "potassium_mg", "sodium_mg", "energy_kcal"} <= set(data["per_100g"])
    assert data["bought"]["ndb"] == "09040" and data["articles"] and data["min_grams"] <= data["max_grams"]
    code, out, _ = cli("foods", "show", "banana")
    assert "NDB 09040" in out and "medium" in out and "per portion" in out


def test_show_says_missing_for_values_sr28_lacks(cli, table):
    food = next(f for f in table if f.missing())
    code, out, _ = cli("foods", "show", food.id, "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["missing"] == food.missing()
    assert all(data["per_100g"][k] is None and data["per_portion"][k] is None for k in food.missing())
    _, out, _ = cli("foods", "show", food.id)
    assert "missing" in out


def test_list_filters_by_tag_group_and_without(cli):
    code, out, _ = cli("foods", "list", "--format", "json")
    data = json.loads(out)
    assert code == 0 and len(data) >= 120
    assert any(v is None for d in data for v in d["per_100g"].values())
    _, out, _ = cli("foods", "list", "--without", "lactose", "--format", "json")
    ids = {d["food_id"] for d in json.loads(out)}
    assert ids and not ids & {"milk", "kefir", "cheese", "parmesan", "cottage_cheese", "butter"}
    _, out, _ = cli("foods", "list", "--tag", "vegan", "--group", "legume", "--format", "json")
    rows = json.loads(out)
    assert rows and all("vegan" in d["tags"] and "Legume" in d["group"] for d in rows)


@pytest.mark.parametrize("argv, words", [
    (("foods", "show", "bananna"), ["unknown food 'bananna'", "banana"]),
    (("foods", "top", "unobtainium"), ["unknown nutrient 'unobtainium'", "magnesium"]),
    (("foods", "top", "potasium"), ["unknown nutrient 'potasium'; did you mean potassium?"]),
    (("foods", "top", "magnesium", "--per", "kg"), ["invalid choice: 'kg'", "portion"]),
    (("foods", "top", "magnesium", "-n", "0"), ["-n/--limit must be at least 1, not 0"]),
    (("foods", "top", "magnesium", "-n", "-3"), ["must be at least 1"]),
    (("foods", "list", "--tag", "nuts"), ["unknown tag 'nuts'", "tree_nuts"]),
    (("foods", "list", "--without", "lactos"), ["unknown tag 'lactos'", "lactose"]),
    (("foods", "list", "--group", "spaceship"), ["no food group contains 'spaceship'", "Legume"]),
    (("foods", "search", "  "), ["give a food name"]),
    (("foods", "search", "xylophone"), ["no food matches 'xylophone'"]),
    (("foods", "show", "banana", "--catalog", "full"), ["no food catalogue", "import-sr28"]),
])
def test_bad_input_is_one_line_and_a_non_zero_exit(cli, argv, words):
    code, out, err = cli(*argv)   # argparse's own refusals (a bad --per choice) too
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ")
    for w in words:
        assert w in err


@pytest.mark.slow
def test_import_sr28_full_catalogue(cli, sr28_dir, tmp_path):
    folder = tmp_path / "cat"
    began = time.perf_counter()
    code, out, _ = cli("foods", "import-sr28", str(sr28_dir), "--to", str(folder))
    assert code == 0 and "imported 8790 SR28 foods" in out
    # a guard against minutes, not a speed target (those are in benchmarks/, on a quiet machine)
    assert time.perf_counter() - began < 120
    began = time.perf_counter()
    full = load_table(str(folder))
    assert time.perf_counter() - began < 30, "loading the full catalogue must take seconds, not minutes"
    assert len(full) == 8790
    assert all(f.tags_guessed for f in full)
    # a food without WEIGHT.txt measures gets a generic 100 g serving, marked as such
    generic = [f for f in full if f.portions and f.portions[0].source == "generic"]
    assert generic and all(f.portion_grams == 100 for f in generic)
    # the one ABBREV food FOOD_DES lacks is there too, with its short name
    assert any(f.ndb == "33879" for f in full)
    almonds = next(f for f in full if f.ndb == "12061")
    assert "tree_nuts" in almonds.tags and "vegan" in almonds.tags
    by_ndb = {f.ndb: f for f in full}
    assert "liver" in by_ndb["13327"].tags and "fish_liver_oil" in by_ndb["04589"].tags  # the pregnancy rule
    assert "lactose" in by_ndb["01009"].tags and by_ndb["14003"].limit and by_ndb["14209"].limit
    assert not by_ndb["19296"].limit  # honey is recommended
    code, out, _ = cli("foods", "search", "bananas raw", "--catalog", str(folder), "--format", "json")
    assert code == 0 and json.loads(out)[0]["ndb"] == "09040"
    # the catalogue borrows the curated names: the form eaten first, not raw groats or almond oil
    for query, ndb in (("buckwheat", "20010"), ("almonds", "12061"), ("sea cabbage", "11445"), ("kefir", "01289")):
        assert full.search(query)[0].ndb == ndb, query
    code, out, _ = cli("foods", "show", almonds.id, "--catalog", str(folder))
    assert code == 0 and "guessed from the SR28 food group" in out
    code, out, _ = cli("foods", "top", "calcium", "--catalog", str(folder), "--format", "json", "-n", "3")
    assert code == 0 and len(json.loads(out)) == 3


def test_import_from_a_folder_without_sr28_fails_cleanly(cli, tmp_path):
    code, _, err = cli("foods", "import-sr28", str(tmp_path))
    assert code == 2 and "ABBREV.txt" in err and err.count("\n") == 1
    code, _, err = cli("foods", "import-sr28", str(tmp_path / "nowhere"))
    assert code == 2 and "is not a folder" in err


def test_python_dash_m_planner_runs():
    proc = subprocess.run([sys.executable, "-m", "planner", "foods", "show", "banana", "--format", "json"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and json.loads(proc.stdout)["food_id"] == "banana"
