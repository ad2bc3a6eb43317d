"""Daily targets for a profile: minimums and maximums per nutrient, each with its source.

US DRIs by life stage (RDA/AI as minimums; the calcium UL and the sodium CDRR as maximums), or EFSA's
adult values. The magnesium UL counts supplements only and is never applied to food; potassium is
not pushed for kidney disease or potassium-raising medicines.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

import pandas as pd

from foods.nutrients import GOAL_MINERALS, NUTRIENT_LABELS, NUTRIENT_UNITS
from planner.profile import Profile
from planner.rules import DATA_DIR, amdr_table, dri_table, efsa_table, rules, rules_kidney

GOAL_NUTRIENTS = GOAL_MINERALS   # the registry's (foods/nutrients.py)
# shown against their DRI and reported when short ("reported, not planned"); never pursued by the planner
REPORTED_NUTRIENTS = ("vitamin_d_ug", "vitamin_b6_mg", "vitamin_b12_ug", "iron_mg", "folate_dfe_ug")
# floors that are reported each day, never planned for: sodium's AI (1,500 mg) for a thiazide user, whose plan's
# unsalted foods can fall far below it (thiazides can lower blood sodium); without a floor nothing is said
REPORTED_FLOORS = ("sodium_mg",)
# tracked against their DRI; their upper limit is a hard maximum on food (selenium: Brazil nuts)
TRACKED_WITH_UL = ("phosphorus_mg", "selenium_ug")
# upper limits that count only some sources, so never a maximum on food (folate: synthetic folic acid only)
UL_NOT_FOR_FOOD = ("folate_dfe_ug",)
_FIELD = {"calcium": "calcium_mg", "magnesium": "magnesium_mg", "potassium": "potassium_mg", "sodium": "sodium_mg",
          "vitamin_d": "vitamin_d_ug", "vitamin_b6": "vitamin_b6_mg", "retinol": "retinol_ug",
          "phosphorus": "phosphorus_mg", "selenium": "selenium_ug", "iron": "iron_mg", "folate_dfe": "folate_dfe_ug",
          "vitamin_b12": "vitamin_b12_ug"}
_NUTRIENT_OF = {v: k for k, v in _FIELD.items()}


RULE_SET_KINDS = ("KDOQI 2020", "KDIGO 2024")  # targets a clinical guideline sets: a clinician adjusts them


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
    capped: tuple[str, ...] = ()  # nutrients whose maximum the person (or their clinician) set: no supplement advised
    amdr: dict[str, tuple[float, float, float]] = field(default_factory=dict)  # macro -> (min, max share, kcal/g), by age

    def may_suggest_supplement(self, nutrient: str) -> bool:
        """Whether advice may name a supplement for this nutrient: never against a limit the person or their
        clinician set, never potassium when it is not pushed, never for a rule set that caps it (kidney)."""
        t = self.items.get(nutrient)
        if nutrient in self.capped or t is None or not t.goal:
            return False
        return not (nutrient == "potassium_mg" and not self.push_potassium) and t.kind not in RULE_SET_KINDS

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
            "notes": list(self.notes), "push_potassium": self.push_potassium, "capped": list(self.capped),
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
    grams = round(float(row["g_per_kg"]) * body_weight(p)[0], 1)
    return Target("protein_g", grams, None, "g", str(row["source"]), "RDA" if row["g_per_kg"] < 1.2 else "g/kg",
                  goal=False, note=f"{row['g_per_kg']:g} g per kg of body weight a day.")


def main_meal_protein(p: Profile, targets: Targets) -> float:
    """Grams of protein lunch and dinner each hold at least (20 g, 25 g from 65); scaled down with the day's
    floor when a condition's protein ceiling (kidney disease) sits below the baseline floor."""
    per_meal = float(_protein_row(p)["per_main_meal_g"])
    protein = targets.items.get("protein_g")
    if protein is None:   # no protein target (kidney disease without a stage): no floor per meal either
        return 0.0
    if not per_meal:
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
    conditions = [*p.conditions, *(["kidney_disease"] if p.kidney_disease and "kidney_disease" not in p.conditions
                                   else [])]
    push_k = all(cond_rules[c]["potassium"] != "not_pushed" for c in conditions)
    k_limit = p.targets.get("potassium_mg", {}).get("max")
    asks_a_limit = not push_k and k_limit is not None   # the person set the limit these notes ask for
    notes += [cond_rules[c]["note"] for c in conditions
              if not (asks_a_limit and cond_rules[c]["potassium"] == "not_pushed")]
    if asks_a_limit:
        notes.append(rules()["potassium_limit"]["note"].format(limit=float(k_limit)))
    baseline = protein_target(p)   # the baseline floor; kidney disease's own rule decides protein instead
    items: dict[str, Target] = {} if "kidney_disease" in conditions else {"protein_g": baseline}

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
            note=f"Potassium is not pushed for this profile: plans try to hold it near or below the usual adequate "
                 f"intake ({k.target:,.0f} mg) while they meet the other goals, and each day above it says so. "
                 "Your clinician's limit "
                 "(targets.potassium_mg.max) replaces this. Never take potassium supplements or "
                 "potassium-chloride salt substitutes without your clinician.")
    na = source_row("sodium")
    items["sodium_mg"] = Target("sodium_mg", None, _num(na.ul), "mg", na.source,
                                "CDRR" if not use_efsa else "EFSA safe and adequate", goal=False,
                                note="A ceiling, never a target: ordinary food gives enough sodium.")
    for field_ in REPORTED_NUTRIENTS + TRACKED_WITH_UL:
        r = dri[_NUTRIENT_OF[field_]]
        ceiling = None if field_ in UL_NOT_FOR_FOOD or field_ in REPORTED_NUTRIENTS else _num(r.ul)
        note = "Reported, not planned for." if field_ in REPORTED_NUTRIENTS else "Reported, not planned for; " \
            f"the upper limit ({r.ul:,.0f} {_unit(r.unit)}) is a maximum on the plan."
        if field_ in UL_NOT_FOR_FOOD:
            note += f" Its upper limit ({r.ul:,.0f} {_unit(r.unit)}) counts {r.ul_scope}."
        planned = p.diet == "vegan" and field_ in rules()["dietitian_notes"]["vegan_planned"]
        if planned:
            note = rules()["dietitian_notes"]["vegan_planned_note"]
        items[field_] = Target(field_, _num(r.target), ceiling, _unit(r.unit), r.source, r.target_type, goal=planned,
                               note=note)
    r = dri["retinol"]
    items["retinol_ug"] = Target("retinol_ug", None, _num(r.ul), "µg", r.source, "UL", goal=False, note=r.ul_scope)
    if p.pregnant:
        pregnancy = rules()["pregnancy"]   # the safety note for the diet (no fish advice for a vegan)
        notes += [n for n in (pregnancy["note_by_diet"].get(p.diet, pregnancy["note"]), pregnancy["caffeine_note"]) if n]
    notes += dietitian_notes(p, items)
    renal_protein = None
    if p.kidney_disease:
        energy, renal_protein = _kidney_targets(p, items, energy, notes)
    if use_efsa is False and p.target_set == "efsa":
        notes.append("EFSA values are for adults (18+); US DRIs are used instead.")

    capped = []
    for nutrient, bounds in p.targets.items():
        if nutrient == "energy_kcal":
            energy = float(bounds.get("min", bounds.get("max", energy)))
            notes.append(f"Energy set by you: {energy:g} kcal.")
            continue
        items[nutrient], note = _your_setting(nutrient, bounds, items.get(nutrient), push_k)
        notes += [note] if note else []
        if "max" in bounds:   # a limit the person set: no supplement is ever advised for it, even with a minimum
            capped.append(nutrient)

    macros = {}
    amdr = {row.field: (row.min_pct / 100.0, row.max_pct / 100.0, float(row.kcal_per_g))
            for row in amdr_table(p.age).itertuples()}
    for row in amdr_table(p.age).itertuples():
        macros[row.field] = (energy * row.min_pct / 100 / row.kcal_per_g, energy * row.max_pct / 100 / row.kcal_per_g)
    if renal_protein is not None:  # the renal range replaces the AMDR's (10 % of energy can exceed 0.8 g/kg)
        macros["protein_g"] = renal_protein
    return Targets(items, energy, float(rules()["energy"]["band_pct"]), macros, notes, push_k,
                   tuple(sorted(_excluded(p))), tuple(capped), amdr)


def dietitian_notes(p: Profile, items: dict[str, Target]) -> list[str]:
    """What a dietitian would add for this person (planner/data/rules.toml [dietitian_notes]): vegans' B12 and
    vitamin D, B12 over 50, vitamin D over 70, pregnancy's prenatal supplement, thiazides and calcium, no KCl salt with ACE
    inhibitors or ARBs, the unsalted-food assumption for athletes and thiazide users (and a sodium floor)."""
    said = rules()["dietitian_notes"]
    out = []
    words = {w.strip().lower() for w in (*p.exclude, *p.dislike)}
    if "fish" in words and not {"shellfish", "seafood"} & words:
        out.append(rules()["exclusion_notes"]["fish_keeps_shellfish"])
    if p.diet == "vegan":
        out.append(said["vegan"])
    elif p.age >= said["b12_age"]:   # a vegan's note already sends all B12 to fortified foods or a supplement
        out.append(said["b12_over_50"])
    if p.age >= said["vitamin_d_age"]:
        out.append(said["age_70"])
    if p.pregnant:
        out.append(said["pregnancy"])
    thiazide = "thiazide_diuretic" in p.conditions
    if thiazide:
        out.append(said["thiazide_calcium"])
    if {"ace_inhibitor", "arb"} & set(p.conditions):
        out.append(said["kcl_salt"])
    if p.activity in said["athlete_activity"]:
        out.append(said["salt_athlete"])
    if thiazide:
        out.append(said["salt_thiazide"])
        na = items["sodium_mg"]
        items["sodium_mg"] = Target("sodium_mg", float(said["thiazide_sodium_floor_mg"]), na.max, na.unit,
                                    f"{na.source}; floor: NASEM 2019 AI", na.kind, goal=False,
                                    note="A ceiling, never a target; with a thiazide the AI is reported as a floor.")
    return out


def reported_not_planned(values: Mapping[str, float | None], nutrients: Mapping[str, Mapping]) -> list[str]:
    """'Vitamin D 2.9 of 15.0 µg': the reported nutrients not planned for this person (vitamin D, B12 but a vegan's,
    iron, folate, B6; a thiazide user's
    sodium floor) below their DRI, and a nutrient held back without a limit (potassium not pushed) above the mark
    it is held near, said as reported, not planned for. `nutrients` is Targets.to_dict()["nutrients"]."""
    out = []
    for name in (*REPORTED_NUTRIENTS, *REPORTED_FLOORS):
        t = nutrients.get(name) or {}
        value = values.get(name)
        if t.get("goal") or t.get("min") is None or value is None or value >= t["min"]:
            continue
        digits = 1 if f"{value:,.1f}" != f"{t['min']:,.1f}" else 2   # never '1.5 of 1.5 mg' for 1.49 of 1.5
        out.append(f"{NUTRIENT_LABELS.get(name, name)} {value:,.{digits}f} of {t['min']:,.{digits}f} {t.get('unit', '')}")
    for name, t in nutrients.items():   # a nutrient held back, not capped (potassium not pushed), above its mark
        value, held = values.get(name), (t or {}).get("soft_max")
        if held is not None and value is not None and value > held and t.get("max") is None:
            out.append(f"{NUTRIENT_LABELS.get(name, name)} {value:,.0f} {t.get('unit', '')}, above the {held:,.0f} "
                       f"{t.get('unit', '')} it is held near ({t.get('kind', '')}: ask your clinician for your limit)")
    return out


def magnesium_supplement_ul(p: Profile) -> tuple[float, str]:
    """The magnesium upper limit for supplements and medicines (never food), and its source (IOM 1997)."""
    row = _dri_rows(p)["magnesium"]
    return float(row.ul), row.source


def body_weight(p: Profile) -> tuple[float, bool]:
    """The person's weight in kg, or the default body's for their sex (True when it is the default)."""
    if p.weight_kg is not None:
        return float(p.weight_kg), False
    return float(rules()["energy"]["default_body"][f"{p.sex}_weight_kg"]), True


def _kidney_targets(p: Profile, items: dict[str, Target], energy: float, notes: list[str]
                    ) -> tuple[float, tuple[float, float] | None]:
    """KDOQI 2020 / KDIGO 2024 targets for CKD stages 3a-5 (planner/data/kidney.toml), set in `items`:
    protein by g/kg (a minimum and a maximum), phosphorus, calcium and sodium ceilings, energy 25-35 kcal/kg.
    Returns the energy budget and the protein range in grams (None without a stage: nothing but potassium)."""
    k = rules_kidney()
    if p.kidney_stage is None and not p.dialysis:
        notes.append(k["stage_missing_note"])
        return energy, None
    part = k["dialysis" if p.dialysis else "not_dialysis"]
    common = k["all_stages"]
    kind = "KDOQI 2020"
    weight, default = body_weight(p)
    lo, hi = (g * weight for g in part["protein_g_per_kg"])
    items["protein_g"] = Target("protein_g", round(lo, 1), round(hi, 1), "g", part["protein_source"], kind,
                                note=f"{part['protein_g_per_kg'][0]:g}-{part['protein_g_per_kg'][1]:g} g per kg "
                                     f"of {weight:g} kg" + (" (a default weight: give weight_kg)" if default else ""))
    ca_lo, ca_hi = part["calcium_mg"]
    items["calcium_mg"] = Target("calcium_mg", float(ca_lo) or None, float(ca_hi), "mg", part["calcium_source"], kind,
                                 goal=bool(ca_lo), note="total calcium from food and any supplement or binder")
    items["phosphorus_mg"] = Target("phosphorus_mg", None, float(common["phosphorus_max_mg"]), "mg",
                                    common["phosphorus_source"], kind, goal=False,
                                    note="a ceiling: your dietitian sets it from your blood phosphate")
    items["sodium_mg"] = Target("sodium_mg", None, float(common["sodium_max_mg"]), "mg", common["sodium_source"],
                                "KDIGO 2024", goal=False, note="A ceiling, never a target.")
    e_lo, e_hi = (x * weight for x in part["energy_kcal_per_kg"])
    if not p.energy_kcal:
        clamped = min(max(energy, e_lo), e_hi)
        if clamped != energy:
            notes.append(f"Kidney disease: energy {clamped:,.0f} kcal, within {part['energy_kcal_per_kg'][0]}-"
                         f"{part['energy_kcal_per_kg'][1]} kcal per kg ({common['energy_source']}).")
        energy = round(clamped / 10) * 10
    stage = p.kidney_stage or "on dialysis"
    if "max" not in p.targets.get("potassium_mg", {}) and (p.dialysis or p.kidney_stage in
                                                          k["potassium"]["default_limit_stages"]):
        _default_potassium_limit(p, items, notes)
    notes.append(k["note"].format(stage=stage, dialysis=", on dialysis" if p.dialysis and p.kidney_stage else ""))
    if p.dialysis:
        notes.append(f"{part['fluid_note']} ({part['fluid_source'].split(':')[0]})")
    return energy, (float(items["protein_g"].min), float(items["protein_g"].max))


def _default_potassium_limit(p: Profile, items: dict[str, Target], notes: list[str]) -> None:
    """Stages 4-5 (and dialysis) without a clinician's potassium limit: a default hard limit (kidney.toml
    [potassium]) instead of the soft hold near the adequate intake, said as a default a renal dietitian replaces."""
    rule = rules_kidney()["potassium"]
    limit = float(rule["default_max_mg"])
    note = rule["default_note"].format(stage=p.kidney_stage or "5, on dialysis", limit=limit)
    items["potassium_mg"] = Target("potassium_mg", None, limit, "mg", rule["default_source"], rule["default_kind"],
                                   goal=False, note=note)
    not_pushed = rules()["conditions"]["kidney_disease"]["note"]   # "not pushed; set a limit": the default says more
    notes[:] = [n for n in notes if n != not_pushed] + [note]


def _unit(unit: str) -> str:
    return NUTRIENT_UNITS.get(unit, unit.replace("ug", "µg"))


def _your_setting(nutrient: str, bounds: dict, old: Target | None, push_k: bool) -> tuple[Target, str]:
    """A nutrient's range as the person set it. A maximum alone is a limit, never a goal: the usual
    minimum is dropped (a capped nutrient is never "short", and no advice pushes it toward the limit)."""
    unit = old.unit if old else NUTRIENT_UNITS.get(nutrient, "")
    label = NUTRIENT_LABELS.get(nutrient, nutrient)
    note = ""
    if nutrient == "potassium_mg" and not push_k and "min" in bounds:
        note = "Your potassium minimum is kept as you set it (your clinician's advice)."
    if "max" in bounds and "min" not in bounds:
        if old is not None and old.min is not None:
            note = (f"{label}: your limit of {bounds['max']:,.0f} {unit} is followed; the usual minimum "
                    f"({old.min:,.0f} {unit}, {old.source}) is not pursued and no supplement is suggested for it.")
        # a held potassium's note ("not pushed... your clinician's limit replaces this") no longer holds once the limit is set
        held_k = nutrient == "potassium_mg" and not push_k
        kept = old.note if old and old.kind != rules_kidney()["potassium"]["default_kind"] and not held_k else ""
        return Target(nutrient, None, _num(bounds["max"]), unit, "your setting", "your setting", goal=False,
                      note=kept), note
    new_min = bounds.get("min", old.min if old else None)
    new_max = bounds.get("max", old.max if old else None)
    return Target(nutrient, _num(new_min), _num(new_max), unit, "your setting", "your setting",
                  goal=(old.goal if old else True) or "min" in bounds,
                  note=old.note if old else ""), note  # your limit replaces any soft ceiling


def _excluded(p: Profile) -> set[str]:
    from planner.profile import excluded_tags

    return excluded_tags(p)
