"""Weekly plan: generate a week, see it meal by meal and against the targets, adjust it, save it.

The page is a fragment holding smaller keyed fragments (the week against the targets, the chart, the meals,
the editor, the saved plans). A widget reruns only the fragment it sits in; an adjustment is a button
callback that changes the plan before anything draws and then reruns only the fragments that show what it
changed (RERUN_*): a lock redraws the meals and the editor, not the charts.
"""

from __future__ import annotations

import time

import streamlit as st

from dashboard import charts, frames, state
from planner import edit, optimise
from planner.errors import PlannerError
from planner.plan import SLOT_LABELS, Plan, SolveState, plan_from_dict, plan_to_dict
from planner.render import plural

PAGE = "plan_page"                                   # the whole page under the title (settings, everything)
RERUN_AMOUNTS = ["plan_week", "plan_chart", "plan_meals", "plan_adjust"]   # what an edit of amounts changes
RERUN_LOCKS = ["plan_meals", "plan_adjust"]          # what a lock changes: the 🔒 marks and the editor
table = state.food_table()
ss = st.session_state


def unplanned_days(plan: Plan) -> list[int]:
    return [d.index for d in plan.days if not d.items()]


def generate(days: int, max_days: int, thorough: bool = False) -> None:
    """A new week with the CLI's defaults (its seed, and wall-clock only as a safety cap: the solves stop at
    their deterministic work limits, so the dashboard and `mineral-planner plan` give the same week), with its
    progress shown while it solves."""
    locks = edit.locks_of(ss.plan, days)
    with st.status("Planning your week…", expanded=True) as status:
        status.write(f"Choosing real foods for {plural(days, 'day')} × 5 meals within your energy budget, and "
                     "meeting your calcium, magnesium and potassium targets"
                     + (f"; keeping {plural(len(locks), 'locked food')}" if locks else "")
                     + ("; searching longer for a better week" if thorough else "") + "…")
        started = time.perf_counter()
        plan = optimise.make_plan(state.profile(), table, days=days, locks=locks, max_days_per_food=max_days,
                                  thorough=thorough)
        took = time.perf_counter() - started
        if unplanned_days(plan):
            status.update(label=f"Some days could not be planned ({took:.1f} s)", state="error", expanded=False)
        else:
            status.update(label=f"Planned {plural(days, 'day')} in {took:.1f} s", state="complete", expanded=False)
    state.set_plan(plan)


# --- adjustments (button callbacks: they run before the page draws) ------------------------------------------

def done(result: edit.Edit, rerun: list[str], warning: str = "") -> None:
    """The edit's plan kept, its message, its bad news and any `warning` shown next to the buttons, and only
    the fragments in `rerun` drawn again (the whole page when the edit filled or emptied a day: the settings
    open for it)."""
    before = ss.plan
    ss.plan = result.plan
    state.plan_frames(result.plan)   # worked out before anything is drawn: the redraw then sends its parts at once
    state.flash(result.kind, state.for_people(result.message), "adjust")
    if result.news:
        state.flash("warning", "**Check this:** " + " ".join(result.news), "adjust")
    if warning:
        state.flash("warning", warning, "adjust")
    st.rerun(PAGE if unplanned_days(before) != unplanned_days(result.plan) else rerun)


def item_name(food_id: str) -> str:
    return table.get(food_id).name


@state.guarded("adjust")
def toggle_lock(day: int, slot: str, food_id: str) -> None:
    locked = (day, slot, food_id) in edit.lock_keys(ss.plan)
    done(edit.set_locked(ss.plan, day, slot, food_id, not locked), RERUN_LOCKS)


@state.guarded("adjust")
def unlock_all() -> None:
    done(edit.unlock_all(ss.plan), RERUN_LOCKS)


@state.guarded("adjust")
def change_portion(day: int, slot: str, food_id: str, count_key: str) -> None:
    done(edit.set_portion(ss.plan, table, day, slot, food_id, float(ss[count_key]) * table.get(food_id).portion_grams),
         RERUN_AMOUNTS)


@state.guarded("adjust")
def remove(day: int, slot: str, food_id: str) -> None:
    done(edit.remove(ss.plan, table, day, slot, food_id), RERUN_AMOUNTS)


@state.guarded("adjust")
def regenerate(day: int, slot: str | None) -> None:
    done(edit.regenerate(ss.plan, table, day, slot, profile=state.profile()), RERUN_AMOUNTS)


@state.guarded("adjust")
def never_use(food_id: str) -> None:
    """Add the food to the profile's exclusions, take it out of the week and replan the meals that had it."""
    result = edit.never_use(ss.plan, table, food_id, profile=state.profile())
    state.set_profile(result.profile, ss.profile_name)
    try:
        state.save_profile(ss.profile_name, result.profile)
        unsaved = ""
    except PlannerError as exc:
        unsaved = f"{item_name(food_id)} is excluded for this session, but the profile was not saved: {exc}"
    done(result, [PAGE], unsaved)   # the whole page: its caption names the profile's exclusions


@state.guarded("saved_plans")
def load_plan(name: str) -> None:
    loaded = plan_from_dict(state.store().load_plan(name), table)
    state.set_plan(loaded, name)
    state.flash("success", f"Plan '{name}' loaded.", "saved_plans")
    st.rerun(PAGE)              # a new plan: everything on the page follows it


@state.guarded("saved_plans")
def delete_plan(name: str) -> None:
    state.store().delete_plan(name)
    if ss.plan_name == name:
        ss.plan_name = ""
    state.flash("info", f"Plan '{name}' deleted.", "saved_plans")


@state.guarded("saved_plans")
def save_plan() -> None:
    name = ss.plan_save_name.strip()
    state.store().save_plan(name, plan_to_dict(ss.plan, table))
    ss.plan_name = name
    state.flash("success", f"Plan '{name}' saved.", "saved_plans")


@st.fragment(key="plan_saved")
def saved_plans() -> None:
    """Save the plan on screen under a name; load or delete a saved one (also before any plan is made)."""
    plan: Plan | None = ss.plan
    st.subheader("Saved plans")
    state.show_flash("saved_plans")
    if plan is not None:
        s1, s2 = st.columns([3, 1], vertical_alignment="bottom")
        s1.text_input("Save this plan as", value=ss.plan_name or "my week", key="plan_save_name")
        s2.button("Save", key="plan_save", on_click=save_plan)
    saved = state.store().list_plans()
    if not saved:
        st.caption("No saved plan yet.")
        return
    l1, l2, l3 = st.columns([3, 1, 1], vertical_alignment="bottom")
    choice = l1.selectbox("Saved plans", saved, key="plan_saved_choice")
    l2.button("Load", key="plan_load", on_click=load_plan, args=(choice,))
    l3.button("Delete", key="plan_delete", on_click=delete_plan, args=(choice,))


# --- the page: each part a fragment that reads the plan from the session (a fragment rerun calls it again
# with the arguments of its last run, so no part takes the plan as an argument) ------------------------------

def settings() -> None:
    """Days and variety, and the button that plans the week: open until there is a plan (or the plan needs
    planning again), then folded under the week, which a phone shows first."""
    plan = ss.plan
    box = st.container(border=True) if plan is None else st.expander(
        "Make a new week (days, variety)", expanded=state.plan_stale() or bool(unplanned_days(plan)))
    with box:
        c1, c2 = st.columns(2)
        n_days = c1.number_input("Days", min_value=1, max_value=optimise.MAX_DAYS, value=7, step=1, key="plan_days")
        max_days = c2.number_input("Each food on at most … days", min_value=1, max_value=optimise.MAX_DAYS,
                                   value=optimise.DEFAULT_MAX_DAYS_PER_FOOD, step=1, key="plan_max_days",
                                   help="Variety: how often the same food may come back.")
        thorough = st.toggle("Search longer for a better week", key="plan_thorough",
                             help="A few seconds instead of under one (up to half a minute for a kidney diet): "
                                  "fewer foods to buy, more meals as dishes, days closer to your energy.")
        if st.button("Generate a week" if ss.plan is None else "Generate again", type="primary", key="plan_generate",
                     help="Locked foods stay where they are."):
            generate(int(n_days), int(max_days), thorough)


def summary(plan: Plan) -> None:
    if state.plan_stale():
        st.warning("Your profile changed after this plan was made: press **Generate again** to follow it.")
    status = plan.status
    empty = unplanned_days(plan)
    if empty:
        why = [state.for_people(n) for n in plan.notes if n.startswith(tuple(f"Day {d + 1}:" for d in empty))]
        st.error(f"{'Day' if len(empty) == 1 else 'Days'} {', '.join(str(d + 1) for d in empty)} could not be "
                 "planned." + ("\n" + "\n".join(f"- {w}" for w in why) if why else ""))
    elif status.status == SolveState.TIME_LIMIT:    # the safety cap cut the search: the answer may differ from run to run
        st.info(f"**The last search stopped at its safety time cap**, not at its work limit ({status.message}). "
                "Every hard rule is kept, but on a busy computer the same request may give another answer.")
    if plan.shortfalls:
        st.warning("**Not every target could be met:**\n" + "\n".join(f"- {state.for_people(frames.shortfall_sentence(s))}"
                                                                        for s in plan.shortfalls))
    elif not empty:
        st.success("Every day meets its calcium, magnesium and potassium targets.")
    if plan.notes:      # folded (and drawn only when opened): on a phone the week comes first, the fine print after
        notes = st.expander(f"Notes on this plan ({len(plan.notes)})", key="plan_notes", on_change="rerun")
        if notes.open:
            with notes:
                for note in plan.notes:
                    st.caption(state.for_people(note))


@st.fragment(key="plan_week")
def week_view() -> None:
    """The week against the targets (the heat map), and what the plan says about itself."""
    plan: Plan = ss.plan
    st.vega_lite_chart(spec=charts.spec(charts.week_heatmap, state.plan_frames(plan).day_pct), width="stretch")
    summary(plan)


@st.fragment(key="plan_chart")
def meal_chart() -> None:
    # one mineral at a time (tabs would draw all three on every change, and the browser would redraw them all)
    plan: Plan = ss.plan
    long = state.plan_frames(plan).meal_minerals
    state.persist("plan_chart_mineral", frames.MINERALS[0])
    key = st.segmented_control("Each day's minerals by meal, against the daily target (dashed)", frames.MINERALS,
                               format_func=frames.nutrient_name, key="plan_chart_mineral") or frames.MINERALS[0]
    lo, hi = frames.plan_target(plan, key)
    st.vega_lite_chart(spec=charts.spec(charts.meals_against_target, long[long["nutrient"] == key],
                                        frames.nutrient_name(key), frames.unit_of(key), lo, hi), width="stretch")


@st.fragment(key="plan_meals")
def meals() -> None:
    plan: Plan = ss.plan
    # only the open day is drawn: choosing another day reruns this fragment alone. The day is picked with one
    # radio, not tabs, and its menu is one element: each element an edit sends is one more update of the page
    # in the browser (seven tabs were eight), and that, not the words in it, is what an adjustment waits for
    labels = [d.label for d in plan.days]
    state.persist("plan_meals_day", labels[0])
    if ss.plan_meals_day not in labels:          # a shorter week than the day picked before
        ss.plan_meals_day = labels[0]
    picked = st.radio("Day", labels, key="plan_meals_day", horizontal=True, label_visibility="collapsed")
    text = state.plan_frames(plan).day_texts[labels.index(picked)]
    st.markdown(text.menu)
    st.caption(text.minerals)
    grid = st.expander("Week at a glance (table)", key="plan_week_grid", on_change="rerun")
    if grid.open:
        with grid:
            st.dataframe(frames.week_grid(plan), width="stretch")


@st.fragment(key="plan_adjust")
def adjust() -> None:
    plan: Plan = ss.plan
    a1, a2, a3 = st.columns(3)
    day_index = a1.selectbox("Day", [d.index for d in plan.days], format_func=lambda i: f"Day {i + 1}", key="adj_day")
    day = plan.days[[d.index for d in plan.days].index(day_index)]
    slot = a2.selectbox("Meal", [m.slot for m in day.meals], format_func=lambda s: SLOT_LABELS.get(s, s),
                        key="adj_slot")
    meal = day.meal(slot)
    food_id = a3.selectbox("Food", [it.food_id for it in meal.items], key="adj_food", index=0 if meal.items else None,
                           format_func=item_name, placeholder="this meal is empty")
    if food_id is not None:
        item = next(it for it in meal.items if it.food_id == food_id)
        food = table.get(food_id)
        with st.container(border=True):
            st.markdown(f"**{food.name}** in {meal.label.lower()}, {day.label}: {item.portion}"
                        + (" · 🔒 locked" if item.locked else ""))
            p1, p2 = st.columns([2, 1], vertical_alignment="bottom")
            now = max(float(food.step), round(item.grams / food.portion_grams / food.step) * food.step)
            # the key carries the grams, so a regenerated or changed item starts from its own amount
            count_key = f"adj_count_{day_index}_{slot}_{food_id}_{item.grams:g}"
            p1.number_input(f"Portions (1 portion = 1 {food.portion_label}, {food.portion_grams:g} g)",
                            min_value=float(food.step), max_value=max(now, float(food.max_steps * food.step * 3)),
                            value=now, step=float(food.step), format="%g", key=count_key)
            p2.button("Set portion", key="adj_set_portion", on_click=change_portion,
                      args=(day_index, slot, food_id, count_key))
            actions = st.container(horizontal=True)   # one block, not four columns: fewer elements to redraw
            actions.button("Unlock" if item.locked else "Lock (keep it)", key="adj_lock", on_click=toggle_lock,
                      args=(day_index, slot, food_id),
                      help="A locked food stays when you regenerate its meal, its day or the week.")
            actions.button("Remove", key="adj_remove", on_click=remove, args=(day_index, slot, food_id))
            actions.button("Never use it", key="adj_exclude", on_click=never_use, args=(food_id,),
                      help="Adds it to your profile's exclusions and replans the meals that had it.")
    again = st.container(horizontal=True)
    again.button(f"Regenerate {meal.label.lower()}, {day.label}", key="adj_regen_meal", on_click=regenerate,
              args=(day_index, slot), help="New foods for this meal; locked foods and the rest of the week stay.")
    again.button(f"Regenerate all of {day.label}", key="adj_regen_day", on_click=regenerate, args=(day_index, None),
              help="A new day; locked foods and the other days stay.")
    n_locked = len(edit.locks_of(plan))
    if n_locked:
        again.button(f"Unlock all ({n_locked} locked)", key="plan_unlock_all", on_click=unlock_all,
                  help="Every food may change again when you regenerate.")
    state.show_flash("adjust")


@st.fragment(key=PAGE)
def plan_page() -> None:
    """Everything under the title. A fragment: Generate reruns only this, not the app around it (the
    navigation, the sidebar, the disclaimer)."""
    p = state.profile()
    never = f", never {', '.join(state.exclude_word(w) for w in p.exclude)}" if p.exclude else ""
    st.caption(f"For {ss.profile_name}: {state.profile_words(p)}{never}. Change it under **Profile and targets**.")
    week = st.container()     # the week and how it meets the targets first; filled once the plan is known
    settings()
    if ss.plan is None:
        st.info("No plan yet: press **Generate a week**.")
    else:
        # the headings stay outside the parts an edit redraws: they never change, and each element an edit sends
        # is one more for the browser to lay out
        with week:
            st.subheader("The week against your targets")
            st.caption("% of each day's target: green is met, red is far below.")
            week_view()
        meal_chart()
        st.subheader("Meals")
        meals()
        st.subheader("Change something")
        st.caption("Pick a day, a meal and a food. A locked food stays when you regenerate its meal, its day or the "
                   "week.")
        adjust()
    saved_plans()


st.title("Weekly plan")
plan_page()
