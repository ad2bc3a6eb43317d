"""A person's profile: who they are, what they eat, what changes the rules. Read from TOML or flags."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from foods.table import NUTRIENT_FIELDS
from planner.errors import PlannerError, ProfileError
from planner.rules import rules, rules_kidney

SEXES = ("female", "male")
PREGNANCY = ("trimester1", "trimester2", "trimester3")
ACTIVITIES = ("sedentary", "light", "moderate", "active", "very_active")
DIETS = ("omnivore", "pescatarian", "vegetarian", "vegan")
ALLERGENS = ("lactose", "dairy", "gluten", "tree_nuts", "nuts", "peanuts", "fish", "shellfish", "egg", "eggs",
             "sesame")
CONDITIONS = ("kidney_disease", "heart_failure", "ace_inhibitor", "arb", "potassium_sparing_diuretic", "nsaid",
              "thiazide_diuretic", "loop_diuretic")
TARGET_SETS = ("us", "efsa")
ENERGY_KCAL_RANGE = (1000, 5000)   # a budget a person may set: outside it is a typing slip, not a diet
MIN_AGE = 14  # DRI rows and IOM EER equations for adolescents (14-18) and adults; children need a paediatric plan
# every nutrient the food table tracks (energy included) can be a target; water is not a nutrient target
OVERRIDABLE = tuple(f for f in NUTRIENT_FIELDS if f != "water_g")


@dataclass
class Profile:
    """Everything the targets and the planner need to know about one person."""

    sex: str = "female"
    age: int = 40
    pregnancy: str | None = None
    lactation: bool = False
    weight_kg: float | None = None
    height_cm: float | None = None
    activity: str = "light"
    energy_kcal: float | None = None
    diet: str = "omnivore"
    exclude: list[str] = field(default_factory=list)
    dislike: list[str] = field(default_factory=list)
    like: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    targets: dict[str, dict[str, float]] = field(default_factory=dict)
    target_set: str = "us"
    name: str = ""
    kidney_stage: str | None = None   # chronic kidney disease stage 3a, 3b, 4 or 5 (KDOQI/KDIGO targets)
    dialysis: bool = False

    def __post_init__(self) -> None:
        validate(self)

    @property
    def pregnant(self) -> bool:
        return self.pregnancy is not None

    @property
    def kidney_disease(self) -> bool:
        """Kidney disease named in conditions, or implied by a stage or dialysis."""
        return "kidney_disease" in self.conditions or self.kidney_stage is not None or self.dialysis

    def to_dict(self) -> dict:
        return asdict(self)


def _choice(name: str, value, allowed) -> None:
    if value not in allowed:
        raise ProfileError(f"profile field '{name}' is '{value}'; allowed: {', '.join(map(str, allowed))}",
                           field=name.split(".")[0])


def _number(name: str, value, lo: float, hi: float, optional: bool = True) -> None:
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProfileError(f"profile field '{name}' must be a number, not '{value}'", field=name.split(".")[0])
    if not lo <= value <= hi:
        raise ProfileError(f"profile field '{name}' is {value}; it must be between {lo:g} and {hi:g}",
                           field=name.split(".")[0])


def _string_list(name: str, value) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(f"profile field '{name}' must be a list of words, e.g. {name} = [\"walnuts\"]", field=name)


def validate(p: Profile) -> None:
    """Raise PlannerError naming the field and the allowed values for anything out of place."""
    _choice("sex", p.sex, SEXES)
    _number("age", p.age, 0, 120, optional=False)
    if p.age < MIN_AGE:
        raise ProfileError(f"profile field 'age' is {p.age:g}: this planner is for people aged {MIN_AGE} and over", field="age")
    if p.pregnancy is not None:
        _choice("pregnancy", p.pregnancy, PREGNANCY)
    if not isinstance(p.lactation, bool):
        raise ProfileError(f"profile field 'lactation' must be true or false, not '{p.lactation}'", field="lactation")
    if (p.pregnancy or p.lactation) and p.sex != "female":
        raise ProfileError("pregnancy and lactation need sex = \"female\"", field="pregnancy")
    if p.pregnancy and p.lactation:
        raise ProfileError("set either pregnancy or lactation, not both", field="pregnancy")
    if (p.pregnancy or p.lactation) and not 14 <= p.age <= 50:
        raise ProfileError(f"pregnancy and lactation targets exist for ages 14 to 50, not {p.age}", field="pregnancy")
    _number("weight_kg", p.weight_kg, 20, 300)
    _number("height_cm", p.height_cm, 100, 250)
    _number("energy_kcal", p.energy_kcal, *ENERGY_KCAL_RANGE)
    _choice("activity", p.activity, ACTIVITIES)
    _choice("diet", p.diet, DIETS)
    _choice("target_set", p.target_set, TARGET_SETS)
    for name in ("exclude", "dislike", "like", "conditions"):
        _string_list(name, getattr(p, name))
    for c in p.conditions:
        _choice("conditions", c, CONDITIONS)
    if p.kidney_stage is not None:
        _choice("kidney_stage", p.kidney_stage, rules_kidney()["stages"])
    if not isinstance(p.dialysis, bool):
        raise ProfileError(f"profile field 'dialysis' must be true or false, not '{p.dialysis}'", field="dialysis")
    if not isinstance(p.targets, dict):
        raise ProfileError("profile field 'targets' must be a table such as [targets.potassium_mg]", field="targets")
    for nutrient, bounds in p.targets.items():
        _choice("targets", nutrient, OVERRIDABLE)
        if not isinstance(bounds, dict) or not set(bounds) <= {"min", "max"} or not bounds:
            raise ProfileError(f"targets.{nutrient} takes min and/or max, e.g. [targets.{nutrient}] max = 2000", field="targets")
        for k, v in bounds.items():
            _number(f"targets.{nutrient}.{k}", v, 0, 100000, optional=False)
        if "min" in bounds and "max" in bounds and bounds["min"] > bounds["max"]:
            raise ProfileError(f"targets.{nutrient}: min {bounds['min']} is above max {bounds['max']}", field="targets")


def profile_from_dict(data: dict) -> Profile:
    """A Profile from a plain dict (TOML, JSON, the dashboard form); unknown fields are errors."""
    known = {f.name for f in fields(Profile)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ProfileError(f"unknown profile field(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    data = dict(data)
    if data.get("pregnancy") in (False, "", "none"):
        data["pregnancy"] = None
    if data.get("kidney_stage") in ("", "none"):
        data["kidney_stage"] = None
    if isinstance(data.get("kidney_stage"), int) and not isinstance(data["kidney_stage"], bool):
        data["kidney_stage"] = str(data["kidney_stage"])  # kidney_stage = 4 in TOML
    for k in ("exclude", "dislike", "like", "conditions"):
        if isinstance(data.get(k), str):
            data[k] = [data[k]]
    return Profile(**data)


def load_profile(path: str | Path) -> Profile:
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise PlannerError(f"profile file {path} not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise PlannerError(f"profile file {path} is not valid TOML: {exc}") from None
    try:
        return profile_from_dict(data)
    except PlannerError as exc:
        raise ProfileError(f"{path}: {exc}", field=exc.field) from None


def excluded_tags(p: Profile) -> set[str]:
    """Food tags this profile never eats: exclusions that name allergens, forms not eaten as they are (raw
    meat, dry pasta, infant formula), kelp's iodine, pregnancy's safety rules and kidney disease's fish-liver oil."""
    table = rules()["exclusions"]
    tags = {t for word in p.exclude if word in table for t in table[word]} | set(rules()["as_eaten"]["excluded_tags"])
    tags |= set(rules()["iodine"]["excluded_tags"])
    if p.pregnant:
        tags |= set(rules()["pregnancy"]["excluded_tags"])
    if p.kidney_disease:
        tags |= set(rules_kidney()["excluded_tags"])
    return tags


def missing_means_none(p: Profile, nutrient: str) -> tuple[str, ...]:
    """Tags of foods whose missing SR28 value for `nutrient` is known to be none (plant foods have no
    retinol): such a food is not left out for a strict maximum it cannot break (tofu in pregnancy)."""
    if nutrient == "retinol_ug":
        return tuple(rules()["pregnancy"]["retinol_missing_is_none_tags"])
    return ()


def required_diet_tag(p: Profile) -> str | None:
    return rules()["diets"][p.diet] or None
