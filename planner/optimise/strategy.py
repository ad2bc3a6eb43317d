"""How a day model is solved: the LP relaxation, then the MIP over a core of promising columns, widened
once, then the whole model; each run stopped by a deterministic node limit, wall-clock only a safety cap.
CBC through PuLP only when HiGHS is missing or fails."""

from __future__ import annotations

import time

import numpy as np

from planner.optimise.day import DayModel, DaySolution, pass_model
from planner.plan import SolveState, SolveStatus
from planner.quiet import new_highs
from planner.solver import highs_status

NOT_PROVEN = "not proven the best possible day"   # the gap to the LP's bound is in SolveStatus.gap: dishes and
                                                  # whole portions keep that bound loose, so the words leave it out
TIME_CAP_MESSAGE = ("stopped at the safety time cap, not the work limit: on a busy machine this plan may "
                    "differ from run to run")
_INF = float("inf")

# --- solving ----------------------------------------------------------------------------------------------

def _columns(model: DayModel, cols: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The model restricted to `cols` (renumbered 0..len(cols)-1): the CSR rows and their bounds. It is
    the model with the other columns at zero: a row left empty is dropped only when zero keeps it."""
    starts, index, value = model.rows.csr()
    pos = np.full(len(model.cost), -1)
    pos[cols] = np.arange(len(cols))
    keep = pos[index] >= 0
    row_of = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
    counts = np.bincount(row_of[keep], minlength=len(starts) - 1)
    lows, highs = model.rows.lower, model.rows.upper
    rows = (counts > 0) | (lows > 0) | (highs < 0)
    index, value, row_of = pos[index[keep]], value[keep], row_of[keep]
    on = rows[row_of]
    return (np.concatenate([[0], np.cumsum(counts[rows])]), index[on], value[on], lows[rows], highs[rows])


# Measured on the day models (56 core MIPs of the default, realism.py's five and the kidney weeks): a day's MIP
# ends at its root node, where the time goes to cut rounds, then to the sub-MIP heuristics that find the plan.
# The least cut pool (soft limit 1) makes the cut rounds cheap, a restart after root fixings never paid, RENS
# found no plan RINS and the root reduced-cost heuristic did not, and the feasibility jump never found one:
# together 33 % less solver time (default week 15-25 %), week objectives within 0.3 %. All are work settings,
# not time: plans stay deterministic.
MIP_OPTIONS = {"mip_pool_soft_limit": 1, "mip_allow_restart": False, "mip_heuristic_run_rens": False,
               "mip_heuristic_run_feasibility_jump": False}


def _run_highs(model: DayModel, upper: np.ndarray, mip: bool, time_limit: float, gap: float,
               abs_gap: float = 0.0, start: np.ndarray | None = None, cols: np.ndarray | None = None,
               nodes: int | None = None, options: dict | None = None):
    """One HiGHS run on the model's arrays with these upper bounds, as a MIP or as its LP relaxation;
    with `cols`, on those columns only (HiGHS's presolve does not watch the time limit, and on the full
    catalogue's whole model it alone takes minutes: a core is handed over as a small model); `options` are
    HiGHS options for this run (WHOLE_PRESOLVE)."""
    import highspy

    h = new_highs()
    h.setOptionValue("time_limit", float(max(time_limit, 0.01)))
    h.setOptionValue("mip_rel_gap", float(gap))
    h.setOptionValue("mip_abs_gap", float(abs_gap))
    h.setOptionValue("threads", 1)
    if nodes is not None:   # a deterministic work limit: the same model gives the same plan on any load
        h.setOptionValue("mip_max_nodes", int(nodes))
    for option, value in {**MIP_OPTIONS, **(options or {})}.items():
        h.setOptionValue(option, value)
    if not mip:   # measured: presolve is most of an LP's time here, up to 20x on the full catalogue
        h.setOptionValue("presolve", "off")
        h.setOptionValue("simplex_iteration_limit", LP_ITERATIONS)
    cost, lower, integer = model.cost, model.lower, model.integer
    if cols is None:
        starts, index, value = model.rows.csr()
        row_lower, row_upper = model.rows.lower, model.rows.upper
    else:
        starts, index, value, row_lower, row_upper = _columns(model, cols)
        cost, lower, upper, integer = cost[cols], lower[cols], upper[cols], integer[cols]
        start = None if start is None else start[cols]
    pass_model(h, cost, lower, upper, integer if mip else None, (starts, index, value), row_lower, row_upper)
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = list(start)
        solution.value_valid = True
        h.setSolution(solution)
    h.run()
    return h


LP_ITERATIONS = 100_000  # simplex iterations of an LP relaxation: a work limit (a day's takes 30-300), so an
                         # answer never depends on the machine's load; the time limit is only a safety cap
FREE_PER_MEAL = 2        # foods with next to no energy (water, tea, herbs) a core offers per meal


def _core(model: DayModel, x: np.ndarray, reduced: np.ndarray, per_slot: int) -> np.ndarray:
    """Options worth offering the MIP: every option of the pairs the LP relaxation uses or forces, and for
    each meal the `per_slot` most attractive other foods by reduced cost, each food in one meal's list
    (a food is eaten once a day) and few with next to no energy (they cannot fill a meal)."""
    n_opt, n_pairs = model.n_options, model.n_pairs
    used = np.bincount(model.opt_pair, weights=x[:n_opt], minlength=n_pairs) > 1e-6
    forced = np.bincount(model.opt_pair, weights=model.lower[:n_opt], minlength=n_pairs) > 0.5
    open_ = np.bincount(model.opt_pair, weights=model.upper[:n_opt], minlength=n_pairs) > 0.5
    starts = np.flatnonzero(np.r_[True, np.diff(model.opt_pair) != 0])
    score = np.where(open_, np.minimum.reduceat(reduced[:n_opt], starts), np.inf)
    keep = used | forced
    energy = model.pair_energy if model.pair_energy is not None else np.ones(n_pairs)
    free = energy < 0.01 * max(float(np.max(energy, initial=0.0)), 1.0)
    n_slots = int(model.slot_idx.max(initial=-1)) + 1
    taken = np.zeros(n_slots, dtype=int)
    free_taken = np.zeros(n_slots, dtype=int)
    foods_taken: set[int] = set()
    for k in np.argsort(score, kind="stable"):
        if not np.isfinite(score[k]) or taken.min(initial=per_slot) >= per_slot:
            break
        s, f = int(model.slot_idx[k]), int(model.food_idx[k])
        if taken[s] >= per_slot or f in foods_taken or (free[k] and free_taken[s] >= FREE_PER_MEAL):
            continue
        keep[k] = True
        taken[s] += 1
        free_taken[s] += bool(free[k])
        foods_taken.add(f)
    return keep[model.opt_pair]


# A core's first MIP offers only the columns near the relaxation: those whose reduced cost is at most this many
# objective units (or which it uses or forces); the whole core follows only when that plan misses goals the
# relaxation meets. Measured: no item of 3 default weeks' plans had a reduced cost above 0.51 (99 % at most 0.42);
# default week, seeds 0-9: 1.10 -> 0.78 s CPU median (week objective +0.1 %); dishes are kept wider (at 0.4 for
# both, realism.py's pregnant week bought 47 rows on seed 0; at 0.6 for both the kidney week ate 74 % of its
# perishables); with these, realism.py's 5 profiles meet every target on seeds 0-2.
NEAR_OPTION_COST = 0.4
NEAR_DISH_COST = 1.0
DISH_CORE = 12          # dish columns per meal offered to the MIP: those the relaxation uses, then the cheapest


def _dish_core(model: DayModel, x: np.ndarray, reduced: np.ndarray, per_slot: int) -> np.ndarray:
    """The dish columns worth offering the MIP: every one the LP relaxation uses, and per meal the
    `per_slot` with the least reduced cost that are open today."""
    block = model.blocks.get("dish", slice(0, 0))
    if model.dishes is None or not len(model.dishes):
        return np.zeros(0, dtype=int)
    cols = np.arange(block.start, block.stop)
    used = x[cols] > 1e-6
    score = np.where(model.upper[cols] > 0.5, reduced[cols], np.inf)
    keep = used.copy()
    for s in np.unique(model.dishes.slot):
        here = np.flatnonzero((model.dishes.slot == s) & np.isfinite(score))
        keep[here[np.argsort(score[here], kind="stable")[:per_slot]]] = True
    return cols[keep]


CORE_SIZES = (10,)      # pairs per meal offered to the MIP (measured on the kidney and vegan weeks' hard days: a
                        # second, wider core of 30 never met goals the first missed and cost 20-40 % of the day)
CORE_NODES = 100        # branch-and-bound nodes of each core MIP: a work limit, so a plan does not depend on
WHOLE_NODES = 1         # the machine's load; wall-clock time is only a safety cap, reported when hit. The whole
                        # model runs its root (cuts, then RINS from the best core plan): measured on the README
                        # kidney week and the vegan athlete's, seeds 0-3, the same plans as 150 nodes and the
                        # kidney week 30 % faster (without presolve as well: faster, but two vegan days 5 % off
                        # their energy target). Core MIPs: only the kidney weeks' reach 100 nodes; at 100 instead
                        # of 200, seeds 0-11 of the README kidney week and realism.py's took 9-10 % less CPU,
                        # their week objectives 0.2-0.8 % lower (50 nodes: 1-4 % higher); the default and vegan
                        # weeks' plans are the same
WHOLE_PRESOLVE = {"presolve_rule_off": 1 << 15}   # the whole model's presolve without probing (HiGHS's rule 15):
                        # probing was 1.5 s of a 2.7 s root. Measured, seeds 0-11: the README kidney week 11 % less
                        # CPU, realism.py's kidney and vegan weeks 22-25 % less, week objectives within 0.1-0.8 %
EXHAUSTIVE_NODES = 20   # an exhaustive day's last MIP (a thorough week): its nodes, and the most objective units
EXHAUSTIVE_MOST = 1.0   # a column it adds may cost above the relaxation. Measured, default week seeds 0-9, thorough:
                        # week objective 79.92 (1.0 unit, 20 nodes), 79.92 (2.0), 79.97 (every column that could
                        # improve, 100 nodes); the README kidney week 12.3 s CPU at 1.0, 13.4 s at 3.0, 18.8 s then
GOAL_SLACK_UNITS = 2.0   # objective units of extra shortfall worth that try (0.2 % of one goal)
WHOLE_MODEL_OPTIONS = 5000  # above this many options (the full catalogue) the last try is a wide core, not
WIDE_CORE = 120             # the whole model: HiGHS's presolve alone would overrun any time limit


def _solve_highs(model: DayModel, time_limit: float, gap: float, core: bool, abs_gap: float = 0.0,
                 fallback: bool = True, exhaustive: bool = False) -> tuple[np.ndarray | None, SolveStatus, float | None]:
    """Solve the LP relaxation, then the MIP over a core of promising pairs (one per CORE_SIZES); the whole model (started from the best plan so far)
    only when no core plan meets goals the relaxation meets (and `fallback`, else the core plan stands).
    `exhaustive`: then a MIP over every food and dish whose reduced cost leaves it a chance to beat the core's
    plan (within EXHAUSTIVE_MOST), started from that plan.
    The LP bound holds for the whole model, so
    the gap reported is honest: "optimal" when within the gap, else "feasible" with the gap it has.

    Measured: much faster than one MIP over every pair, whose time goes to proving, not finding.
    """
    import highspy

    began = time.perf_counter()
    deadline = began + time_limit
    capped = False   # the safety time cap stopped a run: the plan may then differ from run to run
    n_opt = model.n_options
    protein = model.blocks.get("protein_slack", slice(0, 0))
    # what a day falls short by: its goals' slack and its protein floors' (a main meal under its floor is
    # as much a miss as a goal: a core plan with one is not kept where the relaxation has none)
    slack_cols = np.r_[np.arange(n_opt, n_opt + len(model.goal_names)), np.arange(protein.start, protein.stop)]

    def shortfall(x: np.ndarray) -> float:
        return float(np.dot(model.cost[slack_cols], x[slack_cols]))

    cores: list[np.ndarray] = []
    bound = lp_shortfall = x_lp = reduced = None
    if core:
        h = _run_highs(model, model.upper, False, time_limit, gap)
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None, SolveStatus(SolveState.INFEASIBLE, "HiGHS", time.perf_counter() - began, None,
                                     "the hard rules contradict each other"), None
        if status == highspy.HighsModelStatus.kOptimal:
            solution = h.getSolution()
            x_lp, reduced = np.asarray(solution.col_value), np.asarray(solution.col_dual)
            bound, lp_shortfall = float(h.getInfo().objective_function_value), shortfall(x_lp)
            for size in CORE_SIZES:
                keep = _core(model, x_lp, reduced, size)
                if keep.sum() * 2 >= n_opt:
                    break
                if not cores or keep.sum() > cores[-1].sum():
                    cores.append(keep)

    def good(x: np.ndarray, value: float) -> bool:
        return bound is not None and value - bound <= max(abs_gap, gap * abs(value))

    def goals_as_lp(x: np.ndarray) -> bool:
        return shortfall(x) <= lp_shortfall + GOAL_SLACK_UNITS * model.unit

    def judged(x: np.ndarray, value: float, seconds: float, provable: bool = True) -> SolveStatus:
        """'optimal' within the gap of the LP bound (it holds for the whole model) where `provable`, else
        'feasible' with the gap to that bound."""
        if bound is None:   # no relaxation was solved: nothing to measure the gap against
            return SolveStatus(SolveState.FEASIBLE, "HiGHS", seconds, None, NOT_PROVEN)
        true_gap = max(0.0, (value - bound) / max(abs(value), 1e-9))
        if provable and good(x, value):
            return SolveStatus(SolveState.OPTIMAL, "HiGHS", seconds, true_gap)
        return SolveStatus(SolveState.FEASIBLE, "HiGHS", seconds, true_gap, NOT_PROVEN)

    dish_block = model.blocks.get("dish", slice(n_opt, n_opt))
    extra_cols = np.setdiff1d(np.arange(n_opt, len(model.cost)), np.arange(dish_block.start, dish_block.stop))

    def near_relaxation(cols: np.ndarray, most: float) -> np.ndarray:
        """The columns the relaxation uses or forces, or whose reduced cost is at most `most` objective units."""
        return cols[(reduced[cols] <= most * model.unit) | (x_lp[cols] > 1e-6) | (model.lower[cols] > 0.5)]

    def columns(keep: np.ndarray, per_slot: int = DISH_CORE, near: bool = False) -> np.ndarray:
        dish_cols = _dish_core(model, x_lp, reduced, per_slot) if x_lp is not None else \
            np.arange(dish_block.start, dish_block.stop)
        opt_cols = np.flatnonzero(keep)
        if near and x_lp is not None:
            opt_cols, dish_cols = near_relaxation(opt_cols, NEAR_OPTION_COST), near_relaxation(dish_cols, NEAR_DISH_COST)
        return np.concatenate([opt_cols, np.sort(np.r_[extra_cols, dish_cols])]).astype(int)

    def solution(h, cols: np.ndarray | None) -> np.ndarray:
        values = np.asarray(h.getSolution().col_value)
        if cols is None:
            return values
        x = np.zeros(len(model.cost))
        x[cols] = values
        return x

    best: tuple[np.ndarray, float] | None = None
    offered = 0   # columns the last MIP was offered (the near columns are a subset of the core's)
    for keep, near in ((keep, near) for keep in cores for near in (True, False)):
        cols = columns(keep, near=near)
        if len(cols) == offered:   # nothing was left out: the whole core is the same MIP again
            continue
        offered = len(cols)
        left = deadline - time.perf_counter()
        h = _run_highs(model, model.upper, True, left, gap, abs_gap, cols=cols, nodes=CORE_NODES,
                       start=None if best is None else best[0])   # the narrower MIP's plan is one here too
        capped |= h.getModelStatus() == highspy.HighsModelStatus.kTimeLimit
        if h.getInfo().primal_solution_status == 2:
            value = float(h.getInfo().objective_function_value)
            if best is None or value < best[1]:
                best = (solution(h, cols), value)
            if good(*best) or goals_as_lp(best[0]):   # measured: a wider core rarely pays for its time
                break
        if time.perf_counter() >= deadline - 0.01:
            break
    if exhaustive and best is not None and not good(*best) and time.perf_counter() < deadline - 0.05:
        # every food and dish that could be in a plan cheaper than the core's: one whose reduced cost is above the
        # gap to the relaxation's bound cannot (the bound plus its reduced cost is already dearer)
        most = min(best[1] - bound, EXHAUSTIVE_MOST * model.unit)
        item = np.zeros(len(model.cost), dtype=bool)
        item[:n_opt] = True
        item[dish_block] = True
        cols = np.flatnonzero(~item | (reduced <= most + 1e-9) | (x_lp > 1e-6) | (model.lower > 0.5) | (best[0] > 0.5))
        h = _run_highs(model, model.upper, True, deadline - time.perf_counter(), gap, abs_gap, cols=cols,
                       nodes=EXHAUSTIVE_NODES, start=best[0])
        capped |= h.getModelStatus() == highspy.HighsModelStatus.kTimeLimit
        if h.getInfo().primal_solution_status == 2 and float(h.getInfo().objective_function_value) < best[1]:
            best = (solution(h, cols), float(h.getInfo().objective_function_value))
    if best is not None and (goals_as_lp(best[0]) or not fallback or time.perf_counter() >= deadline - 0.05):
        status = judged(*best, time.perf_counter() - began)
        if capped or time.perf_counter() >= deadline - 0.05:
            status = SolveStatus(SolveState.TIME_LIMIT, "HiGHS", status.seconds, status.gap, TIME_CAP_MESSAGE)
        return best[0], status, best[1]
    # no core, or its plan falls short where the relaxation does not: the whole model (a wide core when
    # the model is too big for HiGHS's presolve to keep the time limit), from the best plan so far, with
    # the rest of the time (a goal missed costs far more than the seconds)
    left = max(0.05, deadline - time.perf_counter())
    cols = None
    if n_opt > WHOLE_MODEL_OPTIONS:
        if x_lp is None:   # not even the relaxation in time: the whole MIP would overrun by minutes
            return None, SolveStatus(SolveState.FAILED, "HiGHS", time.perf_counter() - began, None,
                                     "time limit reached before any plan was found"), None
        cols = columns(_core(model, x_lp, reduced, WIDE_CORE), 4 * DISH_CORE)
    h = _run_highs(model, model.upper, True, left, gap, abs_gap,
                   start=None if best is None else best[0], cols=cols, nodes=WHOLE_NODES, options=WHOLE_PRESOLVE)
    status = highs_status(h, time.perf_counter() - began)
    if status.status.solved:
        x = solution(h, cols)
        if best is not None and float(h.getInfo().objective_function_value) > best[1]:
            x = best[0]
        value = float(np.dot(model.cost, x))
        if status.status != SolveState.TIME_LIMIT and (cols is not None or status.status == SolveState.FEASIBLE):
            status = judged(x, value, status.seconds)   # proven on a core or cut by the work limit: the LP's bound
        return x, status, value
    if best is not None:   # the whole model failed: the core plan stands, not proven the best
        return best[0], judged(*best, time.perf_counter() - began, provable=False), best[1]
    return None, status, None


def relaxation_slack(model: DayModel, time_limit: float = 30.0) -> dict[str, float] | None:
    """Each goal's slack in the LP relaxation (portions may be fractions): a fast, optimistic answer to
    "could the day reach its goals with this rule eased?". None when the relaxation is not solved within
    LP_ITERATIONS (a work limit; `time_limit` is only a safety cap, far above what it takes)."""
    import highspy

    try:
        h = _run_highs(model, model.upper, False, time_limit, 0.0)
    except Exception:  # noqa: BLE001 - a what-if that cannot be answered is left out
        return None
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    x = np.asarray(h.getSolution().col_value)
    return {g: float(x[model.n_options + i]) for i, g in enumerate(model.goal_names)}


def _solve_cbc(model: DayModel, time_limit: float, gap: float, first_error: str
               ) -> tuple[np.ndarray | None, SolveStatus, float | None]:
    """The fallback: the same arrays as a PuLP problem, solved by CBC through planner.solver."""
    import pulp

    from planner.solver import solve

    problem = pulp.LpProblem("day", pulp.LpMinimize)
    cols = [problem.add_variable(f"x{j}", lowBound=model.lower[j],
                            upBound=None if model.upper[j] == _INF else model.upper[j],
                            cat=pulp.LpInteger if model.integer[j] else pulp.LpContinuous)
            for j in range(len(model.cost))]
    problem += pulp.LpAffineExpression({cols[j]: c for j, c in enumerate(model.cost) if c})
    starts, index, value = model.rows.csr()
    lows, highs = model.rows.lower, model.rows.upper
    for r in range(len(lows)):
        expr = pulp.LpAffineExpression(
            {cols[j]: v for j, v in zip(index[starts[r]:starts[r + 1]], value[starts[r]:starts[r + 1]],
                                        strict=True)})
        lo, hi = lows[r], highs[r]
        if lo == hi:
            problem += expr == lo
        else:
            if lo > -_INF:
                problem += expr >= lo
            if hi < _INF:
                problem += expr <= hi
    status = solve(problem, time_limit=time_limit, gap=gap)
    status.message = (first_error + status.message).strip("; ")
    if status.status in (SolveState.OPTIMAL, SolveState.TIME_LIMIT):
        x = np.array([c.varValue or 0.0 for c in cols])
        return x, status, float(pulp.value(problem.objective) or 0.0)
    return None, status, None


def tightened(model: DayModel, x: np.ndarray) -> np.ndarray:
    """`x` with every goal slack and soft-ceiling excess set to the least its row allows. A solve cut off
    by its time limit may hand back more slack than the chosen foods need (the rows bound it from one
    side only): left so, it would report shortfalls and costs that the plan does not have."""
    x = np.array(x, dtype=float)
    starts, index, value = model.rows.csr()
    lows, highs = model.rows.lower, model.rows.upper
    n_opt = model.n_options

    dish = model.blocks.get("dish", slice(0, 0))

    def food_activity(r: int) -> float:
        cols, vals = index[starts[r]:starts[r + 1]], value[starts[r]:starts[r + 1]]
        food = (cols < n_opt) | ((cols >= dish.start) & (cols < dish.stop))
        return float(np.dot(vals[food], x[cols[food]]))

    for g, r in enumerate(model.goal_rows):
        x[n_opt + g] = max(0.0, lows[r] - food_activity(r))
    for c, r in enumerate(model.soft_rows):
        x[n_opt + len(model.goal_rows) + c] = max(0.0, food_activity(r) - highs[r])
    names = model.rows.names
    if "energy_target" in names and model.blocks["energy_under"].stop > model.blocks["energy_under"].start:
        r = names.index("energy_target")
        gap = lows[r] - food_activity(r)
        x[model.blocks["energy_under"].start], x[model.blocks["energy_over"].start] = max(0.0, gap), max(0.0, -gap)
    protein = model.blocks.get("protein_slack", slice(0, 0))
    seafood = model.blocks.get("seafood_slack", slice(0, 0))
    over = model.blocks.get("week_rows_over", slice(0, 0))
    if over.stop > over.start:
        r = names.index("week_rows")
        x[over.start] = max(0.0, food_activity(r) - highs[r])
    for r, name in enumerate(names):
        block = protein if name == "protein_floor" or name.startswith("meal_protein:") else \
            seafood if name == "seafood_aim" else None
        if block is not None:
            cols = index[starts[r]:starts[r + 1]]
            slack = [c for c in cols if block.start <= c < block.stop]
            if slack:
                x[slack[0]] = max(0.0, lows[r] - food_activity(r))
    return x


def solve_day(model: DayModel, time_limit: float, gap: float = 0.01, use_highs: bool = True,
              core: bool = True, abs_gap: float = 0.0, fallback: bool = True, exhaustive: bool = False) -> DaySolution:
    """Solve under a hard time limit; HiGHS first, CBC if HiGHS is missing or crashes. Never raises.
    Without `fallback`, a core plan stands even where it falls short of the relaxation (a what-if)."""
    first_error = ""
    x = obj = None
    if use_highs:
        try:
            x, status, obj = _solve_highs(model, time_limit, gap, core, abs_gap, fallback, exhaustive)
        except ImportError:
            first_error, status = "HiGHS is not installed; ", None
        except Exception as exc:  # noqa: BLE001 - a solver crash is reported, then CBC tries
            first_error, status = f"HiGHS failed ({exc}); ", None
    else:
        status = None
    if status is None and model.n_options > WHOLE_MODEL_OPTIONS:   # PuLP alone would take minutes to build it
        status = SolveStatus(SolveState.FAILED, "CBC", 0.0, None, f"{first_error}the model is too big for the CBC "
                             "fallback within the time limit")
    elif status is None:
        x, status, obj = _solve_cbc(model, time_limit, gap, first_error)
    if x is None:
        return DaySolution({}, {}, None, status)
    x = tightened(model, x)
    obj = float(np.dot(model.cost, x))
    n_opt = model.n_options
    picked = np.flatnonzero(x[:n_opt] > 0.5)
    pairs = model.opt_pair[picked]
    chosen = {(int(model.food_idx[k]), int(model.slot_idx[k])): int(n)
              for k, n in zip(pairs, model.opt_steps[picked], strict=True)}
    dishes: dict[int, str] = {}
    if model.dishes is not None and len(model.dishes):
        on = np.flatnonzero(x[model.blocks["dish"]] > 0.5)
        for j in on:
            s = int(model.dishes.slot[j])
            dishes[s] = model.dishes.names[j]
            chosen.update({(f, s): n for f, n in model.dishes.items(int(j)).items()})
    slack = {g: float(x[n_opt + i]) for i, g in enumerate(model.goal_names)}
    over = float(x[-1]) if model.has_budget else 0.0
    return DaySolution(chosen, slack, obj, status, over, dishes)
