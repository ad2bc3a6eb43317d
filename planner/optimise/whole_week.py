"""The whole-week reference model: every day in one MILP, solved with a long time limit.

It exists to measure what the fast day-by-day method (planner.optimise.week) gives up. It minimises the same
measure as `planner.optimise.verify.week_objective` (goal shortfalls, preference-weighted energy and the cost of
each food brought into the week, which keeps a week to 30-45 foods) under the same daily rules, one milk for the
week, "each food on at most N days" and the week's most seafood (pregnancy), but it leaves out
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
    NEW_FOOD_COST,
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
                     gap: float = 1e-4, start: Plan | None = None, variety: str = "usual") -> WeekResult:
    """All days in one MILP (block-diagonal days, plus one row per food for its days): slow, for reference.
    `start` (a week of the same profile, such as the fast method's) is handed to the solver as its first
    plan: the reference then always has one to improve on, even when it is stopped early."""

    began = time.perf_counter()
    week = build_week(profile, table, days, (), max_days_per_food, None, None, 0)
    # one milk for the week, as the fast method has it: dishes' "milk" is then served as the week's milk, and
    # a fast week's "Skim milk with dates" is a column here too (so that week can be the start)
    foods = week.selection.foods
    request = DayRequest(PREFERENCE_WEIGHT * week.preference * week.kcal_share, banned_foods=week.other_milks)
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
    rows.add_rows(day.rows.names * days, np.tile(counts, days), np.concatenate([index + d * n for d in range(days)]),
                  np.tile(value, days), np.tile(day.rows.lower, days), np.tile(day.rows.upper, days))
    # each food on at most `max_days_per_food` days (a food is in one meal a day, so options and dish
    # ingredients count days; raw and cooked forms are one food, and both may be eaten on one day: such a
    # food's days are columns of their own; cooking fats, garnishes and milk are not used up)
    group = np.unique(foods.same_food, return_inverse=True)[1]
    n_groups = int(group.max(initial=-1)) + 1
    counted = ~week.never_used_up   # the fast days' own rule: fats, garnishes, the milk, starches under a K limit
    dishes = day.dishes
    item_cols = np.r_[np.arange(day.n_options), day.blocks["dish"].start + dishes.entry_col]
    item_food = np.r_[day.food_idx[day.opt_pair], dishes.entry_food]
    item_group = group[item_food]
    forms = np.bincount(group[counted], minlength=n_groups).astype(float)
    single = counted[item_food] & (forms[item_group] == 1)
    cols = np.concatenate([item_cols[single] + d * n for d in range(days)])
    rows.add_groups("days_per_food", cols, np.tile(item_group[single], days), float(max_days_per_food))
    multi = np.flatnonzero(forms > 1)
    ate_on = days * n + n_groups + np.arange(days * len(multi)).reshape(days, len(multi))   # food eaten on day d
    week_food = days * n + np.arange(n_groups)   # food eaten this week: NEW_FOOD_COST, as the fast method's days pay it
    on = counted[item_food] & (forms[item_group] > 1)
    slot_of = np.full(n_groups, -1)
    slot_of[multi] = np.arange(len(multi))
    all_forms = np.bincount(group, minlength=n_groups).astype(float)
    for d in range(days):
        _at_most(rows, "eaten_that_day", item_cols[on] + d * n, slot_of[item_group[on]], ate_on[d], forms[multi])
        _at_most(rows, "week_food", item_cols + d * n, item_group, week_food, all_forms)
    rows.add_groups("days_per_food", ate_on.ravel(), np.tile(multi, days), float(max_days_per_food))
    extra = n_groups + ate_on.size
    cost = np.r_[cost, np.full(n_groups, NEW_FOOD_COST[variety]), np.zeros(ate_on.size)]
    lower, upper = np.r_[lower, np.zeros(extra)], np.r_[upper, np.ones(extra)]
    integer = np.r_[integer, np.ones(extra, dtype=integer.dtype)]
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
        if all(c is not None for c in chosen):   # the items and the week's foods fixed; HiGHS completes the rest
            index = np.concatenate([c[0] + d * n for d, c in enumerate(chosen)]).astype(np.int32)
            values = np.concatenate([c[1] for c in chosen])
            eaten = np.zeros(n_groups)
            eaten[item_group[np.isin(item_cols, np.concatenate([c[0][c[1] > 0.5] for c in chosen]))]] = 1.0
            h.setSolution(len(index) + n_groups, np.r_[index, week_food].astype(np.int32), np.r_[values, eaten])
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
    objective += NEW_FOOD_COST[variety] * float(np.round(x[week_food]).sum())
    plan = Plan(plan_days, profile.to_dict(), week.targets.to_dict(), [], status, [])
    return WeekResult(plan, objective, bound, status)


def _at_most(rows: Rows, name: str, cols: np.ndarray, keys: np.ndarray, flags: np.ndarray, weight: np.ndarray
             ) -> None:
    """One row per key k: the sum of the `cols` with key k, minus weight[k] times column flags[k], at most 0 (the
    columns are 0 unless the flag is 1)."""
    counts = np.bincount(keys, minlength=len(flags))
    flag_at = np.cumsum(counts) + np.arange(len(flags))   # each row: its columns, then its flag
    index = np.empty(len(cols) + len(flags), dtype=np.int32)
    value = np.ones(len(index))
    rest = np.ones(len(index), dtype=bool)
    rest[flag_at] = False
    index[rest] = cols[np.argsort(keys, kind="stable")]
    index[flag_at], value[flag_at] = flags, -weight
    rows.add_rows([name] * len(flags), counts + 1, index, value, -np.inf, 0.0)


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
