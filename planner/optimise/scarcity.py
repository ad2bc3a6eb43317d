"""What a day of each food is worth to the rest of the week, so that day-by-day planning shares scarce foods
instead of spending them on the first days.

Each food may be eaten on at most `max_days_per_food` days. Planning day `d`, the days d..D-1 still to plan
form a whole-week LP relaxation (every day's columns, one row per food for the days it has left). Its days
are alike but for the seeded noise, so its optimum is the average day repeated: the relaxation is one day's
LP with each food's use capped at (days it has left) / (days still to plan). The dual of that row is what
one more day of the food would save the rest of the week; day `d` pays it for every meal the food is in
(`DayRequest.pair_cost`), so it uses a scarce food only where it does more good than on the days after.

Deterministic: a simplex run with an iteration limit (wall-clock is only a safety cap).
"""

from __future__ import annotations

import numpy as np

from planner.optimise.day import DayModel, pass_model

PRICE_ITERATIONS = 20000   # simplex iterations of the pricing LP: a work limit (measured: 2,000-6,000 suffice)


def day_prices(model: DayModel, groups: np.ndarray, days_left: np.ndarray, open_days: int,
               time_limit: float) -> np.ndarray | None:
    """Per food group: the price of one more day of it (objective units, 0 when not scarce), from the
    average-day LP relaxation of the `open_days` days still to plan, where group g may be used on
    `days_left[g]` of them (inf: not limited). None when the LP is not solved within its limits."""
    import highspy

    from planner.quiet import new_highs

    limited = np.isfinite(days_left) & (days_left < open_days)
    if open_days <= 1 or not limited.any():
        return np.zeros(len(days_left))
    item_cols, item_food = model.item_entries()
    item_group = groups[item_food]
    on = limited[item_group] & (model.upper[item_cols] > 0)
    if not on.any():
        return np.zeros(len(days_left))
    share = days_left / open_days
    rows = model.rows.copy()   # the day model is left as it was built
    n_rows = len(rows)
    keys = item_group[on]
    uniq = np.unique(keys)
    rows.add_groups("days_left", item_cols[on], keys, share[uniq])
    h = new_highs()
    h.setOptionValue("presolve", "off")
    h.setOptionValue("threads", 1)
    h.setOptionValue("time_limit", float(max(time_limit, 0.05)))
    h.setOptionValue("simplex_iteration_limit", PRICE_ITERATIONS)
    pass_model(h, model.cost, model.lower, model.upper, None, rows.csr(), rows.lower, rows.upper)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    duals = np.asarray(h.getSolution().row_dual)[n_rows:]
    prices = np.zeros(len(days_left))
    prices[uniq] = np.maximum(0.0, -duals)
    return prices
