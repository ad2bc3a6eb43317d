"""A published menu, typed as written, reads completely, and its totals land near the menu's own analysis.

The fixture `data/dash_day2.txt` is Mayo Clinic's DASH diet sample menu, day 2 ("DASH diet: Sample menus",
mayoclinic.org, art-20047110), typed line by line as printed: meal headings, one food a line, the printed
amounts and words ("2/3 cup cooked, chopped chicken", "1 cup marinara sauce, no added salt"). The page's
"Day 2 nutritional analysis" gives calories 2,193, calcium 1,370 mg, magnesium 495 mg, potassium 4,219 mg.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from foods import load_table
from foods.amounts import resolve
from foods.errors import BadAmount, UnknownUnit
from foods.intake import IntakeError, parse_text
from foods.units import units_for

MENU = Path(__file__).parent / "data" / "dash_day2.txt"
PUBLISHED = {"energy_kcal": 2193, "calcium_mg": 1370, "magnesium_mg": 495, "potassium_mg": 4219}
READ_AS = ["mixed_fruit", "fat_free_vanilla_yogurt", "walnuts", "bran_muffin", "margarine", "skim_milk",
           "herbal_tea", "whole_wheat_tortilla", "chicken", "apple", "light_mayonnaise", "curry_powder",
           "baby_carrots", "skim_milk", "whole_wheat_pasta", "low_sodium_marinara", "salad_greens",
           "light_caesar_dressing", "whole_wheat_roll", "olive_oil", "nectarine", "water", "raisins",
           "unsalted_pretzels", "sunflower_seeds"]


def _totals(items) -> dict[str, float]:
    return {k: sum(i.food.nutrients[k] * i.grams / 100 for i in items) for k in PUBLISHED}


@pytest.fixture(scope="module")
def menu_items():
    return parse_text(MENU.read_text(encoding="utf-8"), load_table())


def test_the_published_dash_day_reads_completely_on_the_shipped_table(menu_items):
    assert [i.food.id for i in menu_items] == READ_AS
    by_text = {i.text: i for i in menu_items}
    assert by_text["2/3 cup cooked chopped chicken"].grams == pytest.approx(140 * 2 / 3, abs=0.5)
    assert "weighed as Chicken breast, roasted" in by_text["2/3 cup cooked chopped chicken"].reading
    assert by_text["1/2 cup raw baby carrots"].grams == pytest.approx(64, abs=0.5)
    assert "weighed as Carrot, raw" in by_text["1/2 cup raw baby carrots"].reading
    assert "one size" in by_text["1 medium whole-wheat tortilla"].reading


@pytest.mark.parametrize("nutrient", list(PUBLISHED))
def test_the_typed_day_lands_within_ten_percent_of_the_published_analysis(menu_items, nutrient):
    """Energy, calcium, magnesium and potassium: a "bran muffin" is a wheat-bran muffin (SR28 18388); read as the
    oat-bran muffin (18283, Mg 157 and K 507 mg per 100 g) the day overshot by 27 % Mg and 16 % K."""
    assert _totals(menu_items)[nutrient] == pytest.approx(PUBLISHED[nutrient], rel=0.10)


@pytest.mark.slow
def test_the_menu_reads_on_the_full_catalogue_too(tmp_path, sr28_data):
    from foods.catalog import catalog_tables
    from foods.table import FoodTable

    full = FoodTable(*catalog_tables(sr28_data), source="catalogue")
    items = parse_text(MENU.read_text(encoding="utf-8"), full)
    assert len(items) == len(READ_AS)
    assert {i.food.ndb for i in items} >= {"01085", "04641", "28295", "11960", "02015", "43021"}
    totals = _totals(items)
    for nutrient, published in PUBLISHED.items():
        assert totals[nutrient] == pytest.approx(published, rel=0.10), nutrient
    yogurt = next(i for i in items if "yogurt" in i.text)   # a cup of yogurt is not weighed as frozen yogurt
    assert yogurt.grams == pytest.approx(245, rel=0.05), yogurt.reading
    assert full.find("tortilla").ndb == "18364"  # the everyday flour tortilla, not the Hopi blue corn one
    stew = full.find("stew")  # no curated name says stew: the group penalty alone keeps moose stew down
    assert stew.group != "American Indian/Alaska Native Foods", stew.name


def test_every_unit_an_error_message_offers_is_accepted(table):
    """'tbsp' offered for light mayonnaise must read: every unit `units_for` lists resolves to grams (an amount
    may still be too small or too large, which is another error), and none is listed twice."""
    for food in table:
        offered = units_for(food)
        assert len(offered) == len(set(offered)), f"{food.id}: {offered}"
        for unit in offered:
            try:
                resolve(food, 100.0 if unit == "mg" else 1.0, unit, table)
            except UnknownUnit as exc:
                pytest.fail(f"{food.id}: {exc}")
            except BadAmount as exc:
                assert "too little" in str(exc) or "more than" in str(exc), exc


def test_typed_amounts_say_how_they_were_read(table):
    (handful,) = parse_text("a handful of nuts", table)
    assert "a handful is read as 1 oz" in handful.reading
    (pinch,) = parse_text("a pinch of salt", table)
    assert "1/16 teaspoon" in pinch.reading


def test_foods_the_articles_say_to_limit_are_flagged_and_new_everyday_foods_are_not_recommended(table):
    for food_id in ("espresso", "ham", "pretzels", "marinara_sauce", "bran_muffin", "tortilla"):
        assert table.get(food_id).limit, food_id
    for food_id in ("mixed_fruit", "salad_greens", "vanilla_yogurt", "margarine", "mayonnaise", "curry_powder",
                    "herbal_tea", "whole_wheat_tortilla", "low_sodium_marinara"):
        assert table.get(food_id).articles == (), food_id


def test_headings_footnote_marks_and_asides_are_not_food(table):
    text = ("Lunch\nCurried chicken wrap made with:\n2 tablespoons light mayonnaise*\n"
            "1/2 cup, or about 8, raw baby carrots\nSnack (anytime)\n1 ounce, or about 22, pretzels\n")
    assert [i.food.id for i in parse_text(text, table)] == ["light_mayonnaise", "baby_carrots", "pretzels"]


def test_a_size_sr28_has_no_weight_for_lists_the_measures_that_exist_once(table):
    with pytest.raises(IntakeError) as err:
        parse_text("1 medium walnuts", table)
    message = err.value.errors[0].message
    assert "'medium' is not a unit for Walnuts; use one of: g, kg, mg, oz, lb, ml" in message
    listed = message.split("use one of: ")[1].split(", ")
    assert len(listed) == len(set(listed)) and "cup" in listed
