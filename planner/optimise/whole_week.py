"""The whole-week reference model: every day in one MILP, solved with a long time limit.

It exists to measure what the fast day-by-day method (planner.optimise.week) gives up. It minimises the same
measure as `planner.optimise.verify.week_objective` (goal shortfalls and preference-weighted energy) under the
same daily rules, "each food on at most N days" and the week's most seafood (pregnancy), but it leaves out
"no two identical days" and "no meal repeated on consecutive days": it is a relaxation, so its best bound is a
lower bound on any week the fast method could return, and comparing against it can only overstate the fast
method's loss.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from foods import FoodTable
from planner.optimise.context import (
    DEFAULT_MAX_DAYS_PER_FOOD,
    EVERY_DAY_ROLES,
    PREFERENCE_WEIGHT,
    Week,
    build_week,
    day_pairs,
    to_day,
)
from planner.optimise.day import DayModel, DayRequest, Rows, build_day, pass_model
from planner.optimise.strategy import tightened
from planner.plan import Day, Plan, SolveStatus
from planner.profile import Profile
from planner.quiet import new_highs
from planner.solver import highs_status


@dataclass
class WeekResult:
    """The reference plan (None if none was found), its objective, the solver's bound and status."""

    plan: Plan | None
    objective: float | None
    bound: float | None
    status: SolveStatus


def solve_whole_week(profile: Profile, table: FoodTable, days: int = 7, *,
                     max_days_per_food: int = DEFAULT_MAX_DAYS_PER_FOOD, time_limit: float = 120.0,
                     gap: float = 1e-4, start: Plan | None = None) -> WeekResult:
    """All days in one MILP (block-diagonal days, plus one row per food for its days): slow, for reference.
    `start` (a week of the same profile, such as the fast method's) is handed to the solver as its first
    plan: the reference then always has one to improve on, even when it is stopped early."""

    began = time.perf_counter()
    week = build_week(profile, table, days, (), max_days_per_food, None, None, 0)
    request = DayRequest(PREFERENCE_WEIGHT * week.preference * week.kcal_share)
    day = build_day(week.selection.foods, week.day_rules, request)
    n = len(day.cost)
    starts, index, value = day.rows.csr()
    # stack the day `days` times: columns and rows shifted per day
    cost = np.tile(day.cost, days)
    lower = np.tile(day.lower, days)
    upper = np.tile(day.upper, days)
    integer = np.tile(day.integer, days)
    counts = np.diff(starts)
    rows = Rows()
    rows.counts.append(np.tile(counts, days))
    rows.index.append(np.concatenate([index + d * n for d in range(days)]))
    rows.value.append(np.tile(value, days))
    rows.lows.append(np.tile(day.rows.lower, days))
    rows.highs.append(np.tile(day.rows.upper, days))
    rows.names.extend(day.rows.names * days)
    # each food on at most `max_days_per_food` days (a food is in one meal a day, so options and dish
    # ingredients count days; raw and cooked forms are one food; cooking fats, garnishes and milk are not
    # used up)
    foods = week.selection.foods
    group = np.unique(foods.same_food, return_inverse=True)[1]
    counted = ~np.isin(foods.roles, EVERY_DAY_ROLES) & (foods.same_food != "milk")
    dishes = day.dishes
    item_cols = np.r_[np.arange(day.n_options), day.blocks["dish"].start + dishes.entry_col]
    item_food = np.r_[day.food_idx[day.opt_pair], dishes.entry_food]
    keep = counted[item_food]
    cols = np.concatenate([item_cols[keep] + d * n for d in range(days)])
    rows.add_groups("days_per_food", cols, np.tile(group[item_food[keep]], days), float(max_days_per_food))
    if week.seafood is not None and week.seafood.any():   # seafood_week: the week's most (pregnancy), as the
        grams = np.where(week.seafood, foods.step_grams, 0.0)   # fast week holds it
        per_item = np.r_[grams[day.food_idx[day.opt_pair]] * day.opt_steps, dishes.total(grams)]
        day_cols = np.r_[np.arange(day.n_options), np.arange(day.blocks["dish"].start, day.blocks["dish"].stop)]
        rows.add("seafood_week", np.concatenate([day_cols + d * n for d in range(days)]), np.tile(per_item, days),
                 upper=week.seafood_week[1] * days / 7.0)
    h = new_highs()
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", float(gap))
    h.setOptionValue("threads", 1)
    pass_model(h, cost, lower, upper, integer, rows.csr(), rows.lower, rows.upper)
    if start is not None and len(start.days) == days:
        chosen = [_start_columns(week, day, plan_day) for plan_day in start.days]
        if all(c is not None for c in chosen):   # the items fixed; HiGHS completes patterns and slacks
            index = np.concatenate([c[0] + d * n for d, c in enumerate(chosen)]).astype(np.int32)
            h.setSolution(len(index), index, np.concatenate([c[1] for c in chosen]))
    h.run()
    status = highs_status(h, time.perf_counter() - began)
    info = h.getInfo()
    bound = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else None
    if not status.status.solved:
        return WeekResult(None, None, bound, status)
    x = np.asarray(h.getSolution().col_value)
    plan_days = []
    objective = 0.0
    for d in range(days):
        objective += float(np.dot(day.cost, tightened(day, x[d * n:(d + 1) * n])))
        xd = x[d * n:d * n + day.n_options]
        picked = np.flatnonzero(xd > 0.5)
        pairs = {(int(day.food_idx[p]), int(day.slot_idx[p])): int(k)
                 for p, k in zip(day.opt_pair[picked], day.opt_steps[picked], strict=True)}
        names = {}
        for j in np.flatnonzero(x[d * n + day.blocks["dish"].start:d * n + day.blocks["dish"].stop] > 0.5):
            s = int(dishes.slot[j])
            names[s] = dishes.names[j]
            pairs.update({(f, s): k for f, k in dishes.items(int(j)).items()})
        plan_days.append(to_day(week, d, pairs, set(), names))
    plan = Plan(plan_days, profile.to_dict(), week.targets.to_dict(), [], status, [])
    return WeekResult(plan, objective, bound, status)


def _start_columns(week: Week, day: DayModel, plan_day: Day) -> tuple[np.ndarray, np.ndarray] | None:
    """A planned day as values of the reference day's item columns (portion options, dishes, "no dish"),
    every one of them set; None when some item has no column (the day cannot be a start)."""
    pairs, _ = day_pairs(week, plan_day)
    pair_of = {(int(f), int(s)): k for k, (f, s) in enumerate(zip(day.food_idx, day.slot_idx, strict=True))}
    dish = day.blocks["dish"]
    no_dish = day.blocks["no_dish"]
    dishes = day.dishes
    values = np.zeros(no_dish.stop)
    dish_slots = sorted(set(dishes.slot.tolist()))
    for meal in plan_day.meals:
        s = week.slots.index(meal.slot)
        here = {f: n for (f, s2), n in pairs.items() if s2 == s}
        if meal.dish:
            match = [j for j in np.flatnonzero((dishes.slot == s) & (np.array(dishes.names) == meal.dish))
                     if all(here.get(f) == n for f, n in dishes.items(int(j)).items())]
            if not match:
                return None
            values[dish.start + match[0]] = 1.0
            for f in dishes.items(int(match[0])):
                del here[f]
        elif s in dish_slots:
            values[no_dish.start + dish_slots.index(s)] = 1.0
        for f, n in here.items():
            k = pair_of.get((f, s))
            cols = np.flatnonzero((day.opt_pair == k) & (day.opt_steps == n)) if k is not None else []
            if len(cols) != 1:
                return None
            values[cols[0]] = 1.0
    cols = np.r_[np.arange(day.n_options), np.arange(dish.start, no_dish.stop)]
    return cols, values[cols]
