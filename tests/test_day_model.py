"""The day model reads like its formulation: a golden 3-food day, its LP file's named rows, and a
hand-written PuLP model of the documented formulation that reaches the same optimum."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pulp
import pytest

from planner.optimise.day import (
    ENERGY_WEIGHT,
    GOAL_WEIGHT,
    WEEK_ROWS_WEIGHT,
    DayRequest,
    DayRules,
    FoodArrays,
    build_day,
)
from planner.optimise.strategy import solve_day, tightened
from planner.profile import Profile

IDS = ("oats", "milk", "apple")
KCAL = np.array([70.0, 50.0, 52.0])        # per step (100 g)
CALCIUM = np.array([10.0, 120.0, 6.0])
COST = np.array([1.0, 1.2, 0.8])           # per step


def _day():
    foods = FoodArrays(IDS, np.full(3, 100.0), np.ones(3, dtype=int), np.full(3, 2),
                       {"energy_kcal": KCAL, "calcium_mg": CALCIUM, "protein_g": np.array([2.5, 3.3, 0.3]),
                        "fat_g": np.array([1.5, 2.0, 0.2]), "carbohydrate_g": np.array([12.0, 5.0, 14.0])},
                       np.ones((3, 1), dtype=bool), np.array(["starch", "milk", "fruit"]), np.full(3, 100.0),
                       np.array(IDS))
    rules = DayRules(("breakfast",), ((1, 3),), ((0.0, 1.0),), (180.0, 220.0), {}, {}, {"calcium_mg": 300.0}, {},
                     200.0)
    return foods, rules, DayRequest(COST.copy())


def test_the_lp_file_names_every_constraint_of_the_formulation(tmp_path):
    foods, rules, request = _day()
    model = build_day(foods, rules, request)
    path = tmp_path / "day.lp"
    model.write_lp(path, foods.ids, rules.slots)
    text = path.read_text()
    for row in ("one_portion", "foods_per_meal.breakfast", "energy", "energy_target:", "share.breakfast",
                "goal.calcium_mg:"):
        assert f" {row}" in text, row
    assert "x_milk_breakfast_2" in text and "goal_slack_0" in text and "energy_under_0" in text
    assert (" energy_target: +70 x_oats_breakfast_1 +140 x_oats_breakfast_2 +50 x_milk_breakfast_1 "
            "+100 x_milk_breakfast_2 +52 x_apple_breakfast_1 +104 x_apple_breakfast_2 +1 energy_under_0 "
            "-1 energy_over_0 = +200") in text


def test_a_hand_written_pulp_model_of_the_formulation_reaches_the_same_optimum():
    foods, rules, request = _day()
    solution = solve_day(build_day(foods, rules, request), 10, gap=0.0)
    problem = pulp.LpProblem("golden", pulp.LpMinimize)
    x = {(f, k): pulp.LpVariable(f"x_{f}_{k}", cat="Binary") for f in range(3) for k in (1, 2)}
    slack = pulp.LpVariable("g", 0, 300)
    under, over = pulp.LpVariable("u", 0), pulp.LpVariable("o", 0)
    energy = pulp.lpSum(KCAL[f] * k * x[f, k] for f, k in x)
    problem += (pulp.lpSum(COST[f] * k * x[f, k] for f, k in x) + GOAL_WEIGHT * slack / 300
                + ENERGY_WEIGHT * (under + over) / 200)
    for f in range(3):
        problem += x[f, 1] + x[f, 2] <= 1                          # one_portion
    problem += pulp.lpSum(x.values()) >= 1                          # foods_per_meal
    problem += pulp.lpSum(x.values()) <= 3
    margin = 0.05 * (KCAL.max() / 100) * (3 + 2)   # grams rounding: 0.05 g of the densest food, per possible item
    problem += energy >= 180 + margin                               # energy (the ±5 % band, tightened)
    problem += energy <= 220 - margin
    problem += energy >= 0 * 200 + margin                           # share:breakfast (0-100 % of the target)
    problem += energy <= 1.0 * 200 - margin
    problem += energy + under - over == 200                         # energy_target
    problem += pulp.lpSum(CALCIUM[f] * k * x[f, k] for f, k in x) + slack >= 300   # goal:calcium_mg
    problem.solve(pulp.HiGHS(msg=False) if pulp.HiGHS().available() else pulp.PULP_CBC_CMD(msg=False))
    assert pulp.value(problem.objective) == pytest.approx(solution.objective, rel=1e-6)


def test_the_whole_model_stopped_early_without_a_relaxation_is_feasible_not_a_crash(monkeypatch):
    """Solved without the relaxation first (core=False) there is no bound to judge the plan by: a run cut
    by its work limit is 'feasible', never a TypeError on the missing bound."""
    from planner.optimise import strategy
    from planner.plan import SolveStatus

    foods, rules, request = _day()
    monkeypatch.setattr(strategy, "highs_status", lambda h, seconds: SolveStatus("feasible", "HiGHS", seconds, None))
    solution = solve_day(build_day(foods, rules, request), 10, core=False)
    assert solution.status.status == "feasible" and solution.steps


def test_a_day_pays_for_each_food_beyond_the_weeks_most():
    """week_rows: the foods new to the week a day's items bring in, beyond what the week's most leaves, each cost
    WEEK_ROWS_WEIGHT (a slack, so a goal can still ask for one more); tightened counts them from the items."""
    foods, rules, request = _day()
    assert "week_rows" not in build_day(foods, rules, request).rows.names   # no most: the golden day above
    capped = replace(request, on_new_row=np.array([True, True, False]), new_rows_most=1.0)
    model = build_day(foods, rules, capped)
    over = model.blocks["week_rows_over"]
    assert "week_rows" in model.rows.names and model.cost[over.start] == WEEK_ROWS_WEIGHT
    x = np.zeros(len(model.cost))
    x[np.flatnonzero(model.opt_steps == 1)] = 1.0   # one step of each of the three foods: two of them new
    assert tightened(model, x)[over.start] == 1.0
    x[np.flatnonzero((model.opt_steps == 1) & (model.food_idx[model.opt_pair] == 1))] = 0.0
    assert tightened(model, x)[over.start] == 0.0
    solved = solve_day(model, 10)
    assert solved.status.status in ("optimal", "feasible") and solved.steps


def test_the_first_core_mip_offers_only_the_columns_near_the_relaxation(monkeypatch):
    """A day's first MIP keeps the columns the relaxation uses or forces and those within NEAR_OPTION_COST (food
    options) or NEAR_DISH_COST (dishes) of it in reduced cost; the plan still meets what the relaxation meets."""
    from foods import load_table
    from planner.optimise import strategy
    from planner.optimise.context import build_week, day_request, solve_request

    week = build_week(Profile(), load_table(), 1, (), 3, None, None, 0)
    runs = []
    run_highs = strategy._run_highs

    def recorded(model, upper, mip, *args, **kwargs):
        h = run_highs(model, upper, mip, *args, **kwargs)
        runs.append((mip, kwargs.get("cols"), h))
        return h

    monkeypatch.setattr(strategy, "_run_highs", recorded)
    solution = solve_request(week, day_request(week, 0, {}, {}), 30.0)
    lp, first = runs[0][2].getSolution(), runs[1][1]
    assert not runs[0][0] and runs[1][0] and solution.steps
    reduced, x = np.asarray(lp.col_dual), np.asarray(lp.col_value)
    model = build_day(week.selection.foods, week.day_rules, day_request(week, 0, {}, {}), week.dish_memo)
    dish = model.blocks["dish"]
    options, dishes = first[first < model.n_options], first[(first >= dish.start) & (first < dish.stop)]
    assert np.all((reduced[options] <= strategy.NEAR_OPTION_COST * model.unit + 1e-9) | (x[options] > 1e-6))
    assert np.all((reduced[dishes] <= strategy.NEAR_DISH_COST * model.unit + 1e-9) | (x[dishes] > 1e-6))
    assert len(options) < np.count_nonzero(strategy._core(model, x, reduced, strategy.CORE_SIZES[0]))


def test_the_weeks_most_rows_count_what_the_other_days_buy():
    """day_request: a food is new when the shopping row it is bought on is; the week's most rows less the rows the
    other days fill is what the day may bring in before each costs WEEK_ROWS_WEIGHT."""
    from foods import load_table
    from planner.optimise import context
    from planner.optimise.context import build_week, day_request

    week = build_week(Profile(), load_table(), 7, (), 3, None, None, 0)
    first = day_request(week, 0, {}, {})
    assert first.new_rows_most == context.WEEK_ROWS_MOST["usual"]
    assert np.array_equal(first.on_new_row, week.shopping_line[week.food_idx] >= 0)
    oats = week.ids.index("oatmeal")
    breakfast = week.slots.index("breakfast")
    later = day_request(week, 2, {0: {(oats, breakfast): 1}, 1: {(oats, breakfast): 2}}, {})
    assert later.new_rows_most == context.WEEK_ROWS_MOST["usual"] - 1   # one row, eaten on two days
    same_row = week.shopping_line[week.food_idx] == week.shopping_line[oats]
    bought = week.shopping_line[week.food_idx] >= 0
    assert not later.on_new_row[same_row].any() and later.on_new_row[~same_row & bought].all()
    own_day = day_request(week, 0, {0: {(oats, breakfast): 1}}, {})   # a day's own items are not "other days"
    assert own_day.new_rows_most == first.new_rows_most
    high = build_week(Profile(), load_table(), 7, (), 3, None, None, 0, variety="high")
    assert day_request(high, 0, {}, {}).on_new_row is None   # "high" variety: no most
