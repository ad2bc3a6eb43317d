"""The meal-plan optimiser: a profile becomes 1-14 days of five small meals that meet its Mg/K/Ca targets.

Method (measured in benchmarks/plan_speed.py): one small MILP per day (planner.optimise.day), days solved
in turn. Variety is carried from day to day: a food eaten on earlier days costs more per kcal each time,
a food on `max_days_per_food` days is used up, no day holds a whole earlier day, and no meal holds the
same meal of the day before or after. Scarce foods are shared across the week: each day pays, for every
food, what one of its days is worth to the days still to plan (the duals of their
LP relaxation, planner.optimise.scarcity); where a goal is still shared unevenly, the notes say why. Goals carry heavily penalised slack, so a day always comes back
with its shortfalls; which rules bind and what would help are found by solving the hardest day again
with one rule eased at a time.

Meal energy shares are shares of the day's energy target (measured: against the day's actual energy the
rows mix signs and the MIP is 1.5-3x slower). Grams are stored rounded to 0.1 g, as the JSON keeps them;
the day model tightens every hard row by the most that rounding can move it, so a plan read back from
its file keeps every rule exactly.

Objective, per day: without prices, the day's energy weighted by preference (liked and recommended
foods cheaper, foods eaten on earlier days dearer, a small seeded random part so days differ); with
prices, money first and preferences as a tie-break; always the goals' slack, heavily.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from foods import FoodTable
from planner.errors import PlannerError
from planner.optimise.context import (
    DEFAULT_MAX_DAYS_PER_FOOD,
    DayPairs,
    Week,
    build_week,
    check_days,
    check_time_limit,
    day_budget,
    day_pairs,
    day_request,
    day_to_avoid,
    priced_request,
    seafood_grams,
    solve_request,
    to_day,
    without_variety,
)
from planner.optimise.day import GOAL_WEIGHT, DayRequest, DaySolution, build_day, dish_options, dish_slots
from planner.optimise.explain import (
    SHORTFALL_TOLERANCE,
    diagnose_infeasible,
    explain_shortfalls,
    protein_notes,
    sharing_notes,
    shortfall_order,
)
from planner.optimise.realism import BOUGHT_EATEN_MIN
from planner.optimise.strategy import solve_day
from planner.optimise.verify import uneven_goals, week_measure
from planner.plan import Day, Plan, SolveState, SolveStatus
from planner.profile import Profile
from planner.rules import meal_slots
from planner.shopping import shopping_list

WHAT_IF_RESERVE = 0.25    # share of the time limit kept for them
DAY_RESERVE = 0.3         # seconds of the safety cap kept for each day still to plan
GRAMS_PER_OZ = 28.35
_STATUS_RANK = {state: rank for rank, state in enumerate(SolveState)}   # the enum is declared best first


def plan_day(week: Week, d: int, planned: dict[int, DayPairs], forced: dict, time_limit: float,
              salt: int = 0, avoid_extra: list | None = None, closed_pairs: np.ndarray | None = None,
              fixed_slots: frozenset[int] = frozenset(), deadline: float | None = None
              ) -> tuple[DayRequest, DaySolution, list[str]]:
    """Solve one day; if the solver fails in `time_limit` and `deadline` leaves time, solve it again with
    the time that is left; if the rules leave no day, solve it again with one group of them eased at a time
    (locks apart from their meal's pattern, the variety rules, the patterns and food groups), and say so.
    `closed_pairs` may not be used (meals kept as they are)."""
    began = time.perf_counter()
    request = day_request(week, d, planned, forced, salt, day_budget(week, d, planned), avoid_extra)
    if closed_pairs is not None:   # meals kept as they are (regenerate: every other day is planned, nothing to price)
        banned = closed_pairs if request.banned_pairs is None else request.banned_pairs | closed_pairs
        request = replace(request, banned_pairs=banned, fixed_slots=fixed_slots)
    request, model = priced_request(week, d, planned, request, time_limit / 4)
    solution = solve_request(week, request, time_limit, model=model)
    left = 0.0 if deadline is None else deadline - time.perf_counter() - 0.05
    # no plan in its share of the time: use what is left (not when its work limit stopped it: the same
    # deterministic solve would stop there again)
    if solution.status.status == SolveState.FAILED and left > 0.5 and not solution.status.no_plan_at_work_limit:
        began, time_limit = time.perf_counter(), left
        solution = solve_request(week, request, time_limit)
    # no day with every rule: ease them one group at a time, and say which. Locked foods that fit no meal pattern
    # together (two proteins in one dinner) first: the rest of the meal is planned around them. Then the variety
    # rules (foods used up by earlier days may leave no day, or none the work limit finds: a day that repeats foods
    # beats no day). Last, what is kept or locked may leave no meal pattern or food-group amount possible.
    stuck = solution.status.no_plan_at_work_limit
    if solution.status.status == SolveState.INFEASIBLE or stuck:
        why = "no plan was found with them" if stuck else "the other rules left no other way"
        easings = [
            (forced, replace(request, relax=request.relax | {"locks_apart"}),
             "the foods you kept do not make one usual meal together, so the rest of the meal is planned around them."),
            (True, without_variety(request), f"foods repeat more than the variety rules allow, because {why}."),
            (forced, without_variety(request, frozenset({"meal_patterns", "food_groups"})),
             "with the foods you kept, its meals do not all follow a meal pattern and its vegetables, fruit or legumes "
             "may be outside their daily amounts."),
        ]
        for applies, eased, said in easings:
            if applies:
                retry = solve_request(week, eased, max(0.2, time_limit - (time.perf_counter() - began)))
                if retry.status.status.solved:
                    return eased, retry, [f"Day {d + 1}: {said}"]
    return request, solution, []


def _combined(statuses: list[SolveStatus], seconds: float) -> SolveStatus:
    """The plan's status: the worst day's, the largest gap, and one message that says which days."""
    if not statuses:
        return SolveStatus(SolveState.OPTIMAL, "HiGHS", seconds, 0.0)
    worst = max(statuses, key=lambda s: _STATUS_RANK[s.status])
    gaps = [s.gap for s in statuses if s.gap is not None]
    gap = max(gaps) if gaps else None
    parts = []
    for kind, words in ((SolveState.FAILED, "the solver failed on"),
                        (SolveState.INFEASIBLE, "the hard rules contradict on"),
                        (SolveState.TIME_LIMIT, "stopped at the time limit on"),
                        (SolveState.FEASIBLE, "not proven best on")):
        days = [str(d + 1) for d, s in enumerate(statuses) if s.status == kind]
        if days:
            parts.append(f"{words} day{'s' if len(days) > 1 else ''} {', '.join(days)}")
    if worst.status == SolveState.FEASIBLE:
        # the gap (kept in `gap`) is to the LP relaxation's bound, which whole portions and dishes keep loose: "within
        # 36 % of its best possible" read as a poor plan when the loss is a few per cent
        parts.append("each day's search stops at a fixed amount of work, so the same profile gives the same plan on "
                     "any machine")
    parts += list(dict.fromkeys(s.message for s in statuses if s.solver == "CBC" and s.message))
    solver = "CBC" if any(s.solver == "CBC" for s in statuses) else worst.solver
    return SolveStatus(worst.status, solver, seconds, gap, "; ".join(parts))


def _status_notes(week: Week, solutions: dict[int, DaySolution]) -> list[str]:
    notes = []
    for d, sol in sorted(solutions.items()):
        if sol.status.status == SolveState.FAILED:
            hint = "" if sol.status.no_plan_at_work_limit else ": try a longer time limit"
            notes.append(f"Day {d + 1}: the solver failed ({sol.status.message}). This does not mean no plan "
                         f"exists{hint}.")
        elif sol.status.status == SolveState.INFEASIBLE:
            notes.append(f"Day {d + 1}: no day can keep all the hard rules; {diagnose_infeasible(week, d)}")
        if sol.over_budget > 0.005:
            notes.append(f"Day {d + 1}: {sol.over_budget:.2f} over its share of the budget; no cheaper day keeps "
                         "the rules.")
    return notes


POLISH_DAYS = 2          # the last days of a week planned in turn, planned again knowing every other day
THOROUGH_PASSES = 2      # a thorough single day is planned again up to this many times over every food and dish
                         # that could make it better (a week: THOROUGH_STARTS)
POLISH_GAP = 1e-4        # their MIP's gap (relative, and absolute in objective units): the week's measure falls
                         # by tenths of a unit, so a polished day stops at the best plan its core holds


def _replan(week: Week, d: int, others: dict[int, DayPairs], old: DaySolution, deadline: float,
            exhaustive: bool = False, ban: np.ndarray | None = None, gap: float = POLISH_GAP
            ) -> tuple[DayRequest, DaySolution] | None:
    """Day `d` planned again knowing the `others`, on the week's own measure (a plain request), with the foods
    `ban` marks left out too; None when it is not solved or goes further over its budget than `old`."""
    forced = week.locks.get(d, {})
    request = day_request(week, d, others, forced, budget=day_budget(week, d, others), plain=True)
    if ban is not None:
        banned = request.banned_foods | ban
        banned[[f for f, _ in forced]] = False
        request = replace(request, banned_foods=banned)
    model = build_day(week.selection.foods, week.day_rules, request, week.dish_memo)
    solution = solve_day(model, max(0.05, deadline - time.perf_counter()), gap, abs_gap=gap * week.unit,
                         fallback=False, exhaustive=exhaustive)
    if not solution.status.status.solved or solution.over_budget > old.over_budget + 0.005:
        return None
    return request, replace(solution, status=old.status)   # the week's search status stands


DISH_MOVES = 2   # a week's tries to make a meal built food by food a dish, each planning two days again. Measured,
                 # seeds 0-5, the week's objective (lower is better), mean: default 82.81 -> 82.07, pregnant 85.22 ->
                 # 84.49, vegan 100.77 -> 100.32; 4 tries: vegan 100.24; 8: pregnant 84.23, vegan 99.20. Each try
                 # costs two day MIPs (about a quarter of a default week's time; the default week's median time +25 %
                 # at 4 tries)
MOVE_GAP = 0.05  # their MIPs' gap (relative and absolute, as POLISH_GAP): a dish is worth DISH_BONUS (2.5) and they
                 # take half the time at this gap with the same weeks (pregnant seed 0: 0.2 s a day, 0.55 s at 1e-4)


def _free_dishes(search: _Search, deadline: float) -> None:
    """A meal built food by food where a dish could be is so, most often, because the other days used up a food
    its dishes need. Plan a day that eats that food again without it, then this day again (_dish_trades); keep
    both as _Search.keep_if_better keeps days (the week's measure falls, its perishable share holds). Days planned
    one at a time cannot make this trade: it takes two."""
    week, planned, solutions = search.week, search.planned, search.solutions
    tries = 0
    slots = dish_slots(week.selection.foods, week.day_rules, week.dish_memo)
    for d in sorted(planned):
        locked_slots = {s for _, s in week.locks.get(d, {})}
        for s in slots:
            if s in solutions[d].dishes or s in locked_slots:
                continue
            others = {e: pairs for e, pairs in planned.items() if e != d}
            for e, ban in _dish_trades(week, d, s, others):
                if tries >= DISH_MOVES or time.perf_counter() > deadline:
                    return
                tries += 1
                first = _replan(week, e, {x: p for x, p in planned.items() if x != e}, solutions[e], deadline,
                                ban=ban, gap=MOVE_GAP)
                second = None if first is None else \
                    _replan(week, d, others | {e: first[1].steps}, solutions[d], deadline, gap=MOVE_GAP)
                if second is None or s not in second[1].dishes:
                    continue
                if search.keep_if_better({e: first, d: second}):
                    break


FOOD_DROPS = 3   # a week's tries to leave out a food eaten on one day only, each planning that day again. Measured,
                 # seeds 0-9 (0-5 pregnant and vegan), the week's objective: default median 81.60 -> 80.74 (mean
                 # 81.99 -> 81.18), pregnant mean 84.49 -> 84.19, vegan 100.32 -> 99.90; the default week's time
                 # +5-10 %. 5 tries: 80.68; foods eaten on two days as well (both planned again): no better


def _fewer_foods(search: _Search, deadline: float) -> None:
    """A food eaten on one day only costs the week NEW_FOOD_COST for that day alone. Plan such a day again without
    it, knowing the other days, and keep it as _free_dishes keeps its days. Days planned in turn bring such foods
    in early, before later days show that foods they share would have done; the smallest (fewest kcal) first, as
    they are the easiest to do without."""
    week, planned = search.week, search.planned
    if len(planned) < 2:
        return
    tries = 0
    for g, d in _single_day_foods(week, planned):
        if tries >= FOOD_DROPS or time.perf_counter() > deadline:
            return
        ban = week.groups == g
        if not any(ban[f] for f, _ in planned[d]):   # an earlier try on that day left it out already
            continue
        tries += 1
        again = _replan(week, d, {e: pairs for e, pairs in planned.items() if e != d}, search.solutions[d],
                        deadline, ban=ban, gap=MOVE_GAP)
        if again is not None:
            search.keep_if_better({d: again})


def _single_day_foods(week: Week, planned: dict[int, DayPairs]) -> list[tuple[int, int]]:
    """(food group, day) for each food that counts toward the week's foods eaten on one day only, and is not
    locked, those with the fewest kcal first (then by group)."""
    groups, kcal_per_step = week.groups, week.selection.foods.per_step["energy_kcal"]
    days_of: dict[int, set[int]] = {}
    kcal: dict[int, float] = {}
    for d, pairs in planned.items():
        for (f, _), steps in pairs.items():
            g = int(groups[f])
            days_of.setdefault(g, set()).add(d)
            kcal[g] = kcal.get(g, 0.0) + steps * float(kcal_per_step[f])
    locked = {int(groups[f]) for day_locks in week.locks.values() for f, _ in day_locks}
    counted = {int(g) for g in np.unique(groups[~week.never_used_up])}
    return [(g, min(days_of[g])) for _, g in sorted((kcal[g], g) for g, days in days_of.items()
                                                   if len(days) == 1 and g in counted and g not in locked)]


def _dish_trades(week: Week, d: int, s: int, others: dict[int, DayPairs]):
    """The trades that could give day `d`'s meal `s` a dish: (day e, foods e is to go without) for each food used
    up by the `others` whose freeing would offer that meal more dishes, those freeing the most first, and each
    day that eats it (its raw and cooked forms are one food)."""
    foods, rules, groups = week.selection.foods, week.day_rules, week.groups
    request = day_request(week, d, others, {}, plain=True)

    def offered(banned: np.ndarray) -> set[int]:
        options = dish_options(foods, rules, replace(request, banned_foods=banned), week.dish_memo)
        return set(options.dish[options.slot == s].tolist())

    banned = request.banned_foods
    now = offered(banned)
    gains = []
    for g in np.unique(groups[banned & ~week.never_used_up]).tolist():
        more = offered(banned & (groups != g)) - now
        if more:
            gains.append((-len(more), int(np.flatnonzero(groups == g)[0]), g))   # then the group's first food
    for *_, g in sorted(gains):
        ban = groups == g
        for e in sorted(e for e, pairs in others.items() if any(ban[f] for f, _ in pairs)):
            yield e, ban


def _polish(search: _Search, days: range, deadline: float, passes: int = 1, exhaustive: bool = False) -> None:
    """Plan each of `days` again with every other day known, on the week's own measure (a plain request: no
    chance, no cook-once or opened-pack nudges), and keep it when the week's measure falls and its budget holds;
    `passes` times over, a day planned again only when another day changed since (the same model would give the
    same day). Days planned in turn cannot see the days after them: measured, default week, seeds 0-39, the last
    two days planned again bring the week's objective down by about 1.4 %."""
    planned = search.planned
    changes, seen = 0, {}   # how many days changed, and how many had when each day was last planned again
    for d in [d for _ in range(passes) for d in days]:
        if time.perf_counter() > deadline:
            return
        if seen.get(d) == changes:
            continue
        seen[d] = changes
        others = {e: pairs for e, pairs in planned.items() if e != d}
        again = _replan(search.week, d, others, search.solutions[d], deadline, exhaustive)
        if again is not None and search.keep_if_better({d: again}, guard_share=False):
            changes += 1
            seen[d] = changes


SHARING_REPAIRS = 2      # times a week plans a badly shared goal's fullest and shortest days again


def _shortfall(week: Week, solution: DaySolution) -> float:
    """A day's goal shortfalls in objective units (as the day model weighs them)."""
    return sum(GOAL_WEIGHT * solution.slack.get(name, 0.0) / goal for name, goal in week.day_rules.goals.items())


def _share_again(week: Week, full: int, short: int, planned: dict[int, DayPairs], requests: dict[int, DayRequest],
                 solutions: dict[int, DaySolution], deadline: float) -> bool:
    """Plan day `full` again, with its scarce foods priced for itself and day `short` (the LP of those two
    days), then day `short` with what that leaves; keep both when the two days fall short by less than
    before. Returns whether they were kept. A plan's locks and kept items stay as they are."""
    others = {e: pairs for e, pairs in planned.items() if e not in (full, short)}
    share = max(0.05, (deadline - time.perf_counter()) / 4)
    req_full, sol_full, _ = plan_day(week, full, others, week.locks.get(full, {}), share)
    if not sol_full.status.status.solved:
        return False
    req_short, sol_short, _ = plan_day(week, short, others | {full: sol_full.steps}, week.locks.get(short, {}),
                                       share)
    if not sol_short.status.status.solved:
        return False
    before = _shortfall(week, solutions[full]) + _shortfall(week, solutions[short])
    if _shortfall(week, sol_full) + _shortfall(week, sol_short) >= before - 1e-6:
        return False
    for d, request, solution in ((full, req_full, sol_full), (short, req_short, sol_short)):
        requests[d], solutions[d], planned[d] = request, solution, solution.steps
    return True


THOROUGH_STARTS = 4      # a thorough week of several days: the best of this many weeks planned as make_plan plans
START_SEED_STEP = 1_000  # one (seeds seed, seed + START_SEED_STEP, ...: the seed's own week first, so it is never
                         # worse), then each day of it planned again knowing the others, over every food and dish that
                         # could make it better. Measured, seeds 0-2, week objective mean, before -> after: default
                         # 80.69 -> 80.07, pregnant 82.51 -> 81.90, vegan 96.55 -> 95.06, the README kidney week (seed
                         # 0) 105.42 -> 104.33; CPU about the same, the kidney week +25 %. Before, a thorough week
                         # planned every day again twice that way from the seed's days in turn, and could end worse
                         # than its own fast week. The best start planned again only over its core: the kidney week
                         # 112.7, worse than before


@dataclass
class _Search:
    """A week being planned (_search_week): its days, and its measure (`value`) as it stands, kept by the steps
    that plan days again so that none measures the same week twice. `measure` and `eaten` take a dict of days'
    pairs and their dishes: the week's objective (week_measure) and the share of its perishable bought grams eaten."""

    week: Week
    planned: dict[int, DayPairs]
    requests: dict[int, DayRequest]
    solutions: dict[int, DaySolution]
    notes: list[str]
    measure: Callable
    eaten: Callable
    value: float | None = None      # the week's objective; None when a day was not solved
    share: float | None = None      # its perishable eaten share; None until a step needs it

    def dishes(self) -> dict[int, dict[int, str]]:
        return {d: solution.dishes for d, solution in self.solutions.items()}

    def keep_if_better(self, trial: dict[int, tuple[DayRequest, DaySolution]], guard_share: bool = True) -> bool:
        """Put the `trial` days (day -> request and solution) in the week when its measure falls and, with
        `guard_share`, its perishable share stays at BOUGHT_EATEN_MIN or more, or does not fall when already below
        (the plain days planned again know nothing of opened packs: the README's kidney week, seed 2, went from
        75 % to 72 %). Returns whether they were kept."""
        pairs = self.planned | {d: solution.steps for d, (_, solution) in trial.items()}
        dishes = self.dishes() | {d: solution.dishes for d, (_, solution) in trial.items()}
        value = self.measure(pairs, dishes)
        if value >= self.value - 1e-6:
            return False
        share = None
        if guard_share:
            if self.share is None:
                self.share = self.eaten(self.planned, self.dishes())
            share = self.eaten(pairs, dishes)
            if share < min(self.share, BOUGHT_EATEN_MIN) - 1e-9:
                return False
        self.value, self.share = value, share
        for d, (request, solution) in trial.items():
            self.planned[d], self.requests[d], self.solutions[d] = solution.steps, request, solution
        return True


def _search_week(week: Week, profile: Profile, table: FoodTable, objective: Callable[[Plan], float],
                 deadline: float, reserve: float, single_thorough: bool) -> _Search:
    """The week's days planned in turn, then its last days planned again knowing the others, its dish moves and
    food drops; `single_thorough`: a one-day plan planned again over every food and dish that could beat it."""
    days = week.days
    planned: dict[int, DayPairs] = {}
    notes: list[str] = []
    requests: dict[int, DayRequest] = {}
    solutions: dict[int, DaySolution] = {}
    for d in range(days):
        # wall-clock is only a safety cap (the solves stop at deterministic work limits): a day may use all
        # that is left but a little for each day after it
        share = max(0.05, deadline - reserve - time.perf_counter() - DAY_RESERVE * (days - d - 1))
        request, solution, day_notes = plan_day(week, d, planned, week.locks.get(d, {}), share,
                                                 deadline=deadline)
        notes += day_notes
        requests[d], solutions[d], planned[d] = request, solution, solution.steps

    def shown(pairs: dict[int, DayPairs], dishes: dict[int, dict[int, str]]) -> Plan:
        return Plan([to_day(week, d, pairs[d], set(week.locks.get(d, {})), dishes[d]) for d in range(days)],
                    profile.to_dict())

    def measure(pairs: dict[int, DayPairs], dishes: dict[int, dict[int, str]]) -> float:
        return objective(shown(pairs, dishes))

    def eaten(pairs: dict[int, DayPairs], dishes: dict[int, dict[int, str]]) -> float:
        share = shopping_list(shown(pairs, dishes), table).perishable_eaten_share
        return 1.0 if share is None else share

    search = _Search(week, planned, requests, solutions, notes, measure, eaten)
    if not all(s.status.status.solved for s in solutions.values()):
        return search
    search.value = measure(planned, search.dishes())
    if days > 1 or single_thorough:
        polished = range(days) if single_thorough else range(max(0, days - POLISH_DAYS), days)
        _polish(search, polished, deadline - reserve, THOROUGH_PASSES if single_thorough else 1,
                exhaustive=single_thorough)
        _free_dishes(search, deadline - reserve)
        _fewer_foods(search, deadline - reserve)
    return search


def make_plan(profile: Profile, table: FoodTable, days: int = 7, *, locks=(),
              max_days_per_food: int = DEFAULT_MAX_DAYS_PER_FOOD, prices: dict[str, float] | None = None,
              weekly_budget: float | None = None, time_limit: float = 120.0, seed: int = 0,
              variety: str = "usual", thorough: bool = False) -> Plan:
    """A plan of `days` days for `profile`: the hard rules always, the Mg/K/Ca goals as far as they go.

    `locks` keep foods in meals; `prices` (food id -> price per kg as bought) make the objective money,
    within `weekly_budget` (per 7 days, scaled to the plan's length); `time_limit` bounds the whole run,
    every solve included; `seed` picks among equally good plans; `thorough` searches longer (seconds, not
    tenths) for a better week, never a worse one than the fast week of the same seed: the best of
    THOROUGH_STARTS weeks (that one first), each day of it then planned again knowing the others; a single day
    is planned again up to twice over every food and dish that could make it better. Solver trouble comes back
    in `plan.status` and the notes, never as "no plan exists".
    """
    began = time.perf_counter()
    check_days(days)
    time_limit = check_time_limit(time_limit)
    deadline = began + time_limit
    reserve = WHAT_IF_RESERVE * time_limit
    objective = week_measure(profile, table, days, prices, variety)
    starts = THOROUGH_STARTS if thorough and days > 1 else 1
    best: _Search | None = None
    for k in range(starts):
        if k and time.perf_counter() > deadline - reserve:   # the safety cap, not a work limit: say so
            best.notes.append(f"The thorough search stopped after {k} of its {starts} starts at its safety time cap; "
                              "on a busy machine this plan may differ from run to run.")
            break
        week = build_week(profile, table, days, locks, max_days_per_food, prices, weekly_budget,
                          seed + k * START_SEED_STEP, variety=variety)
        search = _search_week(week, profile, table, objective, deadline, reserve, thorough and days == 1)
        if best is None or (search.value is not None and (best.value is None or search.value < best.value - 1e-9)):
            best = search
    week, planned, requests, solutions, notes = best.week, best.planned, best.requests, best.solutions, best.notes
    if starts > 1 and best.value is not None:   # each day of the best planned again knowing its others, over every
        # food and dish that could make it better
        _polish(best, range(days), deadline - reserve, exhaustive=True)
    plan_days = [to_day(week, d, planned[d], set(week.locks.get(d, {})), solutions[d].dishes) for d in range(days)]
    shared: tuple[int, int] | None = None   # the two days last planned again
    for _ in range(SHARING_REPAIRS):   # a goal shared unevenly: plan its fullest and its shortest day again
        uneven = uneven_goals(table, plan_days, week.day_rules.goals, SHORTFALL_TOLERANCE)
        if not uneven:
            break
        if time.perf_counter() > deadline - reserve:   # the safety cap, not a work limit: say so
            notes.append("The week's goals were not shared again: the plan reached its safety time cap first; "
                         "on a busy machine this plan may differ from run to run.")
            break
        shortest = max(range(days), key=lambda d: (solutions[d].slack.get(uneven[0].nutrient, 0.0), -d))
        if (uneven[0].over_day, shortest) == shared:   # the same two days from the same other days: the same
            break                                      # plans again (deterministic), no better: not solved twice
        if not _share_again(week, uneven[0].over_day, shortest, planned, requests, solutions, deadline):
            break
        shared = (uneven[0].over_day, shortest)
        plan_days = [to_day(week, d, planned[d], set(week.locks.get(d, {})), solutions[d].dishes)
                     for d in range(days)]
    notes += protein_notes(week, plan_days)
    notes += sharing_notes(week, plan_days)
    if week.seafood is not None and week.seafood.any():   # the advice itself is in the pregnancy note
        grams = sum(seafood_grams(week, planned[d]) for d in range(days))
        notes.append(f"Seafood this week: {grams:,.0f} g (about {grams / GRAMS_PER_OZ:.0f} oz).")
    shortfalls = explain_shortfalls(week, planned, requests, solutions, deadline, notes)
    notes += _status_notes(week, solutions)
    status = _combined([s.status for s in solutions.values()], time.perf_counter() - began)
    return Plan(plan_days, profile.to_dict(), week.targets.to_dict(), shortfalls, status,
                list(dict.fromkeys(week.notes + notes)))


def regenerate(plan: Plan, profile: Profile, table: FoodTable, day: int, slot: str | None = None, *,
               locks=(), time_limit: float = 5.0, max_days_per_food: int = DEFAULT_MAX_DAYS_PER_FOOD,
               prices: dict[str, float] | None = None, weekly_budget: float | None = None,
               seed: int | None = None) -> Plan:
    """A new plan with day `day` (0-based), or only its meal `slot`, planned again: every other day and
    meal, and every locked item (marked in the plan or in `locks`), stays as it was; what is planned
    again differs from what was there. On solver trouble the old plan comes back with the status."""
    began = time.perf_counter()
    time_limit = check_time_limit(time_limit)
    n_days = len(plan.days)
    if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day < n_days:
        shown = day + 1 if isinstance(day, int) else day
        raise PlannerError(f"day {shown} is not in the plan (days 1-{n_days})")
    if slot is not None and slot not in meal_slots():
        raise PlannerError(f"'{slot}' is not a meal; meals are {', '.join(meal_slots())}")
    old_day = plan.days[day]
    kept = {(it.food_id, m.slot) for m in old_day.meals for it in m.items
            if it.locked or (slot is not None and m.slot != slot)}
    seed = time.time_ns() % 1_000_003 if seed is None else seed
    week = build_week(profile, table, n_days, locks, max_days_per_food, prices, weekly_budget, seed, keep=kept)
    planned = {other.index: day_pairs(week, other)[0] for other in plan.days if other.index != day}
    others = frozenset(meal_slots()) - {slot} if slot is not None else frozenset()
    old_pairs, old_locked = day_pairs(week, old_day, kept_slots=others)
    forced: dict[tuple[int, int], int | None] = {p: old_pairs[p] for p in old_locked}
    in_scope = (lambda p: True) if slot is None else (lambda p: p[1] == week.slots.index(slot))
    forced.update({p: n for p, n in old_pairs.items() if not in_scope(p)})
    forced.update(week.locks.get(day, {}))
    # something must change: the old day (or meal) may not come back whole
    old_scope = sorted(p for p in old_pairs if in_scope(p))
    avoid_extra = [old_scope] if old_scope and any(p not in forced for p in old_scope) else []
    if avoid_extra and slot is None:   # a whole day: as the week avoids its days (two snacks swapped came back)
        avoid_extra = [day_to_avoid(week, old_scope) or old_scope]
    closed = None
    fixed = frozenset()
    if slot is not None:   # the other meals are kept as they are: nothing may join them
        closed = np.array([int(s) != week.slots.index(slot) and (int(f), int(s)) not in forced
                           for f, s in zip(week.food_idx, week.slot_idx, strict=True)])
        fixed = frozenset(s for s in range(len(week.slots)) if week.slots[s] != slot)
    request, solution, notes = plan_day(week, day, planned, forced, time_limit * (1 - WHAT_IF_RESERVE),
                                         salt=seed, avoid_extra=avoid_extra, closed_pairs=closed, fixed_slots=fixed)
    if not solution.status.status.solved:
        status = replace(solution.status, seconds=time.perf_counter() - began)
        return replace(plan, status=status, notes=list(plan.notes) + _status_notes(week, {day: solution}))
    new_day = to_day(week, day, solution.steps, set(old_locked) | set(week.locks.get(day, {})), solution.dishes)
    if slot is not None:   # the kept meals stay exactly as they were, item order and all
        new_day = Day(day, [new_day.meal(slot) if m.slot == slot else m for m in old_day.meals])
    days = [new_day if d.index == day else d for d in plan.days]
    planned[day] = solution.steps
    fresh = explain_shortfalls(week, {day: solution.steps}, {day: request}, {day: solution}, began + time_limit,
                               notes)
    others = [s for s in plan.shortfalls if s.day != day]
    status = replace(solution.status, seconds=time.perf_counter() - began)
    return replace(plan, days=days, shortfalls=sorted(others + fresh, key=shortfall_order), status=status,
                   notes=list(dict.fromkeys(list(plan.notes) + notes)))
