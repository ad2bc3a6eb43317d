"""Daily targets for a profile: minimums and maximums per nutrient, each with its source.

US DRIs by life stage (RDA/AI as minimums; the calcium UL and the sodium CDRR as maximums), or EFSA's
adult values. The magnesium UL counts supplements only and is never applied to food; potassium is
not pushed for kidney disease or potassium-raising medicines.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import asdict, dataclass, field

import pandas as pd

from planner.profile import Profile
from planner.rules import DATA_DIR, amdr_table, dri_table, efsa_table, rules

GOAL_NUTRIENTS = ("calcium_mg", "magnesium_mg", "potassium_mg")
REPORTED_NUTRIENTS = ("vitamin_d_ug", "vitamin_b6_mg")
_FIELD = {"calcium": "calcium_mg", "magnesium": "magnesium_mg", "potassium": "potassium_mg", "sodium": "sodium_mg",
          "vitamin_d": "vitamin_d_ug", "vitamin_b6": "vitamin_b6_mg", "retinol": "retinol_ug"}


@dataclass(frozen=True)
class Target:
    """One nutrient's daily range. `goal` minimums are pursued; others are reported only."""

    nutrient: str
    min: float | None
    max: float | None
    unit: str
    source: str
    kind: str          # RDA, AI, PRI, UL, CDRR, energy, AMDR, your setting, ...
    goal: bool = True  # the planner pursues the minimum (False: shown, not pursued)
    note: str = ""
    soft_max: float | None = None  # above this the planner holds back, without a hard limit


@dataclass
class Targets:
    """All of a profile's daily targets, the energy budget, and notes that explain the rules applied."""

    items: dict[str, Target]
    energy_kcal: float
    energy_band_pct: float
    macros: dict[str, tuple[float, float]]  # grams per day (min, max) from AMDR
    notes: list[str] = field(default_factory=list)
    push_potassium: bool = True
    excluded_tags: tuple[str, ...] = ()

    def __getitem__(self, nutrient: str) -> Target:
        return self.items[nutrient]

    def minimum(self, nutrient: str) -> float | None:
        t = self.items.get(nutrient)
        return t.min if t else None

    def maximum(self, nutrient: str) -> float | None:
        t = self.items.get(nutrient)
        return t.max if t else None

    @property
    def energy_range(self) -> tuple[float, float]:
        band = self.energy_band_pct / 100.0
        return self.energy_kcal * (1 - band), self.energy_kcal * (1 + band)

    def to_dict(self) -> dict:
        return {
            "energy_kcal": round(self.energy_kcal), "energy_range_kcal": [round(x) for x in self.energy_range],
            "nutrients": {k: {key: v for key, v in asdict(t).items() if key != "nutrient"} for k, t in self.items.items()},
            "macros_g": {k: [round(a, 1), round(b, 1)] for k, (a, b) in self.macros.items()},
            "notes": list(self.notes), "push_potassium": self.push_potassium,
        }


def life_stage(p: Profile) -> str:
    age = p.age
    if p.pregnant or p.lactation:
        band = "14-18y" if age <= 18 else "19-30y" if age <= 30 else "31-50y"
        return f"{'pregnancy' if p.pregnant else 'lactation'} {band}"
    for hi, stage in ((3, "1-3y"), (8, "4-8y"), (13, "9-13y"), (18, "14-18y"), (30, "19-30y"), (50, "31-50y"),
                      (70, "51-70y")):
        if age <= hi:
            return stage
    return "71+y"


@functools.cache
def eer_rules() -> dict:
    """IOM 2005 EER equations, activity levels and increments (planner/data/energy_eer.toml)."""
    with open(DATA_DIR / "energy_eer.toml", "rb") as fh:
        return tomllib.load(fh)


def physical_activity(p: Profile, equation: dict) -> float:
    """The IOM PA coefficient for the profile's activity word (a word between two levels takes their mean)."""
    levels = eer_rules()["activity_level"][p.activity]
    return sum(equation["pa"][level] for level in levels) / len(levels)


def estimate_energy(p: Profile) -> tuple[float, list[str]]:
    """IOM 2005 Estimated Energy Requirement from age, sex, weight, height and activity, plus pregnancy or
    lactation increments; the defaults used for a missing weight or height are said in the notes."""
    if p.energy_kcal:
        return float(p.energy_kcal), []
    eer = eer_rules()
    notes = []
    weight, height = p.weight_kg, p.height_cm
    if weight is None or height is None:
        body = rules()["energy"]["default_body"]
        weight = weight or body[f"{p.sex}_weight_kg"]
        height = height or body[f"{p.sex}_height_cm"]
        notes.append(f"Energy estimated for {weight:g} kg and {height:g} cm: give weight_kg and height_cm, "
                     "or energy_kcal, for a closer budget.")
    if p.age < 3:
        toddler = eer["toddler"]
        kcal = toddler["weight"] * weight + toddler["intercept"] + toddler["deposit"]
    else:
        eq = eer["equation"][f"{p.sex}_{'adult' if p.age >= 19 else 'child'}"]
        deposit = eq.get("deposit_from_14", eq["deposit"]) if p.age >= 14 else eq["deposit"]
        kcal = (eq["intercept"] + eq["age"] * p.age
                + physical_activity(p, eq) * (eq["weight"] * weight + eq["height"] * height / 100.0) + deposit)
    if p.pregnancy:
        kcal += eer["extra_kcal"][p.pregnancy]
    if p.lactation:
        kcal += eer["extra_kcal"]["lactation"]
    return round(kcal / 10) * 10, notes


@functools.cache
def protein_table():
    """Protein floors in g/kg body weight and per main meal, by group, with sources (planner/data/protein.csv)."""
    return pd.read_csv(DATA_DIR / "protein.csv")


def body_weight(p: Profile) -> float:
    """The profile's weight, or the default body the energy estimate uses (said in its notes)."""
    return float(p.weight_kg or rules()["energy"]["default_body"][f"{p.sex}_weight_kg"])


def _protein_row(p: Profile):
    table = protein_table().set_index("group")
    if p.pregnant:
        return table.loc["pregnancy"]
    if p.lactation:
        return table.loc["lactation"]
    by_age = table[(table["min_age"] <= p.age) & (table["max_age"] >= p.age)
                   & ~table.index.isin(["pregnancy", "lactation", "very_active"])].iloc[0]
    if p.activity == "very_active" and p.age >= 19 and table.loc["very_active", "g_per_kg"] > by_age["g_per_kg"]:
        return table.loc["very_active"]
    return by_age


def protein_target(p: Profile) -> Target:
    """The baseline daily protein floor: g/kg body weight by life stage (0.8 adults, 1.0 from 65, pregnancy,
    lactation, very active), a hard floor the planner keeps, not a mineral goal."""
    row = _protein_row(p)
    grams = round(float(row["g_per_kg"]) * body_weight(p), 1)
    return Target("protein_g", grams, None, "g", str(row["source"]), "RDA" if row["g_per_kg"] < 1.2 else "g/kg",
                  goal=False, note=f"{row['g_per_kg']:g} g per kg of body weight a day.")


def main_meal_protein(p: Profile, targets: Targets) -> float:
    """Grams of protein lunch and dinner each hold at least (20 g, 25 g from 65); scaled down with the day's
    floor when a condition's protein ceiling (kidney disease) sits below the baseline floor."""
    per_meal = float(_protein_row(p)["per_main_meal_g"])
    protein = targets.items.get("protein_g")
    if protein is None or not per_meal:
        return per_meal
    baseline = protein_target(p).min or 1.0
    floor = min(x for x in (protein.min, protein.max, baseline) if x is not None)
    return round(per_meal * min(1.0, floor / baseline), 1)


def _dri_rows(p: Profile):
    stage = life_stage(p)
    table = dri_table()
    rows = table[(table["life_stage"] == stage) & table["sex"].isin(["any", p.sex])]
    return {r.nutrient: r for r in rows.itertuples()}


def _efsa(p: Profile, nutrient: str):
    table = efsa_table()
    rows = table[(table["nutrient"] == nutrient) & table["sex"].isin(["any", p.sex])]
    if nutrient == "calcium":
        rows = rows[rows["life_stage"] == ("18-24y" if p.age < 25 else "25+y")]
    elif nutrient == "potassium":
        rows = rows[rows["life_stage"] == ("lactation" if p.lactation else "adult")]
    return next(rows.itertuples(), None)


def _num(value) -> float | None:
    return None if value is None or value != value else float(value)


def targets_for(p: Profile) -> Targets:
    """The profile's daily targets, with sources, the rules applied and any user overrides."""
    energy, notes = estimate_energy(p)
    dri = _dri_rows(p)
    cond_rules = rules()["conditions"]
    push_k = all(cond_rules[c]["potassium"] != "not_pushed" for c in p.conditions)
    notes += [cond_rules[c]["note"] for c in p.conditions]
    items: dict[str, Target] = {"protein_g": protein_target(p)}

    use_efsa = p.target_set == "efsa" and p.age >= 18

    def source_row(nutrient: str):
        if use_efsa and nutrient in ("calcium", "magnesium", "potassium", "sodium"):
            return _efsa(p, nutrient)
        return dri[nutrient]

    ca = source_row("calcium")
    items["calcium_mg"] = Target("calcium_mg", _num(ca.target), _num(ca.ul), "mg", ca.source, ca.target_type,
                                 note=f"upper limit {ca.ul:g} mg ({ca.ul_scope})")
    mg = source_row("magnesium")
    items["magnesium_mg"] = Target(
        "magnesium_mg", _num(mg.target), None, "mg", mg.source, mg.target_type,
        note=f"The magnesium upper limit ({mg.ul:g} mg) counts supplements and medicines only, never food.")
    k = source_row("potassium")
    if push_k:
        items["potassium_mg"] = Target("potassium_mg", _num(k.target), None, "mg", k.source, k.target_type,
                                       note="No upper limit for healthy people.")
    else:
        items["potassium_mg"] = Target(
            "potassium_mg", None, None, "mg", k.source, "not pushed", goal=False, soft_max=_num(k.target),
            note=f"Potassium is not pushed for this profile: plans hold it near or below the usual adequate intake "
                 f"({k.target:,.0f} mg) while they meet the other goals. Your clinician's limit "
                 "(targets.potassium_mg.max) replaces this. Never take potassium supplements or "
                 "potassium-chloride salt substitutes without your clinician.")
    na = source_row("sodium")
    items["sodium_mg"] = Target("sodium_mg", None, _num(na.ul), "mg", na.source,
                                "CDRR" if not use_efsa else "EFSA safe and adequate", goal=False,
                                note="A ceiling, never a target: ordinary food gives enough sodium.")
    for nutrient in ("vitamin_d", "vitamin_b6"):
        r = dri[nutrient]
        field_ = _FIELD[nutrient]
        items[field_] = Target(field_, _num(r.target), None, r.unit.replace("ug", "µg"), r.source, r.target_type,
                               goal=False, note="Reported, not planned for.")
    r = dri["retinol"]
    items["retinol_ug"] = Target("retinol_ug", None, _num(r.ul), "µg", r.source, "UL", goal=False, note=r.ul_scope)
    if p.pregnant:
        notes.append(rules()["pregnancy"]["note"])
    if use_efsa is False and p.target_set == "efsa":
        notes.append("EFSA values are for adults (18+); US DRIs are used instead.")

    for nutrient, bounds in p.targets.items():
        if nutrient == "energy_kcal":
            energy = float(bounds.get("min", bounds.get("max", energy)))
            notes.append(f"Energy set by you: {energy:g} kcal.")
            continue
        old = items.get(nutrient)
        new_min = bounds.get("min", old.min if old else None)
        if nutrient == "potassium_mg" and not push_k and "min" in bounds:
            notes.append("Your potassium minimum is kept as you set it (your clinician's advice).")
        new_max = bounds.get("max", old.max if old else None)
        items[nutrient] = Target(nutrient, _num(new_min), _num(new_max), old.unit if old else "mg", "your setting",
                                 "your setting", goal=(old.goal if old else True) or "min" in bounds,
                                 note=old.note if old else "")  # your limit replaces any soft ceiling

    macros = {}
    for row in amdr_table().itertuples():
        macros[row.field] = (energy * row.min_pct / 100 / row.kcal_per_g, energy * row.max_pct / 100 / row.kcal_per_g)
    return Targets(items, energy, float(rules()["energy"]["band_pct"]), macros, notes, push_k,
                   tuple(sorted(_excluded(p))))


def _excluded(p: Profile) -> set[str]:
    from planner.profile import excluded_tags

    return excluded_tags(p)
