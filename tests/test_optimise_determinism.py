"""Issue 10's "reproducible": a plan's words and numbers come from work limits (HiGHS node and iteration
limits), never from the wall clock, which is only a safety cap. Shown by running the same plans with a
clock that runs 1,000 times slower or faster than the real one: the JSON is byte-identical."""

from __future__ import annotations

import json
import time

import pytest

from planner.optimise import explain, make_plan
from planner.plan import plan_to_dict
from planner.profile import Profile, profile_from_dict

# a day with shortfalls whose advice the what-ifs write ("... closes it", "... would gain"): a lactose-free
# kidney patient with a potassium max of 1,200 mg
KIDNEY = profile_from_dict({"sex": "female", "age": 58, "weight_kg": 70, "height_cm": 162, "activity": "light",
                            "exclude": ["lactose", "walnuts"], "conditions": ["kidney_disease"],
                            "targets": {"potassium_mg": {"max": 1200}}})


def _json(plan, table) -> str:
    return json.dumps({k: v for k, v in plan_to_dict(plan, table).items() if k != "status"}, sort_keys=True)


def _with_clock(monkeypatch, table, profile, days, speed: float, what_if_cap: float) -> str:
    """The plan when the planner's clock runs `speed` times as fast as the real one and each what-if
    solve has `what_if_cap` seconds as its safety cap; the plan's own cap is reached by neither run."""
    real = time.perf_counter
    start = real()
    with monkeypatch.context() as patch:
        patch.setattr(time, "perf_counter", lambda: start + speed * (real() - start))
        patch.setattr(explain, "WHAT_IF_SECONDS", what_if_cap)
        return _json(make_plan(profile, table, days, seed=3, time_limit=3600.0), table)


@pytest.mark.slow
@pytest.mark.parametrize("profile, days", [(KIDNEY, 1), (Profile(), 2)])
def test_a_plan_and_its_advice_do_not_depend_on_the_clock(monkeypatch, table, profile, days):
    slow = _with_clock(monkeypatch, table, profile, days, 0.01, explain.WHAT_IF_SECONDS)
    fast = _with_clock(monkeypatch, table, profile, days, 10.0, 3600.0)
    assert slow == fast
    if profile is KIDNEY:   # the case the what-ifs run for: their advice is part of what is compared
        helps = [s["help"] for s in json.loads(slow)["shortfalls"]]
        assert any("closes it" in h for h in helps), helps   # a what-if MIP's answer is in what is compared


@pytest.mark.parametrize("fallback", [pytest.param(True, marks=pytest.mark.slow), False])
def test_a_what_if_stops_at_its_core_plan(table, monkeypatch, fallback):
    """A what-if solve (fallback=False) is the core MIP only, a work limit: no whole-model run even where
    the core plan falls short of the relaxation (made so here: no plan counts as meeting the goals)."""
    from planner.optimise import strategy
    from planner.optimise.context import build_week, day_request
    from planner.optimise.day import build_day

    calls = []
    real = strategy._run_highs

    def counted(model, upper, mip, *args, **kwargs):
        calls.append((mip, kwargs.get("cols") is None))
        return real(model, upper, mip, *args, **kwargs)

    week = build_week(Profile(), table, 1, (), 3, None, None, 0)
    model = build_day(week.selection.foods, week.day_rules, day_request(week, 0, {}, {}))
    monkeypatch.setattr(strategy, "_run_highs", counted)
    monkeypatch.setattr(strategy, "GOAL_SLACK_UNITS", -1e9)   # every core plan "falls short"
    solution = strategy.solve_day(model, 60.0, fallback=fallback)
    assert solution.status.status.solved
    whole = [c for c in calls if c[0] and c[1]]
    assert len(whole) == (1 if fallback else 0), calls


def test_only_the_whole_model_presolves_without_probing(table, monkeypatch):
    """The whole model's root presolves without HiGHS's probing (WHOLE_PRESOLVE, options HiGHS knows); the LP
    relaxation and the core MIPs keep HiGHS's usual presolve; the day is still planned."""
    import highspy

    from planner.optimise import strategy
    from planner.optimise.context import build_week, day_request
    from planner.optimise.day import build_day
    from planner.quiet import new_highs

    h = new_highs()
    assert all(h.setOptionValue(k, v) == highspy.HighsStatus.kOk for k, v in strategy.WHOLE_PRESOLVE.items())
    calls = []
    real = strategy._run_highs

    def recorded(model, upper, mip, *args, **kwargs):
        calls.append((mip and kwargs.get("cols") is None, kwargs.get("options")))
        return real(model, upper, mip, *args, **kwargs)

    week = build_week(Profile(), table, 1, (), 3, None, None, 0)
    model = build_day(week.selection.foods, week.day_rules, day_request(week, 0, {}, {}))
    monkeypatch.setattr(strategy, "_run_highs", recorded)
    monkeypatch.setattr(strategy, "GOAL_SLACK_UNITS", -1e9)   # every core plan "falls short": the whole model runs
    solution = strategy.solve_day(model, 60.0)
    assert solution.status.status.solved and solution.steps
    assert [options for whole, options in calls if whole] == [strategy.WHOLE_PRESOLVE]
    assert not any(options for whole, options in calls if not whole), calls


def test_a_day_its_work_limit_finds_no_plan_for_is_planned_again_without_the_variety_rules(monkeypatch, table):
    """A stage-4 day can find no plan in its node limit once earlier days have used up the foods it needs; the
    same deterministic solve would stop there again, so the day repeats foods instead of being left empty."""
    from planner.optimise import week as week_module
    from planner.optimise.day import DaySolution
    from planner.plan import SolveState, SolveStatus
    from planner.solver import NO_PLAN_AT_WORK_LIMIT

    real = week_module.solve_request
    stuck = SolveStatus(SolveState.FAILED, "HiGHS", 0.1, None, NO_PLAN_AT_WORK_LIMIT)
    asked = []

    def first_try_of_day_2_stops(week, request, time_limit, **kwargs):
        if request.avoid and not asked:   # day 2's first try (day 1 has no earlier day to avoid): no plan found
            asked.append(request)
            return DaySolution({}, {}, None, stuck)
        return real(week, request, time_limit, **kwargs)

    monkeypatch.setattr(week_module, "solve_request", first_try_of_day_2_stops)
    plan = make_plan(Profile(), table, 2, seed=0)
    assert all(day.items for day in plan.days)
    assert "Day 2: foods repeat more than the variety rules allow, because no plan was found with them." in plan.notes
    assert plan.status.status.solved and len(asked) == 1
