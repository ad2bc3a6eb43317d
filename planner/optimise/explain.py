"""Why a plan falls short, in words: per day and goal, the rules that bind and the change that would close
it (the hardest day solved again with one rule eased at a time); protein floors missed; days no plan keeps."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from planner.optimise.candidates import Selection, excluded_alternatives, goal_amount, select_foods
from planner.optimise.context import (
    ABS_GAP,
    DAY_GAP,
    PREFERENCE_WEIGHT,
    TIE_BREAK,
    DayPairs,
    Week,
    day_request,
    solve_request,
    to_day,
    without_variety,
)
from planner.optimise.day import DayModel, DayRequest, DaySolution, build_day, pairs_of
from planner.optimise.strategy import relaxation_slack, solve_day
from planner.optimise.verify import uneven_goals
from planner.plan import Day, Shortfall, SolveState, day_totals, items_totals
from planner.render import nutrient_word, plural, unit_word

SHORTFALL_TOLERANCE = 0.001  # a goal missed by less than 0.1 % counts as met (float and gram rounding)
WHAT_IF_SECONDS = 30.0    # safety cap of each "what would help" solve: it stops at its work limit long before,
                          # so its answer is the same on an idle or a busy machine
EXTRA_KCAL = 200          # the "more energy" what-if
MACRO_RANGES = "the protein, fat and carbohydrate ranges"   # the AMDR, as people say it
WHOLE_PORTIONS = "whole portions (with portions in fractions the day would reach it)"
# a day the wall-clock safety cap cut: its solve was stopped, so whole portions are not shown to be the cause
WHAT_IF_CAP_NOTE = ("What would close the shortfalls was not fully tried: the plan reached its safety time cap "
                    "first (a longer --time-limit or a less busy machine would); on a busy machine this advice "
                    "may differ from run to run.")
TIME_CAP_REASON = ("the safety time cap, which stopped this day's solve before it finished (a longer --time-limit "
                   "or a less busy machine may reach it)")


def protein_notes(week: Week, days: list[Day]) -> list[str]:
    """Honest notes for days or main meals under their protein floor (the floors carry penalised slack)."""
    rules_ = week.day_rules
    notes = []
    for day in days:
        if not day.items():   # a day the solver could not plan is explained by its own note
            continue
        got = day_totals(week.table, day).values["protein_g"]
        if rules_.protein_floor and got < rules_.protein_floor - 0.05:
            notes.append(f"{day.label}: protein {got:.0f} g, under the {rules_.protein_floor:.0f} g floor: the "
                         "other rules left no way to reach it.")
        for s, meal in enumerate(day.meals):
            floor = rules_.meal_protein[s] if s < len(rules_.meal_protein) else 0.0
            meal_got = items_totals(week.table, meal.items).values["protein_g"]
            if floor and meal_got < floor - 0.05:
                notes.append(f"{day.label} {meal.label}: protein {meal_got:.0f} g, under the {floor:.0f} g a main "
                             "meal should hold.")
    return notes


def sharing_notes(week: Week, days: list[Day]) -> list[str]:
    """Why a goal is not shared evenly, where one day is short of it while another passes it by more than
    that: the foods that carry it on the fuller day, each already on as many days as the week allows."""
    used: dict[str, set[int]] = {}
    groups = dict(zip(week.ids, week.selection.foods.same_food if week.selection.foods.same_food is not None
                      else week.ids, strict=True))
    for day in days:
        for it in day.items():
            used.setdefault(groups.get(it.food_id, it.food_id), set()).add(day.index)
    notes = []
    for u in uneven_goals(week.table, days, week.day_rules.goals, SHORTFALL_TOLERANCE):
        goal = week.day_rules.goals[u.nutrient]
        over_day, short_day = days[u.over_day], days[u.short_day]
        carriers = []
        for it in sorted(over_day.items(), key=lambda it: -goal_amount(items_totals(week.table, [it]).values,
                                                                         u.nutrient)):
            amount = goal_amount(items_totals(week.table, [it]).values, u.nutrient)
            if amount >= 0.1 * goal and len(used.get(groups.get(it.food_id, it.food_id), ())) >= week.max_days_per_food:
                carriers.append(it.name.split(",")[0].lower())
        foods = f" ({', '.join(dict.fromkeys(carriers))})" if carriers else ""
        unit = unit_word(u.nutrient)
        notes.append(f"{nutrient_word(u.nutrient).capitalize()}: {short_day.label} is {u.short:,.0f} {unit} short "
                     f"while {over_day.label} has {u.over:,.0f} {unit} more than the goal. The few foods that carry "
                     f"it for this profile{foods} come in whole servings and each is on at most "
                     f"{plural(week.max_days_per_food, 'day')} of the week: the planner found no fairer share of them; "
                     "allowing foods on more days would help.")
    return notes


@dataclass
class WhatIf:
    """One rule eased on the hardest day: what binds if it helps, what a person could do about it."""

    binds: str
    helps: str            # "" when it is not something to suggest (upper limits, AMDR)
    model: DayModel
    relaxed: dict[str, float]   # goal slack in the LP relaxation


def what_ifs(week: Week, request: DayRequest, goals: list[str]) -> list[WhatIf]:
    """The hardest day with one rule eased at a time, as models and their LP relaxations' slack.

    Upper limits are eased only to learn whether they bind: raising one is never suggested. Foods the
    profile's own choices keep out (dislikes, excluded foods; never the diet or an allergen) are tried
    too: "allowing potatoes or lentils closes it".
    """
    t = week.targets
    cases: list[tuple[str, str, DayRequest, Selection | None]] = [
        (f"the energy target ({t.energy_kcal:,.0f} kcal ± {t.energy_band_pct:g} %)", f"{EXTRA_KCAL} kcal more a day",
         replace(request, energy_shift=EXTRA_KCAL), None),
        (f"variety (each food on at most {plural(week.max_days_per_food, 'day')}, no repeated days or meals)",
         "allowing foods on more days", without_variety(request), None),
        ("the portion sizes", "bigger portions", replace(request, relax=frozenset({"portions"})), None),
        ("the number of foods per meal", "one more food per meal",
         replace(request, relax=frozenset({"foods_per_meal"})), None),
        ("the meal energy shares", "bigger or smaller meals", replace(request, relax=frozenset({"meal_shares"})), None),
        (MACRO_RANGES, "", replace(request, relax=frozenset({"macros"})), None),
    ]
    if request.budget is not None:
        cases.append(("your budget", "a bigger budget", replace(request, budget=None), None))
    for name, cap in week.day_rules.caps.items():
        label = f"the {nutrient_word(name)} limit ({cap:,.0f} {unit_word(name)})"
        cases.append((label, "", replace(request, relax=frozenset({f"cap:{name}"})), None))
    for goal, alternatives in excluded_alternatives(week.profile, week.table, week.targets, goals).items():
        if alternatives:
            keep = {week.ids[f] for f, _ in request.forced}
            wider = select_foods(week.profile, week.table, week.targets, keep=keep, allow=set(alternatives))
            names = " or ".join(dict.fromkeys(_short_name(week.table.foods[a].name) for a in alternatives))
            cases.append((f"your exclusions and dislikes (for {nutrient_word(goal)})", f"allowing {names}",
                          _request_on(week, wider, request), wider))
    out = []
    for binds, helps, req, selection in cases:
        try:
            model = build_day((selection or week.selection).foods, week.day_rules, req, week.dish_memo)
        except KeyError:   # a kept item the other selection cannot place
            continue
        relaxed = relaxation_slack(model)
        if relaxed is not None:
            out.append(WhatIf(binds, helps, model, relaxed))
    return out


def _short_name(name: str) -> str:
    """'Potato, baked in its jacket' -> 'potato'; 'Kefir (cultured buttermilk, low-fat)' -> 'kefir'."""
    return name.split("(")[0].split(",")[0].strip().lower()


def _request_on(week: Week, wider: Selection, request: DayRequest) -> DayRequest:
    """The same day on a wider food selection: costs and forced items carried over by food id, a food new
    to the selection priced like a neutral one; variety eased (the question is about foods)."""
    old = {fid: i for i, fid in enumerate(week.ids)}
    new = {fid: i for i, fid in enumerate(wider.foods.ids)}
    fi, si = pairs_of(wider.foods)
    kcal_share = np.nan_to_num(wider.foods.per_step["energy_kcal"][fi]) / week.targets.energy_kcal
    step_cost = PREFERENCE_WEIGHT * kcal_share
    if week.step_price is not None:
        step_cost = float(np.median(week.step_price)) + TIE_BREAK * week.unit * step_cost
    for k, (f, s) in enumerate(zip(fi, si, strict=True)):
        o = old.get(wider.foods.ids[f])
        if o is not None and (o, int(s)) in week.pair_index:
            step_cost[k] = request.step_cost[week.pair_index[(o, int(s))]]
    forced = {(new[week.ids[f]], s): n for (f, s), n in request.forced.items() if week.ids[f] in new}
    return DayRequest(step_cost, forced=forced, relax=frozenset({"variety"}), unit=week.unit)


def explain_shortfalls(week: Week, planned: dict[int, DayPairs], requests: dict[int, DayRequest],
                       solutions: dict[int, DaySolution], deadline: float, notes: list[str] | None = None
                       ) -> list[Shortfall]:
    """One Shortfall per day and goal missed: the target, what the day gives (recomputed from the table),
    the rules that bind and what would help.

    The hardest day (largest summed shortfall) is solved again with one rule eased at a time: a rule
    binds when easing it lowers the shortfall of the LP relaxation; a change helps when the whole-portion
    day then reaches the goal (checked with a short MIP). Its findings stand for every day: the days
    share their rules. Each solve stops at its deterministic work limit (the what-if MIP at its core plan,
    no whole-model fallback), so the words do not depend on the machine's load; the plan's `deadline` is only
    a safety cap, and when it cuts the what-ifs short a note in `notes` says so.
    """
    goals = week.day_rules.goals
    missed: dict[int, dict[str, float]] = {}
    for d, pairs in planned.items():
        if not solutions[d].status.status.solved:
            continue
        values = day_totals(week.table, to_day(week, d, pairs, set())).values
        for name, target in goals.items():
            if goal_amount(values, name) < target * (1 - SHORTFALL_TOLERANCE):
                missed.setdefault(d, {})[name] = goal_amount(values, name)
    if not missed:
        return []
    worst = max(missed, key=lambda d: sum((goals[n] - v) / goals[n] for n, v in missed[d].items()))
    names = sorted(missed[worst])
    binding: dict[str, list[str]] = {n: [] for n in goals}
    closes: dict[str, list[str]] = {n: [] for n in goals}
    gains: dict[str, list[str]] = {n: [] for n in goals}
    base = relaxation_slack(build_day(week.selection.foods, week.day_rules, requests[worst], week.dish_memo)) or {}
    achieved = solutions[worst].slack
    for name in names:
        if base.get(name, 0.0) <= goals[name] * SHORTFALL_TOLERANCE:
            binding[name].append(WHOLE_PORTIONS)
    capped = time.perf_counter() >= deadline
    for case in ([] if capped else what_ifs(week, requests[worst], names)):
        for name in names:
            before, after = base.get(name, 0.0), case.relaxed.get(name, base.get(name, 0.0))
            if after < before - max(1.0, 0.05 * before):
                binding[name].append(case.binds)
        promising = [n for n in names if case.relaxed.get(n, 1e9) <= goals[n] * SHORTFALL_TOLERANCE]
        if case.helps and not promising:   # the relaxation's gain: an optimistic estimate, said so
            for name in names:
                before, after = base.get(name, 0.0), case.relaxed.get(name, base.get(name, 0.0))
                if after < before - max(1.0, 0.05 * before):
                    gains[name].append(f"{case.helps} would gain up to {before - after:,.0f} {unit_word(name)}")
        if not case.helps or not promising:
            continue
        if time.perf_counter() >= deadline:
            capped = True
            continue
        sol = solve_day(case.model, min(WHAT_IF_SECONDS, max(0.05, deadline - time.perf_counter())), DAY_GAP,
                        abs_gap=ABS_GAP * week.unit, fallback=False)
        capped |= sol.status.status == SolveState.TIME_LIMIT
        if not sol.status.status.solved:
            continue
        for name in names:
            before, after = achieved.get(name, 0.0), sol.slack.get(name, achieved.get(name, 0.0))
            if after <= goals[name] * SHORTFALL_TOLERANCE:
                closes[name].append(case.helps)
            elif after < before - max(1.0, 0.05 * before):
                gains[name].append(f"{case.helps} would gain {before - after:,.0f} {unit_word(name)}")
    if capped and notes is not None:
        notes.append(WHAT_IF_CAP_NOTE)
    out = []
    for d in sorted(missed):
        for name, got in sorted(missed[d].items()):
            if closes[name]:
                text = ", or ".join(closes[name]) + ", closes it"
            elif gains[name]:
                text = "; ".join(gains[name])
            elif week.targets.may_suggest_supplement(name):
                text = ("no single change to the rules closes it; foods richer in "
                        f"{nutrient_word(name)}, or asking your clinician about a supplement, would")
            else:   # never a supplement against a limit the person, their clinician or a rule set holds
                text = f"no single change to the rules closes it; foods richer in {nutrient_word(name)} would"
            reasons = list(dict.fromkeys(binding[name]))
            if solutions[d].status.status == SolveState.TIME_LIMIT:   # the cap, not the portions, cut this day
                reasons = [TIME_CAP_REASON] + [r for r in reasons if r != WHOLE_PORTIONS]
            out.append(Shortfall(name, goals[name], got, d, reasons, text))
    return out


def diagnose_infeasible(week: Week, d: int) -> str:
    """Which single rule group, eased, makes day `d` possible: the rules that contradict each other."""
    forced = week.locks.get(d, {})
    tries = [("your locks", {}, frozenset()), (MACRO_RANGES, forced, frozenset({"macros"})),
             ("the meal energy shares", forced, frozenset({"meal_shares"})),
             ("the number of foods per meal", forced, frozenset({"foods_per_meal"})),
             ("the portion sizes", forced, frozenset({"portions"}))]
    tries += [(f"the {nutrient_word(name)} limit ({cap:,.0f} {unit_word(name)})", forced, frozenset({f"cap:{name}"}))
              for name, cap in week.day_rules.caps.items()]
    culprits = []
    for label, forced_, relax in tries:
        if label == "your locks" and not forced:
            continue
        req = without_variety(day_request(week, d, {}, forced_), relax | {"meal_patterns", "food_groups"})
        if solve_request(week, req, WHAT_IF_SECONDS).status.status.solved:
            culprits.append(label)
    if culprits:
        return "easing " + " or ".join(culprits) + " would make it possible."
    return ("the foods this profile allows cannot fill five meals within the energy band; allow more foods or "
            "check the energy target.")


def shortfall_order(s: Shortfall):
    return (-1 if s.day is None else s.day, s.nutrient)
