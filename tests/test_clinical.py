"""Clinical rules of issue 11: ages, tracked nutrients as targets, kidney disease, food upper limits,
pregnancy safety, absorbable calcium and the notes a dietitian would add."""

from __future__ import annotations

import re

import pytest

from planner.cli import main
from planner.errors import PlannerError
from planner.profile import Profile, profile_from_dict


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("age", [3, 13])
def test_under_14_is_refused_with_one_clear_line(age, capsys, tmp_path):
    with pytest.raises(PlannerError, match="this planner is for people aged 14 and over"):
        Profile(age=age)
    (tmp_path / "child.toml").write_text(f'sex = "male"\nage = {age}\n')
    code, out, err = run(capsys, "plan", "--profile", tmp_path / "child.toml", "--days", "1")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "this planner is for people aged 14 and over" in err
    code, out, err = run(capsys, "plan", "--age", age, "--days", "1")
    assert code == 2 and "aged 14 and over" in err


@pytest.mark.parametrize("age, stage", [(14, "14-18y"), (18, "14-18y"), (19, "19-30y"), (75, "71+y")])
def test_adolescents_and_adults_get_their_dri_rows(age, stage):
    from planner.targets import life_stage, targets_for

    p = profile_from_dict({"sex": "female", "age": age})
    assert life_stage(p) == stage
    t = targets_for(p)
    assert t["calcium_mg"].min == (1300 if age <= 18 else 1000 if age < 71 else 1200)


def test_phosphorus_selenium_iron_folate_and_b12_are_tracked_from_sr28():
    from foods import load_table
    from foods.nutrients import resolve_nutrient
    from foods.table import NUTRIENT_FIELDS

    table = load_table()
    for field in ("phosphorus_mg", "selenium_ug", "iron_mg", "folate_dfe_ug", "vitamin_b12_ug"):
        assert field in NUTRIENT_FIELDS
    assert resolve_nutrient("phosphorus") == "phosphorus_mg" and resolve_nutrient("B12") == "vitamin_b12_ug"
    nuts = table.get("brazil_nuts").nutrients
    assert nuts["selenium_ug"] == pytest.approx(1917, abs=1)  # SR28 12078
    assert table.get("banana").nutrients["vitamin_b12_ug"] == 0.0


@pytest.mark.parametrize("nutrient, bounds", [("protein_g", {"min": 50, "max": 70}), ("phosphorus_mg", {"max": 900}),
                                              ("selenium_ug", {"max": 300}), ("fiber_g", {"min": 25})])
def test_every_tracked_nutrient_can_be_a_target(nutrient, bounds):
    from planner.targets import targets_for

    t = targets_for(Profile(targets={nutrient: bounds}))
    assert t[nutrient].min == bounds.get("min") and t[nutrient].max == bounds.get("max")
    assert t[nutrient].source == "your setting"
    with pytest.raises(PlannerError, match="allowed"):
        Profile(targets={"water_g": {"max": 100}})


def test_a_capped_nutrient_is_never_short_and_gets_no_supplement_advice():
    from planner.check import check_intake
    from planner.targets import targets_for

    capped = {"sex": "female", "age": 58, "targets": {"calcium_mg": {"max": 1000}}}
    t = targets_for(profile_from_dict(capped))
    assert t["calcium_mg"].min is None and t["calcium_mg"].max == 1000 and not t["calcium_mg"].goal
    assert "calcium_mg" in t.capped and not t.may_suggest_supplement("calcium_mg")
    assert t.may_suggest_supplement("magnesium_mg")
    assert any("not pursued and no supplement" in n for n in t.notes)
    report = check_intake("1 banana", capped)
    assert report.status["calcium_mg"].status != "below" and "calcium_mg" not in report.gaps
    assert all("calcium_mg" not in s.for_nutrients for s in report.suggestions)
    assert all(g.nutrient != "calcium_mg" for g in report.gaps_unclosed)


def test_new_nutrients_are_shown_in_the_day_check():
    from planner.check import check_intake

    report = check_intake("30 g brazil nuts\n1 cup milk", {"sex": "male", "age": 40})
    for nutrient in ("phosphorus_mg", "selenium_ug", "iron_mg", "folate_dfe_ug", "vitamin_b12_ug"):
        assert nutrient in report.status and report.totals[nutrient] is not None
    assert report.status["selenium_ug"].max == 400
    assert report.status["iron_mg"].status == "below" and not report.status["iron_mg"].goal


KIDNEY_4 = {"sex": "male", "age": 62, "weight_kg": 70, "height_cm": 172, "kidney_stage": 4}


def test_kidney_stage_4_targets_follow_kdoqi_and_kdigo():
    from planner.targets import targets_for

    t = targets_for(profile_from_dict(KIDNEY_4))
    assert (t["protein_g"].min, t["protein_g"].max) == (pytest.approx(0.55 * 70), pytest.approx(0.8 * 70))
    assert t["protein_g"].goal and "KDOQI 2020" in t["protein_g"].source
    assert t.macros["protein_g"] == (pytest.approx(38.5), pytest.approx(56.0))
    assert (t["calcium_mg"].min, t["calcium_mg"].max) == (800, 1000)
    assert t["phosphorus_mg"].max == 1000 and t["sodium_mg"].max == 2000
    assert 25 * 70 <= t.energy_kcal <= 35 * 70
    assert not t.push_potassium and t["potassium_mg"].min is None
    assert "fish_liver_oil" in t.excluded_tags
    assert any("renal dietitian should set and check" in n for n in t.notes)
    assert not t.may_suggest_supplement("calcium_mg")


def test_dialysis_raises_protein_and_a_bare_kidney_condition_asks_for_the_stage():
    from planner.targets import targets_for

    t = targets_for(profile_from_dict({**KIDNEY_4, "kidney_stage": "5", "dialysis": True}))
    assert (t["protein_g"].min, t["protein_g"].max) == (pytest.approx(70), pytest.approx(84))
    # the plan's general '1.5-2 L of water a day' is wrong on dialysis: the renal team's allowance replaces it
    assert any("renal team sets how much you may drink" in n for n in t.notes)
    assert not any("may drink" in n for n in targets_for(profile_from_dict(KIDNEY_4)).notes)
    bare = targets_for(profile_from_dict({"sex": "male", "age": 62, "conditions": ["kidney_disease"]}))
    assert "protein_g" not in bare.items and any("give kidney_stage" in n for n in bare.notes)
    with pytest.raises(PlannerError, match="kidney_stage.*3a, 3b, 4, 5"):
        profile_from_dict({"kidney_stage": "2"})
    with pytest.raises(PlannerError, match="dialysis"):
        profile_from_dict({"dialysis": "yes"})


@pytest.mark.slow
def test_a_kidney_stage_4_plan_keeps_protein_phosphorus_calcium_and_sodium_in_range_or_says_so():
    from foods import load_table
    from planner.optimise import make_plan
    from planner.plan import day_totals

    table = load_table()
    profile = profile_from_dict(KIDNEY_4)
    plan = make_plan(profile, table, 2, time_limit=600)   # a fuse: the solves stop at work limits
    missed = {(s.day, s.nutrient) for s in plan.shortfalls}
    for day in plan.days:
        t = day_totals(table, day).values
        assert t["protein_g"] <= 56.0 + 0.5 and t["phosphorus_mg"] <= 1000 + 1
        assert t["calcium_mg"] <= 1000 + 1 and t["sodium_mg"] <= 2000 + 1
        assert t["protein_g"] >= 38.5 - 0.5 or (day.index, "protein_g") in missed
        assert t["calcium_mg"] >= 800 - 1 or (day.index, "calcium_mg") in missed
        assert not any("cod_liver" in i.food_id for i in day.items())
    assert any("renal dietitian" in n for n in plan.notes)


def test_selenium_upper_limit_and_brazil_nut_portions():
    from foods import load_table
    from planner.targets import targets_for

    t = targets_for(Profile())
    assert t["selenium_ug"].max == 400 and not t["selenium_ug"].goal
    nuts = load_table().get("brazil_nuts")
    low, high = nuts.grams_range
    assert (low, high) == (5, 10)  # 1-2 nuts a meal: about 96-192 µg selenium
    assert high * nuts.nutrients["selenium_ug"] / 100 < 400


def test_a_week_of_plans_never_passes_400_ug_selenium():
    from foods import load_table
    from planner.optimise import make_plan
    from planner.plan import day_totals

    table = load_table()
    plan = make_plan(Profile(sex="male", age=40, like=["brazil_nuts"]), table, 3, time_limit=600)
    for day in plan.days:
        assert day_totals(table, day).values["selenium_ug"] <= 400 + 1e-6


def test_pregnancy_rules_out_raw_animal_food_and_high_mercury_fish_and_speaks_of_caffeine():
    from planner.profile import excluded_tags
    from planner.rules import rules
    from planner.targets import targets_for

    p = Profile(sex="female", age=30, pregnancy="trimester2")
    assert {"liver", "fish_liver_oil", "raw_animal", "high_mercury", "not_as_eaten"} <= excluded_tags(p)
    assert {"raw_animal", "high_mercury"}.isdisjoint(excluded_tags(Profile()))
    assert "swordfish" in rules()["pregnancy"]["high_mercury_fish"]
    notes = " ".join(targets_for(p).notes)
    assert "200 mg caffeine" in notes and "8-12 oz" in notes and "high-mercury" in notes
    vegan = " ".join(targets_for(Profile(sex="female", age=30, pregnancy="trimester2", diet="vegan")).notes)
    assert "200 mg caffeine" in vegan and "fish" not in vegan and "8-12 oz" not in vegan   # no fish advice to a vegan
    vegetarian = " ".join(targets_for(Profile(sex="female", age=30, pregnancy="trimester2", diet="vegetarian")).notes)
    assert "raw or undercooked eggs" in vegetarian and "8-12 oz" not in vegetarian


def test_pregnancy_day_check_names_the_raw_egg_yolk_and_kelp_gets_an_iodine_note():
    from planner.check import check_intake

    report = check_intake("1 egg yolk\n1 tbsp kelp", {"sex": "female", "age": 30, "pregnancy": "trimester1"},
                          suggest=False)
    keys = {n.key for n in report.limit_notes}
    assert {"pregnancy_raw_or_mercury", "kelp_iodine"} <= keys
    assert "pregnancy_raw_or_mercury" not in {n.key for n in check_intake("1 egg yolk", None, suggest=False).limit_notes}


@pytest.fixture(scope="module")
def full_catalogue(sr28_dir, tmp_path_factory):
    from foods.catalog import import_sr28
    from foods.table import read_table

    folder = tmp_path_factory.mktemp("full")
    import_sr28(sr28_dir, folder)
    return read_table(folder)


@pytest.mark.parametrize("name, tags", [
    ("Chicken, broiler or fryers, breast, skinless, boneless, meat only, raw", {"raw_animal", "not_as_eaten"}),
    ("Fish, swordfish, cooked, dry heat", {"high_mercury"}),
    ("Fish, mackerel, king, cooked, dry heat", {"high_mercury"}),
    ("Rice, white, long-grain, regular, raw, enriched", {"not_as_eaten"}),
    ("Infant formula, MEAD JOHNSON,NEXT STEP PROSOBEE, prepared from powder", {"not_as_eaten"}),
    ("Babyfood, dinner, beef with vegetables", {"not_as_eaten"}),
    ("Milk, buttermilk, dried", {"not_as_eaten"}),
    ("Beans, black turtle, mature seeds, raw", {"not_as_eaten"}),
])
def test_the_as_eaten_rules_tag_sr28_foods_from_group_and_description(full_catalogue, name, tags):
    rows = full_catalogue.frame[full_catalogue.frame["name"] == name]
    assert len(rows) == 1, name
    assert tags <= set(rows["tags"].iloc[0].split(";"))


@pytest.mark.parametrize("name", ["Fish, salmon, sockeye, cooked, dry heat", "Apricots, dried, sulfured, uncooked",
                                  "Bananas, raw", "Nuts, almonds, dry roasted, without salt added"])
def test_as_eaten_foods_stay(full_catalogue, name):
    rows = full_catalogue.frame[full_catalogue.frame["name"] == name]
    assert len(rows) == 1 and "not_as_eaten" not in rows["tags"].iloc[0]


def test_a_pregnancy_plan_on_the_full_catalogue_holds_no_raw_animal_infant_or_high_mercury_food(full_catalogue):
    from planner.optimise import make_plan

    profile = Profile(sex="female", age=30, pregnancy="trimester2")
    plan = make_plan(profile, full_catalogue, 1, time_limit=120.0)   # a fuse, room for a loaded machine
    assert plan.days and plan.days[0].items()
    for item in plan.days[0].items():
        food = full_catalogue.get(item.food_id)
        assert not {"raw_animal", "high_mercury", "not_as_eaten", "liver", "fish_liver_oil"} & food.tags, food.name
        assert not food.name.lower().startswith(("babyfood", "infant formula")), food.name


def test_every_food_has_a_calcium_class_and_oxalate_greens_count_no_calcium():
    from foods import load_table
    from foods.calcium import COUNTED_FIELD

    frame = load_table().frame
    assert frame["calcium_class"].notna().all() and (frame["calcium_class"] != "").all()
    oxalate = set(frame.index[frame["calcium_class"] == "oxalate"])
    assert {"spinach", "spinach_cooked", "swiss_chard"} <= oxalate
    assert (frame.loc[list(oxalate), COUNTED_FIELD] == 0).all()
    others = frame.drop(index=list(oxalate))
    assert others[COUNTED_FIELD].equals(others["calcium_mg"].rename(COUNTED_FIELD))
    assert frame.at["milk", "calcium_class"] == "dairy" and frame.at["broccoli", "calcium_class"] == "low_oxalate_greens"


def test_the_day_check_shows_calcium_and_of_which_well_absorbed(capsys, tmp_path):
    import json

    from planner.check import check_intake

    report = check_intake("1 cup cooked spinach\n1 cup milk", {"sex": "female", "age": 40}, suggest=False)
    ca = report.status["calcium_mg"]
    assert ca.total == pytest.approx(report.totals["calcium_mg"])
    assert ca.counted == pytest.approx(report.totals["calcium_counted_mg"]) and ca.counted < ca.total
    assert ca.missing == pytest.approx(1000 - ca.counted)
    (tmp_path / "day.txt").write_text("1 cup cooked spinach\n1 cup milk\n")
    code, out, _ = run(capsys, "check", tmp_path / "day.txt", "--no-suggest")
    assert code == 0 and "of which well absorbed" in out
    code, out, _ = run(capsys, "foods", "top", "calcium", "--format", "json")
    rows = json.loads(out)
    assert all("calcium_counted_mg" in r for r in rows)


def test_spinach_never_closes_a_calcium_gap():
    from planner.check import check_intake

    report = check_intake("1 slice white bread", {"sex": "female", "age": 58, "like": ["spinach_cooked"]})
    for s in report.suggestions:
        if s.food_id.startswith("spinach"):
            assert "calcium_mg" not in s.for_nutrients


@pytest.mark.parametrize("fields, fragment", [
    ({"diet": "vegan"}, "vitamin B12 comes only from fortified foods"),
    ({"age": 75}, "vitamin D RDA is 20 µg"),
    ({"age": 51}, "absorb the vitamin B12 bound in food poorly"),
    ({"sex": "female", "age": 30, "pregnancy": "trimester2"}, "prenatal supplement with 400 µg folic acid"),
    ({"conditions": ["thiazide_diuretic"]}, "lower the calcium lost in urine"),
    ({"conditions": ["ace_inhibitor"]}, "never use potassium-chloride salt substitutes"),
    ({"conditions": ["arb"]}, "never use potassium-chloride salt substitutes"),
    ({"activity": "very_active"}, "counted unsalted"),
    ({"conditions": ["thiazide_diuretic"]}, "floor of 1,500 mg"),
])
def test_notes_a_dietitian_would_add(fields, fragment):
    from planner.targets import targets_for

    assert any(fragment in n for n in targets_for(profile_from_dict(fields)).notes)
    assert not any(fragment in n for n in targets_for(Profile(age=40)).notes)


def test_thiazide_users_get_a_sodium_floor_that_is_reported_not_planned():
    from planner.targets import targets_for

    t = targets_for(Profile(conditions=["thiazide_diuretic"]))
    assert t["sodium_mg"].min == 1500 and t["sodium_mg"].max == 2300 and not t["sodium_mg"].goal


def test_a_thiazide_users_day_below_the_sodium_floor_says_so_each_day():
    """A week of unsalted foods for a 75-year-old on a thiazide ran at 480-1,460 mg sodium a day and only a
    general note said so: each day below the 1,500 mg floor now lists it as reported, not planned for."""
    from planner.targets import reported_not_planned, targets_for

    thiazide = targets_for(Profile(age=75, conditions=["thiazide_diuretic"])).to_dict()["nutrients"]
    usual = targets_for(Profile(age=75)).to_dict()["nutrients"]
    day = {"sodium_mg": 721.0, "vitamin_b6_mg": 1.49, "vitamin_d_ug": 30.0}
    assert "Sodium 721.0 of 1,500.0 mg" in reported_not_planned(day, thiazide)
    assert not any(line.startswith("Sodium") for line in reported_not_planned(day, usual))
    assert not any(line.startswith("Sodium") for line in reported_not_planned(day | {"sodium_mg": 1600.0}, thiazide))
    assert "Vitamin B6 1.49 of 1.50 mg" in reported_not_planned(day, usual)   # never '1.5 of 1.5'


def test_potassium_not_pushed_says_each_day_it_ends_above_the_mark_it_is_held_near():
    """A kidney stage-4 week ran at 3,400-5,700 mg potassium while the note said plans hold it near or below
    3,400 mg: each such day now says so; a clinician's limit (a hard maximum) is the plan's own rule instead."""
    from planner.targets import reported_not_planned, targets_for

    kidney = targets_for(profile_from_dict(KIDNEY_4)).to_dict()["nutrients"]
    held = kidney["potassium_mg"]["soft_max"]
    lines = reported_not_planned({"potassium_mg": 5724.0}, kidney)
    assert f"Potassium 5,724 mg, above the {held:,.0f} mg it is held near" in " ".join(lines)
    assert not any("Potassium" in x for x in reported_not_planned({"potassium_mg": held - 1}, kidney))
    capped = targets_for(profile_from_dict({**KIDNEY_4, "targets": {"potassium_mg": {"max": 2500}}}))
    assert not any("Potassium" in x for x in reported_not_planned({"potassium_mg": 2400.0}, capped.to_dict()["nutrients"]))
    usual = targets_for(Profile()).to_dict()["nutrients"]
    assert not any("Potassium" in x for x in reported_not_planned({"potassium_mg": 6000.0}, usual))


def test_the_kcl_warning_is_printed_in_the_plan_text_and_vitamin_shortfalls_are_reported_not_planned(capsys):
    code, out, err = run(capsys, "plan", "--diet", "vegan", "--condition", "ace_inhibitor", "--days", "1")
    assert code == 0, err
    assert "never use potassium-chloride salt substitutes" in out
    assert "reported, not planned for:" in out and "Vitamin B12 0.0 of 2.4 µg" in out


@pytest.mark.parametrize("food_id, ndb", [("soy_milk", "16139"), ("almond_milk", "14091"),
                                          ("fortified_cereal", "08013"), ("edamame", "11212"), ("tahini", "12166"),
                                          ("tofu", "16426"), ("canned_salmon", "15181")])
def test_foods_for_vegans_dairy_free_and_calcium_are_in_the_table(food_id, ndb):
    from foods import load_table

    food = load_table().get(food_id)
    assert food.ndb == ndb and food.nutrients["calcium_mg"] > 50


def test_fortified_plant_milk_and_cereal_bring_b12_for_vegans():
    from foods import load_table

    table = load_table()
    assert table.get("soy_milk").nutrients["vitamin_b12_ug"] > 0 and "vegan" in table.get("soy_milk").tags
    assert table.get("fortified_cereal").nutrients["vitamin_b12_ug"] > 0


def test_sesame_is_an_allergen():
    from foods import load_table
    from planner.check import allowed_foods
    from planner.targets import targets_for

    table = load_table()
    assert {"sesame_seeds", "tahini", "sesame_oil"} <= {f.id for f in table if "sesame" in f.tags}
    p = Profile(exclude=["sesame"])
    allowed = set(allowed_foods(p, targets_for(p), table).index)
    assert not {"sesame_seeds", "tahini", "sesame_oil"} & allowed and "almonds" in allowed


@pytest.mark.parametrize("field", ["exclude", "dislike"])
def test_leaving_out_fish_says_shellfish_were_kept(field):
    from planner.targets import targets_for

    notes = targets_for(profile_from_dict({field: ["fish"]})).notes
    assert any("keeps shellfish" in n for n in notes)
    assert not any("keeps shellfish" in n for n in targets_for(profile_from_dict({field: ["fish", "shellfish"]})).notes)


def test_calcium_set_tofu_is_planned_in_pregnancy_though_sr28_has_no_retinol_for_it():
    import math

    from foods import load_table
    from planner.optimise.candidates import select_foods
    from planner.targets import targets_for

    table = load_table()
    assert math.isnan(table.get("tofu").nutrients["retinol_ug"])  # SR28's value stays missing
    p = Profile(sex="female", age=30, pregnancy="trimester2", diet="vegan")
    chosen = set(select_foods(p, table, targets_for(p)).foods.ids)
    assert "tofu" in chosen


def test_typed_plant_milks_find_the_fortified_plant_milks():
    from foods import load_table
    from foods.intake import parse_text

    table = load_table()
    assert [i.food.id for i in parse_text("1 cup soy milk\n1 cup almond milk", table)] == ["soy_milk", "almond_milk"]


def test_the_plan_command_takes_the_kidney_stage_and_dialysis_as_flags(capsys):
    import json

    code, out, err = run(capsys, "plan", "--kidney-stage", "4", "--dialysis", "--weight-kg", "70", "--days", "1",
                         "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["profile"]["kidney_stage"] == "4" and data["profile"]["dialysis"] is True
    assert data["targets"]["nutrients"]["protein_g"]["min"] == pytest.approx(70.0)
    code, out, err = run(capsys, "plan", "--kidney-stage", "2", "--days", "1")
    assert code == 2 and out == "" and "3a, 3b, 4, 5" in err


def test_plan_json_lists_vitamin_shortfalls_as_reported_not_planned(capsys):
    import json

    code, out, err = run(capsys, "plan", "--diet", "vegan", "--days", "1", "--format", "json")
    assert code == 0, err
    day = json.loads(out)["days"][0]
    assert any(line.startswith("Vitamin B12 0.0 of 2.4") for line in day["reported_not_planned"])


@pytest.mark.parametrize("argv", [
    ["check", "-", "--no-suggest"], ["plan", "--days", "1", "--dislike", "oat milk"],
    ["plan", "--days", "1", "--exclude", "oat_milk"],
], ids=["check", "dislike", "exclude"])
def test_oat_milk_is_said_to_be_missing_from_sr28_with_the_fortified_plant_milks(argv, capsys, monkeypatch):
    """SR28 (2015) has no oat milk: one plain line naming the closest foods it has, not dairy milk guesses."""
    import io

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"1 glass of oat milk\n1 banana\n")))
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert "is not in USDA SR28" in err and "fortified soy milk (soy_milk)" in err and "almond_milk" in err
    assert "whole_milk" not in err and "unknown food" not in err


def test_foods_search_for_oat_milk_says_so_and_lists_the_fortified_plant_milks(capsys):
    import json

    code, out, err = run(capsys, "foods", "search", "oat milk")
    assert code == 0 and out.splitlines()[0].startswith("'oat milk' is not in USDA SR28")
    assert "soy_milk" in out and "almond_milk" in out and "whole_milk" not in out
    code, out, err = run(capsys, "foods", "search", "oat milk", "--format", "json")
    assert [f["food_id"] for f in json.loads(out)] == ["soy_milk", "almond_milk"]
    code, out, err = run(capsys, "foods", "search", "oatmeal")
    assert "not in USDA SR28" not in out and "oatmeal" in out   # oats themselves are in SR28


def test_a_dialysis_plan_reads_its_ceilings_and_fluids_as_a_renal_dietitian_would(table):
    """On dialysis calcium has a ceiling and no goal, sodium a ceiling: the day's totals say 'max', never
    '272/1,000' as if it were a target; the fluids line is the renal team's allowance, not 1.5-2 L of water."""
    from planner.optimise import make_plan
    from planner.plan import plan_text

    profile = Profile(sex="female", age=58, weight_kg=68, kidney_stage="5", dialysis=True)
    text = plan_text(make_plan(profile, table, 1, time_limit=600), table)
    totals = next(line for line in text.splitlines() if line.strip().startswith("totals:"))
    assert re.search(r"calcium [\d,]+ \(max 1,000\)", totals), totals
    assert re.search(r"sodium [\d,]+ \(max 2,000\)", totals), totals
    assert "renal team allows" in text and "1.5-2 L" not in text
