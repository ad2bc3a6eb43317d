"""The day model reads like its formulation: a golden 3-food day, its LP file's named rows, and a
hand-written PuLP model of the documented formulation that reaches the same optimum."""

from __future__ import annotations

import numpy as np
import pulp
import pytest

from planner.optimise.day import (
    ENERGY_WEIGHT,
    GOAL_WEIGHT,
    DayRequest,
    DayRules,
    FoodArrays,
    build_day,
)
from planner.optimise.strategy import solve_day

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
