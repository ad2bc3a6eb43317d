"""The dashboard, page by page, through Streamlit's AppTest: the newcomer's path and its errors.

Each test drives the real app (dashboard/app.py with st.navigation) against the shipped food table and a
store in the test's own MINERAL_PLANNER_HOME (tests/conftest.py). No page may show a traceback.
"""

from __future__ import annotations

import csv
import inspect
import io
import json
import math
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from openpyxl import load_workbook
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from dashboard import charts, frames
from foods.intake import parse_text
from planner import optimise
from planner.check import check_day
from planner.cli import build_parser
from planner.optimise import make_plan
from planner.plan import Day, Meal, Shortfall, day_totals, rules_fluids
from planner.profile import Profile
from planner.profile_choice import resolve_profile
from planner.shopping import shopping_list
from planner.store import Store

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
TIMEOUT = 60


def open_app(page: str | None = None) -> AppTest:
    """The app after its first run, switched to `page` (e.g. 'views/plan.py') when given."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    """No traceback, and no 'something went wrong' message from the app's last-resort handler."""
    assert not at.exception, [e.value for e in at.exception]
    assert not [e.value for e in at.error if "Something went wrong" in e.value]


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click()
    at.run()
    assert_clean(at)
    return at


def generated(at: AppTest) -> AppTest:
    at.switch_page("views/plan.py")
    at.run()
    return click(at, "plan_generate")


# --- the frame -------------------------------------------------------------------------------------------

PAGES = ("views/profile.py", "views/plan.py", "views/check.py", "views/shopping.py", "views/foods.py")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_the_disclaimer_once_in_the_main_column(page):
    at = open_app(page)
    notes = [t for t in texts(at.main.info) if "does not prescribe" in t]
    assert len(notes) == 1                                   # in the main column, so a phone shows it too
    for words in ("kidney disease", "ACE inhibitors", "ARBs", "potassium-sparing diuretics", "NSAIDs", "pregnancy",
                  "clinician"):
        assert words in notes[0]
    assert not [t for t in texts(at.sidebar.info) if "does not prescribe" in t]


def test_app_starts_on_the_profile_page():
    at = open_app()
    assert texts(at.title) == ["Profile and targets"]


# --- Profile and targets ---------------------------------------------------------------------------------

def submit_profile(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "Save profile").click()
    at.run()
    assert_clean(at)
    return at


def targets_shown(at: AppTest) -> pd.DataFrame:
    return next(t.value for t in at.table if "Source" in t.value.columns)


def test_profile_form_saves_a_valid_profile_and_shows_its_targets_with_sources():
    at = open_app()
    at.text_input(key="pf_name").set_value("Anna")
    at.number_input(key="pf_age").set_value(58)
    at.number_input(key="pf_weight").set_value(70.0)
    at.number_input(key="pf_height").set_value(162.0)
    at.selectbox(key="pf_diet").set_value("vegetarian")
    at.multiselect(key="pf_exclude").set_value(["lactose"])
    at.multiselect(key="pf_conditions").set_value(["kidney_disease"])
    submit_profile(at)
    assert any("saved" in s for s in texts(at.success))
    profile = at.session_state.profile
    assert (profile.age, profile.diet, profile.exclude, profile.conditions) == (58, "vegetarian", ["lactose"],
                                                                                 ["kidney_disease"])
    assert Store().load_profile("Anna")["age"] == 58
    targets = targets_shown(at)
    assert {"Calcium", "Magnesium", "Potassium", "Sodium"} <= set(targets.index)
    assert targets["Source"].str.len().gt(0).all()
    assert targets.loc["Calcium", "Per day"] == "1,200 to 2,000 mg"          # a woman of 58: RDA and UL, in words
    assert "None" not in " ".join(targets["Per day"])
    # kidney disease: potassium not pushed, and the page says why in a sentence, in the form's words
    assert targets.loc["Potassium", "In the plan"] == "not pushed"
    assert (targets.loc["Sodium", "In the plan"], targets.loc["Calcium", "In the plan"]) == ("maximum kept",
                                                                                           "goal, maximum kept")
    notes = " ".join(texts(at.info) + texts(at.markdown))
    assert "Kidney disease: potassium is not pushed" in notes
    assert "Limits from your clinician" in notes and "targets.potassium_mg" not in notes


def test_profile_notes_speak_of_the_form_not_the_profile_file():
    at = open_app()                                          # no weight or height given: energy is estimated
    note = next(t for t in texts(at.info) if t.startswith("Energy estimated"))
    assert "enter your weight and height, or your energy per day" in note
    assert "weight_kg" not in note and "energy_kcal" not in note


def test_the_saved_profile_is_restored_on_the_next_start():
    at = open_app()
    at.number_input(key="pf_age").set_value(67)
    at.selectbox(key="pf_sex").set_value("male")
    submit_profile(at)
    again = open_app()                                       # a new session: a new visit or a restarted server
    assert (again.session_state.profile.sex, again.session_state.profile.age) == ("male", 67)
    assert again.number_input(key="pf_age").value == 67



def test_the_dashboard_starts_with_the_saved_profile_the_cli_check_uses(monkeypatch):
    store = Store()
    store.save_profile("anna", Profile(sex="female", age=58).to_dict())
    store.save_profile("bob", Profile(sex="male", age=72).to_dict())
    at = open_app()                                          # no 'me': the first saved one, as `check` takes
    chosen = resolve_profile(None)
    cli_profile, notes = chosen.profile, [chosen.note]
    assert "'anna'" in notes[0]
    assert at.session_state.profile_name == "anna" and at.session_state.profile.to_dict() == cli_profile.to_dict()

    store.save_profile("me", Profile(sex="male", age=40).to_dict())
    at = open_app()                                          # 'me' wins, in both
    chosen = resolve_profile(None)
    cli_profile, notes = chosen.profile, [chosen.note]
    assert "'me'" in notes[0]
    assert at.session_state.profile_name == "me" and at.session_state.profile.to_dict() == cli_profile.to_dict()

    monkeypatch.setattr(Store, "default_profile_name", lambda self: "bob")   # one rule, the store's, for both
    assert open_app().session_state.profile.age == 72

def page_order(at: AppTest) -> list[str]:
    """The main column's elements in page order, widgets by key (to see what a message stands next to)."""
    return [getattr(e, "key", None) or e.type for e in at.main]


def test_profile_errors_are_messages_next_to_the_field_not_tracebacks():
    at = open_app()
    at.selectbox(key="pf_sex").set_value("male")
    at.selectbox(key="pf_stage").set_value("trimester2")
    submit_profile(at)
    errors = texts(at.error)
    assert len(errors) == 2 and "not saved" in errors[0] and "set Sex to female" in errors[0]
    assert 'sex = "female"' not in errors[0]                   # the form's words, not the profile file's
    order = page_order(at)
    assert order[order.index("pf_stage") + 1] == "error"      # right under the question it is about
    assert "see the message under 'Pregnant or breastfeeding?'" in errors[1]   # and by the button, where to look
    assert at.session_state.profile.sex == "female"          # the old profile stays in use
    assert Store().list_profiles() == []

    at.selectbox(key="pf_sex").set_value("female")
    at.selectbox(key="pf_stage").set_value("none")
    at.number_input(key="pf_potassium_mg_min").set_value(3000.0)
    at.number_input(key="pf_potassium_mg_max").set_value(2000.0)
    submit_profile(at)
    errors = texts(at.error)
    assert len(errors) == 2 and "potassium minimum 3000.0 is above the potassium maximum 2000.0" in errors[0]
    limits = next(e for e in at.expander if e.label.startswith("Limits from your clinician"))
    assert limits.proto.expanded                              # the limits are opened to show it
    at.number_input(key="pf_potassium_mg_min").set_value(None)
    submit_profile(at)
    assert not at.error and Store().load_profile("me")["targets"] == {"potassium_mg": {"max": 2000.0}}


def test_saved_profiles_load_resave_and_delete():
    Store().save_profile("dad", Profile(sex="male", age=72, exclude=["nuts", "walnuts"]).to_dict())
    at = open_app()
    at.selectbox(key="pf_saved_choice").set_value("dad")
    click(at, "pf_load")
    assert (at.session_state.profile.sex, at.session_state.profile.age) == ("male", 72)
    assert at.number_input(key="pf_age").value == 72       # the form shows the loaded profile
    assert any("'dad' loaded" in s for s in texts(at.success))
    at.number_input(key="pf_age").set_value(73)
    submit_profile(at)
    saved = Store().load_profile("dad")                     # words the form does not list are kept
    assert (saved["age"], saved["exclude"]) == (73, ["nuts", "walnuts"])
    click(at, "pf_delete")
    assert "dad" not in Store().list_profiles()


# --- Weekly plan -----------------------------------------------------------------------------------------

def item_of(plan, day: int, slot: str, food_id: str):
    return next(it for it in plan.days[day].meal(slot).items if it.food_id == food_id)


def chart_data(at: AppTest, index: int) -> pd.DataFrame:
    """The data a drawn Altair chart carries (its one Arrow dataset)."""
    proto = at.get("vega_lite_chart")[index].proto
    return pa.ipc.open_stream(proto.datasets[0].data.data).read_pandas()


def heat_percent(at: AppTest, day: int, nutrient: str) -> float:
    heat = chart_data(at, 0)                                  # the week heatmap is the page's first chart
    return float(heat[(heat["day"] == day) & (heat["key"] == nutrient)]["percent"].iloc[0])


def test_plan_generate_shows_progress_the_week_and_its_charts(table, monkeypatch):
    calls = []
    real = optimise.make_plan

    def spy(*args, **kw):
        calls.append(inspect.signature(real).bind(*args, **kw))
        return real(*args, **kw)

    monkeypatch.setattr(optimise, "make_plan", spy)
    at = generated(open_app())
    plan = at.session_state.plan
    assert len(plan.days) == 7 and all(d.items() for d in plan.days)
    # the first week is the one `mineral-planner plan` gives: the CLI's days, variety, seed and safety cap
    assert len(calls) == 1
    calls[0].apply_defaults()
    used, cli = calls[0].arguments, build_parser().parse_args(["plan"])
    assert (used["days"], used["max_days_per_food"], used["seed"], used["time_limit"], used["thorough"]) == \
        (cli.days, cli.max_days_per_food, cli.seed, cli.time_limit, cli.thorough)
    status = at.get("status")
    assert len(status) == 1 and status[0].label.startswith("Planned 7 days in")
    # charts: the heatmap, and each mineral's stacked bars by meal with its target line, one mineral at a time
    assert len(at.get("vega_lite_chart")) == 2
    for nutrient in frames.MINERALS:
        at.segmented_control(key="plan_chart_mineral").set_value(nutrient)
        at.run()
        spec = json.loads(at.get("vega_lite_chart")[1].proto.spec)
        assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "rule"]
        bars = chart_data(at, 1)
        assert bars["nutrient"].eq(nutrient).all() and set(bars["meal"]) == set(frames.SLOT_LABELS.values())
    totals = day_totals(table, plan.days[0])
    lo, _ = frames.plan_target(plan, "magnesium_mg")
    assert heat_percent(at, 0, "magnesium_mg") == round(100 * totals["magnesium_mg"] / lo)
    # the days-by-meals view names household portions
    first = plan.days[0].items()[0]
    assert any(first.portion in m for m in texts(at.markdown))
    assert any(m.startswith("Every day meets") for m in texts(at.success)) or at.warning


@pytest.mark.slow
def test_search_longer_plans_the_thorough_week(table, monkeypatch):
    """The toggle asks the planner for a thorough week (`--thorough` on the command line) and says so while it
    plans; the week it shows is the one the planner gave (a thorough 2-day plan: four starts, seconds)."""
    asked = []
    real = optimise.make_plan

    def spy(*args, **kw):
        asked.append(kw.get("thorough"))
        return real(*args, **kw)

    monkeypatch.setattr(optimise, "make_plan", spy)
    at = open_app("views/plan.py")
    at.number_input(key="plan_days").set_value(2)
    at.toggle(key="plan_thorough").set_value(True)
    at.run()
    click(at, "plan_generate")
    assert asked == [True]
    assert len(at.session_state.plan.days) == 2 and all(d.items() for d in at.session_state.plan.days)
    assert at.get("status")[0].label.startswith("Planned 2 days in")


def test_the_plan_page_names_each_meals_dish_as_the_text_plan_does(table):
    plan = make_plan(Profile(), table, 1, time_limit=120)
    dished = [m for m in plan.days[0].meals if m.dish]
    assert dished, "a planned day has at least one named dish"
    at = open_app("views/plan.py")
    at.session_state.plan = plan
    at.run()
    assert_clean(at)
    menu = " ".join(texts(at.markdown))
    for m in plan.days[0].meals:
        assert (f"**{m.label}**: {m.dish} ·" in menu) == bool(m.dish), (m.label, m.dish)
    assert not at.dataframe                                   # the week's table is drawn only when opened
    at.session_state["plan_week_grid"] = True
    at.run()
    grid = at.dataframe[0].value
    assert all(grid.loc[m.label, "Day 1"].startswith(f"{m.dish}:\n") for m in dished)


def test_plan_lock_change_portion_and_regenerate(table):
    at = generated(open_app())
    slot, food_id = at.selectbox(key="adj_slot").value, at.selectbox(key="adj_food").value
    click(at, "adj_lock")
    assert item_of(at.session_state.plan, 0, slot, food_id).locked
    assert any("locked in" in s for s in texts(at.success))

    food = table.get(food_id)
    before = day_totals(table, at.session_state.plan.days[0])
    grams_before = item_of(at.session_state.plan, 0, slot, food_id).grams
    counter = next(n for n in at.number_input if n.key and n.key.startswith("adj_count_"))
    counter.set_value(counter.value + 2 * food.step)
    click(at, "adj_set_portion")
    changed = item_of(at.session_state.plan, 0, slot, food_id)
    assert math.isclose(changed.grams, counter.value * food.portion_grams, abs_tol=0.1)
    assert changed.locked and changed.portion == food.portion_text(changed.grams)
    # two steps more may leave the ±5 % energy band: then the message comes as a warning with the news
    assert any(f"set to {changed.portion}" in s for s in texts(at.success) + texts(at.warning))
    # the totals and the charts follow at once, in the same run
    after = day_totals(table, at.session_state.plan.days[0])
    # two steps more; the plan keeps grams to 0.1 g, so the change is read from the item's grams
    assert math.isclose(changed.grams - grams_before, 2 * food.step_grams, abs_tol=0.11)
    added = table.frame.loc[food_id, "magnesium_mg"] * (changed.grams - grams_before) / 100
    assert math.isclose(after["magnesium_mg"] - before["magnesium_mg"], added, rel_tol=1e-6, abs_tol=1e-6)
    lo, _ = frames.plan_target(at.session_state.plan, "magnesium_mg")
    assert heat_percent(at, 0, "magnesium_mg") == round(100 * after["magnesium_mg"] / lo)
    assert any(f"Magnesium {round(after['magnesium_mg']):,} mg" in c for c in texts(at.caption))
    assert next(n for n in at.number_input if n.key and n.key.startswith("adj_count_")).value == counter.value

    others = [d.items() for d in at.session_state.plan.days[1:]]
    old_day = at.session_state.plan.days[0]
    click(at, "adj_regen_day")
    after = at.session_state.plan
    # a new day (its message a warning when the new day brings bad news), or (when the solver finds none in
    # time) a plain message saying nothing changed
    said = texts(at.success) + texts(at.warning)
    assert (after.days[0] != old_day and any("Day 1 replanned" in m for m in said)) or \
        any("Nothing changed" in w for w in texts(at.warning))
    kept = item_of(after, 0, slot, food_id)                  # the locked food stays, amount and all
    assert kept.locked and math.isclose(kept.grams, changed.grams)
    assert [d.items() for d in after.days[1:]] == others      # the rest of the week is untouched

    before = at.session_state.plan
    at.selectbox(key="adj_slot").set_value("dinner" if slot != "dinner" else "lunch")
    at.run()
    click(at, "adj_regen_meal")
    after = at.session_state.plan
    assert [d.items() for d in after.days[1:]] == [d.items() for d in before.days[1:]]
    assert item_of(after, 0, slot, food_id) == kept           # the other meals of the day stay too

    at.selectbox(key="adj_slot").set_value(slot)
    at.run()
    at.selectbox(key="adj_food").set_value(food_id)
    at.run()
    click(at, "adj_lock")                                     # unlock again
    assert not item_of(at.session_state.plan, 0, slot, food_id).locked


def test_plan_remove_exclude_and_saved_plans(table):
    at = generated(open_app())
    slot, food_id = at.selectbox(key="adj_slot").value, at.selectbox(key="adj_food").value
    click(at, "adj_remove")
    assert food_id not in [it.food_id for it in at.session_state.plan.days[0].meal(slot).items]
    totals = day_totals(table, at.session_state.plan.days[0])
    lo, _ = frames.plan_target(at.session_state.plan, "magnesium_mg")
    assert heat_percent(at, 0, "magnesium_mg") == round(100 * totals["magnesium_mg"] / lo)

    food_id = at.selectbox(key="adj_food").value
    click(at, "adj_exclude")
    assert food_id in at.session_state.profile.exclude
    assert food_id not in {it.food_id for it in at.session_state.plan.items()}
    assert any("will not be planned again" in m for m in texts(at.success) + texts(at.warning))
    assert food_id in Store().load_profile(at.session_state.profile_name)["exclude"]
    assert at.session_state.plan.profile == at.session_state.profile.to_dict()   # the plan follows the exclusion

    at.text_input(key="plan_save_name").set_value("  ")
    click(at, "plan_save")                                    # a bad name is a message, not a traceback
    assert at.error and Store().list_plans() == []
    at.text_input(key="plan_save_name").set_value("week one")
    click(at, "plan_save")
    assert Store().list_plans() == ["week one"]
    assert any("'week one' saved" in s for s in texts(at.success))
    saved_items = at.session_state.plan.items()
    at.session_state.plan = None
    at.run()
    at.selectbox(key="plan_saved_choice").set_value("week one")
    click(at, "plan_load")
    assert [(i.food_id, i.grams) for i in at.session_state.plan.items()] == [(i.food_id, i.grams) for i in saved_items]
    click(at, "plan_delete")
    assert Store().list_plans() == []


def test_plan_page_without_a_plan_says_what_to_do():
    at = open_app("views/plan.py")
    assert any("Generate a week" in i for i in texts(at.info))


def test_a_day_that_could_not_be_planned_is_named_with_the_reason(monkeypatch):
    real = optimise.make_plan
    why = "Day 2: the solver failed (time limit reached before any plan was found)."

    def cut_short(profile, table, days=7, **kw):
        plan = real(profile, table, days=days, **kw)
        plan.days[1] = Day(1, [Meal(m.slot, []) for m in plan.days[1].meals])
        return replace(plan, notes=[*plan.notes, why], status=replace(plan.status, status="failed"))

    monkeypatch.setattr(optimise, "make_plan", cut_short)
    at = generated(open_app())
    assert at.get("status")[0].label.startswith("Some days could not be planned")
    assert [e for e in texts(at.error) if e.startswith("Day 2 could not be planned.") and why in e]
    assert not any(m.startswith("Every day meets") for m in texts(at.success))


def test_a_week_cut_by_the_safety_time_cap_says_so(table):
    plan = make_plan(Profile(), table, 1, time_limit=120)
    at = open_app("views/plan.py")
    at.session_state.plan = replace(plan, status=replace(plan.status, status="time_limit",
                                                         message="stopped at the time limit on day 1"))
    at.run()
    assert_clean(at)
    said = [i for i in texts(at.info) if "safety time cap" in i]
    assert len(said) == 1 and "stopped at the time limit on day 1" in said[0]
    at.session_state.plan = plan                              # a search that stopped at its work limit: no note
    at.run()
    assert not [i for i in texts(at.info) if "safety time cap" in i]


def test_the_dashboard_command_starts_the_app_with_defaults_for_people(monkeypatch):
    import streamlit.web.cli as stcli

    from planner.cli import main

    monkeypatch.setattr(sys, "argv", list(sys.argv))        # run_dashboard hands Streamlit its own argv
    started = []
    monkeypatch.setattr(stcli, "main", lambda: started.append(list(sys.argv)) or 0)
    assert main(["dashboard"]) == 0                           # `make run` on a fresh machine: no set-up needed
    assert main(["dashboard", "--server.port", "8600", "--client.toolbarMode", "auto"]) == 0
    plain, custom = started
    assert plain[:2] == ["streamlit", "run"] and Path(plain[2]) == Path(APP)
    options = dict(zip(plain[3::2], plain[4::2], strict=True))
    assert options == {"--browser.gatherUsageStats": "false", "--server.showEmailPrompt": "false",
                       "--client.toolbarMode": "minimal"}
    assert custom[-4:] == ["--server.port", "8600", "--client.toolbarMode", "auto"]   # the person's options win


# --- Check a day -----------------------------------------------------------------------------------------

def test_check_a_typed_day_add_a_suggestion_and_save_it_to_the_diary(table):
    at = open_app("views/check.py")
    typed = "2 bananas\n30 g almonds\n1 cup milk"
    at.text_area(key="intake_text").set_value(typed)
    click(at, "check_run")
    expected = check_day(parse_text(typed, table), Profile(), table)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Magnesium"] == f"{expected.totals['magnesium_mg']:,.0f} mg"
    assert metrics["Calcium"] == f"{expected.totals['calcium_mg']:,.0f} mg"
    read = next(df.value for df in at.dataframe if "Read as" in df.value.columns)
    assert list(read["You wrote"]) == typed.splitlines()

    suggestion = at.session_state.check_report.suggestions[0]
    click(at, "add_suggestion_0")
    rows = at.data_editor[0].value
    assert table.get(suggestion.food_id).name in list(rows["food"])
    report = at.session_state.check_report
    assert report.totals["magnesium_mg"] > expected.totals["magnesium_mg"]   # checked again with the addition
    added = next(i for i in report.items if i.food.id == suggestion.food_id)
    assert math.isclose(added.grams, suggestion.grams, abs_tol=0.05)
    assert ".0 g" not in added.text                                          # '126 g', as a person writes it

    at.text_input(key="diary_note").set_value("cramp at night")
    click(at, "diary_save")
    days = Store().diary()
    assert len(days) == 1 and days[0].note == "cramp at night"
    assert len(days[0].items) == len(report.items)
    assert len(at.get("vega_lite_chart")) >= 2         # the day's bars and the diary's history
    click(at, "check_run")                                    # a re-check keeps the page clean


def test_the_diary_shows_each_days_supplements_counted_in_its_totals_with_their_warnings(table):
    at = open_app("views/check.py")
    at.session_state["profile"] = Profile(conditions=["ace_inhibitor"])     # potassium supplements: a strong warning
    typed = "1 banana\n8 Magne B6\n2 Asparkam"
    at.text_area(key="intake_text").set_value(typed)
    click(at, "check_run")
    report = at.session_state.check_report
    assert [s.count for s in report.supplements] == [8, 2]
    click(at, "diary_save")
    assert_clean(at)
    listing = next(df.value for df in at.dataframe if "Supplements" in df.value.columns)
    assert list(listing["Foods"]) == [1] and list(listing["Supplements"]) == [2]
    food_only = check_day(parse_text("1 banana", table), Profile(conditions=["ace_inhibitor"]), table)
    magnesium = listing["Magnesium (mg)"].iloc[0]
    assert magnesium == pytest.approx(report.totals["magnesium_mg"])          # the tablets count, as in the CLI
    assert magnesium == pytest.approx(food_only.totals["magnesium_mg"] + 8 * 48 + 2 * 12, abs=0.5)
    shown = next(df.value for df in at.dataframe if "Adds" in df.value.columns)
    assert list(shown["Supplement"]) == ["Magne B6 (Sanofi)", "Asparkam"]
    assert list(shown["You wrote"]) == ["8 Magne B6", "2 Asparkam"]
    assert "384 mg magnesium" in shown["Adds"].iloc[0] and "76 mg potassium" in shown["Adds"].iloc[1]
    dated = f"{listing['Date'].iloc[0]:%d %B %Y}: "               # the diary's warnings name their day
    errors = [e for e in texts(at.error) if e.startswith(dated)]
    assert any("above the 350 mg upper limit for supplements" in e for e in errors)   # 408 mg from tablets only
    assert any("STRONG WARNING: potassium in Asparkam" in e and "an ACE inhibitor" in e for e in errors)
    at.session_state["profile"] = Profile()                   # no potassium-raising medicine: the UL warning alone
    at.run()
    assert_clean(at)
    errors = [e for e in texts(at.error) if e.startswith(dated)]
    assert any("upper limit for supplements" in e for e in errors) and not any("STRONG" in e for e in errors)


def test_the_typed_day_and_its_report_survive_a_visit_to_another_page():
    at = open_app("views/check.py")
    at.text_area(key="intake_text").set_value("2 bananas")
    at.session_state["intake_editor_0"] = {"edited_rows": {}, "deleted_rows": [],
                                           "added_rows": [{"food": "kefir", "amount": 1, "unit": "cup"}]}
    at.run()
    click(at, "check_run")
    at.switch_page("views/foods.py")
    at.run()
    at.switch_page("views/check.py")
    at.run()
    assert_clean(at)
    assert at.text_area(key="intake_text").value == "2 bananas"
    assert list(at.data_editor[0].value["food"]) == ["kefir"]
    assert len(at.session_state.check_report.items) == 2 and at.metric


OVER_THE_CEILINGS = "10 slices bread\n100 g feta\n4 cups milk\n4 bananas\n100 g almonds\n2 cups spinach cooked"


def test_check_warns_of_each_ceiling_crossed_and_never_calls_such_a_day_all_met(table):
    expected = check_day(parse_text(OVER_THE_CEILINGS, table), Profile(), table)
    assert not expected.gaps and {a["nutrient"] for a in expected.above_limits} == {"calcium_mg", "sodium_mg"}
    at = open_app("views/check.py")
    at.text_area(key="intake_text").set_value(OVER_THE_CEILINGS)
    click(at, "check_run")
    warning = next(w for w in texts(at.warning) if w.startswith("**Above a limit today**"))
    for over in expected.above_limits:
        assert over["text"] in warning                         # how much, above which limit, from which foods
        assert over["top"][0]["name"] in warning
    assert "upper limit (UL)" in warning and "sodium ceiling (CDRR)" in warning   # each kind said in plain words
    salty = next(w for w in texts(at.warning) if "salty" in w.lower() and "Above a limit" not in w)
    title = salty.split("**")[1]
    assert salty.count(title) == 1                             # the limit note's title is said once
    said = " ".join(texts(at.success) + texts(at.info) + texts(at.warning) + texts(at.markdown)).lower()
    assert "every mineral target is met" not in said and "every goal is met" not in said
    assert any("No mineral goal is short today, but calcium and sodium are above their limit" in w
               for w in texts(at.warning))

    at.text_area(key="intake_text").set_value("2 cups milk\n100 g almonds\n4 bananas\n3 baked potatoes\n1 cup yogurt")
    click(at, "check_run")                                     # every goal met and no ceiling crossed: all is well
    assert at.session_state.check_report.above_limits == [] and not at.session_state.check_report.gaps
    assert not [w for w in texts(at.warning) if "limit" in w.lower()]
    assert any("Every mineral target is met today" in s for s in texts(at.success))

def test_the_check_page_shows_calcium_and_of_which_well_absorbed_as_the_cli_does(table):
    """Oxalate greens' calcium is eaten but barely absorbed: the page shows the total and, under it, the part
    that counts toward the goal, the same figures as the day check's report."""
    expected = check_day(parse_text("2 cups spinach cooked\n1 cup milk", table), Profile(), table).status["calcium_mg"]
    assert expected.counted is not None and expected.counted < expected.total - 100
    at = open_app("views/check.py")
    at.text_area(key="intake_text").set_value("2 cups spinach cooked\n1 cup milk")
    click(at, "check_run")
    rows = next(df.value for df in at.dataframe if "Nutrient" in df.value.columns)
    names = list(rows["Nutrient"])
    under = names.index("Calcium") + 1
    assert names[under].strip() == "of which well absorbed"
    assert rows.iloc[under]["Eaten"] == f"{expected.counted:,.0f} mg" and rows.iloc[under]["Status"] == "counts toward the goal"
    assert rows.iloc[under - 1]["Eaten"] == f"{expected.total:,.0f} mg"


def test_check_reads_the_editable_table(table):
    at = open_app("views/check.py")
    at.session_state["intake_editor_0"] = {"edited_rows": {}, "deleted_rows": [],
                                           "added_rows": [{"food": "kefir", "amount": 1, "unit": "cup"}]}
    at.run()
    click(at, "check_run")
    report = at.session_state.check_report
    assert [i.food.id for i in report.items] == [table.find("kefir").id]


def test_check_counts_supplement_lines_typed_or_in_the_table(table):
    at = open_app("views/check.py")
    at.text_area(key="intake_text").set_value("1 banana\n2 Magne B6")
    click(at, "check_run")
    report = at.session_state.check_report
    assert [i.food.id for i in report.items] == [table.find("banana").id]
    assert [(s.text, s.count) for s in report.supplements] == [("2 Magne B6", 2)]
    expected = check_day(parse_text("1 banana", table), Profile(), table, supplements=report.supplements)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Magnesium"] == f"{expected.totals['magnesium_mg']:,.0f} mg"    # the tablets count
    assert any(m.startswith("**Supplements** (counted in the totals)") and "2 Magne B6" in m for m in texts(at.markdown))

    at.text_area(key="intake_text").set_value("")
    at.session_state["intake_editor_0"] = {"edited_rows": {}, "deleted_rows": [], "added_rows": [
        {"food": "Magne B6", "amount": 2, "unit": None}, {"food": "kefir", "amount": 1, "unit": "cup"}]}
    at.run()
    click(at, "check_run")                                     # a table row may name a supplement too
    report = at.session_state.check_report
    assert [i.food.id for i in report.items] == [table.find("kefir").id]
    assert [(s.name, s.count) for s in report.supplements] == [("Magne B6 (Sanofi)", 2)]

    at.session_state["intake_editor_0"] = {"edited_rows": {}, "deleted_rows": [], "added_rows": [
        {"food": "zorbles", "amount": 1, "unit": None}, {"food": "magnesium tablet", "amount": 1, "unit": None}]}
    at.run()
    click(at, "check_run")                                     # a supplement without its strength: row 2 says so
    assert at.session_state.check_report is None
    assert any(e.startswith("Table row 2:") for e in texts(at.error)) and any("zorbles" in e for e in texts(at.error))


def test_check_names_each_bad_line_and_shows_no_report():
    at = open_app("views/check.py")
    at.text_area(key="intake_text").set_value("2 bananas\n3 zorbles\n-1 cup milk")
    click(at, "check_run")
    errors = texts(at.error)
    assert any("line 2" in e and "zorbles" in e for e in errors)
    assert any("line 3" in e for e in errors)
    assert at.session_state.check_report is None
    click(at, "check_run")
    at.text_area(key="intake_text").set_value("")
    click(at, "check_run")
    assert any("Nothing to check" in e for e in texts(at.error))


# --- Foods -----------------------------------------------------------------------------------------------

def test_foods_search_top_filters_and_articles(table):
    at = open_app("views/foods.py")
    at.text_input(key="foods_query").set_value("bananas")
    at.run()
    assert_clean(at)
    found = at.dataframe[0].value
    assert "Banana, raw" in list(found["Food"])

    at.selectbox(key="foods_diet").set_value("vegan")
    at.selectbox(key="foods_nutrient").set_value("calcium_mg")
    at.radio(key="foods_per").set_value("portion")
    at.run()
    assert_clean(at)
    top = next(df.value for df in at.dataframe if any("per portion" in c for c in df.value.columns))
    names = set(top["Food"])
    by_name = {f.name: f for f in table}
    assert names and all("vegan" in by_name[n].tags and not by_name[n].limit for n in names)
    values = top[[c for c in top.columns if "per portion" in c][0]]
    assert list(values) == sorted(values, reverse=True)

    labels = [e.label for e in at.expander]
    assert any(label.startswith("article 000: ") for label in labels)
    limit_text = " ".join(texts(at.markdown))
    assert "Coffee" in limit_text and "article 00" in " ".join(texts(at.caption))

    at.selectbox(key="foods_pick").set_value("coffee")
    at.run()
    assert_clean(at)
    assert any("limit" in w for w in texts(at.warning))



def test_foods_per_portion_is_the_usual_serving_everywhere_on_the_page(table):
    """'Per portion' is one usual serving (3 oz of salmon, 2 cups of raw spinach), in the ranking, the search and
    the food's own table; the words are the serving's, never '1 3 oz ...'. (The words' exact wording is the food
    table's; here the grams and names are checked.)"""
    at = open_app("views/foods.py")
    at.selectbox(key="foods_nutrient").set_value("calcium_mg")
    at.radio(key="foods_per").set_value("portion")
    at.number_input(key="foods_count").set_value(40)
    at.run()
    assert_clean(at)
    top = next(df.value for df in at.dataframe if any("per portion" in c for c in df.value.columns))
    value = next(c for c in top.columns if "per portion" in c)
    by_name = {f.name: f for f in table}
    assert any(by_name[n].default_grams != by_name[n].portion_grams for n in top["Food"])   # the case that matters
    for name, portion, calcium in zip(top["Food"], top["Portion"], top[value], strict=True):
        food = by_name[name]
        assert portion.endswith(f"({food.default_grams:.0f} g)"), (name, portion)
        assert not portion.startswith("1 ") or not portion[2].isdigit(), portion          # not '1 3 oz ...'
        assert math.isclose(calcium, food.nutrients["calcium_mg"] * food.default_grams / 100, rel_tol=1e-9)

    spinach = table.get("spinach")
    assert spinach.default_grams != spinach.portion_grams                  # 2 cups: one measure is not a serving
    at.text_input(key="foods_query").set_value("spinach")
    at.selectbox(key="foods_pick").set_value("spinach")
    at.run()
    assert_clean(at)
    found = at.dataframe[0].value
    row = found[found["Food"] == spinach.name].iloc[0]
    assert row["Portion"].endswith(f"({spinach.default_grams:.0f} g)")
    assert any(c.endswith(f"one portion is {spinach.portion_text(spinach.default_grams)}") for c in texts(at.caption))
    detail = next(df.value for df in at.dataframe if "Per portion" in df.value.columns).set_index("Nutrient")
    assert math.isclose(detail.loc["Calcium", "Per portion"], spinach.nutrients["calcium_mg"] * spinach.default_grams
                        / 100, rel_tol=1e-9)
    assert math.isclose(detail.loc["Calcium", "Per 100 g"], spinach.nutrients["calcium_mg"], rel_tol=1e-9)

# --- Shopping list ---------------------------------------------------------------------------------------

@pytest.fixture
def served(monkeypatch) -> dict:
    """What the download buttons serve, by file name: bytes, or the callable of a deferred download."""
    files: dict = {}
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def keep(self, data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        files[file_name] = data
        return add(self, data, mimetype, coordinates, file_name, is_for_static_download)

    def keep_deferred(self, make, mimetype, coordinates, file_name=None, **kw):
        files[file_name] = make
        return add_deferred(self, make, mimetype, coordinates, file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add", keep)
    monkeypatch.setattr(MediaFileManager, "add_deferred", keep_deferred)
    return files


@pytest.mark.slow
def test_shopping_list_by_aisle_with_pantry_ticks_and_downloads(table, served):
    at = generated(open_app())
    at.switch_page("views/shopping.py")
    at.run()
    assert_clean(at)
    plan = at.session_state.plan
    full = shopping_list(plan, table)
    assert len(at.checkbox) == len(full.items)
    aisles = [label for _, label, _ in full.by_aisle()]
    assert [s.value for s in at.subheader if s.value in aisles] == aisles
    assert {"Excel workbook", "List as CSV", "List as text"} == {b.proto.label for b in at.get("download_button")}

    first = full.items[0]
    at.checkbox(key=f"pantry_{first.food_id}").check()
    at.run()
    assert_clean(at)
    assert at.session_state.pantry == {first.food_id}
    # what the buttons serve: the workbook (made on the click) and the CSV, both without what is at home
    book = load_workbook(io.BytesIO(served["mineral-planner-week.xlsx"]()))
    assert book.sheetnames == ["Shopping list", "Meal plan", "Nutrients", "About"]
    names = [row[1] for row in book["Shopping list"].iter_rows(min_row=2, values_only=True)]
    to_buy, at_home = names[:names.index("Total (estimated)")], names[names.index("Already at home (not to buy)"):]
    assert first.label not in to_buy and full.items[1].label in to_buy and first.label in at_home
    rows = list(csv.DictReader(io.StringIO(served["shopping-list.csv"].decode())))
    assert {r["status"] for r in rows if r["item"] == first.label} == {"pantry"}
    assert len([r for r in rows if r["status"] == "buy"]) == len(full.items) - 1
    # the ticks are kept when the person looks at another page and comes back
    at.switch_page("views/plan.py")
    at.run()
    at.switch_page("views/shopping.py")
    at.run()
    assert at.checkbox(key=f"pantry_{first.food_id}").value


def test_shopping_list_without_a_plan_points_to_the_plan_page():
    at = open_app("views/shopping.py")
    assert any("Make a plan first" in i for i in texts(at.info))


# --- frames and charts (pure) ----------------------------------------------------------------------------

def test_plan_frames_agree_with_the_plans_own_totals(table, default_plan):
    items = frames.plan_items_frame(default_plan, table)
    for d in default_plan.days:
        totals = day_totals(table, d)
        for n in frames.MINERALS:
            assert math.isclose(items.loc[items["day"] == d.index, n].sum(), totals[n], rel_tol=1e-9)
    pct = frames.day_percent(default_plan, items)
    lo, _ = frames.plan_target(default_plan, "magnesium_mg")
    row = pct[(pct["day"] == 0) & (pct["key"] == "magnesium_mg")].iloc[0]
    assert row["percent"] == round(100 * day_totals(table, default_plan.days[0])["magnesium_mg"] / lo)
    grid = frames.week_grid(default_plan)
    assert list(grid.columns) == ["Day 1", "Day 2"] and len(grid) == 5


def test_charts_draw_the_target_lines(table, default_plan):
    items = frames.plan_items_frame(default_plan, table)
    long = frames.meal_totals(items)
    spec = charts.meals_against_target(long[long["nutrient"] == "calcium_mg"], "Calcium", "mg", 1000, 2500).to_dict()
    lines = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
    assert lines and {v["value"] for v in spec["datasets"][lines[0]["data"]["name"]]} == {1000, 2500}
    heat = charts.week_heatmap(frames.day_percent(default_plan, items)).to_dict()
    assert heat["layer"][0]["mark"]["type"] == "rect"
    history = pd.DataFrame({"date": pd.to_datetime(["2024-03-01", "2024-03-02"]), "nutrient": ["Calcium"] * 2,
                            "percent": [80, 105]})
    assert charts.diary_history(history).to_dict()["layer"][1]["mark"]["type"] == "rule"


def test_a_chart_spec_made_once_carries_each_plans_own_data(table, default_plan):
    items = frames.plan_items_frame(default_plan, table)
    pct = frames.day_percent(default_plan, items)
    spec = charts.spec(charts.week_heatmap, pct)
    built = charts.week_heatmap(pct).to_dict()
    assert {k: v for k, v in spec.items() if k not in ("datasets", "usermeta")} == \
        {k: v for k, v in built.items() if k not in ("datasets", "data")} | {"data": spec["data"]}
    assert spec["usermeta"]["embedOptions"]["renderer"] == "canvas"     # one element to redraw, not 400 nodes
    assert spec["datasets"][spec["data"]["name"]] is pct          # the frame itself, handed to Streamlit as Arrow
    other = pct.assign(percent=pct["percent"].map(lambda p: None if p is None else p + 1))
    again = charts.spec(charts.week_heatmap, other)
    assert again["datasets"][again["data"]["name"]] is other and spec["datasets"][spec["data"]["name"]] is pct


def test_day_texts_list_each_meal_with_its_portions_and_the_days_minerals(table, default_plan):
    items = frames.plan_items_frame(default_plan, table)
    pct = frames.day_percent(default_plan, items)
    texts_ = frames.day_texts(default_plan, items, pct)
    assert len(texts_) == len(default_plan.days)
    menu, minerals = texts_[0].menu, texts_[0].minerals
    assert len(texts_[0].blocks) == len(default_plan.days[0].meals) + 1     # a block a meal, then the fluids
    for m in default_plan.days[0].meals:
        assert f"**{m.label}**" in menu
        for it in m.items:
            assert f"**{it.name}**: {it.portion}" in menu
    totals = day_totals(table, default_plan.days[0])
    assert f"Magnesium {totals['magnesium_mg']:,.0f} mg" in minerals
    assert f"Protein {totals['protein_g']:,.0f} g" in minerals      # beside the minerals, as the text plan
    protein_min = default_plan.targets["nutrients"]["protein_g"]["min"]
    assert f"Protein {totals['protein_g']:,.0f} g (at least {protein_min:,.0f} g)" in minerals   # and its target
    assert minerals.endswith(f"{totals['energy_kcal']:,.0f} of {default_plan.targets['energy_kcal']:,.0f} kcal")
    assert menu.endswith(f"**Fluids**: {rules_fluids()}") and rules_fluids()    # one line a day, not meal items
    for m in (m for m in default_plan.days[0].meals if m.dish):   # the dish, then its foods in household portions
        block = next(b for b in menu.split("\n\n") if b.startswith(f"**{m.label}**"))
        assert block.splitlines()[0].startswith(f"**{m.label}**: {m.dish} · ")
        assert block.splitlines()[1:] == [f"- {'🔒 ' if it.locked else ''}**{it.name}**: {it.portion}" for it in m.items]


def test_shortfall_sentences_are_plain_words():
    s = Shortfall("magnesium_mg", 320, 280.4, day=2, binding=["energy budget"], help="add a handful of almonds")
    text = frames.shortfall_sentence(s)
    assert text == ("Day 3: magnesium reaches 280 mg of the 320 mg target, 40 mg short. "
                    "What stood in the way: energy budget. Add a handful of almonds.")


def test_the_targets_table_says_what_the_plan_does_with_each_target():
    """Protein's floor and every maximum are kept by the plans, so the table does not say "no" beside them."""
    from dashboard import frames
    from planner.profile import Profile
    from planner.targets import targets_for

    shown = frames.targets_frame(targets_for(Profile(sex="male", age=70))).set_index("Nutrient")["In the plan"]
    assert (shown["Protein"], shown["Magnesium"], shown["Sodium"], shown["Vitamin D"]) == (
        "floor kept", "goal", "maximum kept", "shown only")
