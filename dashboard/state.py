"""What the dashboard keeps between reruns: the cached food table, the store, the session's profile and plan.

Pages read and write the session through these helpers only, so every key has one name and one default.
"""

from __future__ import annotations

import functools
import gc
import logging
import re
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import streamlit as st

from dashboard import frames
from foods import FoodTable, load_table
from foods.errors import FoodError
from planner.eligibility import eligible_ids
from planner.errors import PlannerError
from planner.plan import SLOT_LABELS, Plan
from planner.profile import Profile, profile_from_dict
from planner.store import DEFAULT_PROFILE_NAME, Store, default_path
from planner.targets import Targets, targets_for

HERE = Path(__file__).resolve().parent
PROFILE_NAME = DEFAULT_PROFILE_NAME   # the name a profile is saved under when the person gives none (as the CLI)


@st.cache_resource(show_spinner="Loading the food table…")
def food_table() -> FoodTable:
    """The shipped food table, loaded once per server process and shared by every session."""
    return load_table()


@st.cache_resource(show_spinner=False)
def food_ids_by_name() -> tuple[str, ...]:
    """Every food id in the order of the foods' names, as the pages' food pickers list them."""
    table = food_table()
    return tuple(sorted(table.foods, key=lambda i: table.foods[i].name.casefold()))


@st.cache_resource(show_spinner=False)
def _store_at(path: str) -> Store:
    return Store(path)


def store() -> Store:
    """The SQLite store in the user's data directory ($MINERAL_PLANNER_HOME), one per file."""
    return _store_at(str(default_path()))


@functools.cache
def articles() -> dict[str, dict]:
    """Seed article number -> {file, title}, from dashboard/articles.toml."""
    with open(HERE / "articles.toml", "rb") as fh:
        return tomllib.load(fh)["articles"]


@functools.cache
def labels() -> dict[str, dict[str, str]]:
    """Words for the profile's choices (activity, diet, conditions, ...), from dashboard/labels.toml."""
    with open(HERE / "labels.toml", "rb") as fh:
        return tomllib.load(fh)


def label(group: str, key: str) -> str:
    return labels().get(group, {}).get(key, key.replace("_", " ").capitalize())


def profile_words(p: Profile) -> str:
    """'female, 40 years, eats everything': who a profile is for, in the captions that name it."""
    return f"{p.sex}, {p.age} years, eats {label('diet', p.diet).lower()}"


def for_people(note: str) -> str:
    """A planner message in the words the dashboard's people read: profile-file words ('weight_kg') put as
    the form says them (labels.toml [note_words]), meal ids ('afternoon_snack') as the meals' labels, '1 days'
    as '1 day', and the food ids a typo's suggestions name ('green_onions') as the foods' names, a semicolon between two."""
    for file_word, form_word in labels().get("note_words", {}).items():
        note = note.replace(file_word, form_word)
    note = SLOT_IDS.sub(lambda m: SLOT_LABELS[m.group(0)].lower(), note)
    note = re.sub(r"\b1 days\b", "1 day", note)
    # names hold commas ('Grapes, red or green, raw'): between two names a semicolon, so each reads as one
    return SUGGESTED_IDS.sub(lambda m: m.group(1) + "; ".join(_food_words(i) for i in m.group(2).split(", ")) + "?",
                             note)


SLOT_IDS = re.compile(r"\b(?:" + "|".join(slot for slot in SLOT_LABELS if "_" in slot) + r")\b")
SUGGESTED_IDS = re.compile(r"(Did you mean: )([a-z0-9_]+(?:, [a-z0-9_]+)*)\?")


def _food_words(food_id: str) -> str:
    food = food_table().foods.get(food_id)
    return food.name if food is not None else food_id


def exclude_word(word: str) -> str:
    """An exclusion as a person reads it: an allergen's label ('Milk and lactose'), a food's name, or the word."""
    if word in labels().get("exclude", {}):
        return label("exclude", word)
    return _food_words(word)


def article_name(number: str) -> str:
    """'article 003: Leg cramps, ...' for an article number the food table cites."""
    title = articles().get(number, {}).get("title")
    return f"article {number}: {title}" if title else f"article {number}"


_FROZEN_WITH = [0]   # how many modules were loaded when the long-lived objects were last frozen


def keep_collections_quick() -> None:
    """Streamlit collects garbage in full after every run (its runner.postScriptGC option), and with pandas,
    Altair and HiGHS loaded a full collection scans some 130,000 long-lived objects: 50-200 ms, holding the
    interpreter lock, before the browser hears that the run is over, on every click. So whenever a run has
    loaded new modules, collect once and freeze what is alive (gc.freeze): later collections leave those
    objects alone and scan only what the runs make. What is frozen is never freed; it is the modules, the food
    table and what a few early runs held, a fixed amount per server."""
    if len(sys.modules) != _FROZEN_WITH[0]:
        gc.collect()
        gc.freeze()
        _FROZEN_WITH[0] = len(sys.modules)


# --- the session -------------------------------------------------------------------------------------------

def init() -> None:
    """Defaults for a new session: the saved profile (else a default adult), no plan, nothing at home."""
    ss = st.session_state
    ss.setdefault("flash", [])             # (kind, message) shown once at the top of the next run
    if "profile" not in ss:
        ss.profile, ss.profile_name = _saved_or_default_profile()
    ss.setdefault("plan", None)            # planner.plan.Plan
    ss.setdefault("plan_name", "")
    ss.setdefault("pantry", set())         # food ids already at home


def _saved_or_default_profile() -> tuple[Profile, str]:
    """The saved profile `check` uses when none is named (Store.default_profile_name: 'me', else the first
    saved one), or a default adult when none is saved: the CLI and the dashboard check a day for one person."""
    try:
        name = store().default_profile_name()
        if name is not None:
            return load_profile(name), name
    except (PlannerError, FoodError) as exc:  # an unreadable store or stale profile must not stop the app
        flash("warning", f"The saved profile could not be loaded ({exc}); using a default profile.")
    return Profile(), PROFILE_NAME


def persist(key: str, default) -> None:
    """Keep a widget's value when the person goes to another page and back: Streamlit forgets the state of a
    widget that a run does not draw, so the value is also kept under a second key and put back. Call it before
    the widget, and give the widget no value of its own (the state holds it)."""
    ss = st.session_state
    kept = f"_kept_{key}"
    if key not in ss:
        ss[key] = ss.get(kept, default)
    ss[kept] = ss[key]


def profile() -> Profile:
    return st.session_state.profile


def targets() -> Targets:
    return targets_for(profile())


def set_profile(p: Profile, name: str) -> None:
    """A new current profile; a plan made for the old one is kept, and shown as stale (plan_stale)."""
    ss = st.session_state
    ss.profile, ss.profile_name = p, name


def set_plan(plan, name: str = "") -> None:
    ss = st.session_state
    ss.plan, ss.plan_name = plan, name


class PlanFrames(NamedTuple):
    """What the plan page draws from: the items with their amounts, each day's % of target, each meal's
    minerals (frames.plan_items_frame, day_percent, meal_totals) and each day's menu text (frames.day_texts)."""

    items: pd.DataFrame
    day_pct: pd.DataFrame
    meal_minerals: pd.DataFrame
    day_texts: list[frames.DayText]


def amounts_key(plan: Plan) -> tuple:
    """What a plan's amounts depend on: each item's day, meal, food and grams, and the targets."""
    return (tuple((d.index, m.slot, it.food_id, it.grams) for d in plan.days for m in d.meals for it in m.items),
            plan.targets)


def plan_frames(plan: Plan) -> PlanFrames:
    """The plan's frames, made once per plan: a widget's rerun reuses them (every change to the plan is a new
    Plan), and an edit that leaves every amount as it was (a lock, an unlock) reuses the amounts and only
    writes the menu text again."""
    kept = st.session_state.get("_plan_frames")     # (plan, amounts key, PlanFrames)
    if kept is not None and kept[0] is plan:
        return kept[2]
    key = amounts_key(plan)
    if kept is not None and kept[1] == key:
        items, pct, minerals = kept[2][:3]
    else:
        items = frames.plan_items_frame(plan, food_table())
        pct, minerals = frames.day_percent(plan, items), frames.meal_totals(items)
    made = PlanFrames(items, pct, minerals, frames.day_texts(plan, items, pct))
    st.session_state["_plan_frames"] = (plan, key, made)
    return made


def eligible_food_ids(p: Profile | None = None) -> frozenset[str]:
    """The foods the profile may eat (planner.eligibility, the rule plans and the day check use), worked out
    once per profile: the pickers and the Foods page offer only these."""
    p = profile() if p is None else p
    key = repr(sorted(p.to_dict().items()))
    kept = st.session_state.get("_eligible")
    if kept is None or kept[0] != key:
        kept = st.session_state["_eligible"] = (key, frozenset(eligible_ids(p, food_table(), targets_for(p))))
    return kept[1]


def plan_stale() -> bool:
    """Whether the profile changed after the plan was made: the plan carries the profile it follows."""
    plan = st.session_state.plan
    return plan is not None and bool(plan.profile) and plan.profile != profile().to_dict()


def flash(kind: str, message: str, where: str = "top") -> None:
    """A message for the next run: kind is success, info, warning or error; `where` names the place on the
    page that shows it (show_flash(where)), so a message stands next to the control that caused it."""
    st.session_state.flash.append((kind, message, where))


def show_flash(where: str = "top") -> None:
    kept = []
    for kind, message, place in st.session_state.flash:
        if place == where:
            getattr(st, kind)(message)
        else:
            kept.append((kind, message, place))
    st.session_state.flash = kept


def guarded(where: str) -> Callable[[Callable], Callable]:
    """For widget callbacks, which run before the page and outside its error handling: a mistake becomes a
    message at `where` (see flash), never a traceback."""
    def wrap(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def run(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except (FoodError, PlannerError) as exc:
                flash("error", for_people(str(exc)), where)
            except Exception as exc:  # noqa: BLE001 - the page shows a message; the details go to the log
                logging.getLogger("mineral-planner").exception("dashboard action failed")
                flash("error", f"That did not work ({type(exc).__name__}: {exc}). Your plan and profile are "
                               "kept; try again.", where)
            return None
        return run
    return wrap


# --- the store (profiles, plans, the diary) -----------------------------------------------------------------

def saved_profiles() -> list[str]:
    return store().list_profiles()


def save_profile(name: str, p: Profile) -> None:
    store().save_profile(name, p.to_dict(), replace=True)   # the page confirms a taken name first (dash)


def load_profile(name: str) -> Profile:
    return profile_from_dict(store().load_profile(name))


def delete_profile(name: str) -> None:
    store().delete_profile(name)
