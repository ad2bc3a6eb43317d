"""The plan page answers an adjustment by redrawing only what it changed (issue 13), through Streamlit's AppTest.

How fast that is in a real browser is measured by benchmarks/dashboard_speed.py, not here: these tests prove
which parts an adjustment redraws, that the plan's amounts are reused when only a lock changed, and that the
long-lived objects are frozen so Streamlit's collection after every run stays short.
"""

from __future__ import annotations

import gc

import pandas as pd
import streamlit as st
from test_dashboard import assert_clean, click, generated, open_app, texts

from dashboard import frames, state
from planner import edit
from planner.errors import PlannerError


def reruns(monkeypatch) -> list:
    """The scope of every st.rerun the page's callbacks ask for (the rerun itself still happens)."""
    asked = []
    real = st.rerun

    def spy(scope="app"):
        asked.append(scope)
        real(scope)

    monkeypatch.setattr(st, "rerun", spy)
    return asked


def test_a_lock_redraws_the_meals_and_the_editor_and_reuses_the_plans_amounts(monkeypatch):
    at = generated(open_app())
    asked = reruns(monkeypatch)
    before = at.session_state["_plan_frames"][2]
    assert "🔒" not in before.day_texts[0].menu
    click(at, "adj_lock")
    assert asked == [["plan_meals", "plan_adjust"]]          # not the heat map, the chart or the settings
    after = at.session_state["_plan_frames"][2]
    assert after.items is before.items and after.day_pct is before.day_pct   # the amounts did not change
    assert after.meal_minerals is before.meal_minerals
    assert "🔒" in after.day_texts[0].menu                        # the menu text did
    assert any("🔒" in m for m in texts(at.markdown))
    click(at, "plan_unlock_all")                               # beside the lock now, with the editor's messages
    assert asked[-1] == ["plan_meals", "plan_adjust"]
    assert not edit.locks_of(at.session_state.plan) and any("unlocked" in s for s in texts(at.success))


def test_an_edit_of_amounts_redraws_the_charts_too_and_never_use_the_whole_page(monkeypatch):
    at = generated(open_app())
    asked = reruns(monkeypatch)
    before = at.session_state["_plan_frames"][2]
    click(at, "adj_remove")
    assert asked == [["plan_week", "plan_chart", "plan_meals", "plan_adjust"]]
    after = at.session_state["_plan_frames"][2]
    assert after.items is not before.items and len(after.items) == len(before.items) - 1
    click(at, "adj_exclude")                                   # the caption above names the profile's exclusions
    assert asked[-1] == ["plan_page"]
    food = at.session_state.profile.exclude[-1]
    assert any(state.exclude_word(food) in c for c in texts(at.caption))


def test_an_edit_that_fails_redraws_only_the_editor_with_its_message(monkeypatch):
    at = generated(open_app())
    asked = reruns(monkeypatch)

    def refuse(*args, **kwargs):
        raise PlannerError("that food cannot be locked here")

    monkeypatch.setattr(edit, "set_locked", refuse)
    plan = at.session_state.plan
    click(at, "adj_lock")
    assert asked == [] and at.session_state.plan is plan     # no keyed rerun: the editor's own fragment reruns
    assert any("cannot be locked" in e for e in texts(at.error))


def test_switching_the_day_shows_its_menu_and_the_table_opens_on_demand():
    at = generated(open_app())
    plan = at.session_state.plan
    day_texts = at.session_state["_plan_frames"][2].day_texts
    shown = texts(at.markdown)
    assert day_texts[0].menu in shown and day_texts[1].menu not in shown  # only the open day is sent
    at.session_state["plan_meals_day"] = plan.days[1].label
    at.run()
    assert_clean(at)
    shown = texts(at.markdown)
    assert day_texts[1].menu in shown and day_texts[0].menu not in shown
    assert day_texts[1].minerals in texts(at.caption)


def test_meal_totals_keep_a_meal_of_unknown_values_unknown():
    items = pd.DataFrame({
        "day": [0, 0, 0, 1], "day_label": ["Day 1", "Day 1", "Day 1", "Day 2"],
        "slot": ["dinner", "breakfast", "dinner", "breakfast"], "meal": ["Dinner", "Breakfast", "Dinner", "Breakfast"],
        "calcium_mg": [100.0, float("nan"), 50.0, 20.0], "magnesium_mg": [float("nan"), float("nan"), 5.0, 1.0],
    })
    long = frames.meal_totals(items, nutrients=("calcium_mg", "magnesium_mg"))
    assert list(zip(long["day"], long["slot"], long["nutrient"], strict=True)) == [
        (0, "breakfast", "calcium_mg"), (0, "breakfast", "magnesium_mg"), (0, "dinner", "calcium_mg"),
        (0, "dinner", "magnesium_mg"), (1, "breakfast", "calcium_mg"), (1, "breakfast", "magnesium_mg")]
    assert long["amount"].isna().tolist() == [True, True, False, False, False, False]   # unknown, never zero
    assert long["amount"].dropna().tolist() == [150.0, 5.0, 20.0, 1.0]


def test_after_a_run_that_loaded_modules_the_collection_skips_the_long_lived_objects(tmp_path, monkeypatch):
    open_app("views/plan.py")
    assert gc.get_freeze_count() > 0                           # the app froze what its first run loaded
    state.keep_collections_quick()
    frozen = gc.get_freeze_count()
    state.keep_collections_quick()                             # nothing new loaded: no collection, nothing frozen
    assert gc.get_freeze_count() == frozen
    # lists, not object(): a bare object() holds no references, so the collector never tracks (or freezes) it
    (tmp_path / "dashfast_probe.py").write_text("KEPT = [[] for _ in range(1000)]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import dashfast_probe

    state.keep_collections_quick()
    assert gc.get_freeze_count() >= frozen + 1000
    assert not any(o is dashfast_probe.KEPT for o in gc.get_objects())    # a full collection no longer scans it


def test_regenerating_a_meal_changes_that_meals_words_and_works_the_frames_out_before_drawing(monkeypatch):
    at = generated(open_app())
    before = at.session_state["_plan_frames"][2].day_texts
    slot = at.selectbox(key="adj_slot").value
    made = []
    real = state.plan_frames
    monkeypatch.setattr(state, "plan_frames", lambda plan: made.append(plan) or real(plan))
    click(at, "adj_regen_meal")
    assert made and made[0] is at.session_state.plan            # the callback made them, before any part drew
    after = at.session_state["_plan_frames"][2].day_texts
    assert after[1:] == before[1:]                               # the other days' menus are the same text
    changed = [i for i, (a, b) in enumerate(zip(before[0].blocks, after[0].blocks, strict=True)) if a != b]
    meal_index = [m.slot for m in at.session_state.plan.days[0].meals].index(slot)
    assert changed in ([], [meal_index])                         # that meal's words, and no other meal's
    assert after[0].menu in texts(at.markdown)
