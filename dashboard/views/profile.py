"""Profile and targets: who the plan is for, checked by planner.profile; the targets it gives, with sources."""

from __future__ import annotations

import streamlit as st

from dashboard import frames, state
from planner.errors import PlannerError
from planner.profile import (
    ACTIVITIES,
    CONDITIONS,
    DIETS,
    ENERGY_KCAL_RANGE,
    PREGNANCY,
    SEXES,
    TARGET_SETS,
    Profile,
    profile_from_dict,
)
from planner.rules import rules

LIFE_STAGES = ("none", *PREGNANCY, "lactation")
EXCLUDE_WORDS = tuple(state.labels()["exclude"])
OVERRIDES = (("calcium_mg", "min"), ("magnesium_mg", "min"), ("potassium_mg", "min"), ("potassium_mg", "max"),
             ("sodium_mg", "max"))
FORM_KEYS = ("pf_name", "pf_sex", "pf_age", "pf_stage", "pf_weight", "pf_height", "pf_activity", "pf_energy",
             "pf_diet", "pf_exclude", "pf_dislike", "pf_like", "pf_conditions", "pf_target_set",
             *(f"pf_{n}_{b}" for n, b in OVERRIDES))

table = state.food_table()
p: Profile = state.profile()
food_ids = state.food_ids_by_name()


def food_label(fid: str) -> str:
    return table.foods[fid].name if fid in table.foods else fid


def with_own_words(options: list[str], chosen: list[str]) -> list[str]:
    """The options plus any word the saved profile uses that is not one of them ('nuts', 'bean'), so
    saving the form never drops an exclusion silently."""
    return [*options, *[w for w in chosen if w not in options]]


def optional(key: str, saved: float | None) -> str:
    """The key of an optional number box, filled with the saved value through the session state: a box
    whose own default is a number gives that number back when emptied, so a saved weight could never be
    cleared; with None as its default, an emptied box is None."""
    st.session_state.setdefault(key, None if saved is None else float(saved))
    return key


def reset_form() -> None:
    for key in FORM_KEYS:
        st.session_state.pop(key, None)


# Where a refused profile's message goes: the form part that holds the field the error names (planner.profile
# decides what is valid and says which field; the form only places the message beside it).
FIELD_PARTS = {"pregnancy": "stage", "lactation": "stage", "targets": "limits", "name": "name"}
PART_NAMES = {"stage": "'Pregnant or breastfeeding?'", "limits": "'Limits from your clinician'"}


def form_data() -> dict:
    """The form's values as a profile dict (what planner.profile.profile_from_dict reads)."""
    ss = st.session_state
    stage = ss.pf_stage
    limits: dict[str, dict[str, float]] = {}
    for nutrient, bound in OVERRIDES:
        value = ss.get(f"pf_{nutrient}_{bound}")
        if value is not None:
            limits.setdefault(nutrient, {})[bound] = float(value)
    return {
        "name": ss.pf_name.strip(), "sex": ss.pf_sex, "age": int(ss.pf_age),
        "pregnancy": stage if stage in PREGNANCY else None, "lactation": stage == "lactation",
        "weight_kg": ss.pf_weight, "height_cm": ss.pf_height, "activity": ss.pf_activity,
        "energy_kcal": ss.pf_energy, "diet": ss.pf_diet, "exclude": list(ss.pf_exclude),
        "dislike": list(ss.pf_dislike), "like": list(ss.pf_like), "conditions": list(ss.pf_conditions),
        "targets": limits, "target_set": ss.pf_target_set,
    }


def wrong_part(error: PlannerError) -> str:
    """The form part to show a refused profile's message beside: its field's part, else the form's top."""
    return FIELD_PARTS.get(error.field or "", "form")


@state.guarded("profile_form")
def submit() -> None:
    """Check the form with planner.profile; use and save the profile, or say what is wrong beside the field.
    A name is required, and a name another saved profile has is replaced only after the person says so."""
    ss = st.session_state
    data = form_data()
    ss.pf_errors = {}
    ss.pop("pf_pending", None)
    if not data["name"]:
        ss.pf_errors = {"name": "The profile was not saved: give it a name (your first name, say), so it is "
                                "saved under that name and never over someone else's."}
        return
    try:
        new = profile_from_dict(data)
    except PlannerError as exc:
        ss.pf_errors = {wrong_part(exc): f"The profile was not saved: {state.for_people(str(exc))}."}
        return
    if data["name"] != ss.profile_name and data["name"] in state.saved_profiles():
        ss.pf_pending = (data["name"], new)      # ask before saving over another saved profile
        return
    use_and_save(data["name"], new)


def use_and_save(name: str, new: Profile) -> None:
    state.set_profile(new, name)
    try:
        state.save_profile(name, new)
    except PlannerError as exc:
        state.flash("warning", f"Profile in use for this session, but not saved: {exc}", "profile_form")
    else:
        state.flash("success", f"Profile '{name}' saved.", "profile_form")
        st.session_state.pf_next = True


@state.guarded("profile_form")
def replace_pending() -> None:
    name, new = st.session_state.pop("pf_pending")
    use_and_save(name, new)


def cancel_pending() -> None:
    name, _ = st.session_state.pop("pf_pending")
    state.flash("info", f"Nothing saved: profile '{name}' is kept as it was. Choose another name to keep both.",
                "profile_form")


def ask_before_replacing() -> None:
    """The question a save over another saved profile waits for, beside the Save button."""
    pending = st.session_state.get("pf_pending")
    if not pending:
        return
    name = pending[0]
    st.warning(f"A profile named '{name}' is already saved. Replace it with this one?", icon=":material/warning:")
    r1, r2 = st.columns(2)
    r1.button(f"Replace '{name}'", key="pf_replace", on_click=replace_pending, type="primary")
    r2.button("Cancel", key="pf_cancel", on_click=cancel_pending)


def wrong_here(part: str) -> None:
    message = st.session_state.get("pf_errors", {}).get(part)
    if message:
        st.error(message, icon=":material/error:")


st.title("Profile and targets")
st.write("Tell the planner who the meals are for. Your daily targets for calcium, magnesium and potassium "
         "follow from this, with their sources below. Then go to **Weekly plan**.")

with st.form("profile_form", border=True):
    st.text_input("Name of this profile", value=st.session_state.profile_name, key="pf_name",
                  help="Profiles are saved under this name, so a household can keep several.")
    wrong_here("name")
    c1, c2 = st.columns(2)
    c1.selectbox("Sex", SEXES, index=SEXES.index(p.sex), key="pf_sex")
    c2.number_input("Age (years)", min_value=1, max_value=120, value=int(p.age), step=1, key="pf_age")
    stage_now = "lactation" if p.lactation else (p.pregnancy or "none")
    st.selectbox("Pregnant or breastfeeding?", LIFE_STAGES, index=LIFE_STAGES.index(stage_now),
                 format_func=lambda s: state.label("life_stage", s), key="pf_stage")
    wrong_here("stage")
    c3, c4 = st.columns(2)
    c3.number_input("Weight (kg), optional", min_value=20.0, max_value=300.0, value=None,
                    step=1.0, key=optional("pf_weight", p.weight_kg), placeholder="not given",
                    help="Empty the box to forget a saved weight.")
    c4.number_input("Height (cm), optional", min_value=100.0, max_value=250.0, value=None,
                    step=1.0, key=optional("pf_height", p.height_cm), placeholder="not given")
    c5, c6 = st.columns(2)
    c5.selectbox("Activity", ACTIVITIES, index=ACTIVITIES.index(p.activity),
                 format_func=lambda a: state.label("activity", a), key="pf_activity")
    c6.number_input("Energy per day (kcal), optional", min_value=float(ENERGY_KCAL_RANGE[0]),
                    max_value=float(ENERGY_KCAL_RANGE[1]),
                    value=None, step=50.0, key=optional("pf_energy", p.energy_kcal), placeholder="estimated for you",
                    help="Leave empty to estimate it from age, sex, size and activity (IOM 2005 energy equations).")
    st.selectbox("What do you eat?", DIETS, index=DIETS.index(p.diet),
                 format_func=lambda d: state.label("diet", d), key="pf_diet")
    st.multiselect("Never include (allergies, intolerances, foods)",
                   with_own_words([*EXCLUDE_WORDS, *food_ids], p.exclude), default=p.exclude,
                   format_func=state.exclude_word, key="pf_exclude")
    c7, c8 = st.columns(2)
    may_eat = state.eligible_food_ids(p)     # a vegan is not offered milk, nobody a food the articles say to limit
    c7.multiselect("Foods you like (used more often)",
                   with_own_words([f for f in food_ids if f in may_eat], p.like), default=p.like,
                   format_func=food_label, key="pf_like")
    c8.multiselect("Foods you dislike (never planned)", with_own_words(food_ids, p.dislike),
                   default=p.dislike, format_func=food_label, key="pf_dislike")
    st.multiselect("Conditions and medicines that change the rules", CONDITIONS,
                   default=list(p.conditions), format_func=lambda c: state.label("conditions", c),
                   key="pf_conditions")
    st.radio("Reference values", TARGET_SETS, index=TARGET_SETS.index(p.target_set),
             format_func=lambda t: state.label("target_set", t), horizontal=True, key="pf_target_set")
    with st.expander("Limits from your clinician (optional)",
                     expanded="limits" in st.session_state.get("pf_errors", {})):
        st.caption("A value here replaces the reference value. Leave empty to use the reference.")
        oc = st.columns(2)
        for i, (nutrient, bound) in enumerate(OVERRIDES):
            word = "minimum" if bound == "min" else "maximum"
            oc[i % 2].number_input(
                f"{frames.nutrient_name(nutrient)} {word} (mg/day)", min_value=0.0, max_value=100000.0,
                value=p.targets.get(nutrient, {}).get(bound), step=50.0, key=f"pf_{nutrient}_{bound}",
                placeholder="reference value")
        wrong_here("limits")
    st.form_submit_button("Save profile", type="primary", on_click=submit)
    wrong_here("form")
    for part in st.session_state.get("pf_errors", {}):
        if part in PART_NAMES:      # the message stands by its field, higher up: say where to look
            st.error(f"The profile was not saved: see the message under {PART_NAMES[part]}.")
    state.show_flash("profile_form")
ask_before_replacing()
if st.session_state.pop("pf_next", False):
    st.page_link("views/plan.py", label="Next: make your week", icon=":material/arrow_forward:")
p = state.profile()

saved = state.saved_profiles()
state.show_flash("profiles")
if saved:
    with st.expander(f"Saved profiles ({len(saved)})"):
        choice = st.selectbox("Profile", saved, key="pf_saved_choice")
        b1, b2 = st.columns(2)
        if b1.button("Load", key="pf_load"):
            state.set_profile(state.load_profile(choice), choice)
            reset_form()
            state.flash("success", f"Profile '{choice}' loaded.", "profiles")
            st.rerun()
        if b2.button("Delete", key="pf_delete"):
            state.delete_profile(choice)
            state.flash("info", f"Profile '{choice}' deleted.", "profiles")
            st.rerun()

# --- the targets --------------------------------------------------------------------------------------------
t = state.targets()
st.header("Your daily targets")
lo, hi = t.energy_range
m1, m2, m3, m4 = st.columns(4)
m4.metric("Energy", f"{t.energy_kcal:,.0f} kcal", help=f"Plans stay between {lo:,.0f} and {hi:,.0f} kcal a day.")
for col, key in ((m1, "calcium_mg"), (m2, "magnesium_mg"), (m3, "potassium_mg")):
    tg = t.items[key]
    col.metric(frames.nutrient_name(key), f"{tg.min:,.0f} {tg.unit}" if tg.min else "not pushed",
               help=tg.note or None)
targets_table = frames.targets_frame(t)
# four narrow columns fit a phone; the notes, which are sentences, go under the table
st.table(targets_table.drop(columns="Note").set_index("Nutrient"))
st.markdown("\n".join(f"- **{row.Nutrient}**: {state.for_people(row.Note)}" for row in targets_table.itertuples()
                      if row.Note))
st.caption("RDA: recommended dietary allowance (enough for nearly everyone). AI: adequate intake (used where no RDA "
           "exists). UL: tolerable upper intake level. CDRR: the intake above which cutting down lowers chronic "
           "disease risk (a ceiling, not a goal).")
with st.expander("Protein, fat and carbohydrate ranges"):
    st.dataframe(frames.macros_frame(t), hide_index=True, width="stretch")
    st.caption("Acceptable macronutrient distribution ranges (IOM), in grams for your energy budget.")

st.subheader("What changes the rules for you")
if t.notes:
    for note in t.notes:
        st.info(state.for_people(note))
else:
    st.write("Nothing: the reference values for your age and sex apply as they are.")
with st.expander("How each condition changes the plan"):
    cond_rules = rules()["conditions"]
    for c in CONDITIONS:
        st.markdown(f"- **{state.label('conditions', c)}**: {state.for_people(cond_rules[c]['note'])}")
    st.markdown(f"- **Pregnancy**: {rules()['pregnancy']['note']}")
