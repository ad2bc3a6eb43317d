"""The day check: totals equal SR28 x grams / 100, status words, limit notes, and gap-closing suggestions."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import examples
from hypothesis import given
from hypothesis import strategies as st

from foods.intake import IntakeError, parse_text
from foods.table import DATA_DIR, NUTRIENT_FIELDS
from planner.check import (
    IntakeItem,
    allowed_foods,
    check_day,
    check_intake,
    close_gap,
    energy_budget,
    limit_note_rules,
    nutrient_status,
    poorly_absorbed_calcium,
    portion_words,
)
from planner.profile import Profile
from planner.targets import GOAL_NUTRIENTS, Target, targets_for

DAY = "2 bananas\n30 g almonds\n1 cup milk\nhalf a cup of cooked buckwheat\n1 1/2 slices wholegrain bread\n" \
      "a glass of kefir\ncoffee"
OLDER_WOMAN = Profile(sex="female", age=58, weight_kg=70, height_cm=162)
KIDNEY = Profile(sex="male", age=62, conditions=["kidney_disease"])


@pytest.fixture(scope="module")
def sr28_rows():
    """foods.csv read directly: the SR28 values the totals must equal."""
    return pd.read_csv(DATA_DIR / "foods.csv", dtype={"ndb": str}).set_index("id")


def item(table, food_id: str, grams: float, line: int = 1) -> IntakeItem:
    food = table.get(food_id)
    return IntakeItem(line, food_id, food, grams, "g", grams, f"{grams:g} g")


def with_suggestions(table, items, report):
    return list(items) + [item(table, s.food_id, s.grams, 99) for s in report.suggestions]


def test_totals_equal_sr28_values_times_grams(table, sr28_rows):
    items = parse_text(DAY, table)
    report = check_day(items, OLDER_WOMAN, table, suggest=False)
    for nutrient in ("calcium_mg", "magnesium_mg", "potassium_mg", "sodium_mg", "energy_kcal", "vitamin_b6_mg"):
        expected = sum(sr28_rows.at[i.food.id, nutrient] * i.grams / 100 for i in items)
        assert report.totals[nutrient] == pytest.approx(expected), nutrient
    d = report.to_dict()
    assert [(x["food_id"], x["ndb"]) for x in d["items"]] == [(i.food.id, sr28_rows.at[i.food.id, "ndb"]) for i in items]
    assert d["items"][2]["portion"] == "1 cup = 244 g" and d["items"][2]["grams"] == 244


@examples(1.5)
@given(picks=st.lists(st.tuples(st.integers(0, 10_000), st.floats(min_value=0.5, max_value=800)), min_size=1,
                      max_size=8))
def test_property_totals_are_sr28_values_times_grams(table, sr28_rows, picks):
    ids = sorted(table.foods)
    items = [item(table, ids[i % len(ids)], grams, line) for line, (i, grams) in enumerate(picks, start=1)]
    report = check_day(items, OLDER_WOMAN, table, suggest=False)
    for nutrient in ("calcium_mg", "magnesium_mg", "potassium_mg", "sodium_mg", "energy_kcal", "vitamin_d_ug",
                     "retinol_ug"):
        values = [(sr28_rows.at[it.food.id, nutrient], it.grams) for it in items]
        known = [v * g / 100 for v, g in values if not pd.isna(v)]
        if not known:
            assert report.totals[nutrient] is None
        else:
            assert report.totals[nutrient] == pytest.approx(sum(known), rel=1e-9, abs=1e-9)
        assert (nutrient in report.incomplete) == (len(known) < len(values))


def test_a_missing_sr28_value_makes_the_total_a_lower_bound_never_zero(table):
    missing = table.nutrients["vitamin_d_ug"].isna()
    lacking = str(missing[missing].index[0])
    having = "milk"
    report = check_day([item(table, lacking, 100), item(table, having, 244)], OLDER_WOMAN, table, suggest=False)
    milk_d = table.get(having).nutrients["vitamin_d_ug"] * 2.44
    assert report.totals["vitamin_d_ug"] == pytest.approx(milk_d)
    assert report.status["vitamin_d_ug"].lower_bound and "vitamin_d_ug" in report.to_dict()["incomplete"]
    assert report.to_dict()["missing_values"]["vitamin_d_ug"] == [lacking]
    only = check_day([item(table, lacking, 100)], OLDER_WOMAN, table, suggest=False)
    assert only.totals["vitamin_d_ug"] is None and only.status["vitamin_d_ug"].status == "unknown"
    assert only.to_dict()["totals"]["vitamin_d_ug"] is None


def test_status_words():
    ca = Target("calcium_mg", 1000, 2500, "mg", "IOM", "RDA")
    assert nutrient_status("calcium_mg", 900, ca).status == "below"
    assert nutrient_status("calcium_mg", 900, ca).missing == pytest.approx(100)
    assert nutrient_status("calcium_mg", 1000, ca).status == "met"
    assert nutrient_status("calcium_mg", 2600, ca).status == "above_ul"
    assert nutrient_status("calcium_mg", 500, ca).pct == pytest.approx(50)
    na = Target("sodium_mg", None, 2300, "mg", "NASEM", "CDRR", goal=False)
    assert nutrient_status("sodium_mg", 2400, na).status == "above_cdrr"
    assert nutrient_status("sodium_mg", 1500, na).status == "met"
    assert not nutrient_status("sodium_mg", 100, na).goal  # a ceiling, never a target
    k_off = Target("potassium_mg", None, None, "mg", "clinician", "clinician", goal=False)
    assert nutrient_status("potassium_mg", 100, k_off, push_potassium=False).status == "not_pushed"
    k_limit = Target("potassium_mg", None, 2000, "mg", "your setting", "your setting", goal=False)
    assert nutrient_status("potassium_mg", 2500, k_limit, push_potassium=False).status == "above_limit"


def test_energy_status_uses_the_band(table):
    targets = targets_for(OLDER_WOMAN)
    low, high = targets.energy_range
    rice = table.get("rice")
    for kcal, word in ((low * 0.9, "below"), (targets.energy_kcal, "met"), (high * 1.05, "above")):
        grams = kcal / rice.nutrients["energy_kcal"] * 100
        report = check_day([item(table, "rice", grams)], OLDER_WOMAN, table, suggest=False)
        assert report.status["energy_kcal"].status == word


def test_kidney_profile_is_never_below_on_potassium_and_gets_no_potassium_suggestion(table):
    items = [item(table, "rice", 300), item(table, "chicken", 120)]  # very little potassium
    report = check_day(items, KIDNEY, table)
    assert report.status["potassium_mg"].status == "not_pushed"
    assert "potassium_mg" not in report.gaps
    assert report.suggestions, "calcium and magnesium are still closed"
    for s in report.suggestions:
        assert "potassium" not in s.text and "potassium_mg" not in s.for_nutrients
        assert "potassium_mg" not in s.to_dict()["adds"]
    assert all(g.nutrient != "potassium_mg" for g in report.gaps_unclosed)


def test_a_clinicians_potassium_limit_holds_after_the_additions(table):
    profile = Profile(sex="male", age=62, conditions=["kidney_disease"], targets={"potassium_mg": {"max": 2000}})
    items = [item(table, "rice", 300), item(table, "chicken", 120), item(table, "banana", 236)]
    report = check_day(items, profile, table)
    after = check_day(with_suggestions(table, items, report), profile, table, suggest=False)
    assert after.totals["potassium_mg"] <= 2000


def test_suggestions_close_every_gap_when_re_checked(table):
    items = parse_text(DAY, table)
    report = check_day(items, OLDER_WOMAN, table)
    assert report.gaps and report.suggestions and not report.gaps_unclosed
    after = check_day(with_suggestions(table, items, report), OLDER_WOMAN, table, suggest=False)
    for nutrient in GOAL_NUTRIENTS:
        assert after.status[nutrient].status == "met", nutrient
    assert after.status["sodium_mg"].status != "above_cdrr"
    assert after.status["energy_kcal"].status != "above"
    first = report.suggestions[0]
    assert first.text.startswith(f"add {first.portion.split(' (')[0]}") and "mg" in first.text


def _closes_with_one_food(table, items, profile):
    """Brute force: can any single allowed food, in whole steps, close every gap within the budget and caps?"""
    report = check_day(items, profile, table, suggest=False)
    targets = report.targets
    gaps = report.gaps
    budget = energy_budget(report.energy["left_kcal"], targets)
    frame = allowed_foods(profile, targets, table)
    step_g = (frame["portion_grams"] * frame["step"]).to_numpy()
    per_g = frame[NUTRIENT_FIELDS].fillna(0).to_numpy() / 100
    col = {n: i for i, n in enumerate(NUTRIENT_FIELDS)}
    for steps in range(1, int(frame["max_steps"].max()) + 1):
        ok = (frame["min_steps"].to_numpy() <= steps) & (steps <= frame["max_steps"].to_numpy())
        grams = step_g * steps
        ok &= per_g[:, col["energy_kcal"]] * grams <= budget
        for n, gap in gaps.items():
            ok &= per_g[:, col[n]] * grams >= gap
        for n, t in targets.items.items():
            if t.max is not None and n in col:
                ok &= (report.totals[n] or 0) + per_g[:, col[n]] * grams <= t.max
        if ok.any():
            return True
    return False


def test_fewest_foods_when_one_food_would_do(table):
    items = parse_text(DAY, table)
    report = check_day(items, OLDER_WOMAN, table)
    assert len(report.suggestions) == 1 or not _closes_with_one_food(table, items, OLDER_WOMAN)


def test_each_gap_left_open_says_by_how_much(table):
    profile = Profile(sex="female", age=58, energy_kcal=1600)
    items = [item(table, "rice", 800), item(table, "olive_oil", 27), item(table, "white_bread", 116)]
    report = check_day(items, profile, table)
    budget = report.energy["budget_kcal"]
    assert 0 < budget < 200
    assert sum(s.adds["energy_kcal"] for s in report.suggestions) <= budget + 1e-6
    assert report.gaps_unclosed, "a few hundred kcal cannot close this much"
    after = check_day(with_suggestions(table, items, report), profile, table, suggest=False)
    for gap in report.gaps_unclosed:
        counted = "calcium_counted_mg" if gap.nutrient == "calcium_mg" else gap.nutrient  # oxalate greens do not count
        assert gap.after == pytest.approx(after.totals[counted])
        assert gap.missing == pytest.approx(gap.target - after.totals[counted])
        assert f"{gap.missing:,.0f}" in gap.text and "short" in gap.text


def test_a_food_that_cannot_bring_a_twentieth_of_a_gap_is_not_suggested(table):
    """With 66 kcal left the best is little, but never 'two glasses of water' for 14 mg of calcium."""
    items = [item(table, "rice", 730), item(table, "olive_oil", 40.5), item(table, "white_bread", 116)]   # 64 kcal left in the ±5 % band
    report = check_day(items, Profile(sex="female", age=58, energy_kcal=1600), table)
    assert report.suggestions and report.gaps_unclosed
    for s in report.suggestions:
        food = table.get(s.food_id)
        most = {g: 0 if pd.isna(food.nutrients[g]) else food.nutrients[g] * food.step_grams * food.max_steps / 100
                for g in report.gaps}
        assert any(most[g] >= 0.05 * gap for g, gap in report.gaps.items()), s.text


def test_no_energy_left_means_no_additions_and_says_so(table):
    profile = Profile(sex="female", age=58, energy_kcal=1200)
    report = check_day([item(table, "rice", 1200)], profile, table)
    assert report.energy["budget_kcal"] == 0 and report.suggestions == []
    assert {g.nutrient for g in report.gaps_unclosed} == set(report.gaps)
    assert all("no energy is left" in g.reason for g in report.gaps_unclosed)


@pytest.mark.parametrize("profile, forbidden_tags", [
    (Profile(sex="female", age=30, pregnancy="trimester2"), {"liver", "fish_liver_oil"}),
    (Profile(sex="female", age=30, diet="vegan"), {"dairy", "egg", "fish"}),
    (Profile(sex="male", age=40, exclude=["lactose", "tree_nuts"]), {"lactose", "tree_nuts"}),
])
def test_suggestions_respect_the_profile(table, profile, forbidden_tags):
    report = check_day([item(table, "rice", 150)], profile, table)
    assert report.suggestions
    for s in report.suggestions:
        food = table.get(s.food_id)
        assert not food.limit and not (food.tags & forbidden_tags), s.food_id


def test_excluded_and_disliked_ids_are_never_suggested(table):
    first = check_day([item(table, "rice", 150)], OLDER_WOMAN, table)
    banned = [s.food_id for s in first.suggestions]
    profile = Profile(sex="female", age=58, weight_kg=70, height_cm=162, exclude=banned[:1], dislike=banned[1:])
    second = check_day([item(table, "rice", 150)], profile, table)
    assert second.suggestions and not {s.food_id for s in second.suggestions} & set(banned)


def test_close_gap_direct_call_returns_nothing_when_goals_are_met(table):
    targets = targets_for(OLDER_WOMAN)
    totals = {n: 10_000.0 for n in NUTRIENT_FIELDS} | {"calcium_mg": 1500.0, "sodium_mg": 500.0}
    assert close_gap(totals, OLDER_WOMAN, targets, table, energy_left=500) == []


@st.composite
def days(draw, table_ids):
    ids = draw(st.lists(st.sampled_from(table_ids), min_size=1, max_size=5, unique=True))
    return [(fid, draw(st.integers(min_value=1, max_value=3))) for fid in ids]


_PROFILES = [OLDER_WOMAN, KIDNEY, Profile(sex="male", age=25, diet="vegan", activity="active"),
             Profile(sex="female", age=32, pregnancy="trimester3", exclude=["lactose"]),
             Profile(sex="female", age=75, energy_kcal=1500, target_set="efsa")]


@pytest.mark.slow
@given(data=st.data())
def test_property_suggestions_are_realistic_allowed_and_do_what_they_say(table, data):
    profile = data.draw(st.sampled_from(_PROFILES))
    day = data.draw(days(sorted(table.foods)))
    items = [item(table, fid, table.get(fid).step_grams * table.get(fid).max_steps * k / 3) for fid, k in day]
    report = check_day(items, profile, table)
    allowed = set(allowed_foods(profile, report.targets, table).index)
    for s in report.suggestions:
        food = table.get(s.food_id)
        steps = s.grams / food.step_grams
        assert s.food_id in allowed and not food.limit
        assert steps == pytest.approx(round(steps)) and food.min_steps <= round(steps) <= food.max_steps
    assert sum(s.adds["energy_kcal"] or 0 for s in report.suggestions) <= report.energy["budget_kcal"] + 1e-6
    after = check_day(with_suggestions(table, items, report), profile, table, suggest=False)
    unclosed = {g.nutrient: g for g in report.gaps_unclosed}
    for nutrient in report.gaps:
        if nutrient in unclosed:
            counted = "calcium_counted_mg" if nutrient == "calcium_mg" else nutrient  # oxalate greens do not count
            assert after.totals[counted] == pytest.approx(unclosed[nutrient].after)
            assert after.status[nutrient].status == "below"
        else:
            assert after.status[nutrient].status in ("met", "above_ul"), nutrient
            assert after.status[nutrient].status == "met", "additions never push calcium over its UL"
    if not report.targets.push_potassium:
        assert "potassium_mg" not in report.gaps and all("potassium" not in s.text for s in report.suggestions)
    if "calcium_mg" in report.gaps and "calcium_mg" not in unclosed:  # closed by calcium the body takes up
        absorbable = sum(s.adds["calcium_mg"] or 0 for s in report.suggestions
                         if not poorly_absorbed_calcium(pd.Series([s.name])).iloc[0])
        assert report.totals["calcium_mg"] + absorbable >= report.targets.minimum("calcium_mg") - 1e-6
    for nutrient, target in report.targets.items.items():  # ceilings not crossed by the additions
        before = report.totals.get(nutrient)
        if target.max is not None and before is not None and before <= target.max and nutrient in after.totals:
            assert after.totals[nutrient] <= target.max + 1e-6, nutrient


def test_limit_notes_carry_the_facts_and_their_sources(table):
    coffee = table.get("coffee")
    cup = next(p for p in coffee.portions if p.measure == "fl oz").grams_per_unit * 6
    items = [item(table, "coffee", 2 * cup), item(table, "salami", 98), item(table, "wine", 147),
             item(table, "white_bread", 58), item(table, "sugar", 8.4)]
    report = check_day(items, OLDER_WOMAN, table, suggest=False)
    notes = {n.key: n for n in report.limit_notes}
    assert {"coffee", "salt", "alcohol", "white_flour", "sugar"} <= set(notes)
    assert notes["coffee"].numbers["calcium_loss_mg"] == pytest.approx(2 * 4.6, rel=1e-3)
    assert notes["coffee"].numbers["calcium_offset_mg"] == pytest.approx(2 * 40, rel=1e-3)
    assert "Barger-Lux" in notes["coffee"].source
    sodium = report.totals["sodium_mg"]
    assert notes["salt"].numbers["calcium_loss_mg"] == pytest.approx(sodium / 2300 * 40)
    assert "Nordin" in notes["salt"].source and "salami" in notes["salt"].foods
    assert all(n.articles and n.text for n in report.limit_notes)
    clean = check_day([item(table, "banana", 118), item(table, "milk", 244), item(table, "green_tea", 245)],
                      OLDER_WOMAN, table, suggest=False)
    assert clean.limit_notes == [], "green tea is a drink the articles recommend, not one to limit"


def test_contributors_are_the_top_foods_per_mineral(table):
    items = parse_text(DAY, table)
    report = check_day(items, OLDER_WOMAN, table, suggest=False)
    calcium = report.contributors["calcium_mg"]
    amounts = {i.food.id: i.food.nutrients["calcium_mg"] * i.grams / 100 for i in items}
    best = sorted(amounts, key=amounts.get, reverse=True)[:3]
    assert [c["food_id"] for c in calcium] == best
    assert calcium[0]["share_pct"] == pytest.approx(amounts[best[0]] / report.totals["calcium_mg"] * 100, abs=0.1)


def test_report_json_contract(table):
    report = check_day(parse_text(DAY, table), OLDER_WOMAN, table)
    d = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert {"items", "totals", "targets", "status", "contributors", "incomplete", "limit_notes", "suggestions",
            "gaps_unclosed"} <= set(d)
    assert {"calcium_mg", "magnesium_mg", "potassium_mg", "sodium_mg", "energy_kcal", "vitamin_d_ug",
            "vitamin_b6_mg"} <= set(d["totals"])
    assert {"status", "pct", "min", "max", "total"} <= set(d["status"]["calcium_mg"])
    assert {"food_id", "ndb", "grams", "portion", "text", "adds"} <= set(d["suggestions"][0])


def test_check_with_suggestions_is_fast(table):
    items = parse_text(DAY, table)
    check_day(items, OLDER_WOMAN, table)
    start = time.process_time()  # CPU time: the machine's other work does not count against the check
    for profile in (OLDER_WOMAN, KIDNEY):
        check_day(items, profile, table)
    assert (time.process_time() - start) / 2 < 1.0


def test_more_than_one_food_only_when_no_single_food_closes_the_gaps(table):
    for items in ([item(table, "rice", 200), item(table, "chicken", 100)], parse_text(DAY, table)):
        report = check_day(items, OLDER_WOMAN, table)
        assert report.suggestions and not report.gaps_unclosed
        if len(report.suggestions) > 1:
            assert not _closes_with_one_food(table, items, OLDER_WOMAN)


_GAIN_RE = re.compile(r"\+([\d,]+) (mg|µg) ([a-z ]+?)(?:,|;|$)")


@pytest.mark.slow
@examples(0.6)
@given(profile=st.sampled_from(_PROFILES), grams=st.sampled_from([100, 250, 400]))
def test_property_the_numbers_in_a_suggestion_are_sr28_values_for_its_grams(table, sr28_rows, profile, grams):
    """'add ½ cup tofu (126 g): +861 mg calcium; 181 kcal': every number is SR28 per 100 g x grams / 100."""
    report = check_day([item(table, "rice", grams), item(table, "chicken", 85)], profile, table)
    assert report.suggestions
    for s in report.suggestions:
        assert f"({s.grams:.0f} g)" in s.text and s.text.startswith("add ")
        gains = _GAIN_RE.findall(s.text.split(": ", 1)[1])
        assert gains, s.text
        for amount, _unit, word in gains:
            nutrient = f"{word.replace(' ', '_')}_mg"
            expected = sr28_rows.at[s.food_id, nutrient] * s.grams / 100
            assert float(amount.replace(",", "")) == pytest.approx(expected, abs=0.5), (s.text, nutrient)
            assert s.adds[nutrient] == pytest.approx(expected)
        kcal = float(re.search(r"; ([\d,]+) kcal", s.text).group(1).replace(",", ""))
        assert kcal == pytest.approx(sr28_rows.at[s.food_id, "energy_kcal"] * s.grams / 100, abs=0.5)
        assert s.portion.endswith(f"({s.grams:.0f} g)")


def test_spinach_calcium_is_shown_but_never_counted_to_close_a_calcium_gap(table):
    flags = poorly_absorbed_calcium(pd.Series([table.get(f).name for f in ("spinach", "spinach_cooked", "milk",
                                                                            "kale", "broccoli")]))
    assert flags.tolist() == [True, True, False, False, False]
    report = check_day([item(table, "rice", 150)], Profile(sex="female", age=58, like=["spinach_cooked"]), table)
    for s in report.suggestions:
        if s.food_id.startswith("spinach"):
            assert "calcium_mg" not in s.for_nutrients and "barely absorbed" in s.text
            assert s.adds["calcium_mg"] > 0  # the SR28 value is still reported


def test_a_kidney_profile_gets_low_potassium_additions(table):
    """Potassium is never a goal for kidney disease, and the additions chosen carry little of it: not the
    1 cup of cooked spinach (839 mg potassium) that closes magnesium and calcium in one food."""
    items = parse_text(DAY, table)
    report = check_day(items, KIDNEY, table)
    assert report.suggestions and not report.gaps_unclosed
    added = sum(table.get(s.food_id).nutrients["potassium_mg"] * s.grams / 100 for s in report.suggestions)
    assert added < 400
    assert all(s.food_id != "spinach_cooked" for s in report.suggestions)


def test_liver_in_pregnancy_gets_a_note_only_in_pregnancy(table):
    items = [item(table, "beef_liver", 85), item(table, "cod_liver_oil", 4.5)]
    pregnant = check_day(items, Profile(sex="female", age=30, pregnancy="trimester2"), table, suggest=False)
    note = next(n for n in pregnant.limit_notes if n.key == "pregnancy_liver")
    assert set(note.foods) == {"beef_liver", "cod_liver_oil"} and "3,000" in note.text and "IOM 2001" in note.source
    assert pregnant.status["retinol_ug"].status == "above_ul"
    other = check_day(items, OLDER_WOMAN, table, suggest=False)
    assert all(n.key != "pregnancy_liver" for n in other.limit_notes)


def test_ceilings_crossed_are_named_with_the_foods_behind_them(table):
    items = [item(table, "parmesan", 60), item(table, "milk", 1220), item(table, "salami", 150)]
    report = check_day(items, OLDER_WOMAN, table, suggest=False)
    above = {a["nutrient"]: a for a in report.above_limits}
    assert set(above) == {"calcium_mg", "sodium_mg"}
    calcium = above["calcium_mg"]
    assert calcium["over"] == pytest.approx(report.totals["calcium_mg"] - 2000, abs=0.1)
    assert calcium["top"][0]["food_id"] in ("parmesan", "milk") and "upper limit of 2,000 mg" in calcium["text"]
    assert "ceiling (CDRR) of 2,300 mg" in above["sodium_mg"]["text"] and above["sodium_mg"]["top"][0]["food_id"] \
        == "salami"
    assert all("magnesium" not in a["nutrient"] for a in report.above_limits)  # the Mg UL never applies to food
    assert check_day([item(table, "banana", 118)], OLDER_WOMAN, table, suggest=False).above_limits == []


@pytest.mark.parametrize("count, label, words", [(12, "tbsp kelp (sea cabbage)", "¾ cup kelp (sea cabbage)"),
                                                 (2, "tbsp sesame seeds", "2 tbsp sesame seeds"),
                                                 (6, "tbsp kelp", "6 tbsp kelp"),
                                                 (1.5, "cup cooked lentils", "1½ cups cooked lentils"),
                                                 (2, "medium baked potato", "2 medium baked potatoes"),
                                                 (2, "glass water (8 fl oz)", "2 glasses water (8 fl oz)")])
def test_portion_words(count, label, words):
    assert portion_words(count, label) == words


def test_the_python_api_takes_text_rows_lines_or_items(table):
    by_text = check_intake(DAY, OLDER_WOMAN.to_dict(), suggest=False)
    assert by_text.totals == check_day(parse_text(DAY, table), OLDER_WOMAN, table, suggest=False).totals
    rows = check_intake([{"food": "banana", "amount": 2}, {"food_id": "milk", "grams": 244}, "30 g almonds"],
                        suggest=False)
    assert [(i.food.id, round(i.grams)) for i in rows.items] == [("banana", 236), ("milk", 244), ("almonds", 30)]
    lines = check_intake(["2 bananas", "1 cup milk"], table=table, suggest=False)
    assert [i.food.id for i in lines.items] == ["banana", "milk"]
    assert check_intake(lines.items, suggest=False).totals == lines.totals
    with pytest.raises(IntakeError, match="nothing to check"):
        check_intake([])


def test_limit_note_numbers_are_the_facts_they_state_and_the_references():
    """The numbers the check multiplies are the ones its sentence states, and (where ../shared/reference is
    beside the checkout) the ones the reference notes give: nothing invented."""
    rules = limit_note_rules()
    coffee, salt = rules["coffee"], rules["salt"]
    assert f"{coffee['calcium_loss_mg_per_cup']:g} mg" in coffee["fact"]
    assert f"{coffee['calcium_offset_mg_per_cup']:g} mg" in coffee["fact"]
    assert f"{coffee['cup_fl_oz']:g} fl oz" in coffee["fact"]
    assert f"{salt['sodium_mg_per_step'] / 1000:g} g of sodium" in salt["fact"]
    assert f"{salt['calcium_loss_mg_per_step']:g} mg of calcium" in salt["fact"]
    for rule in rules.values():
        assert rule["source"] and rule["fact"] and rule["advice"]
        assert all(re.fullmatch(r"00[0-4]", a) for a in rule.get("articles", []))
    reference = Path(__file__).resolve().parents[2] / "shared" / "reference" / "README.md"
    if reference.is_file():
        text = reference.read_text(encoding="utf-8")
        assert "about 4.6 mg/day more negative; about 40 mg of extra calcium offsets it" in text
        assert "each 2.3 g of sodium carries out about 40 mg of calcium" in text


def test_a_node_limited_solve_is_a_good_answer_at_its_work_limit_not_a_failure():
    """HiGHS stopped by `max_nodes` (a work limit, the same on a busy machine) is reported as feasible with
    its values read, not as a crash that falls back to CBC (PuLP 3 has no word for that HiGHS status)."""
    import pulp

    from planner.plan import SolveState
    from planner.solver import solve

    weights = [23, 31, 29, 44, 53, 38, 63, 85, 89, 82, 17, 41, 37, 59, 71]
    problem = pulp.LpProblem("knapsack", pulp.LpMaximize)
    take = [problem.add_variable(f"x{i}", 0, 1, cat="Binary") for i in range(len(weights))]
    problem += pulp.lpSum((w + i % 3) * x for i, (w, x) in enumerate(zip(weights, take, strict=True)))
    problem += pulp.lpSum(w * x for w, x in zip(weights, take, strict=True)) <= 165
    status = solve(problem, time_limit=60, gap=0.0, max_nodes=1)
    assert status.solver == "HiGHS" and status.status == SolveState.FEASIBLE, status   # 17 nodes prove the best
    assert sum(w * (x.value() or 0) for w, x in zip(weights, take, strict=True)) <= 165 + 1e-6


def test_the_gap_milp_stops_at_a_work_limit_and_its_clock_is_only_a_fuse(table, monkeypatch):
    """The day check's suggestions must not depend on how busy the machine is: each pass of the gap MILP gets
    the node limit, and a wall-clock cap far above what those nodes take (a cap of 0.5 s a pass once left
    a loaded machine with no suggestion at all)."""
    import planner.solver as solver
    from planner.check import GAP_MAX_NODES

    calls, real = [], solver.solve

    def recording(problem, **options):
        calls.append(options)
        return real(problem, **options)

    monkeypatch.setattr(solver, "solve", recording)
    items = [item(table, "rice", 730), item(table, "olive_oil", 40.5), item(table, "white_bread", 116)]
    report = check_day(items, Profile(sex="female", age=58, energy_kcal=1600), table)
    assert report.suggestions and len(calls) == 2
    assert all(c["max_nodes"] == GAP_MAX_NODES and c["time_limit"] >= 5 for c in calls), calls
