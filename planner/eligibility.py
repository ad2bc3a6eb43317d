"""Which foods a profile may eat: one rule for the planner, the day check's suggestions, pickers and search.

A food is eligible when: the articles do not say to limit it (unless the person keeps it on purpose), it
suits the diet, it carries no excluded tag (allergens, pregnancy's liver rule), and the person did not
exclude or dislike it (words resolved against food ids and names). With the profile's targets, a food
missing a value for a strict maximum (retinol in pregnancy, a limit the person or their clinician set) is
not eligible either: the maximum could not be checked. Pure functions on the table, vectorised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from foods import FoodTable
from foods.errors import not_in_sr28
from planner.errors import PlannerError
from planner.profile import Profile, excluded_tags, missing_means_none, required_diet_tag
from planner.rules import rules
from planner.targets import Targets


@dataclass(frozen=True)
class FoodColumns:
    """The columns eligibility reads, as arrays, computed once per table."""

    ids: np.ndarray
    names: np.ndarray
    tags: np.ndarray          # str, ';'-wrapped and ';'-joined
    limit: np.ndarray         # bool: the articles say to limit it


def food_columns(table: FoodTable) -> FoodColumns:
    """The table's columns eligibility reads, made once per table (in the table's own cache)."""
    def columns() -> FoodColumns:
        frame = table.frame
        return FoodColumns(ids=frame["id"].astype(str).to_numpy(), names=frame["name"].astype(str).to_numpy(),
                           tags=(";" + frame["tags"].fillna("").astype(str) + ";").to_numpy(dtype=str),
                           limit=frame["limit"].fillna(0).astype(int).to_numpy() == 1)
    return table.cached("eligibility_columns", columns)


def has_any_tag(tags: np.ndarray, wanted) -> np.ndarray:
    """Per food (';'-wrapped tag strings), whether it carries any of `wanted`."""
    out = np.zeros(len(tags), dtype=bool)
    for tag in wanted:
        out |= np.char.find(tags, f";{tag};") >= 0
    return out


def words_to_foods(table: FoodTable, words: list[str], field: str) -> tuple[set[str], set[str]]:
    """Exclusion words -> (food ids, tags): an allergen word, or every food whose id is the word or whose
    name carries it (a word that is also an id, 'yogurt', keeps Greek yogurt out too).

    A word that matches nothing is an error naming the closest foods: a typo must never let an
    excluded food through silently.
    """
    allergens = rules()["exclusions"]
    columns = food_columns(table)
    ids: set[str] = set()
    tags: set[str] = set()
    for word in words:
        key = word.strip().lower()
        if key in allergens:
            tags |= set(allergens[key])
        else:
            # A word that is also an id ('yogurt') still means every food whose name carries it (Greek yogurt).
            pattern = re.compile(rf"\b{re.escape(key)}\b")
            hits = {i for i, n in zip(columns.ids, columns.names, strict=True)
                    if pattern.search(n.lower()) or pattern.search(i)} if key else set()
            if key in table:
                hits.add(key)
            absent = not_in_sr28(key)
            if not hits and absent is not None:   # 'oat milk': SR28 lacks it; say so, with its stand-ins
                raise PlannerError(f"profile field '{field}': {absent[0]}")
            if not hits:
                close = ", ".join(f.id for f in table.search(key, limit=3)) or "none"
                raise PlannerError(f"profile field '{field}': no food or allergen '{word}'; closest foods: {close}; "
                                   f"allergens: {', '.join(sorted(allergens))}")
            ids |= hits
    return ids, tags


def strict_caps(profile: Profile, targets: Targets) -> tuple[str, ...]:
    """Maximums that protect from harm for this profile: a food lacking the value cannot be planned."""
    out = []
    for name, t in targets.items.items():
        if t.max is None:
            continue
        if (name == "retinol_ug" and profile.pregnant) or t.source in ("your setting", "clinician"):
            out.append(name)
    return tuple(out)


@dataclass(frozen=True)
class Eligibility:
    """Per table row whether the profile may eat it, and why foods a person might expect are left out."""

    eligible: np.ndarray          # bool per table row
    excluded_ids: frozenset[str]  # named by the profile's `exclude`
    disliked_ids: frozenset[str]  # named by the profile's `dislike`
    liked_ids: frozenset[str]
    caps: tuple[str, ...]         # strict maximums whose missing values keep foods out
    notes: tuple[str, ...]

    @property
    def never_ids(self) -> frozenset[str]:
        """Excluded or disliked by the profile: never planned, never locked."""
        return self.excluded_ids | self.disliked_ids


def assess(profile: Profile, table: FoodTable, targets: Targets | None = None, keep=frozenset(),
           allow=frozenset(), within: np.ndarray | None = None) -> Eligibility:
    """The profile's eligibility over the table; `keep` are locked foods (a limit food may be kept).

    `allow` lifts the profile's own exclusions (diet, exclude, dislike) for those ids, never a safety
    rule (pregnancy) or a limit food: it answers "would allowing these foods close the gap?".
    `within` narrows the rows whose missing strict-cap values are reported in the notes.
    A locked food the profile excludes, or whose strict-cap value is missing, is an error.
    """
    columns = food_columns(table)
    excluded_ids, exclude_tags = words_to_foods(table, profile.exclude, "exclude")
    disliked_ids, dislike_tags = words_to_foods(table, profile.dislike, "dislike")
    liked_ids, _ = words_to_foods(table, profile.like, "like") if profile.like else (set(), set())
    tags = set(excluded_tags(profile)) | exclude_tags | dislike_tags
    never = excluded_ids | disliked_ids
    is_never = np.isin(columns.ids, list(never)) | has_any_tag(columns.tags, tags)
    diet = required_diet_tag(profile)
    if diet:
        is_never |= ~has_any_tag(columns.tags, [diet])
    if allow:
        safety = has_any_tag(columns.tags, rules()["pregnancy"]["excluded_tags"] if profile.pregnant else [])
        is_never &= ~(np.isin(columns.ids, list(allow)) & ~safety)
    locked = np.isin(columns.ids, list(keep))
    bad_lock = locked & is_never
    if bad_lock.any():
        fid = columns.ids[bad_lock][0]
        raise PlannerError(f"cannot keep {fid}: your profile excludes it (diet {profile.diet}, exclude, dislike "
                           "or pregnancy); remove the lock or the exclusion")
    ok = ~is_never & (~columns.limit | locked)
    said = rules().get("exclusion_notes", {})
    notes = [said[w] for w in dict.fromkeys(x.strip().lower() for x in profile.exclude) if w in said]
    caps = strict_caps(profile, targets) if targets is not None else ()
    for cap in caps:  # a plant food's missing retinol is none, not unknown (missing_means_none)
        missing = ok & table.frame[cap].isna().to_numpy() & ~has_any_tag(columns.tags, missing_means_none(profile, cap))
        shown = missing & within if within is not None else missing
        if shown.any():
            names = ", ".join(columns.ids[shown][:5]) + (" ..." if shown.sum() > 5 else "")
            notes.append(f"Not planned because SR28 has no {cap.split('_')[0]} value to check your limit: {names}.")
        bad = missing & locked
        if bad.any():
            raise PlannerError(f"cannot keep {columns.ids[bad][0]}: SR28 has no {cap.split('_')[0]} value, "
                               "so your limit could not be checked")
        ok &= ~missing
    return Eligibility(ok, frozenset(excluded_ids), frozenset(disliked_ids), frozenset(liked_ids), caps,
                       tuple(notes))


def eligible_mask(profile: Profile, table: FoodTable, targets: Targets | None = None) -> np.ndarray:
    """Per table row (table.frame order), whether this profile may eat the food."""
    return assess(profile, table, targets).eligible


def eligible_ids(profile: Profile, table: FoodTable, targets: Targets | None = None) -> set[str]:
    """The ids of the foods this profile may eat."""
    return set(food_columns(table).ids[eligible_mask(profile, table, targets)])
