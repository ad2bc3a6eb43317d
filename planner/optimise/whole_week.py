"""The whole-week reference model: every day in one MILP, to measure what the fast day-by-day method gives up.

It minimises the same measure as `planner.optimise.verify.week_objective` (goal shortfalls, preference-weighted
energy, the cost of each food brought into the week, which keeps a week to 30-45 foods, and in pregnancy the
grams short of the week's seafood aim) under the same daily rules, one milk for the week, "each food on at most N
days", no dish in the same meal two days running, no two days eating the same foods (whichever meals hold them) and
the week's most seafood (pregnancy), but it leaves out "no meal built food by food repeated the next day" and the
week's most shopping rows, and its days-apart rule is weaker than the fast week's (there no day holds every food of
another): it is a relaxation, so comparing against it can only overstate the fast method's loss.

Its 12,000-odd binaries (7 days) are too many for one solve to improve on the fast week in minutes, so it is used two ways:
- `improve_week`: a better week near a start (the fast week), by planning a few days at a time again in the
  whole model with the other days held (a large-neighbourhood search; node limits, so the same start gives the
  same week);
- `week_lower_bound`: no week can be better than this; each food's cost is spread over the days it may be
  eaten, and the week splits into equal day MIPs.
`solve_whole_week` solves the whole model in one run (small weeks, tests).
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
    seafood_for_days,
    seafood_shortfall_cost,
    to_day,
)
from planner.optimise.day import DayModel, DayRequest, Rows, build_day, pass_model
from planner.optimise.strategy import tightened
from planner.plan import Day, Plan, SolveState, SolveStatus
from planner.profile import Profile
from planner.quiet import new_highs
from planner.solver import highs_status


@dataclass
class WeekResult:
    """The reference plan (None if none was found), its objective, the solver's bound and status; `how` says how
    it was found (the whole model in one solve, or neighbourhoods of a start)."""

    plan: Plan | None
    objective: float | None
    bound: float | None
    status: SolveStatus
    how: str = ""


@dataclass
class WholeWeek:
    """The whole-week MILP as arrays (`days` copies of one day's columns and rows, then the week's columns and
    rows), and how its columns map back to days and foods."""

    profile: Profile
    week: Week
    day: DayModel
    days: int
    variety: str
    cost: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    integer: np.ndarray
    rows: Rows
    item_cols: np.ndarray    # per item of a day (portion options, then dish ingredient entries): its day column
    item_group: np.ndarray   # per item: its food's group (raw and cooked forms are one food)
    week_food: np.ndarray    # per group: its column "eaten this week"
    seafood_grams: np.ndarray | None = None   # per day column (every day): the seafood grams it brings, when the
                                               # week has a seafood aim (pregnancy)

    @property
    def n(self) -> int:
        """Columns per day."""
        return len(self.day.cost)

    def day_x(self, x: np.ndarray, d: int) -> np.ndarray:
        return x[d * self.n:(d + 1) * self.n]

    def groups_eaten(self, x: np.ndarray) -> np.ndarray:
        """The groups (foods) the week's items eat, read from the item columns (not from the week's flags, which
        an unfinished solve may leave at 1 for a food no day eats)."""
        eaten = [self.item_group[self.day_x(x, d)[self.item_cols] > 0.5] for d in range(self.days)]
        return np.unique(np.concatenate(eaten))

    def objective(self, x: np.ndarray) -> float:
        """The week's objective at `x`, the measure week_objective takes of its plan: each day's costs with its
        slacks at the least its rows allow (tightened), NEW_FOOD_COST per food the week eats and, in pregnancy,
        the grams short of the week's seafood aim at seafood_shortfall_cost."""
        total = sum(float(np.dot(self.day.cost, tightened(self.day, self.day_x(x, d)))) for d in range(self.days))
        total += NEW_FOOD_COST[self.variety] * len(self.groups_eaten(x))
        if self.seafood_grams is not None:   # the grams short of the week's seafood aim, at their cost
            aim, _ = seafood_for_days(self.week.seafood_week, self.days)
            eaten = float(np.dot(self.seafood_grams, np.round(x[:len(self.seafood_grams)])))
            total += seafood_shortfall_cost(aim, self.days) * max(0.0, aim - eaten)
        return total

    def plan(self, x: np.ndarray, status: SolveStatus) -> Plan:
        day, dishes = self.day, self.day.dishes
        plan_days = []
        for d in range(self.days):
            xd = self.day_x(x, d)
            picked = np.flatnonzero(xd[:day.n_options] > 0.5)
            pairs = {(int(day.food_idx[p]), int(day.slot_idx[p])): int(k)
                     for p, k in zip(day.opt_pair[picked], day.opt_steps[picked], strict=True)}
            names = {}
            for j in np.flatnonzero(xd[day.blocks["dish"]] > 0.5):
                s = int(dishes.slot[j])
                names[s] = dishes.names[j]
                pairs.update({(f, s): k for f, k in dishes.items(int(j)).items()})
            plan_days.append(to_day(self.week, d, pairs, set(), names))
        return Plan(plan_days, self.profile.to_dict(), self.week.targets.to_dict(), [], status, [])

    def start(self, plan: Plan) -> tuple[np.ndarray, np.ndarray] | None:
        """A week of this profile as values of every day's item columns (portion options, dishes, "no dish") and
        of the week's flags; None when some item has no column (the week cannot be a start)."""
        if len(plan.days) != self.days:
            return None
        chosen = [_start_columns(self.week, self.day, plan_day) for plan_day in plan.days]
        if any(c is None for c in chosen):
            return None
        x = np.zeros(len(self.cost))
        x[np.concatenate([c[0] + d * self.n for d, c in enumerate(chosen)])] = np.concatenate([c[1] for c in chosen])
        return self.start_at(x)

    def start_at(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """A solution's item columns (portion options, dishes, "no dish", every day) and the week's flags of the
        foods they eat, as a start."""
        cols = _choice_cols(self.day)
        index = np.concatenate([cols + d * self.n for d in range(self.days)])
        flags = np.zeros(len(self.week_food))
        flags[self.groups_eaten(x)] = 1.0
        return np.r_[index, self.week_food].astype(np.int32), np.r_[np.round(x[index]), flags]

    def same_food_days(self, start: tuple[np.ndarray, np.ndarray]) -> list[int]:
        """The later day of each pair of days in `start` that eat the same foods (herbs, garnishes and fats apart,
        as days_differ counts them)."""
        x = np.zeros(len(self.cost))
        x[start[0]] = start[1]
        cols, food = counted_entries(self.week, self.day)
        foods = [frozenset(food[self.day_x(x, d)[cols] > 0.5].tolist()) for d in range(self.days)]
        return sorted({b for b in range(self.days) if any(foods[a] == foods[b] for a in range(b))})

    def held(self, start: tuple[np.ndarray, np.ndarray], days) -> tuple[np.ndarray, np.ndarray]:
        """Column bounds with the item columns of `days` held at their values in `start`."""
        lower, upper = self.lower.copy(), self.upper.copy()
        index, values = start
        keep = np.isin(index // self.n, list(days)) & (index < self.days * self.n)
        lower[index[keep]] = upper[index[keep]] = values[keep]
        return lower, upper

    def solve(self, time_limit: float, gap: float, start: tuple[np.ndarray, np.ndarray] | None = None,
              lower: np.ndarray | None = None, upper: np.ndarray | None = None, node_limit: int | None = None):
        """One HiGHS run of the model (with `lower`/`upper` in place of its column bounds: a neighbourhood);
        returns the Highs object and its status."""
        began = time.perf_counter()
        h = _highs(time_limit, gap, node_limit)
        pass_model(h, self.cost, self.lower if lower is None else lower, self.upper if upper is None else upper,
                   self.integer, self.rows.csr(), self.rows.lower, self.rows.upper)
        if start is not None:   # the items and the week's foods set; HiGHS completes the rest
            h.setSolution(len(start[0]), start[0], start[1])
        h.run()
        return h, highs_status(h, time.perf_counter() - began)


def build_whole_week(profile: Profile, table: FoodTable, days: int = 7, *,
                     max_days_per_food: int = DEFAULT_MAX_DAYS_PER_FOOD, variety: str = "usual",
                     days_apart: bool = True) -> WholeWeek:
    """All days in one MILP (block-diagonal days, plus the week's rows): pure, no solver involved. Without
    `days_apart`, two days may eat the same foods (a looser model, quicker to search: a start to repair)."""
    week = build_week(profile, table, days, (), max_days_per_food, None, None, 0)
    day = reference_day(week)
    foods = week.selection.foods
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
    group, n_groups, item_cols, item_food = _food_groups(week, day)
    counted = ~week.never_used_up   # the fast days' own rule: fats, garnishes, the milk, starches under a K limit
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
    # no dish in the same meal two days running, as the fast days have it (any serving of it)
    dish = day.blocks["dish"]
    if dish.stop > dish.start and days > 1:
        key = day.dishes.dish * len(week.slots) + day.dishes.slot
        cols = np.arange(dish.start, dish.stop)
        for d in range(days - 1):
            rows.add_groups("dish_next_day", np.r_[cols + d * n, cols + (d + 1) * n], np.r_[key, key], 1.0)
    extra = n_groups + ate_on.size
    cost = np.r_[cost, np.full(n_groups, NEW_FOOD_COST[variety]), np.zeros(ate_on.size)]
    lower, upper = np.r_[lower, np.zeros(extra)], np.r_[upper, np.ones(extra)]
    integer = np.r_[integer, np.ones(extra, dtype=integer.dtype)]
    added = days_differ(rows, *counted_entries(week, day), n, days, len(cost)) if days_apart else 0
    cost, lower, upper = np.r_[cost, np.zeros(added)], np.r_[lower, np.zeros(added)], np.r_[upper, np.ones(added)]
    integer = np.r_[integer, np.zeros(added, dtype=integer.dtype)]
    seafood_grams = None
    if week.seafood is not None and week.seafood.any():   # seafood_week: the week's most (pregnancy), as the
        grams = np.where(week.seafood, foods.step_grams, 0.0)   # fast week holds it
        per_item = np.r_[grams[day.food_idx[day.opt_pair]] * day.opt_steps, day.dishes.total(grams)]
        day_cols = np.r_[np.arange(day.n_options), np.arange(day.blocks["dish"].start, day.blocks["dish"].stop)]
        all_cols, all_grams = np.concatenate([day_cols + d * n for d in range(days)]), np.tile(per_item, days)
        aim, most = seafood_for_days(week.seafood_week, days)
        rows.add("seafood_week", all_cols, all_grams, upper=most)
        if aim > 0:   # the week's aim: grams short of it cost what the fast days pay (seafood_shortfall_cost)
            short = len(cost)
            cost = np.r_[cost, seafood_shortfall_cost(aim, days)]
            lower, upper = np.r_[lower, 0.0], np.r_[upper, np.inf]
            integer = np.r_[integer, np.zeros(1, dtype=integer.dtype)]
            rows.add("seafood_aim", np.r_[all_cols, short], np.r_[all_grams, 1.0], lower=aim)
            seafood_grams = np.zeros(days * n)
            seafood_grams[all_cols] = all_grams
    return WholeWeek(profile, week, day, days, variety, cost, lower, upper, integer, rows, item_cols, item_group,
                     week_food, seafood_grams)


def counted_entries(week: Week, day: DayModel) -> tuple[np.ndarray, np.ndarray]:
    """The day's item entries (day.item_entries: columns and foods) of foods that make a day new: herbs, garnishes
    and fats ride along (Week.rides_along)."""
    item_cols, item_food = day.item_entries()
    counted = ~week.rides_along[item_food]
    return item_cols[counted], item_food[counted]


def days_differ(rows: Rows, item_cols: np.ndarray, item_food: np.ndarray, n: int, days: int, first_col: int) -> int:
    """Rows that keep any two days from eating the same foods of the entries given (counted_entries: herbs,
    garnishes and fats apart), the weakest form
    of the fast week's rule (no day holds every food of another, context.day_to_avoid): a week the fast method can
    plan stays a week of the reference. Columns from `first_col` (continuous, their number returned): per day and
    food, eats = its items that day (0 or 1: once_a_day); per pair of days and food, differs <= eats_a + eats_b and
    <= 2 - eats_a - eats_b, so 1 only when one of the two days eats it; per pair of days, the differs sum to 1 or
    more."""
    foods = np.unique(item_food)
    m = len(foods)
    if days < 2 or not m:
        return 0
    key = np.searchsorted(foods, item_food)
    eats = first_col + np.arange(days * m).reshape(days, m)
    for d in range(days):
        _at_most(rows, "eats", item_cols + d * n, key, eats[d], np.ones(m), exact=True)
    pairs = [(a, b) for a in range(days) for b in range(a + 1, days)]
    differs = eats.size + first_col + np.arange(len(pairs) * m).reshape(len(pairs), m)
    for (a, b), cols in zip(pairs, differs, strict=True):
        index = np.c_[cols, eats[a], eats[b]]
        rows.add_block("differs", index, np.tile([1.0, -1.0, -1.0], (m, 1)), upper=0.0)
        rows.add_block("differs", index, np.ones((m, 3)), upper=2.0)
        rows.add("days_differ", cols, 1.0, lower=1.0)
    return eats.size + differs.size


def reference_day(week: Week) -> DayModel:
    """One day of the reference: the day's rules, preference-weighted energy as its food cost (no seeded noise),
    and one milk for the week, as the fast method has it (dishes' "milk" is then served as the week's milk, and a
    fast week's "Skim milk with dates" is a column here too, so that week can be a start)."""
    request = DayRequest(PREFERENCE_WEIGHT * week.preference * week.kcal_share, banned_foods=week.other_milks)
    return build_day(week.selection.foods, week.day_rules, request)


def _food_groups(week: Week, day: DayModel) -> tuple[np.ndarray, int, np.ndarray, np.ndarray]:
    """Per food its group (Week.groups: raw and cooked forms are one food), the number of groups, and per item of
    the day (portion options, then dish ingredient entries) its column and its food."""
    group = week.groups
    item_cols, item_food = day.item_entries()
    return group, int(group.max(initial=-1)) + 1, item_cols, item_food


def solve_whole_week(profile: Profile, table: FoodTable, days: int = 7, *,
                     max_days_per_food: int = DEFAULT_MAX_DAYS_PER_FOOD, time_limit: float = 120.0,
                     gap: float = 1e-4, start: Plan | None = None, variety: str = "usual") -> WeekResult:
    """All days in one MILP, solved in one run: slow, for reference. `start` (a week of the same profile, such as
    the fast method's) is handed to the solver as its first plan: the reference then always has one to improve
    on, even when it is stopped early."""
    model = build_whole_week(profile, table, days, max_days_per_food=max_days_per_food, variety=variety)
    first = model.start(start) if start is not None else None
    h, status = model.solve(time_limit, gap, first)
    info = h.getInfo()
    bound = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else None
    if not status.status.solved:
        return WeekResult(None, None, bound, status, "the whole-week model in one run")
    x = np.asarray(h.getSolution().col_value)
    return WeekResult(model.plan(x, status), model.objective(x), bound, status, "the whole-week model in one run")


NEIGHBOURHOOD_NODES = 30   # measured (default week, seed 0, 120 s): 30 or 10 nodes ran 28-29 neighbourhoods to 78.12;
                           # 1,000 nodes ran 10 to 80.67; three days at a time, 8 to 80.12 (the fast week: 83.82)


def improve_week(profile: Profile, table: FoodTable, start: Plan, *, free_days: int = 2,
                 max_days_per_food: int = DEFAULT_MAX_DAYS_PER_FOOD, node_limit: int = NEIGHBOURHOOD_NODES,
                 time_limit: float = 600.0, step_seconds: float = 60.0, variety: str = "usual",
                 days_apart: bool = True) -> WeekResult:
    """A better week than `start` (a week of this profile), if the whole-week model has one near it: a
    large-neighbourhood search. In a fixed order, each set of `free_days` days (consecutive first, then further
    apart) is planned again in the whole-week model with every other day's items held as they are, stopped at
    `node_limit` nodes (deterministic; `step_seconds` only a safety cap), and an improvement is kept; passes
    repeat until one finds none or `time_limit` is spent. Same start, same answer, unless a cap was hit (said in
    the status). A start with two days of the same foods (a week found without `days_apart`, which searches
    faster) first has the later day of each such pair planned again, the other days held."""
    began = time.perf_counter()
    model = build_whole_week(profile, table, len(start.days), max_days_per_food=max_days_per_food, variety=variety,
                             days_apart=days_apart)
    first = model.start(start)
    if first is None:
        status = SolveStatus(SolveState.FAILED, "HiGHS", 0.0, None, "the start has an item the model has no column for")
        return WeekResult(None, None, None, status, "no start")
    for later in model.same_food_days(first) if days_apart else []:
        h, status = model.solve(step_seconds, 1e-6, first, *model.held(first, set(range(model.days)) - {later}),
                                node_limit)
        if not status.status.solved:
            return WeekResult(None, None, None, status, f"day {later + 1} of the start, which repeats the foods of "
                              "another, could not be planned again")
        first = model.start_at(np.asarray(h.getSolution().col_value))
    # the start completed (slacks, patterns, flags) by the model itself, with every item held
    held = model.held(first, range(model.days))
    h, status = model.solve(step_seconds, 1e-9, first, *held)
    if not status.status.solved:
        return WeekResult(None, None, None, status, "the start does not keep the whole-week model's rules")
    x = np.asarray(h.getSolution().col_value)
    best = model.objective(x)
    n_days = model.days
    free_days = min(free_days, n_days)
    sets = [tuple(sorted({(d + k * apart) % n_days for k in range(free_days)}))
            for apart in range(1, n_days // 2 + 1 if n_days > 2 else 2) for d in range(n_days)]
    sets = list(dict.fromkeys(s for s in sets if len(s) == free_days))
    improved, steps, capped = True, 0, False
    while improved:
        improved = False
        for free in sets:
            left = time_limit - (time.perf_counter() - began)
            if left <= 0:
                capped = True
                break
            start_x = model.start_at(x)
            lower, upper = model.held(start_x, [d for d in range(n_days) if d not in free])
            h, status = model.solve(min(step_seconds, left), 1e-6, start_x, lower, upper, node_limit)
            steps += 1
            capped |= status.status == SolveState.TIME_LIMIT
            if status.status.solved:
                y = np.asarray(h.getSolution().col_value)
                value = model.objective(y)
                if value < best - 1e-6:
                    x, best, improved = y, value, True
        if capped:
            break
    seconds = time.perf_counter() - began
    state = SolveState.TIME_LIMIT if capped else SolveState.FEASIBLE
    message = f"{steps} neighbourhoods" + (", stopped at its time cap" if capped else
                                           ", the last pass found no better week")
    status = SolveStatus(state, "HiGHS", seconds, None, message)
    return WeekResult(model.plan(x, status), best, None, status,
                      f"the whole-week model near the start, {free_days} days at a time")




@dataclass
class WeekBound:
    """A lower bound on any week's objective (week_objective) that keeps the whole-week model's rules: `value`,
    `days` times the day MIP's dual bound `day_bound` (valid wherever it stopped); `gap` that MIP's relative gap."""

    value: float
    day_bound: float
    gap: float | None
    status: SolveStatus


def week_lower_bound(profile: Profile, table: FoodTable, days: int = 7, *,
                     max_days_per_food: int = DEFAULT_MAX_DAYS_PER_FOOD, time_limit: float = 120.0,
                     node_limit: int | None = None, gap: float = 1e-4, variety: str = "usual") -> WeekBound:
    """A lower bound on the whole-week model's objective that splits into days. A food (its group: raw and cooked
    forms are one food) eaten on at most N days pays NEW_FOOD_COST once, which is at least NEW_FOOD_COST / N per
    day it is eaten (N = `max_days_per_food`, or every day for a food the days-per-food rule leaves alone). Charging
    that per day and leaving out the week's other rows (days per food, the week's seafood) leaves `days` equal,
    independent day MIPs: the bound is `days` times the one day's MIP dual bound (the day's best possible, proven
    by the solver even when it stops at its limit)."""
    began = time.perf_counter()
    week = build_week(profile, table, days, (), max_days_per_food, None, None, 0)
    day = reference_day(week)
    group, n_groups, item_cols, item_food = _food_groups(week, day)
    item_group = group[item_food]
    free = np.zeros(n_groups, dtype=bool)
    free[group[week.never_used_up]] = True
    per_day = NEW_FOOD_COST[variety] / np.where(free, days, min(max_days_per_food, days))
    forms = np.bincount(group, minlength=n_groups)
    cost = day.cost.copy()
    single = forms[item_group] == 1
    # a food of one form: its items pay (the reference eats at most one of them a day)
    np.add.at(cost, item_cols[single], per_day[item_group[single]])
    multi = np.flatnonzero(forms > 1)   # a food of several forms: a column "eaten today" pays, once a day
    rows = day.rows.copy()
    ate = len(cost) + np.arange(len(multi))
    slot_of = np.full(n_groups, -1)
    slot_of[multi] = np.arange(len(multi))
    _at_most(rows, "eaten_today", item_cols[~single], slot_of[item_group[~single]], ate, forms[multi].astype(float))
    cost = np.r_[cost, per_day[multi]]
    lower, upper = np.r_[day.lower, np.zeros(len(multi))], np.r_[day.upper, np.ones(len(multi))]
    integer = np.r_[day.integer, np.ones(len(multi), dtype=day.integer.dtype)]
    h = _highs(time_limit, gap, node_limit)
    pass_model(h, cost, lower, upper, integer, rows.csr(), rows.lower, rows.upper)
    h.run()
    status = highs_status(h, time.perf_counter() - began)
    info = h.getInfo()
    bound = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else 0.0
    return WeekBound(days * bound, bound, status.gap, status)


def quality_verdict(fast: float, reference: float | None, bound: float | None, target: float,
                    what: str = "fast") -> tuple[bool | None, str]:
    """Whether the fast week's objective is within `target` per cent of the whole-week reference, and why, in words:
    proven when it is within `target` of the lower `bound` (no week is better); measured against the best
    `reference` week found when that is better than the fast week (a MISSED stands however long the search; a
    met holds for the week found); not measured (None) when the search found no better week than the fast one,
    which is then its only reference. `what` names the week measured in the words ("fast", "thorough")."""
    over_bound = 100 * (fast - bound) / bound if bound and bound > 0 else None
    if over_bound is not None and over_bound <= target:
        return True, f"met, proven: within {over_bound:.2f} % of the lower bound"
    below = "" if over_bound is None else f"; the lower bound is {over_bound:.2f} % below the {what} week"
    if reference is None or reference >= fast - 1e-9:
        return None, f"not measured: the search found no better week than the {what} one{below}"
    loss = 100 * (fast - reference) / reference
    if loss > target:
        return False, f"MISSED: the {what} week is {loss:.2f} % above the best reference week found"
    return True, f"met: the {what} week is {loss:.2f} % above the best reference week found (not proven{below})"


def _highs(time_limit: float, gap: float, node_limit: int | None):
    """A quiet single-thread HiGHS with a time cap, a relative gap and, if given, a node limit (deterministic)."""
    h = new_highs()
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", float(gap))
    h.setOptionValue("threads", 1)
    if node_limit is not None:
        h.setOptionValue("mip_max_nodes", int(node_limit))
    return h


def _at_most(rows: Rows, name: str, cols: np.ndarray, keys: np.ndarray, flags: np.ndarray, weight: np.ndarray,
             exact: bool = False) -> None:
    """One row per key k: the sum of the `cols` with key k, minus weight[k] times column flags[k], at most 0 (the
    columns are 0 unless the flag is 1), or `exact`ly 0 (the flag is their sum)."""
    counts = np.bincount(keys, minlength=len(flags))
    flag_at = np.cumsum(counts) + np.arange(len(flags))   # each row: its columns, then its flag
    index = np.empty(len(cols) + len(flags), dtype=np.int32)
    value = np.ones(len(index))
    rest = np.ones(len(index), dtype=bool)
    rest[flag_at] = False
    index[rest] = cols[np.argsort(keys, kind="stable")]
    index[flag_at], value[flag_at] = flags, -weight
    rows.add_rows([name] * len(flags), counts + 1, index, value, 0.0 if exact else -np.inf, 0.0)


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
            # the serving that holds the most of the meal: a dish's optional ingredients (butter on the bread)
            # are its own, and left over as food-by-food items they would break the dish meal's rules
            best = max(match, key=lambda j: len(dishes.items(int(j))))
            values[dish.start + best] = 1.0
            for f in dishes.items(int(best)):
                del here[f]
        elif s in dish_slots:
            values[no_dish.start + dish_slots.index(s)] = 1.0
        for f, n in here.items():
            k = pair_of.get((f, s))
            cols = np.flatnonzero((day.opt_pair == k) & (day.opt_steps == n)) if k is not None else []
            if len(cols) != 1:
                return None
            values[cols[0]] = 1.0
    cols = _choice_cols(day)
    return cols, values[cols]


def _choice_cols(day: DayModel) -> np.ndarray:
    """A day's choice columns: its portion options, its dishes and its meals' "no dish" (what a start sets)."""
    return np.r_[np.arange(day.n_options), np.arange(day.blocks["dish"].start, day.blocks["no_dish"].stop)]
