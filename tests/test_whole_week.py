"""week_objective measures a plan as the models that plan it do: items in their whole steps."""

from __future__ import annotations

from dataclasses import replace

from foods import load_table
from planner.optimise import make_plan
from planner.optimise.candidates import table_arrays
from planner.optimise.verify import as_planned
from planner.plan import Plan
from planner.profile import Profile

TABLE = load_table()
STEP = dict(zip(table_arrays(TABLE).ids, table_arrays(TABLE).step_grams.tolist(), strict=True))


def _off_step(plan: Plan) -> list:
    """Items whose stored grams are not exactly their whole steps (an ounce step, 28.35 g, is stored as 28.4 g)."""
    return [it for it in plan.items() if round(it.grams / STEP[it.food_id]) * STEP[it.food_id] != it.grams]


def test_week_objective_counts_items_in_the_steps_they_were_planned_in():
    plan = make_plan(Profile(), TABLE, 2, seed=0)
    assert _off_step(plan)   # the case that moved the measure away from the models' own objective
    planned = as_planned(plan, TABLE)
    for stored, exact in zip(plan.items(), planned.items(), strict=True):
        assert exact.grams == round(stored.grams / STEP[stored.food_id]) * STEP[stored.food_id]
        assert round(exact.grams, 1) == stored.grams
    assert not _off_step(planned)
    # an item edited by hand to grams that are no whole number of steps keeps its grams
    item = plan.days[0].meals[0].items[0]
    odd = item.grams + 0.3 * STEP[item.food_id]
    edited = replace(plan, days=[replace(plan.days[0], meals=[replace(plan.days[0].meals[0], items=[
        replace(item, grams=odd), *plan.days[0].meals[0].items[1:]]), *plan.days[0].meals[1:]]), *plan.days[1:]])
    assert as_planned(edited, TABLE).days[0].meals[0].items[0].grams == odd
