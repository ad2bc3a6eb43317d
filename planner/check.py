"""Check a day's intake against a profile's targets, and find the fewest additions that close the gaps.

`check_day` totals what was eaten (SR28 values x grams / 100; a missing value makes the total a lower
bound, never zero), gives each nutrient a status, names the top contributors and the articles' limit
notes, and asks `close_gap` for suggestions: a small MILP choosing whole portions of allowed foods within
the energy left, fewest foods first, then fewest kcal, never pushing potassium when the profile says not to.
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from foods import Food, FoodTable, load_table
from foods.calcium import COUNTED_FIELD, NOT_COUNTED, well_absorbed
from foods.intake import IntakeItem, parse_any, parse_rows, parse_text
from foods.nutrients import MINERALS, NUTRIENT_LABELS, NUTRIENT_UNITS, SHOWN_NUTRIENTS
from foods.nutrition import Totals, contributions
from foods.search import normalize
from foods.table import NUTRIENT_FIELDS
from foods.text import measure_words as portion_words  # '2 medium baked potatoes', '¾ cup kelp'
from foods.units import resolve_amount
from planner.eligibility import eligible_mask
from planner.plan import SolveState, SolveStatus
from planner.profile import Profile, profile_from_dict
from planner.render import CEILING_STATUSES, Status, nutrient_word
from planner.rules import DATA_DIR
from planner.supplements import SupplementItem, split_supplements, supplement_amounts, warnings_for
from planner.targets import GOAL_NUTRIENTS, Target, Targets, targets_for

STATUS_NUTRIENTS = (*SHOWN_NUTRIENTS, "vitamin_d_ug", "vitamin_b6_mg", "retinol_ug", "phosphorus_mg", "selenium_ug",
                    "iron_mg", "folate_dfe_ug", "vitamin_b12_ug")
REPORTED = (*STATUS_NUTRIENTS, COUNTED_FIELD, "protein_g", "fat_g", "carbohydrate_g", "fiber_g")
TOP_CONTRIBUTORS = 3
CANDIDATES_PER_NUTRIENT = 20  # foods kept per gap nutrient before the model (richest per kcal and per portion)
MAX_ADDITIONS = 5             # more different foods than this is not a realistic "add this" list
MIN_SHARE_OF_GAP = 0.05       # a food that cannot bring 5 % of a gap in its largest portion is not suggested for it
CEILING_ROOM_WHEN_OVER = 0.02  # already above a ceiling: additions may bring at most 2 % of it more
POTASSIUM_PER_EXTRA_FOOD = 300.0  # mg: potassium not pushed, one more food is preferred to this much potassium
KCAL_GAP = 0.005               # relative MIP gap of the second stage (fewest foods exact, kcal within 0.5 %)
SAFETY_MARGIN = 0.01           # mg: a closed gap is closed with this much to spare, so re-checks agree
# The gap MILP stops at a work limit, not the clock, so its answer is the same on a busy machine: each pass may
# explore this many branch-and-bound nodes (the day checks of the tests need at most 5; most end at the root).
# GAP_TIME_LIMIT (seconds, both passes together) is only a fuse far above what those nodes take.
GAP_MAX_NODES = 500
GAP_TIME_LIMIT = 20.0


@dataclass(frozen=True)
class NutrientStatus:
    """Where one nutrient stands: total, the target range, a status word and % of the target."""

    nutrient: str
    total: float | None
    min: float | None
    max: float | None
    unit: str
    status: Status       # below | met | above_ul | above_cdrr | above_limit | above (energy) | not_pushed | unknown
    pct: float | None    # % of the minimum (or of the maximum when there is no minimum)
    goal: bool
    lower_bound: bool    # some eaten food lacks an SR28 value: the total is at least this
    kind: str = ""
    source: str = ""
    note: str = ""
    counted: float | None = None  # calcium: the part that counts toward the goal (oxalate greens do not)

    @property
    def toward_goal(self) -> float | None:
        """The amount measured against the minimum: the counted part where there is one, else the total."""
        return self.total if self.counted is None else self.counted

    @property
    def missing(self) -> float:
        if self.min is None or self.toward_goal is None or self.status != Status.BELOW:
            return 0.0
        return max(0.0, self.min - self.toward_goal)

    def to_dict(self) -> dict:
        return {"total": _round(self.total), "min": _round(self.min), "max": _round(self.max), "unit": self.unit,
                "status": self.status, "pct": None if self.pct is None else round(self.pct, 1), "goal": self.goal,
                "lower_bound": self.lower_bound, "missing": round(self.missing, 1), "kind": self.kind,
                "source": self.source, "note": self.note,
                **({"well_absorbed": _round(self.counted)} if self.counted is not None else {})}


@dataclass(frozen=True)
class Suggestion:
    """One addition: a whole number of the food's planning steps, what it brings, and the sentence to show."""

    food_id: str
    name: str
    ndb: str
    grams: float
    portion: str
    adds: dict[str, float | None]   # nutrient -> amount in these grams (None where SR28 has no value)
    for_nutrients: tuple[str, ...]  # the gaps it is added for, biggest share first
    text: str

    def to_dict(self) -> dict:
        return {"food_id": self.food_id, "name": self.name, "ndb": self.ndb, "grams": round(self.grams, 1),
                "portion": self.portion, "adds": {k: _round(v) for k, v in self.adds.items()},
                "for": list(self.for_nutrients), "text": self.text}


@dataclass(frozen=True)
class Gap:
    """A goal still short after the suggestions: by how much, and why it could not be closed."""

    nutrient: str
    target: float
    eaten: float
    after: float
    reason: str

    @property
    def missing(self) -> float:
        return max(0.0, self.target - self.after)

    @property
    def text(self) -> str:
        return (f"{NUTRIENT_LABELS.get(self.nutrient, self.nutrient)} stays {self.missing:,.0f} {NUTRIENT_UNITS[self.nutrient]} short of "
                f"{self.target:,.0f}: {self.reason}")

    def to_dict(self) -> dict:
        return {"nutrient": self.nutrient, "target": round(self.target, 1), "eaten": round(self.eaten, 1),
                "after_suggestions": round(self.after, 1), "missing": round(self.missing, 1),
                "reason": self.reason, "text": self.text}


@dataclass(frozen=True)
class LimitNote:
    """A food the articles say to cut down, eaten today, with the fact behind the advice."""

    key: str
    title: str
    foods: tuple[str, ...]
    text: str
    source: str
    articles: tuple[str, ...]
    numbers: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"key": self.key, "title": self.title, "foods": list(self.foods), "text": self.text,
                "source": self.source, "articles": list(self.articles),
                "numbers": {k: round(v, 1) for k, v in self.numbers.items()}}


@dataclass
class CheckReport:
    """Everything the day check found: items, totals, status, contributors, notes, suggestions, open gaps."""

    items: list[IntakeItem]
    totals: dict[str, float | None]
    incomplete: dict[str, list[str]]          # nutrient -> foods eaten that lack an SR28 value for it
    targets: Targets
    status: dict[str, NutrientStatus]
    contributors: dict[str, list[dict]]
    limit_notes: list[LimitNote]
    suggestions: list[Suggestion]
    gaps_unclosed: list[Gap]
    energy: dict[str, float]
    notes: list[str] = field(default_factory=list)
    solver: SolveStatus | None = None
    above_limits: list[dict] = field(default_factory=list)  # ceilings crossed today, with the foods behind them
    supplements: list[SupplementItem] = field(default_factory=list)  # counted in the totals
    supplement_warnings: list[str] = field(default_factory=list)

    @property
    def gaps(self) -> dict[str, float]:
        """Goals below target before any suggestion: nutrient -> amount missing."""
        return {n: s.missing for n, s in self.status.items() if s.goal and s.status == Status.BELOW}

    def to_dict(self) -> dict:
        return {
            "items": [i.to_dict() for i in self.items],
            "totals": {k: _round(v) for k, v in self.totals.items()},
            "targets": self.targets.to_dict(),
            "status": {k: s.to_dict() for k, s in self.status.items()},
            "contributors": self.contributors,
            "incomplete": sorted(self.incomplete),
            "missing_values": {k: list(v) for k, v in self.incomplete.items()},
            "energy": {k: round(v, 1) for k, v in self.energy.items()},
            "gaps": {k: round(v, 1) for k, v in self.gaps.items()},
            "limit_notes": [n.to_dict() for n in self.limit_notes],
            "suggestions": [s.to_dict() for s in self.suggestions],
            "gaps_unclosed": [g.to_dict() for g in self.gaps_unclosed],
            "above_limits": list(self.above_limits),
            "supplements": [s.to_dict() for s in self.supplements],
            "supplement_warnings": list(self.supplement_warnings),
            "notes": list(self.notes),
            "solver": None if self.solver is None else self.solver.to_dict(),
        }


def _round(value: float | None, digits: int = 1) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), digits)


def _label(nutrient: str) -> str:
    """'vitamin D', 'retinol (preformed vitamin A)': the label inside a sentence (only its first letter lowered)."""
    label = NUTRIENT_LABELS.get(nutrient, nutrient)
    return label[:1].lower() + label[1:]


# ---------------------------------------------------------------------------------------------- status


def nutrient_status(nutrient: str, total: float | None, target: Target | None, *, push_potassium: bool = True,
                    lower_bound: bool = False, counted: float | None = None) -> NutrientStatus:
    """Status of one nutrient against its target: below / met / above its ceiling / not pushed. `counted`
    (calcium: without oxalate greens) is what the minimum is measured against; the ceiling takes the total."""
    unit = NUTRIENT_UNITS.get(nutrient, "")
    if target is None:
        return NutrientStatus(nutrient, total, None, None, unit, Status.UNKNOWN if total is None else Status.MET, None,
                              False,
                              lower_bound)
    lo, hi = target.min, target.max
    goal = target.goal and lo is not None and not (nutrient == "potassium_mg" and not push_potassium)
    base = dict(unit=target.unit or unit, kind=target.kind, source=target.source, note=target.note)
    if total is None:
        return NutrientStatus(nutrient, None, lo, hi, status=Status.UNKNOWN, pct=None, goal=goal, lower_bound=True,
                              **base)
    toward = total if counted is None else counted
    pct = toward / lo * 100 if lo else (total / hi * 100 if hi else None)
    base["counted"] = counted
    if hi is not None and total > hi:
        if nutrient == "sodium_mg":
            status = Status.ABOVE_CDRR
        elif target.kind == "your setting":
            status = Status.ABOVE_LIMIT  # a limit the person (or their clinician) set
        else:
            status = Status.ABOVE_UL
    elif nutrient == "potassium_mg" and not push_potassium:
        status = Status.NOT_PUSHED
    elif lo is not None and toward < lo:
        status = Status.BELOW
    else:
        status = Status.MET
    return NutrientStatus(nutrient, total, lo, hi, status=status, pct=pct, goal=goal, lower_bound=lower_bound,
                          **base)


def energy_status(eaten: float, targets: Targets) -> NutrientStatus:
    """Energy against the profile's budget and its band: below / met / above."""
    low, high = targets.energy_range
    status = Status.BELOW if eaten < low else Status.ABOVE if eaten > high else Status.MET
    return NutrientStatus("energy_kcal", eaten, low, high, "kcal", status, eaten / targets.energy_kcal * 100, False,
                          False, "energy", "profile", f"about {targets.energy_kcal:,.0f} kcal a day "
                          f"(±{targets.energy_band_pct:g} %)")


# ---------------------------------------------------------------------------------------- limit notes


@functools.cache
def limit_note_rules() -> dict:
    """planner/data/limit_notes.toml: the articles' limit advice and the facts behind it, with sources."""
    with open(DATA_DIR / "limit_notes.toml", "rb") as fh:
        return tomllib.load(fh)


def limit_notes(items: Sequence[IntakeItem], totals: Mapping[str, float | None], targets: Targets) -> list[LimitNote]:
    """One note per kind of limited food eaten (coffee, strong tea, alcohol, sugar, white flour, salt), and
    per food eaten that the profile rules out for safety (liver in pregnancy)."""
    grams_by_food: dict[str, float] = {}
    foods: dict[str, Food] = {}
    for it in items:
        grams_by_food[it.food.id] = grams_by_food.get(it.food.id, 0.0) + it.grams
        foods[it.food.id] = it.food
    notes = []
    for key, rule in limit_note_rules().items():
        listed, tags, skip = set(rule.get("foods", [])), set(rule.get("tags", [])), set(rule.get("except_foods", []))
        if rule.get("when_profile_excludes"):  # e.g. liver: a note only for a profile that rules it out
            tags &= set(targets.excluded_tags)
        hits = tuple(fid for fid, food in foods.items()
                     if fid not in skip and (fid in listed or tags & food.tags))
        sodium, ceiling = totals.get("sodium_mg"), targets.maximum("sodium_mg")
        over_sodium = bool(rule.get("when_sodium_above_max")) and sodium is not None and ceiling is not None \
            and sodium > ceiling
        if not hits and not over_sodium:
            continue
        names = ", ".join(foods[f].name for f in hits)
        text, numbers = f"{rule['title']}" + (f" ({names})" if names else "") + ": " + rule["fact"], {}
        if "calcium_loss_mg_per_cup" in rule:
            cups = sum(grams_by_food[f] / resolve_amount(foods[f], rule["cup_fl_oz"], "fl oz").grams for f in hits)
            numbers = {"cups": cups, "calcium_loss_mg": cups * rule["calcium_loss_mg_per_cup"],
                       "calcium_offset_mg": cups * rule["calcium_offset_mg_per_cup"]}
            text += (f" Today: about {cups:.1f} such cups, so about {numbers['calcium_loss_mg']:.0f} mg of calcium "
                     f"lost; about {numbers['calcium_offset_mg']:.0f} mg more calcium offsets it.")
        if "calcium_loss_mg_per_step" in rule and sodium is not None:
            loss = sodium / rule["sodium_mg_per_step"] * rule["calcium_loss_mg_per_step"]
            numbers = {"sodium_mg": sodium, "calcium_loss_mg": loss}
            over = f", above the {ceiling:,.0f} mg ceiling," if over_sodium else ""
            text += f" Today's {sodium:,.0f} mg of sodium{over} carries about {loss:.0f} mg of calcium out."
        text += " " + rule["advice"]
        notes.append(LimitNote(key, rule["title"], hits, text, rule["source"], tuple(rule.get("articles", [])),
                               numbers))
    return notes


# --------------------------------------------------------------------------------------- gap closing


def allowed_foods(profile: Profile, targets: Targets, table: FoodTable) -> pd.DataFrame:
    """Rows of the table a suggestion may use: the foods planner.eligibility lets this profile eat (the rule
    plans use: diet, allergens, excluded and disliked words resolved against names, limit foods, safety)."""
    return table.frame[eligible_mask(profile, table, targets)]


def poorly_absorbed_calcium(names: pd.Series) -> pd.Series:
    """True for food names whose calcium the body barely takes up (oxalate: spinach about 5 %, milk 32 %):
    such calcium is shown in the totals, as SR28 gives it, but never counted toward the calcium goal
    (the one rule is foods/calcium.py)."""
    return ~well_absorbed(names)


def toward_goal(values: Mapping[str, float | None], nutrient: str) -> float:
    """What counts toward a nutrient's goal: calcium without the oxalate greens' (when totalled), else all."""
    if nutrient == "calcium_mg" and values.get(COUNTED_FIELD) is not None:
        return float(values[COUNTED_FIELD])
    return values.get(nutrient) or 0.0


def _goal_gaps(values: Mapping[str, float | None], targets: Targets) -> dict[str, float]:
    """Goal minimums not reached: nutrient -> amount missing. Potassium only when it is pushed."""
    gaps = {}
    for nutrient, target in targets.items.items():
        if nutrient == "energy_kcal" or not target.goal or target.min is None:
            continue
        if nutrient == "potassium_mg" and not targets.push_potassium:
            continue
        if nutrient not in NUTRIENT_FIELDS:
            continue
        eaten = toward_goal(values, nutrient)
        if eaten < target.min:
            gaps[nutrient] = target.min - eaten
    return gaps


def energy_budget(energy_left: float, targets: Targets) -> float:
    """kcal additions may bring: the energy left plus the top of the profile's band (+10 %)."""
    return max(0.0, energy_left + targets.energy_kcal * targets.energy_band_pct / 100.0)


def _candidates(allowed: pd.DataFrame, gaps: Mapping[str, float], budget: float,
                eaten: Mapping[str, float]) -> pd.DataFrame:
    """The richest foods per kcal and per portion for each gap, that fit the budget in one minimum portion and
    can bring at least a twentieth of the gap."""
    step_g = allowed["portion_grams"] * allowed["step"]
    eaten_steps = np.floor(allowed["id"].map(eaten).fillna(0.0) / step_g + 1e-9)
    max_steps = (allowed["max_steps"] - eaten_steps).clip(lower=0)
    min_steps = allowed["min_steps"].clip(lower=1)
    kcal_step = allowed["energy_kcal"].fillna(0.0) * step_g / 100.0
    fits = (max_steps >= min_steps) & (kcal_step * min_steps <= budget + 1e-9) & (step_g > 0)
    pool = allowed.assign(step_g=step_g, max_n=max_steps, min_n=min_steps, kcal_step=kcal_step)[fits]
    chosen: set[str] = set()
    for nutrient, gap in gaps.items():
        most = pool[nutrient].fillna(0.0) * pool["step_g"] * pool["max_n"] / 100.0
        useful = pool[most >= gap * MIN_SHARE_OF_GAP]  # two glasses of water for 14 mg calcium is no advice
        if useful.empty:
            continue
        per_kcal = useful[nutrient] / useful["energy_kcal"].clip(lower=1.0)
        per_portion = most[useful.index]
        chosen |= set(per_kcal.nlargest(CANDIDATES_PER_NUTRIENT).index)
        chosen |= set(per_portion.nlargest(CANDIDATES_PER_NUTRIENT).index)
    return pool.loc[sorted(chosen)]


def close_gap(totals: Totals | Mapping[str, float | None], profile: Profile, targets: Targets, table: FoodTable,
              energy_left: float, *, eaten: Mapping[str, float] | None = None, time_limit: float = GAP_TIME_LIMIT,
              max_additions: int = MAX_ADDITIONS) -> list[Suggestion]:
    """The fewest, then smallest, whole-portion additions of allowed foods that close the goals' gaps."""
    return solve_gap(totals, profile, targets, table, energy_left, eaten=eaten, time_limit=time_limit,
                     max_additions=max_additions)[0]


def solve_gap(totals: Totals | Mapping[str, float | None], profile: Profile, targets: Targets, table: FoodTable,
              energy_left: float, *, eaten: Mapping[str, float] | None = None, time_limit: float = GAP_TIME_LIMIT,
              max_additions: int = MAX_ADDITIONS) -> tuple[list[Suggestion], SolveStatus | None]:
    """The fewest, then smallest (kcal), whole-portion additions that bring each goal to its minimum.

    Only non-limit foods the profile allows, in steps of each food's household portion (min..max steps,
    less what was already eaten of it), within the energy left plus the +band, keeping calcium under its
    UL, sodium under its CDRR and any other maximum (retinol, a clinician's potassium limit). Potassium
    is never a goal when targets.push_potassium is False. When a gap cannot be closed, the additions close
    as much of it as the budget allows (the caller reports what is left).
    """
    values = dict(totals.values if isinstance(totals, Totals) else totals)
    gaps = _goal_gaps(values, targets)
    budget = energy_budget(energy_left, targets)
    if not gaps or budget <= 0:
        return [], None
    allowed = allowed_foods(profile, targets, table)
    poor_calcium = allowed["calcium_class"].isin(NOT_COUNTED)
    counted = allowed.assign(calcium_mg=allowed[COUNTED_FIELD])
    pool = _candidates(counted, gaps, budget, eaten or {})
    if pool.empty:
        return [], None
    ids = list(pool.index)
    per_step = allowed.loc[ids, list(NUTRIENT_FIELDS)].fillna(0.0).mul(pool["step_g"] / 100.0, axis=0)
    toward_gap = pool[list(NUTRIENT_FIELDS)].fillna(0.0).mul(pool["step_g"] / 100.0, axis=0)
    liked = set(profile.like)
    # the solver loads when there is a gap to close, not for `check --no-suggest`
    import pulp

    from planner.solver import solve

    problem = pulp.LpProblem("close_gap", pulp.LpMinimize)
    n = {f: problem.add_variable(f"n_{i}", 0, int(pool.at[f, "max_n"]), cat="Integer") for i, f in enumerate(ids)}
    used = {f: problem.add_variable(f"y_{i}", 0, 1, cat="Binary") for i, f in enumerate(ids)}
    slack = {g: problem.add_variable(f"short_{g}", 0, gap) for g, gap in gaps.items()}

    def total(column: str, amounts: pd.DataFrame = per_step) -> pulp.LpAffineExpression:
        return pulp.LpAffineExpression({n[f]: float(v) for f, v in amounts[column].items() if v})

    for f in ids:
        problem += n[f] >= int(pool.at[f, "min_n"]) * used[f]
        problem += n[f] <= int(pool.at[f, "max_n"]) * used[f]
    for g, gap in gaps.items():
        problem += total(g, toward_gap) + slack[g] >= gap + SAFETY_MARGIN
    problem += pulp.LpAffineExpression({n[f]: float(pool.at[f, "kcal_step"]) for f in ids}) <= budget
    problem += pulp.lpSum(used.values()) <= max_additions
    for _, same in pool.groupby("bought_ndb").groups.items():  # one form of a food: not raw and cooked spinach
        if len(same) > 1:
            problem += pulp.lpSum(used[f] for f in same) <= 1
    for nutrient, target in targets.items.items():
        if target.max is None or nutrient not in NUTRIENT_FIELDS:
            continue
        room = target.max - (values.get(nutrient) or 0.0)
        if room <= 0:
            room = target.max * CEILING_ROOM_WHEN_OVER
        problem += total(nutrient) <= room - SAFETY_MARGIN

    shortfall = pulp.lpSum(slack[g] * (100.0 / gaps[g]) for g in gaps)  # % of each gap left open
    problem.setObjective(shortfall)
    first = solve(problem, time_limit=time_limit / 2, gap=1e-6, max_nodes=GAP_MAX_NODES)
    if not first.status.solved:
        return [], first
    best = pulp.value(shortfall) or 0.0
    problem += shortfall <= best + 1e-4
    kcal_weight = {f: float(pool.at[f, "kcal_step"]) * (0.95 if f in liked else 1.0) for f in ids}
    per_food = budget + 100.0  # one more food always costs more than any number of kcal
    # potassium not pushed (kidney disease, K-raising drugs): low-potassium additions, even if one more food
    potassium_cost = 0.0 if targets.push_potassium else per_food / POTASSIUM_PER_EXTRA_FOOD
    problem.setObjective(pulp.lpSum(per_food * used[f] + (kcal_weight[f] + potassium_cost
                                                          * float(per_step.at[f, "potassium_mg"])) * n[f]
                                    for f in ids))
    # a relative gap far below 1 / (max_additions + 1) keeps the number of foods exact; kcal within 0.5 %
    second = solve(problem, time_limit=time_limit / 2, gap=KCAL_GAP, max_nodes=GAP_MAX_NODES)
    status = SolveStatus(second.status if first.status == SolveState.OPTIMAL else first.status, second.solver,
                         first.seconds + second.seconds, second.gap, second.message or first.message)
    if not second.status.solved:
        return [], status
    chosen = [(f, round(n[f].value() or 0)) for f in ids if round(n[f].value() or 0) > 0]
    suggestions = [_suggestion(table.foods[f], steps * float(pool.at[f, "step_g"]), gaps, targets,
                               bool(poor_calcium.get(f, False)))
                   for f, steps in sorted(chosen, key=lambda fs: -fs[1] * float(pool.at[fs[0], "kcal_step"]))]
    return suggestions, status


def _suggestion(food: Food, grams: float, gaps: Mapping[str, float], targets: Targets,
                poorly_absorbed: bool = False) -> Suggestion:
    amounts = {k: (None if math.isnan(v) else v * grams / 100.0) for k, v in food.nutrients.items()}
    adds = {k: amounts[k] for k in (*MINERALS, "energy_kcal") if k in amounts}
    helps = sorted((g for g in gaps if (amounts.get(g) or 0) > 0 and not (poorly_absorbed and g == "calcium_mg")),
                   key=lambda g: -(amounts[g] or 0) / gaps[g])
    if not targets.push_potassium:
        helps = [g for g in helps if g != "potassium_mg"]
        adds.pop("potassium_mg", None)
    portion = portion_words(grams / food.portion_grams, food.portion_label)
    if not set(normalize(food.portion_label).split()) & set(normalize(food.name).split()):
        portion += f" of {food.name}"  # a catalogue label such as 'cup' does not name the food
    gains = ", ".join(f"+{amounts[g]:,.0f} {NUTRIENT_UNITS[g]} {nutrient_word(g)}" for g in helps)
    kcal = amounts.get("energy_kcal")
    brings = "; ".join(x for x in (gains, f"{kcal:,.0f} kcal" if kcal is not None else "") if x)
    text = f"add {portion} ({grams:.0f} g): {brings}"
    if poorly_absorbed and "calcium_mg" in gaps:
        text += " (its calcium is barely absorbed, so it is not counted toward calcium)"
    return Suggestion(food.id, food.name, food.ndb, grams, f"{portion} ({grams:.0f} g)", adds, tuple(helps), text)


def unclosed_gaps(values: Mapping[str, float | None], suggestions: Sequence[Suggestion], targets: Targets,
                  budget: float, allowed_any: bool = True, solver: SolveStatus | None = None) -> list[Gap]:
    """Goals the suggestions leave short, with why: no energy left, or no allowed food fits the budget."""
    gaps = _goal_gaps(values, targets)
    out = []
    used_kcal = sum(s.adds.get("energy_kcal") or 0.0 for s in suggestions)
    for nutrient, gap in gaps.items():
        added = sum(s.adds.get(nutrient) or 0.0 for s in suggestions
                    if nutrient != "calcium_mg" or nutrient in s.for_nutrients)  # oxalate calcium does not count
        if added >= gap - 1e-6:
            continue
        eaten = toward_goal(values, nutrient)
        if budget <= 0:
            reason = "no energy is left in today's budget for additions"
        elif not allowed_any:
            reason = "no food your profile allows brings it"
        elif solver is not None and not solver.status.solved:
            reason = f"the search for additions did not finish ({solver.message or solver.status})"
        elif used_kcal >= budget * 0.9:
            reason = f"the additions that fit in the {budget:,.0f} kcal left (with the +band) cannot close it"
        else:
            reason = (f"no whole portions of allowed foods close it within the {budget:,.0f} kcal left and "
                      "under the calcium upper limit and sodium ceiling")
        out.append(Gap(nutrient, targets.minimum(nutrient) or 0.0, eaten, eaten + added, reason))
    return out


# ----------------------------------------------------------------------------------------- the check


def _contributors(frame: pd.DataFrame, items: Sequence[IntakeItem],
                  nutrients: Sequence[str] = MINERALS) -> dict[str, list[dict]]:
    by_food = frame.assign(food_id=[i.food.id for i in items]).groupby("food_id", sort=False)[list(nutrients)].sum(
        min_count=1)
    names = {i.food.id: i.food.name for i in items}
    out = {}
    for nutrient in nutrients:
        col = by_food[nutrient].dropna()
        total = col.sum()
        top = col[col > 0].sort_values(ascending=False, kind="stable").head(TOP_CONTRIBUTORS)
        out[nutrient] = [{"food_id": fid, "name": names[fid], "amount": round(float(v), 1),
                          "share_pct": round(float(v) / total * 100, 1) if total > 0 else None}
                         for fid, v in top.items()]
    return out


_CEILING_WORDS = {"UL": "upper limit", "CDRR": "ceiling (CDRR)", "your setting": "your limit"}


def above_limits(status: Mapping[str, NutrientStatus], frame: pd.DataFrame,
                 items: Sequence[IntakeItem]) -> list[dict]:
    """Each ceiling crossed today (calcium UL, sodium CDRR, retinol UL, a clinician's limit): by how much, and
    the foods that brought most of it."""
    over = [s for s in status.values() if s.status in CEILING_STATUSES
            and s.total is not None and s.max is not None]
    if not over or not items:
        return []
    top = _contributors(frame, items, [s.nutrient for s in over])
    out = []
    for s in over:
        ceiling = _CEILING_WORDS.get(s.kind, "upper limit")
        foods_ = ", ".join(f"{f['name']} ({f['amount']:,.0f} {s.unit})" for f in top[s.nutrient])
        text = (f"{NUTRIENT_LABELS.get(s.nutrient, s.nutrient)}: {s.total:,.0f} {s.unit} is {s.total - s.max:,.0f} "
                f"{s.unit} above the {ceiling} of {s.max:,.0f} {s.unit}" + (f" ({s.source})" if s.source else "")
                + (f"; most of it from {foods_}" if foods_ else "") + ".")
        out.append({"nutrient": s.nutrient, "total": round(s.total, 1), "max": round(s.max, 1), "kind": s.kind,
                    "over": round(s.total - s.max, 1), "top": top[s.nutrient], "text": text})
    return out


def intake_totals(items: Sequence[IntakeItem], table: FoodTable
                  ) -> tuple[dict[str, float | None], dict[str, list[str]], pd.DataFrame]:
    """A typed day's totals (planner.plan.day_totals is a planned day's): totals per nutrient (None when no eaten food has a value), foods lacking a value, per-item amounts."""
    ids = [i.food.id for i in items]
    frame = contributions(table, ids, [i.grams for i in items])
    if not items:
        return {k: 0.0 for k in frame.columns}, {}, frame
    known = frame.notna()
    sums = frame.sum(axis=0, skipna=True)
    totals = {k: (float(sums[k]) if known[k].any() else None) for k in frame.columns}
    incomplete = {k: sorted({ids[i] for i in np.flatnonzero(~known[k].to_numpy())}) for k in frame.columns
                  if not known[k].all()}
    return totals, incomplete, frame


def check_day(items: Sequence[IntakeItem], profile: Profile | Mapping, table: FoodTable, *, suggest: bool = True,
              time_limit: float = GAP_TIME_LIMIT, supplements: Sequence[SupplementItem] = ()) -> CheckReport:
    """The day's report: totals equal SR28 values x grams / 100 (plus what supplements bring), status per
    nutrient, notes, suggestions, and warnings for supplements (the magnesium upper limit, potassium)."""
    if not isinstance(profile, Profile):
        profile = profile_from_dict(dict(profile))
    targets = targets_for(profile)
    items = list(items)
    totals, incomplete, frame = intake_totals(items, table)
    for nutrient, amount in supplement_amounts(supplements).items():
        totals[nutrient] = (totals.get(nutrient) or 0.0) + amount
        if nutrient == "calcium_mg":  # a supplement's calcium (carbonate, citrate) is well absorbed
            totals[COUNTED_FIELD] = (totals.get(COUNTED_FIELD) or 0.0) + amount
    push_k = targets.push_potassium
    status = {}
    for nutrient in (*STATUS_NUTRIENTS, *(n for n in targets.items if n not in STATUS_NUTRIENTS)):
        if nutrient == "energy_kcal":
            status[nutrient] = energy_status(totals["energy_kcal"] or 0.0, targets)
        else:
            status[nutrient] = nutrient_status(nutrient, totals[nutrient], targets.items.get(nutrient),
                                               push_potassium=push_k, lower_bound=nutrient in incomplete,
                                               counted=totals.get(COUNTED_FIELD) if nutrient == "calcium_mg" else None)
    eaten_kcal = totals["energy_kcal"] or 0.0
    energy_left = targets.energy_kcal - eaten_kcal
    budget = energy_budget(energy_left, targets)
    energy = {"eaten_kcal": eaten_kcal, "target_kcal": targets.energy_kcal, "left_kcal": energy_left,
              "budget_kcal": budget}
    notes = list(targets.notes)
    if not push_k:
        notes.append("Potassium is not pushed for this profile: no suggestion is made for potassium.")
    for nutrient in incomplete:
        if nutrient in GOAL_NUTRIENTS or nutrient in STATUS_NUTRIENTS:
            names = "; ".join(table.foods[f].name for f in incomplete[nutrient])
            notes.append(f"SR28 has no {_label(nutrient)} value for {names}: the {_label(nutrient)} total is a "
                         "lower bound.")
    guessed = [i for i in items if i.guessed]
    if guessed:
        notes.append("Read as the closest food name: " + "; ".join(f"line {i.line} '{i.text}' as {i.food.name}"
                                                                   for i in guessed))
    suggestions: list[Suggestion] = []
    gaps: list[Gap] = []
    solver_status = None
    if suggest:
        eaten_grams: dict[str, float] = {}
        for it in items:
            eaten_grams[it.food.id] = eaten_grams.get(it.food.id, 0.0) + it.grams
        suggestions, solver_status = solve_gap(totals, profile, targets, table, energy_left, eaten=eaten_grams,
                                               time_limit=time_limit)
        for nutrient, target in targets.items.items():
            eaten_value = totals.get(nutrient)
            if suggestions and target.max is not None and eaten_value is not None and eaten_value > target.max:
                notes.append(f"{NUTRIENT_LABELS.get(nutrient, nutrient)} is already above {target.max:,.0f} "
                             f"{NUTRIENT_UNITS.get(nutrient, '')}: the additions bring at most "
                             f"{target.max * CEILING_ROOM_WHEN_OVER:,.0f} {NUTRIENT_UNITS.get(nutrient, '')} more.")
        allowed_any = not allowed_foods(profile, targets, table).empty
        gaps = unclosed_gaps(totals, suggestions, targets, budget, allowed_any, solver_status)
    shown = (*REPORTED, *(n for n in status if n not in REPORTED))
    warnings = warnings_for(supplements, profile)
    return CheckReport(items, {k: totals[k] for k in shown}, {k: v for k, v in incomplete.items() if k in shown},
                       targets, status, _contributors(frame, items) if items else {m: [] for m in MINERALS},
                       limit_notes(items, totals, targets), suggestions, gaps, energy, notes, solver_status,
                       above_limits(status, frame, items), list(supplements), warnings)


def check_intake(intake: str | Sequence[IntakeItem | Mapping | str], profile: Profile | Mapping | None = None,
                 table: FoodTable | None = None, *, suggest: bool = True, time_limit: float = GAP_TIME_LIMIT) -> CheckReport:
    """The Python API in one call: `check_intake("2 bananas\\n30 g almonds", {"sex": "female", "age": 58})`.

    `intake` is free text, CSV or JSON text, rows such as {"food": "banana", "amount": 2} or
    {"food_id": "milk", "grams": 244}, lines such as "1 cup milk", or resolved IntakeItems; `profile` a
    Profile, a dict of its fields, or None for the default adult; `table` the shipped foods by default.
    """
    table = table if table is not None else load_table()
    supplements: list[SupplementItem] = []
    if isinstance(intake, str):
        food_text, supplements, any_food = split_supplements(intake)
        items = parse_any(food_text, table) if any_food else []
    else:
        rows = list(intake)
        if rows and all(isinstance(r, IntakeItem) for r in rows):
            items = rows
        elif all(isinstance(r, str) for r in rows):
            items = parse_text("\n".join(rows), table)
        else:  # rows, with a line of text as a row naming the food and its amount in one cell
            items = parse_rows([{"food": r} if isinstance(r, str) else
                                {"food_id": r.food.id, "grams": r.grams} if isinstance(r, IntakeItem) else r
                                for r in rows], table)
    return check_day(items, Profile() if profile is None else profile, table, suggest=suggest,
                     time_limit=time_limit, supplements=supplements)
