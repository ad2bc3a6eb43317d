"""Profiles are validated field by field; targets follow the DRI tables and the rules that change them."""

from __future__ import annotations

import pytest
from conftest import examples
from hypothesis import given
from hypothesis import strategies as st

from planner.errors import PlannerError
from planner.profile import Profile, excluded_tags, load_profile, profile_from_dict
from planner.rules import dri_table
from planner.targets import estimate_energy, life_stage, targets_for


def test_profile_file_as_people_write_it(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('sex = "female"\nage = 58\nweight_kg = 70\nheight_cm = 162\nactivity = "light"\n'
                    'diet = "omnivore"\nexclude = ["lactose", "walnuts"]\nconditions = ["kidney_disease"]\n'
                    '[targets.potassium_mg]\nmax = 2000\n')
    p = load_profile(path)
    assert p.age == 58 and p.exclude == ["lactose", "walnuts"]
    t = targets_for(p)
    assert t["potassium_mg"].max == 2000 and not t["potassium_mg"].min and not t.push_potassium


@pytest.mark.parametrize("field, value, fragment", [
    ("sex", "other", "allowed: female, male"),
    ("activity", "lazy", "sedentary, light, moderate, active, very_active"),
    ("diet", "keto", "omnivore, pescatarian, vegetarian, vegan"),
    ("age", 200, "between 0 and 120"),
    ("age", 3, "this planner is for people aged 14 and over"),
    ("age", 13, "this planner is for people aged 14 and over"),
    ("age", "forty", "must be a number"),
    ("conditions", ["diabetes"], "kidney_disease"),
    ("pregnancy", "trimester4", "trimester1, trimester2, trimester3"),
    ("weight_kg", 5, "between 20 and 300"),
    ("exclude", "walnuts,", None),
])
def test_bad_profile_fields_name_the_field_and_allowed_values(field, value, fragment):
    if fragment is None:  # a single string is accepted as a one-item list
        assert profile_from_dict({field: value}).exclude == [value]
        return
    with pytest.raises(PlannerError) as err:
        profile_from_dict({field: value})
    assert field in str(err.value) and fragment in str(err.value)


def test_unknown_field_and_bad_toml_are_clear(tmp_path):
    with pytest.raises(PlannerError, match="unknown profile field.*colour"):
        profile_from_dict({"colour": "blue"})
    bad = tmp_path / "bad.toml"
    bad.write_text("sex = female\n")
    with pytest.raises(PlannerError, match="not valid TOML"):
        load_profile(bad)
    with pytest.raises(PlannerError, match="not found"):
        load_profile(tmp_path / "missing.toml")


def test_pregnancy_rules():
    with pytest.raises(PlannerError, match="female"):
        Profile(sex="male", pregnancy="trimester1")
    with pytest.raises(PlannerError, match="not both"):
        Profile(sex="female", age=30, pregnancy="trimester1", lactation=True)
    p = Profile(sex="female", age=30, pregnancy="trimester2")
    assert {"liver", "fish_liver_oil"} <= excluded_tags(p)
    t = targets_for(p)
    assert t["calcium_mg"].min == 1000 and t["magnesium_mg"].min == 350 and t["potassium_mg"].min == 2900
    assert t["retinol_ug"].max == 3000
    assert any("liver" in n for n in t.notes)


def test_magnesium_upper_limit_never_caps_food():
    for age in (14, 16, 25, 45, 60, 80):
        t = targets_for(Profile(sex="male", age=age))
        assert t["magnesium_mg"].max is None
        assert "supplements" in t["magnesium_mg"].note


def test_sodium_is_a_ceiling_never_a_target():
    t = targets_for(Profile())
    assert t["sodium_mg"].min is None and t["sodium_mg"].max == 2300 and not t["sodium_mg"].goal


@pytest.mark.parametrize("condition", ["kidney_disease", "heart_failure", "ace_inhibitor", "arb",
                                       "potassium_sparing_diuretic", "nsaid"])
def test_potassium_not_pushed_for_conditions_and_drugs(condition):
    t = targets_for(Profile(conditions=[condition]))
    assert not t.push_potassium and t["potassium_mg"].min is None and not t["potassium_mg"].goal


@pytest.mark.parametrize("condition", ["thiazide_diuretic", "loop_diuretic"])
def test_diuretics_that_deplete_add_a_note(condition):
    t = targets_for(Profile(conditions=[condition]))
    assert t.push_potassium and t["potassium_mg"].min == 2600
    assert any("potassium and magnesium" in n for n in t.notes)


def test_efsa_target_set():
    t = targets_for(Profile(sex="female", age=40, target_set="efsa"))
    assert t["calcium_mg"].min == 950 and t["magnesium_mg"].min == 300 and t["potassium_mg"].min == 3500
    assert t["sodium_mg"].max == 2000 and "EFSA" in t["calcium_mg"].source


def test_overrides_win_and_say_so():
    t = targets_for(Profile(targets={"calcium_mg": {"min": 1100}, "energy_kcal": {"min": 2100}}))
    assert t["calcium_mg"].min == 1100 and t["calcium_mg"].source == "your setting"
    assert t["calcium_mg"].max == 2500 and t.energy_kcal == 2100


def test_energy_is_the_iom_2005_eer_with_the_activity_words_mapped_to_pa_levels():
    p = Profile(sex="female", age=58, weight_kg=70, height_cm=162, activity="light")   # light = low active
    kcal, notes = estimate_energy(p)
    assert kcal == pytest.approx(354 - 6.91 * 58 + 1.12 * (9.36 * 70 + 726 * 1.62), abs=5) and not notes
    man, _ = estimate_energy(Profile(sex="male", age=74, weight_kg=80, height_cm=176, activity="sedentary"))
    assert man == pytest.approx(662 - 9.53 * 74 + 1.00 * (15.91 * 80 + 539.6 * 1.76), abs=5)
    boy, _ = estimate_energy(Profile(sex="male", age=16, weight_kg=60, height_cm=172, activity="active"))
    assert boy == pytest.approx(88.5 - 61.9 * 16 + 1.26 * (26.7 * 60 + 903 * 1.72) + 25, abs=5)
    girl, _ = estimate_energy(Profile(sex="female", age=15, weight_kg=55, height_cm=162, activity="moderate"))
    assert girl == pytest.approx(135.3 - 30.8 * 15 + (1.16 + 1.31) / 2 * (10.0 * 55 + 934 * 1.62) + 25, abs=5)
    _, defaults = estimate_energy(Profile(sex="female", age=40))
    assert defaults and "65 kg" in defaults[0]
    preg, _ = estimate_energy(Profile(sex="female", age=30, weight_kg=60, height_cm=165, pregnancy="trimester3"))
    base, _ = estimate_energy(Profile(sex="female", age=30, weight_kg=60, height_cm=165))
    assert preg - base == pytest.approx(452, abs=10)
    assert estimate_energy(Profile(energy_kcal=1900))[0] == 1900


@examples(3)
@given(sex=st.sampled_from(["female", "male"]), age=st.integers(14, 120))
def test_every_life_stage_has_its_dri_rows(sex, age):
    p = Profile(sex=sex, age=age)
    t = targets_for(p)
    rows = dri_table()[(dri_table()["life_stage"] == life_stage(p)) & dri_table()["sex"].isin(["any", sex])]
    ca = rows[rows["nutrient"] == "calcium"].iloc[0]
    assert t["calcium_mg"].min == ca["target"] and t["calcium_mg"].max == ca["ul"]
    for target in t.items.values():
        assert target.source
        if target.min is not None and target.max is not None:
            assert target.min <= target.max
    lo, hi = t.energy_range
    assert lo < t.energy_kcal < hi


@pytest.mark.parametrize("profile, per_kg", [
    (Profile(sex="female", age=40, weight_kg=60), 0.8),
    (Profile(sex="male", age=70, weight_kg=80), 1.0),
    (Profile(sex="female", age=30, weight_kg=60, pregnancy="trimester2"), 1.1),
    (Profile(sex="male", age=30, weight_kg=75, activity="very_active"), 1.2),
])
def test_baseline_protein_floor_is_grams_per_kg_with_its_source(profile, per_kg):
    from planner.targets import main_meal_protein

    t = targets_for(profile)
    assert t["protein_g"].min == pytest.approx(per_kg * profile.weight_kg, abs=0.1)
    assert t["protein_g"].source and t["protein_g"].unit == "g" and not t["protein_g"].goal
    assert main_meal_protein(profile, t) == (25 if profile.age >= 65 else 20)
