"""The meal-plan optimiser: a profile becomes 1-14 days of five meals that meet its Mg/K/Ca targets.

Rooms, in the order a plan passes through them:
- `candidates`  the foods a profile may eat as arrays, their roles, the meal patterns and named dishes;
- `context`     the week's fixed context and each day's request (costs, used-up foods, repeats to avoid);
- `day`         one day as a mixed-integer program: the formulation, written at its top, and `build_day`;
- `strategy`    how a day model is solved (relaxation, core MIPs, the whole model; work limits);
- `scarcity`    what a day of each scarce food is worth to the days still to plan (the week's LP duals);
- `week`        the week driver: `make_plan` and `regenerate`, day by day, scarce foods priced;
- `explain`     shortfalls in words: what binds and what would help; protein notes;
- `verify`      checks on a finished plan (hard rules broken, the objective, distinct food ids, goals shared
                unevenly across the week);
- `whole_week`  the whole-week reference MILP that measures what the day-by-day method gives up;
- `realism`     how a dietitian would read a plan (benchmarks/realism.py prints it).
Other modules import from here, never a private name.
"""

from planner.optimise.candidates import goal_amount
from planner.optimise.context import (
    DEFAULT_MAX_DAYS_PER_FOOD,
    MAX_DAYS,
    VARIETIES,
    Lock,
    day_rules_for,
)
from planner.optimise.explain import SHORTFALL_TOLERANCE, shortfall_order
from planner.optimise.verify import Uneven, day_violations, distinct_food_ids, uneven_goals, week_objective
from planner.optimise.week import make_plan, regenerate
from planner.optimise.whole_week import (
    WeekBound,
    WeekResult,
    improve_week,
    quality_verdict,
    solve_whole_week,
    week_lower_bound,
)

__all__ = [
    "DEFAULT_MAX_DAYS_PER_FOOD", "MAX_DAYS", "SHORTFALL_TOLERANCE", "VARIETIES", "Lock", "WeekBound", "WeekResult",
    "day_rules_for", "day_violations", "distinct_food_ids", "goal_amount", "improve_week", "make_plan",
    "quality_verdict", "regenerate", "shortfall_order", "solve_whole_week", "uneven_goals", "Uneven",
    "week_lower_bound", "week_objective",
]
