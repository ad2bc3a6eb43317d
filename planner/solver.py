"""Solve a PuLP model with HiGHS (CBC as the fallback) under a hard time limit, and say honestly how it went.

PuLP's HiGHS wrapper labels a solve cut off by its time limit "Optimal"; the status here is read from
HiGHS itself (model status and MIP gap), so a plan is only called optimal when it is.
"""

from __future__ import annotations

import time

import pulp

from planner.plan import NO_PLAN_AT_WORK_LIMIT, SolveState, SolveStatus
from planner.quiet import quiet_stdout


def highs_status(h, seconds: float) -> SolveStatus:
    """HiGHS's own model status and MIP gap, for a highspy model (direct, or PuLP's `solverModel`)."""
    import highspy

    status = h.getModelStatus()
    info = h.getInfo()
    gap = getattr(info, "mip_gap", None)
    gap = None if gap is None or gap != gap or gap > 1e9 else float(gap)
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    kinds = highspy.HighsModelStatus
    if status == kinds.kOptimal:
        return SolveStatus(SolveState.OPTIMAL, "HiGHS", seconds, gap or 0.0)
    if status in (kinds.kIterationLimit, kinds.kSolutionLimit):   # a work limit: deterministic
        if has_solution:
            return SolveStatus(SolveState.FEASIBLE, "HiGHS", seconds, gap, "stopped at its work limit with a good "
                               "plan (not proven best)")
        return SolveStatus(SolveState.FAILED, "HiGHS", seconds, None, NO_PLAN_AT_WORK_LIMIT)
    if status in (kinds.kTimeLimit, kinds.kInterrupt):
        if has_solution:
            return SolveStatus(SolveState.TIME_LIMIT, "HiGHS", seconds, gap,
                               "stopped at its time limit with a good plan (not proven best)")
        return SolveStatus(SolveState.FAILED, "HiGHS", seconds, None, "time limit reached before any plan was found")
    if status in (kinds.kInfeasible, kinds.kUnboundedOrInfeasible):
        return SolveStatus(SolveState.INFEASIBLE, "HiGHS", seconds, None, "the hard rules contradict each other")
    return SolveStatus(SolveState.FAILED, "HiGHS", seconds, None, f"HiGHS stopped: {h.modelStatusToString(status)}")


def _stopped_at_work_limit(problem: pulp.LpProblem) -> bool:
    import highspy

    model = getattr(problem, "solverModel", None)
    return model is not None and model.getModelStatus() == highspy.HighsModelStatus.kSolutionLimit


def solve(problem: pulp.LpProblem, time_limit: float = 10.0, gap: float = 0.01,
          max_nodes: int | None = None) -> SolveStatus:
    """Solve in place; returns what the solver really reported. Never raises for solver trouble.

    `max_nodes` is a work limit (branch-and-bound nodes): unlike the wall-clock `time_limit`, where it stops
    does not depend on how busy the machine is, so the same problem gives the same answer. Give it, and a
    time limit well above what the nodes take, wherever the answer must not change with the machine's load."""
    start = time.perf_counter()
    work = {} if max_nodes is None else {"mip_max_nodes": int(max_nodes)}
    highs = pulp.HiGHS(msg=False, timeLimit=time_limit, gapRel=gap, threads=1, **work)
    if highs.available():
        try:
            with quiet_stdout():
                try:
                    problem.solve(highs)
                except KeyError:   # PuLP 3 has no word for a node limit (kSolutionLimit); the values are set
                    if not _stopped_at_work_limit(problem):
                        raise
            return highs_status(problem.solverModel, time.perf_counter() - start)
        except Exception as exc:  # noqa: BLE001 - a solver crash is reported, then CBC tries
            first_error = f"HiGHS failed ({exc}); "
    else:
        first_error = "HiGHS is not installed; "
    try:
        # the CBC that ships inside PuLP 3 (deprecated there; pyproject keeps PuLP below 4, which drops it)
        cbc = pulp.PULP_CBC_CMD(msg=False, timeLimit=max(1, int(time_limit)), gapRel=gap, maxNodes=max_nodes)
        with quiet_stdout():
            code = problem.solve(cbc)
    except Exception as exc:  # noqa: BLE001
        return SolveStatus(SolveState.FAILED, "CBC", time.perf_counter() - start, None, first_error + f"CBC failed ({exc})")
    seconds = time.perf_counter() - start
    label = pulp.LpStatus.get(code, "Undefined")
    if label == "Optimal" and problem.sol_status == pulp.LpSolutionOptimal:
        return SolveStatus(SolveState.OPTIMAL, "CBC", seconds, None, first_error.rstrip("; "))
    if problem.sol_status == pulp.LpSolutionIntegerFeasible:
        return SolveStatus(SolveState.TIME_LIMIT, "CBC", seconds, None, first_error + "stopped at its time limit")
    if label == "Infeasible":
        return SolveStatus(SolveState.INFEASIBLE, "CBC", seconds, None, "the hard rules contradict each other")
    return SolveStatus(SolveState.FAILED, "CBC", seconds, None, first_error + f"CBC: {label}")
