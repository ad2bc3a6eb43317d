"""Amounts and units: SR28 household weights, mass, volume through density, clear errors."""

from __future__ import annotations

import pytest
from conftest import examples
from hypothesis import given
from hypothesis import strategies as st

from foods import BadAmount, UnknownUnit
from foods.units import GRAMS_PER, resolve_amount


def test_household_measure_uses_sr28_weight(table):
    banana = table.find("banana")
    medium = next(p for p in banana.portions if p.unit_word == "medium")
    assert resolve_amount(banana, 1, "medium").grams == pytest.approx(medium.grams)
    assert resolve_amount(banana, 2, None).grams == pytest.approx(2 * medium.grams)


def test_cup_of_milk_reads_as_sr28_says(table):
    milk = table.find("milk")
    cup = next(p for p in milk.portions if p.measure.startswith("cup"))
    r = resolve_amount(milk, 1, "cup")
    assert r.grams == pytest.approx(cup.grams_per_unit)
    assert "= " in r.reading and "g" in r.reading


def test_volume_through_density(table):
    milk = table.find("milk")
    assert resolve_amount(milk, 250, "ml").grams == pytest.approx(resolve_amount(milk, 1, "cup").grams * 250 / 236.588,
                                                                 rel=1e-3)
    assert resolve_amount(milk, 1, "glass").grams == pytest.approx(resolve_amount(milk, 1, "cup").grams)


def test_unit_synonyms(table):
    almonds = table.find("almonds")
    assert resolve_amount(almonds, 30, "grams").grams == 30
    assert resolve_amount(almonds, 1, "ounce").grams == pytest.approx(28.3495, rel=1e-4)
    assert resolve_amount(almonds, 0.1, "kg").grams == pytest.approx(100)


def test_unknown_unit_lists_the_units_the_food_has(table):
    banana = table.find("banana")
    with pytest.raises(UnknownUnit) as err:
        resolve_amount(banana, 1, "bucket")
    assert "medium" in str(err.value) and "g" in err.value.units


@pytest.mark.parametrize("amount", [0, -1, float("nan"), "abc"])
def test_zero_negative_and_non_numbers_are_refused(table, amount):
    with pytest.raises(BadAmount):
        resolve_amount(table.find("banana"), amount, "g")


def test_absurd_amounts_are_refused(table):
    with pytest.raises(BadAmount, match="more than 5,000 g"):
        resolve_amount(table.find("rice"), 6, "kg")


@examples(2)
@given(grams=st.floats(min_value=0.5, max_value=4000), unit=st.sampled_from(sorted(GRAMS_PER)))
def test_mass_round_trips(table, grams, unit):
    amount = grams / GRAMS_PER[unit]
    assert resolve_amount(table.find("lentils"), amount, unit).grams == pytest.approx(grams)


def test_kefir_is_measured_with_the_cup_sr28_gives_cultured_milk(table):
    kefir = table.get("kefir")
    assert kefir.ndb == "01289" and kefir.portion_ndb == "01088"
    assert resolve_amount(kefir, 1, "cup").grams == pytest.approx(245)
    assert resolve_amount(kefir, 1, "glass").grams == pytest.approx(245)
    assert resolve_amount(kefir, 500, "ml").grams == pytest.approx(500 * 245 / 236.588, rel=1e-3)


def test_portion_and_piece_units_use_the_household_measure(table):
    salmon = table.get("salmon")
    assert resolve_amount(salmon, 3, "oz").grams == pytest.approx(85.05, abs=0.1)
    assert resolve_amount(table.get("banana"), 1, "portion").grams == pytest.approx(118)


@pytest.mark.parametrize("food_id, amount, unit, reading", [
    ("milk", 2, "cup", "2 cups = 488 g"), ("milk", 1, "cup", "1 cup = 244 g"), ("milk", 1.5, "cups", "1½ cups = 366 g"),
    ("milk", 2, "glass", "2 glasses = 488 g"), ("milk", 3, "tbsp", "3 tbsp = 46 g"),
    ("whole_wheat_bread", 2, "slice", "2 slices (32 g each) = 64 g"),
    ("chamomile_tea", 2, "portion", "2 cups chamomile tea (237 g each) = 474 g"),
    ("banana", 2, None, '2 medium (7" to 7-7/8" long, 118 g each) = 236 g'),
    ("banana", 0.5, None, '½ medium (7" to 7-7/8" long, 118 g) = 59 g'),
])
def test_readings_are_plural_and_use_fractions(table, food_id, amount, unit, reading):
    assert resolve_amount(table.get(food_id), amount, unit).reading == reading
