"""Issue 11's last rules: a default potassium limit for kidney disease stages 4-5, kelp never planned (iodine)
and wakame a counted topping, a short day cut by the time cap that says so, and the rules the issue's
'Done when' names that had no test of their own."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from planner.optimise import make_plan
from planner.plan import day_totals, plan_text, plan_to_dict
from planner.profile import Profile, profile_from_dict
from planner.rules import rules_kidney
from planner.targets import targets_for

WEEK = 7
GENEROUS = 900.0   # s: a safety cap only; the solves stop at their work limits
KIDNEY_4 = {"sex": "male", "age": 62, "weight_kg": 70, "height_cm": 172, "kidney_stage": "4"}


# --- 1. kidney disease stages 4-5: potassium held under a default limit --------------------------------------

@pytest.mark.parametrize("extra", [{"kidney_stage": "4"}, {"kidney_stage": "5"}, {"dialysis": True},
                                   {"kidney_stage": "5", "dialysis": True}],
                         ids=["stage 4", "stage 5", "dialysis", "stage 5 on dialysis"])
def test_kidney_stages_4_and_5_hold_potassium_under_a_default_limit_a_renal_dietitian_replaces(extra):
    rule = rules_kidney()["potassium"]
    t = targets_for(profile_from_dict({"sex": "male", "age": 62, **extra}))
    k = t["potassium_mg"]
    assert k.max == rule["default_max_mg"] and k.min is None and not k.goal and k.soft_max is None
    assert k.kind == "default limit: ask your renal dietitian" and "KDOQI 2020" in k.source
    assert any("default limit" in n and "renal dietitian" in n for n in t.notes)
    assert not any("not pushed" in n for n in t.notes)   # one word on potassium, not two that disagree
    assert not t.may_suggest_supplement("potassium_mg")


def test_a_clinicians_potassium_limit_replaces_the_default_and_stage_3_keeps_the_soft_hold():
    mine = targets_for(profile_from_dict({**KIDNEY_4, "targets": {"potassium_mg": {"max": 2000}}}))
    assert mine["potassium_mg"].max == 2000 and mine["potassium_mg"].kind == "your setting"
    assert "default limit" not in mine["potassium_mg"].note
    assert not any("default limit" in n for n in mine.notes)
    for stage in ("3a", "3b"):   # KDOQI 2020 / KDIGO 2024: no blanket restriction before stage 4
        t = targets_for(profile_from_dict({**KIDNEY_4, "kidney_stage": stage}))
        assert t["potassium_mg"].max is None and t["potassium_mg"].soft_max is not None
    bare = targets_for(Profile(sex="male", age=62, conditions=["kidney_disease"]))   # stage unknown: asked for
    assert bare["potassium_mg"].max is None


@pytest.fixture(scope="module")
def kidney_week(table):
    return make_plan(profile_from_dict(KIDNEY_4), table, WEEK, time_limit=GENEROUS)


@pytest.mark.slow
def test_a_stage_4_week_without_a_clinicians_limit_stays_under_the_default_potassium_limit(kidney_week, table):
    """Before the default limit, stage-4 weeks planned 3,200-5,000 mg potassium a day (dried fruit, beans)."""
    limit = rules_kidney()["potassium"]["default_max_mg"]
    plan = kidney_week
    assert len(plan.days) == WEEK and all(d.items() for d in plan.days)
    for day in plan.days:
        assert day_totals(table, day).values["potassium_mg"] <= limit + 1, day.label
    text = plan_text(plan, table)
    assert "default limit of 3,000 mg" in text and "max 3,000" in text
    assert plan_to_dict(plan, table)["targets"]["nutrients"]["potassium_mg"]["max"] == limit


# --- 2. kelp is never planned; wakame is a counted topping ------------------------------------------------------

def test_kelp_is_never_planned_or_suggested_but_the_day_check_still_counts_it(table):
    from planner.check import check_intake
    from planner.eligibility import eligible_mask

    kelp = table.get("kelp")
    assert "iodine_rich" in kelp.tags
    row = list(table.frame.index).index("kelp")
    for profile in (Profile(), Profile(diet="vegan"), Profile(sex="female", age=30, pregnancy="trimester2")):
        assert not eligible_mask(profile, table)[row]
    report = check_intake("1 tbsp kelp", {"sex": "female", "age": 30}, suggest=False)
    assert report.items and "kelp_iodine" in {n.key for n in report.limit_notes}


@pytest.mark.slow
@pytest.mark.parametrize("profile", [Profile(sex="male", age=40), Profile(sex="female", age=30, diet="vegan")],
                         ids=["omnivore", "vegan"])
def test_a_week_plans_no_kelp_and_wakame_on_at_most_the_days_any_food_may_take(profile, table):
    """Kelp can pass the 1,100 µg iodine UL in one spoonful (NIH ODS; SR28 has no iodine): never planned.
    Wakame is a counted topping, not a garnish that is never used up: at most 3 days a week."""
    from planner.optimise import DEFAULT_MAX_DAYS_PER_FOOD

    plan = make_plan(profile, table, WEEK, time_limit=GENEROUS)
    assert len(plan.days) == WEEK
    assert not any(i.food_id == "kelp" for i in plan.items())
    wakame_days = {d.index for d in plan.days if any(i.food_id == "wakame" for i in d.items())}
    assert len(wakame_days) <= DEFAULT_MAX_DAYS_PER_FOOD
    assert all(i.grams <= 10 + 1e-6 for i in plan.items() if i.food_id == "wakame")   # 2 tbsp a meal at most


def test_kelp_in_the_full_catalogue_is_tagged_iodine_rich_by_its_catalogue_rule():
    import pandas as pd

    from foods.catalog import guess_fields

    names = pd.Series(["Seaweed, kelp, raw", "Seaweed, wakame, raw", "Seaweed, agar, raw", "Kombu, dried"])
    tags = guess_fields(pd.Series(["1100"] * len(names)), names)["tags"].str.split(";")
    assert ["iodine_rich" in t for t in tags] == [True, False, False, True]


# --- 3. a day the time cap cut says so --------------------------------------------------------------------------

def test_a_short_day_cut_by_the_time_cap_names_the_cap_not_whole_portions(table, monkeypatch):
    """A day whose solve the wall-clock safety cap stopped is short because it was stopped, not (as far as
    anyone knows) because of whole portions: its reason says the cap. A day solved to its work limit keeps
    'whole portions' where the fractional day would reach the goal."""
    import planner.optimise.explain as explain
    import planner.optimise.week as week_module
    from planner.plan import SolveState, SolveStatus

    monkeypatch.setattr(explain, "what_ifs", lambda *args, **kwargs: [])
    monkeypatch.setattr(explain, "relaxation_slack", lambda model: {})   # fractions would reach every goal
    real = explain.explain_shortfalls

    def first_day_cut(week, planned, requests, solutions, deadline):
        cut = SolveStatus(SolveState.TIME_LIMIT, "HiGHS", 1.0, None, "stopped at the safety time cap")
        return real(week, planned, requests, {**solutions, 0: replace(solutions[0], status=cut)}, deadline)

    monkeypatch.setattr(week_module, "explain_shortfalls", first_day_cut)
    profile = profile_from_dict({"sex": "female", "age": 40, "diet": "vegan", "targets": {"calcium_mg": {"min": 2000}},
                                 "exclude": ["tofu", "soy_milk", "almond_milk", "fortified_cereal", "sesame"]})
    plan = make_plan(profile, table, 2, time_limit=GENEROUS)
    short = {s.day: s for s in plan.shortfalls if s.nutrient == "calcium_mg"}
    assert set(short) == {0, 1}
    assert short[0].binding[0] == explain.TIME_CAP_REASON and explain.WHOLE_PORTIONS not in short[0].binding
    assert explain.WHOLE_PORTIONS in short[1].binding and explain.TIME_CAP_REASON not in short[1].binding
    assert "safety time cap" in plan_text(plan, table)


# --- 4. the rules that had no test of their own ---------------------------------------------------------

NOTED = {"sex": "female", "age": 30, "diet": "vegan", "conditions": ["ace_inhibitor"]}
NOTE_FRAGMENTS = ("vitamin B12 comes only from fortified foods", "never use potassium-chloride salt substitutes")


@pytest.fixture(scope="module")
def noted_plan(table):
    return make_plan(profile_from_dict(NOTED), table, 1, time_limit=GENEROUS)


def test_dietitian_notes_are_in_the_plan_text_json_and_workbook(noted_plan, table, tmp_path):
    from openpyxl import load_workbook

    from planner.excel import write_workbook

    text, data = plan_text(noted_plan, table), plan_to_dict(noted_plan, table)
    write_workbook(noted_plan, table, tmp_path / "week.xlsx")
    book = load_workbook(tmp_path / "week.xlsx", read_only=True)
    cells = [str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
    for fragment in NOTE_FRAGMENTS:
        assert fragment in text, fragment
        assert any(fragment in n for n in data["notes"]), fragment
        assert any(fragment in c for c in cells), fragment


@pytest.mark.slow
def test_dietitian_notes_are_on_the_dashboards_plan_page():
    from test_dashboard import click, open_app, texts

    from planner.store import Store

    Store().save_profile("me", profile_from_dict(NOTED).to_dict())
    at = open_app("views/plan.py")
    at.number_input(key="plan_days").set_value(1)
    at.run()
    click(at, "plan_generate")
    at.session_state["plan_notes"] = True
    at.run()
    notes = next(e for e in at.expander if e.label.startswith("Notes on this plan"))
    shown = " ".join(texts(notes.caption))
    for fragment in NOTE_FRAGMENTS:
        assert fragment in shown, fragment


def test_a_pregnancy_plan_holds_no_caffeine_food_and_says_the_200_mg_limit(table):
    """ACOG 462: at most 200 mg caffeine a day. SR28's ABBREV has no caffeine column, so the plan holds no food
    tagged caffeine at all (coffee and strong tea are limit foods, drinks are never planned) and says the limit."""
    plan = make_plan(Profile(sex="female", age=30, pregnancy="trimester2", like=["green_tea", "dark_chocolate"]),
                     table, 3, time_limit=GENEROUS)
    assert len(plan.days) == 3
    assert not [i.food_id for i in plan.items() if "caffeine" in table.get(i.food_id).tags]
    assert "at most 200 mg caffeine a day" in plan_text(plan, table)


@pytest.mark.parametrize("age, calcium, retinol_ul, magnesium", [(14, 1300, 2800, 410), (18, 1300, 2800, 410),
                                                                  (19, 1000, 3000, 400)])
def test_adolescent_dri_rows_differ_from_the_adults(age, calcium, retinol_ul, magnesium):
    """IOM DRIs for boys 14-18: calcium 1,300 mg (UL 3,000), magnesium 410 mg, retinol UL 2,800 µg."""
    t = targets_for(Profile(sex="male", age=age))
    assert t["calcium_mg"].min == calcium and t["retinol_ug"].max == retinol_ul
    assert t["magnesium_mg"].min == magnesium
    assert t["calcium_mg"].max == (3000 if age <= 18 else 2500)


def test_adolescents_plan_within_their_own_amdr_fat_25_to_35_and_protein_10_to_30_percent():
    """IOM 2005 AMDR for ages 4-18 differs from the adults': fat 25-35 % (adults 20-35), protein 10-30 %
    (adults 10-35). The day model's shares are the person's own (planner/data/amdr.csv by age)."""
    from planner.optimise.context import day_rules_for

    teen, adult = (targets_for(Profile(sex="male", age=age, activity="active")) for age in (15, 40))
    assert day_rules_for(teen).amdr["fat_g"][:2] == (0.25, 0.35)
    assert day_rules_for(teen).amdr["protein_g"][:2] == (0.10, 0.30)
    assert day_rules_for(adult).amdr["fat_g"][:2] == (0.20, 0.35)
    assert day_rules_for(adult).amdr["protein_g"][:2] == (0.10, 0.35)
    assert teen.macros["protein_g"][1] == pytest.approx(0.30 * teen.energy_kcal / 4)


def test_the_readme_says_who_should_ask_a_clinician_and_the_source_of_each_rule():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    ask = readme.split("## Who should ask a clinician", 1)[1].split("\n## ", 1)[0]
    for who in ("kidney disease", "ACE inhibitors", "pregnant", "vegan", "supplements", "aged 14 and over"):
        assert who in ask, who
    table = ask.split("### The clinical rules and their sources", 1)[1]
    rows = [r for r in table.splitlines() if r.startswith("| ") and not r.startswith("| rule")]
    assert len(rows) >= 15
    root = Path(__file__).resolve().parents[1]
    for row in rows:   # each rule's source names the data file that holds its values, and that file exists
        source = row.rstrip(" |").rsplit("|", 1)[1]
        files = [f for f in re.findall(r"`([^`]+)`", source) if re.search(r"\.(csv|toml)$", f)]
        assert files, row
        for name in files:
            assert (root / name).is_file() or any((root / d / name).is_file() for d in ("planner/data", "foods/data")), name
    for rule in ("Kidney disease", "Selenium", "Kelp", "Supplements", "Pregnancy", "Absorbable calcium",
                 "Potassium at kidney stages 4-5", "Dietitian notes", "Full catalogue", "Ages"):
        assert any(r.startswith(f"| {rule}") for r in rows), rule


@pytest.mark.parametrize("profile", [Profile(sex="female", age=30, diet="vegan"),
                                     Profile(sex="female", age=30, diet="vegan", pregnancy="trimester2")],
                         ids=["vegan", "pregnant vegan"])
def test_a_vegans_b12_is_planned_from_fortified_foods_or_its_shortfall_named(profile, table):
    """B12 comes to vegans only from fortified foods or a supplement (IOM 1998): the table's fortified soy milk
    and cereal are planned toward the RDA (2.4 µg, 2.6 in pregnancy); a day that misses it is a shortfall that
    may name a supplement, not a silent 0 µg."""
    t = targets_for(profile)
    rda = t["vitamin_b12_ug"].min
    assert t["vitamin_b12_ug"].goal and rda == (2.6 if profile.pregnant else 2.4)
    assert t.may_suggest_supplement("vitamin_b12_ug")
    assert not targets_for(Profile(sex="female", age=30))["vitamin_b12_ug"].goal   # others: reported only
    plan = make_plan(profile, table, 3, time_limit=GENEROUS)
    missed = {s.day for s in plan.shortfalls if s.nutrient == "vitamin_b12_ug"}
    for day in plan.days:
        b12 = day_totals(table, day).values["vitamin_b12_ug"]
        assert b12 >= rda * 0.999 or day.index in missed, (day.label, b12)
    text = plan_text(plan, table)
    assert "vitamin B12 " in text and f"µg/{rda:.1f}" in text
    assert "Vitamin B12" not in " ".join(plan_to_dict(plan, table)["days"][0]["reported_not_planned"])


def test_the_day_check_suggests_a_fortified_food_for_a_vegans_b12():
    from planner.check import check_intake

    report = check_intake("1 banana", {"sex": "female", "age": 30, "diet": "vegan"})
    assert report.gaps["vitamin_b12_ug"] == pytest.approx(2.4, abs=0.05)
    b12 = [s for s in report.suggestions if "vitamin_b12_ug" in s.for_nutrients]
    assert b12 and all(s.adds["vitamin_b12_ug"] > 0 for s in b12)
    assert re.search(r"\+\d+\.\d µg vitamin B12", b12[0].text), b12[0].text
    assert "vitamin_b12_ug" not in {g.nutrient for g in report.gaps_unclosed}


def test_foods_top_calcium_ranks_by_the_calcium_that_counts(table):
    """Oxalate greens' calcium is barely absorbed (Weaver 1999) and never counts toward the goal: a top list of
    calcium foods ranks them by what counts (none), not above tofu and milk by their total."""
    top = table.top("calcium", per="100kcal", n=12)
    assert not {"spinach", "spinach_cooked", "swiss_chard"} & set(top["food_id"])
    ranked = table.top("calcium", per="100kcal", n=len(table.frame))
    assert ranked["calcium_counted_mg"].is_monotonic_decreasing


@pytest.mark.parametrize("conditions", [["kidney_disease"], ["ace_inhibitor"], ["kidney_disease", "nsaid"]])
def test_a_potassium_limit_the_person_set_is_said_once_and_no_note_still_asks_for_one(conditions):
    """A kidney profile with its clinician's 2,000 mg limit was told 'potassium is not pushed; set the limit your
    clinician gives you' beside the limit it had set."""
    t = targets_for(Profile(sex="female", age=60, conditions=conditions, targets={"potassium_mg": {"max": 2000}}))
    assert t["potassium_mg"].max == 2000
    assert t.notes.count("Potassium: held under your limit of 2,000 mg a day. Never take potassium supplements or "
                         "potassium-chloride salt substitutes without your clinician.") == 1
    assert not [n for n in t.notes if "not pushed" in n or "limit your clinician gives" in n or "ask your clinician for a limit" in n]
    assert "not pushed" not in t["potassium_mg"].note
    unset = targets_for(Profile(sex="female", age=60, conditions=conditions))   # without a limit, it is asked for
    assert any("not pushed" in n for n in unset.notes)
