"""The dashboard keeps nobody's data from being overwritten and speaks plain words (issue: trust): a profile
needs a name and saving over another asks first, a weight can be cleared, an edit's bad news stands by its
button, and no internal word (AMDR, afternoon_snack, weight_kg, raw food ids) reaches the screen."""

from __future__ import annotations

import pytest
from test_dashboard import click, generated, open_app, submit_profile, texts

from planner.plan import day_totals
from planner.profile import Profile
from planner.store import Store

# --- profiles: named, never saved over another without asking, a weight that can be cleared ------------------

def test_a_profile_without_a_name_is_not_saved_and_the_message_stands_by_the_name():
    at = open_app()
    at.text_input(key="pf_name").set_value("   ")
    submit_profile(at)
    assert Store().list_profiles() == []
    error = next(e for e in texts(at.error) if "give it a name" in e)
    assert "not saved" in error
    order = [getattr(e, "key", None) or e.type for e in at.main]
    assert order[order.index("pf_name") + 1] == "error"


def test_saving_under_another_saved_profiles_name_asks_first_and_cancel_keeps_it():
    Store().save_profile("dad", Profile(sex="male", age=72).to_dict())
    Store().save_profile("me", Profile(sex="female", age=40).to_dict())
    at = open_app()                                          # 'me' is in use
    at.text_input(key="pf_name").set_value("dad")
    at.number_input(key="pf_age").set_value(30)
    submit_profile(at)
    assert Store().load_profile("dad")["age"] == 72          # not yet
    assert any("A profile named 'dad' is already saved. Replace it" in w for w in texts(at.warning))
    click(at, "pf_cancel")
    assert Store().load_profile("dad")["age"] == 72 and at.session_state.profile_name == "me"
    assert any("Choose another name to keep both" in i for i in texts(at.info))

    at.text_input(key="pf_name").set_value("dad")
    submit_profile(at)
    click(at, "pf_replace")
    assert Store().load_profile("dad")["age"] == 30 and at.session_state.profile_name == "dad"
    assert any("'dad' saved" in s for s in texts(at.success))
    # the profile in use is saved again under its own name without a question
    at.number_input(key="pf_age").set_value(31)
    submit_profile(at)
    assert Store().load_profile("dad")["age"] == 31 and "pf_replace" not in [b.key for b in at.button]


def test_a_saved_weight_and_height_can_be_cleared():
    Store().save_profile("me", Profile(sex="female", age=40, weight_kg=70, height_cm=165).to_dict())
    at = open_app()
    assert at.number_input(key="pf_weight").value == 70.0        # the form shows the saved weight
    at.number_input(key="pf_weight").set_value(None)
    at.number_input(key="pf_height").set_value(None)
    submit_profile(at)
    saved = Store().load_profile("me")
    assert saved.get("weight_kg") is None and saved.get("height_cm") is None
    assert at.session_state.profile.weight_kg is None
    again = open_app()
    assert again.number_input(key="pf_weight").value is None


# --- bad news stands by the button, in words ---------------------------------------------------------------

def order_of(at) -> list[str]:
    return [getattr(e, "key", None) or e.type for e in at.main]


@pytest.mark.slow
def test_a_portion_cut_that_leaves_a_day_short_says_so_next_to_the_buttons(table):
    at = generated(open_app())
    slot, item = biggest(at.session_state.plan, table)
    at.selectbox(key="adj_slot").set_value(slot)
    at.run()
    at.selectbox(key="adj_food").set_value(item.food_id)
    at.run()
    counter = next(n for n in at.number_input if n.key and n.key.startswith("adj_count_"))
    counter.set_value(counter.min)
    click(at, "adj_set_portion")
    kcal = day_totals(table, at.session_state.plan.days[0])["energy_kcal"]
    lo, hi = at.session_state.plan.targets["energy_range_kcal"]
    assert kcal < lo
    news = next(w for w in texts(at.warning) if w.startswith("**Check this:**"))
    assert f"Day 1 now has {kcal:,.0f} kcal, below your {lo:,.0f}-{hi:,.0f} kcal range." in news
    order = order_of(at)
    after_buttons = order[order.index("adj_regen_day") + 1:]
    assert "warning" in after_buttons[:3]                       # right under the buttons, not a grey caption


def biggest(plan, table, day: int = 0):
    """(slot, item) of the day's item with the most energy."""
    return max(((m.slot, it) for m in plan.days[day].meals for it in m.items),
               key=lambda p: table.frame.loc[p[1].food_id, "energy_kcal"] * p[1].grams)


@pytest.mark.slow
def test_never_use_without_a_replacement_names_the_days_now_short(table, monkeypatch):
    import planner.edit

    at = generated(open_app())
    monkeypatch.setattr(planner.edit, "regenerate_plan", lambda plan, *a, **k: plan)   # no replacement found
    slot, item = biggest(at.session_state.plan, table)
    at.selectbox(key="adj_slot").set_value(slot)
    at.run()
    at.selectbox(key="adj_food").set_value(item.food_id)
    at.run()
    click(at, "adj_exclude")
    plan = at.session_state.plan
    assert item.food_id not in {it.food_id for it in plan.items()}
    news = next(w for w in texts(at.warning) if w.startswith("**Check this:**"))
    kcal = day_totals(table, plan.days[0])["energy_kcal"]
    lo, hi = plan.targets["energy_range_kcal"]
    assert kcal < lo and f"Day 1 now has {kcal:,.0f} kcal, below your {lo:,.0f}-{hi:,.0f} kcal range." in news
    assert any("found no replacement in time" in w for w in texts(at.warning))
    assert all("replanned" not in s for s in texts(at.success))                  # no green all-clear
    # the notes describe the week as it is now, not before the change (another day may end at the same kcal)
    day_1 = [n for n in plan.notes if n.startswith("Day 1 after your edit:")]
    assert len(day_1) == 1 and day_1[0].startswith(f"Day 1 after your edit: energy {kcal:,.0f} kcal outside")


# --- no internal words on screen -----------------------------------------------------------------------------

INTERNAL = ("AMDR", "_snack", "1 days", "weight_kg", "height_cm", "energy_kcal", "green_onions", "whole_wheat")


def on_screen(at) -> str:
    kinds = ("markdown", "caption", "warning", "success", "info", "error", "subheader", "title")
    return "\n".join(t for kind in kinds for t in texts(getattr(at, kind)))


@pytest.mark.slow
def test_no_internal_words_on_the_plan_page_of_a_hard_week():
    Store().save_profile("me", Profile(sex="female", age=40, diet="vegan").to_dict())
    at = open_app("views/plan.py")
    at.number_input(key="plan_max_days").set_value(1)        # variety that binds: "each food on at most 1 day"
    at.run()
    click(at, "plan_generate")
    food_id = at.selectbox(key="adj_food").value
    click(at, "adj_exclude")
    at.session_state["plan_notes"] = True                    # the folded notes too
    at.run()
    shown = on_screen(at)
    assert "Not every target could be met" in shown or "Every day meets" in shown
    assert not [w for w in INTERNAL if w in shown], [w for w in INTERNAL if w in shown]
    assert f", {food_id}." not in shown and at.session_state.plan is not None   # the caption names the food


def test_a_typo_suggests_foods_by_name_not_by_id(table):
    at = open_app("views/check.py")
    at.text_area(key="intake_text").set_value("1 onionz grn")
    click(at, "check_run")
    error = next(e for e in texts(at.error) if "Did you mean" in e)
    assert table.get("green_onions").name in error and "green_onions" not in error
    names = {f.name for f in table.foods.values()}
    at.text_area(key="intake_text").set_value("blorp 3 cups")      # suggested names with commas in them
    click(at, "check_run")
    error = next(e for e in texts(at.error) if "Did you mean" in e)
    suggested = error.split("Did you mean: ", 1)[1].removesuffix("?").split("; ")
    assert len(suggested) > 1 and set(suggested) <= names, suggested


def test_day_check_notes_speak_of_the_form():
    at = open_app("views/check.py")
    at.text_area(key="intake_text").set_value("1 banana")
    click(at, "check_run")
    assert not [w for w in INTERNAL if w in on_screen(at)]


# --- the Foods page says why a search shows nothing ------------------------------------------------------------

def test_searching_salt_with_limit_foods_hidden_names_the_toggle(table):
    at = open_app("views/foods.py")
    at.text_input(key="foods_query").set_value("salt")
    at.run()
    said = next(w for w in texts(at.warning) + texts(at.info)
                if w.startswith(("No food matches 'salt'", "Also matching 'salt'")))
    assert table.get("salt").name in said and "Include foods the articles say to limit" in said
    at.toggle(key="foods_for_profile").set_value(False)
    at.run()
    at.toggle(key="foods_show_limit").set_value(True)
    at.run()
    assert table.get("salt").name in list(at.dataframe[0].value["Food"])
    at.text_input(key="foods_query").set_value("zzzzqqq")
    at.run()
    assert "No food matches 'zzzzqqq'." in texts(at.warning)


# --- the plan page: the week first, the fine print folded ------------------------------------------------------

@pytest.mark.slow
def test_the_plan_page_shows_the_heat_map_before_the_settings_and_folds_the_notes():
    at = generated(open_app())
    at.run()                                                  # the page as drawn for a plan
    order = [getattr(e, "key", None) or e.type for e in at.main]
    assert order.index("vega_lite_chart") < order.index("plan_generate")
    notes = next(e for e in at.expander if e.label.startswith("Notes on this plan"))
    assert not notes.proto.expanded and not texts(notes.caption)      # folded, and drawn only when opened
    settings = next(e for e in at.expander if e.label.startswith("Make a new week"))
    assert not settings.proto.expanded
    at.session_state["plan_notes"] = True
    at.run()
    notes = next(e for e in at.expander if e.label.startswith("Notes on this plan"))
    assert len(texts(notes.caption)) == len(at.session_state.plan.notes)


def test_the_diary_chart_ticks_once_a_day():
    import pandas as pd

    from dashboard import charts

    frame = pd.DataFrame({"date": pd.to_datetime(["2026-11-27", "2026-11-28"]), "nutrient": ["Calcium"] * 2,
                          "percent": [80, 90]})
    axis = charts.diary_history(frame).to_dict()["layer"][0]["encoding"]["x"]
    assert axis["timeUnit"] == "yearmonthdate" and axis["axis"]["tickCount"] == {"interval": "day", "step": 1}


def test_the_diary_on_screen_is_the_current_profiles_own():
    import datetime as dt

    store = Store()
    store.save_profile("me", Profile(sex="female", age=40).to_dict())
    item = [{"food_id": "banana", "ndb": "09040", "grams": 118.0, "portion": "1 medium banana"}]
    day = dt.date.today() - dt.timedelta(days=1)
    store.save_day(day, item, {"calcium_mg": 6.0}, "mine", profile="me")
    store.save_day(day, item, {"calcium_mg": 6.0}, "the kid's", profile="kid")
    at = open_app("views/check.py")
    notes = list(next(df.value for df in at.dataframe if "Note" in df.value.columns)["Note"])
    assert notes == ["mine"]
    at.text_area(key="intake_text").set_value("1 banana")
    click(at, "check_run")
    click(at, "diary_save")
    assert [d.note for d in store.diary(profile="kid")] == ["the kid's"]     # another person's day untouched


def test_a_meal_named_by_its_id_reads_as_its_label():
    from dashboard.state import for_people

    said = for_people("no meal 'afternoon_snack'; meals are breakfast, morning_snack, lunch, afternoon_snack, dinner")
    assert "_snack" not in said and "no meal 'afternoon snack'" in said and "morning snack, lunch" in said
