"""Weekly plan: generate a week, see it meal by meal and against the targets, adjust it, save it."""

from __future__ import annotations

import time
from dataclasses import replace

import streamlit as st

from dashboard import charts, frames, state
from planner import model
from planner.plan import SLOT_LABELS, Plan, plan_from_dict, plan_to_dict
from planner.profile import profile_from_dict

FIRST_PLAN_SECONDS = 2.5   # the week appears within 3 s; a longer search is one click away
ADJUST_SECONDS = 0.9       # an adjustment answers within 1 s
table = state.food_table()
ss = st.session_state


def locks_of(plan: Plan | None, days: int | None = None) -> tuple[model.Lock, ...]:
    """The plan's locked items as locks (the items' flags are the one record of what is locked)."""
    if plan is None:
        return ()
    return tuple(model.Lock(d.index, m.slot, it.food_id, it.grams) for d in plan.days for m in d.meals
                 for it in m.items if it.locked and (days is None or d.index < days))


def generate(days: int, max_days: int, seconds: float) -> None:
    locks = locks_of(ss.plan, days)
    with st.status("Planning your week…", expanded=True) as status:
        status.write(f"Choosing real foods for {days} day{'s' if days > 1 else ''} × 5 meals within your energy "
                     "budget, and meeting your calcium, magnesium and potassium targets"
                     + (f"; keeping {len(locks)} locked food{'s' if len(locks) > 1 else ''}" if locks else "") + "…")
        started = time.perf_counter()
        plan = model.make_plan(state.profile(), table, days=days, locks=locks, max_days_per_food=max_days,
                               time_limit=seconds)
        seconds = time.perf_counter() - started
        status.update(label=f"Planned {days} day{'s' if days > 1 else ''} in {seconds:.1f} s", state="complete",
                      expanded=False)
    state.set_plan(plan)


def set_locked(plan: Plan, keys: set[tuple[int, str, str]]) -> Plan:
    return frames.with_lock_flags(plan, keys)


def replace_plan(plan: Plan, message: str, kind: str = "success") -> None:
    ss.plan = plan
    state.flash(kind, message)
    st.rerun()


def replanned(plan: Plan, profile, day: int, slot: str | None) -> tuple[Plan, bool]:
    """regenerate() for one meal or day, and whether it changed anything (a failed solve keeps the old day)."""
    new = model.regenerate(plan, profile, table, day, slot, locks=locks_of(plan), time_limit=ADJUST_SECONDS)
    before = plan.days[day] if slot is None else plan.days[day].meal(slot)
    after = new.days[day] if slot is None else new.days[day].meal(slot)
    return new, after != before


def unchanged_message(what: str, plan: Plan) -> str:
    why = plan.status.message or plan.status.status
    return f"Nothing changed: the planner found no other {what} that keeps the rules ({why}). Try again."


def saved_plans(plan: Plan | None) -> None:
    """Save the plan on screen under a name; load or delete a saved one (also before any plan is made)."""
    st.subheader("Saved plans")
    if plan is not None:
        s1, s2 = st.columns([3, 1], vertical_alignment="bottom")
        name = s1.text_input("Save this plan as", value=ss.plan_name or "my week", key="plan_save_name")
        if s2.button("Save", key="plan_save"):
            state.store().save_plan(name, plan_to_dict(plan, table))
            ss.plan_name = name.strip()
            st.success(f"Plan '{name.strip()}' saved.")
    saved = state.store().list_plans()
    if not saved:
        st.caption("No saved plan yet.")
        return
    l1, l2, l3 = st.columns([3, 1, 1], vertical_alignment="bottom")
    choice = l1.selectbox("Saved plans", saved, key="plan_saved_choice")
    if l2.button("Load", key="plan_load"):
        loaded = plan_from_dict(state.store().load_plan(choice), table)
        state.set_plan(loaded, choice)
        if loaded.profile and loaded.profile != state.profile().to_dict():
            ss.plan_stale = True
        state.flash("success", f"Plan '{choice}' loaded.")
        st.rerun()
    if l3.button("Delete", key="plan_delete"):
        state.store().delete_plan(choice)
        state.flash("info", f"Plan '{choice}' deleted.")
        st.rerun()


st.title("Weekly plan")
p = state.profile()
st.caption(f"For {ss.profile_name}: {p.sex}, {p.age} years, eats {state.label('diet', p.diet).lower()}"
           + (f", never {', '.join(p.exclude)}" if p.exclude else "") + ". Change it under **Profile and targets**.")

with st.container(border=True):
    c1, c2 = st.columns(2)
    n_days = c1.number_input("Days", min_value=1, max_value=14, value=7, step=1, key="plan_days")
    max_days = c2.number_input("Each food on at most … days", min_value=1, max_value=14, value=3, step=1,
                               key="plan_max_days", help="Variety: how often the same food may come back.")
    seconds = st.select_slider("Search time", [FIRST_PLAN_SECONDS, 5.0, 10.0, 20.0], value=FIRST_PLAN_SECONDS,
                               format_func=lambda s: f"{s:g} s", key="plan_seconds",
                               help="A longer search finds a slightly better week (more variety, closer to the "
                                    "targets); every plan keeps the hard rules.")
    b1, b2 = st.columns([1, 1])
    if b1.button("Generate a week" if ss.plan is None else "Generate again", type="primary", key="plan_generate"):
        generate(int(n_days), int(max_days), float(seconds))
    n_locked = len(locks_of(ss.plan))
    if n_locked and b2.button(f"Unlock all ({n_locked} locked)", key="plan_unlock_all"):
        replace_plan(set_locked(ss.plan, set()), "Every food is unlocked.")

plan: Plan | None = ss.plan
if plan is None:
    st.info("No plan yet: press **Generate a week**.")
    saved_plans(None)
    st.stop()
if ss.plan_stale:
    st.warning("Your profile changed after this plan was made: press **Generate again** to follow it.")

status = plan.status
if status.status in ("time_limit", "feasible"):
    st.caption(f"The best week found in {status.seconds:.1f} s, every hard rule kept. A longer search time may "
               "find a slightly better one.")
elif status.status not in ("optimal",):
    st.error(f"The solver reported '{status.status}' ({status.solver}): {status.message}")
locked_keys = frames.lock_keys(locks_of(plan))
items = frames.plan_items_frame(plan, table, locked_keys)
pct = frames.day_percent(plan, items)

# --- the shortfalls, in plain words -------------------------------------------------------------------------
if plan.shortfalls:
    st.warning("**Not every target could be met:**\n" + "\n".join(f"- {frames.shortfall_sentence(s)}"
                                                                    for s in plan.shortfalls))
else:
    st.success("Every day meets its calcium, magnesium and potassium targets.")
for note in plan.notes:
    st.caption(note)

# --- the charts --------------------------------------------------------------------------------------------
st.subheader("The week against your targets")
st.altair_chart(charts.week_heatmap(pct), width="stretch")
long = frames.meal_totals(items)
st.caption("Each day's minerals by meal, against the daily target (dashed).")
chart_tabs = st.tabs([frames.nutrient_name(k) for k in frames.MINERALS])
for tab, key in zip(chart_tabs, frames.MINERALS, strict=True):
    lo, hi = frames.plan_target(plan, key)
    with tab:
        st.altair_chart(charts.meals_against_target(long[long["nutrient"] == key], frames.nutrient_name(key),
                                                    frames.unit_of(key), lo, hi), width="stretch")

# --- the days, meal by meal ---------------------------------------------------------------------------------
st.subheader("Meals")
tabs = st.tabs([d.label for d in plan.days])
for tab, d in zip(tabs, plan.days, strict=True):
    with tab:
        day_items = items[items["day"] == d.index]
        for m in d.meals:
            meal_rows = day_items[day_items["slot"] == m.slot]
            kcal = meal_rows["energy_kcal"].sum()
            lines = [f"- {'🔒 ' if r.locked else ''}**{r.food}**: {r.portion}" for r in meal_rows.itertuples()]
            st.markdown(f"**{m.label}** · {kcal:,.0f} kcal\n" + ("\n".join(lines) if lines else "\n- nothing"))
        day_pct = pct[pct["day"] == d.index]
        st.caption(" · ".join(f"{r.nutrient} {r.amount:,.0f} mg" + (f" ({r.percent:.0f} %)" if r.percent else "")
                              for r in day_pct.itertuples())
                   + f" · {day_items['energy_kcal'].sum():,.0f} kcal")

# --- adjust ------------------------------------------------------------------------------------------------
st.subheader("Change something")
a1, a2, a3 = st.columns(3)
day_index = a1.selectbox("Day", [d.index for d in plan.days], format_func=lambda i: f"Day {i + 1}", key="adj_day")
day = plan.days[[d.index for d in plan.days].index(day_index)]
slot = a2.selectbox("Meal", [m.slot for m in day.meals], format_func=lambda s: SLOT_LABELS.get(s, s), key="adj_slot")
meal = day.meal(slot)
food_id = a3.selectbox("Food", [it.food_id for it in meal.items], key="adj_food", index=0 if meal.items else None,
                       format_func=lambda f: table.get(f).name, placeholder="this meal is empty")

if food_id is not None:
    item = next(it for it in meal.items if it.food_id == food_id)
    food = table.get(food_id)
    key = (day_index, slot, food_id)
    locked = key in locked_keys
    with st.container(border=True):
        st.markdown(f"**{food.name}** in {meal.label.lower()}, {day.label}: {item.portion}"
                    + (" · 🔒 locked" if locked else ""))
        p1, p2 = st.columns([2, 1], vertical_alignment="bottom")
        now = max(float(food.step), round(item.grams / food.portion_grams / food.step) * food.step)
        count = p1.number_input(f"How many {food.portion_label} ({food.step_grams:g} g steps)",
                                min_value=float(food.step), max_value=max(now, float(food.max_steps * food.step * 3)),
                                value=now, step=float(food.step), key=f"adj_count_{day_index}_{slot}_{food_id}")
        if p2.button("Set portion", key="adj_set_portion"):
            grams = count * food.portion_grams
            new = model.set_portion(plan, table, day_index, slot, food_id, grams)
            replace_plan(new, f"{food.name} set to {food.portion_text(grams)}.")
        q1, q2, q3 = st.columns(3)
        if q1.button("Unlock" if locked else "Lock (keep it)", key="adj_lock",
                     help="A locked food stays when you regenerate its meal, its day or the week."):
            replace_plan(set_locked(plan, locked_keys - {key} if locked else locked_keys | {key}),
                         f"{food.name} {'unlocked' if locked else 'locked'} in {meal.label.lower()}, {day.label}.")
        if q2.button("Remove", key="adj_remove"):
            new = model.remove_item(plan, day_index, slot, food_id)
            # remove_item drops the day's shortfalls instead of recomputing them (it has no table): recompute
            new = replace(new, shortfalls=[*new.shortfalls, *model.shortfalls_from_totals(new, table, day_index)])
            replace_plan(new, f"{food.name} removed from {meal.label.lower()}, {day.label}.")
        if q3.button("Never use it", key="adj_exclude", help="Adds it to your profile's exclusions and replans "
                                                              "the meals that had it."):
            exclude = list(dict.fromkeys([*state.profile().exclude, food_id]))
            prof = profile_from_dict({**state.profile().to_dict(), "exclude": exclude})
            state.set_profile(prof, ss.profile_name)
            state.save_profile(ss.profile_name, prof)
            # take it out everywhere first (a replan keeps the day's other meals, which must not hold it)
            where = [(d.index, m.slot) for d in plan.days for m in d.meals if any(it.food_id == food_id
                                                                                  for it in m.items)]
            new = plan
            for d_index, m_slot in where:
                new = model.remove_item(new, d_index, m_slot, food_id)
            with st.spinner(f"Replacing {food.name}…"):
                for d_index, m_slot in where:
                    new, _ = replanned(new, prof, d_index, m_slot)
            ss.plan_stale = False
            short = [f"{new.days[d_index].meal(m_slot).label.lower()}, Day {d_index + 1}" for d_index, m_slot in where
                     if not new.days[d_index].meal(m_slot).items]
            if short:
                replace_plan(new, f"{food.name} will not be planned again. It was taken out, but the planner found "
                                  f"nothing to put in {'; '.join(short)}: regenerate it or its day.", "warning")
            replace_plan(new, f"{food.name} will not be planned again; the meals that had it were replanned.")

r1, r2 = st.columns(2)
if r1.button(f"Regenerate {meal.label.lower()}, {day.label}", key="adj_regen_meal",
             help="New foods for this meal; locked foods and the rest of the week stay."):
    with st.spinner("Replanning the meal…"):
        new, changed = replanned(plan, state.profile(), day_index, slot)
    if changed:
        replace_plan(new, f"{meal.label} of {day.label} replanned.")
    replace_plan(plan, unchanged_message(meal.label.lower(), new), "warning")
if r2.button(f"Regenerate all of {day.label}", key="adj_regen_day",
             help="A new day; locked foods and the other days stay."):
    with st.spinner("Replanning the day…"):
        new, changed = replanned(plan, state.profile(), day_index, None)
    if changed:
        replace_plan(new, f"{day.label} replanned.")
    replace_plan(plan, unchanged_message("day", new), "warning")

with st.expander("Week at a glance (table)"):
    st.dataframe(frames.week_grid(plan, locked_keys), width="stretch")

# --- save, load, delete -------------------------------------------------------------------------------------
saved_plans(plan)
