"""Foods: search the table, the richest foods per mineral, and what the articles recommend or say to limit."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, frames, state
from foods.nutrients import NUTRIENT_LABELS, NUTRIENT_UNITS
from foods.table import DIET_TAGS, NUTRIENT_FIELDS
from planner.check import limit_note_rules

PER_LABELS = {"100g": "per 100 g", "portion": "per portion", "100kcal": "per 100 kcal"}
LEAVE_OUT = ("dairy", "lactose", "gluten", "tree_nuts", "peanuts", "fish", "shellfish", "egg", "caffeine",
             "alcohol", "added_sugar", "salty")
RANKED = [n for n in NUTRIENT_FIELDS if n not in ("water_g",)]
# narrow columns, so a phone (390 px) shows the food and its three minerals and energy without scrolling sideways
_NUMBER = {"format": "%.0f", "width": 52}
SEARCH_COLUMNS = {
    "Food": st.column_config.TextColumn("Food", width=130),
    "Calcium (mg/100 g)": st.column_config.NumberColumn("Ca", help="Calcium, mg per 100 g", **_NUMBER),
    "Magnesium (mg/100 g)": st.column_config.NumberColumn("Mg", help="Magnesium, mg per 100 g", **_NUMBER),
    "Potassium (mg/100 g)": st.column_config.NumberColumn("K", help="Potassium, mg per 100 g", **_NUMBER),
    "kcal/100 g": st.column_config.NumberColumn("kcal", help="Energy, kcal per 100 g", **_NUMBER),
}

table = state.food_table()


def hidden_by_filters(query: str, allowed: set[str]) -> str | None:
    """Which foods matching the search the filters hide, and which filter hides them, or None."""
    hidden = [f for f in table.search(query, limit=25) if f.id not in allowed]
    if not hidden:
        return None
    names = "; ".join(f.name for f in hidden[:3]) + ("; …" if len(hidden) > 3 else "")
    why = []
    ss = st.session_state
    limited = [f for f in hidden if f.limit]
    if (ss.foods_for_profile or not ss.foods_show_limit) and limited:
        them = "it" if len(limited) == 1 else "them"
        why.append(f"the articles say to limit {'' if len(limited) == len(hidden) else 'some of '}{them}"
                   + (": turn off **Only foods for …** and" if ss.foods_for_profile else ":")
                   + f" turn on **Include foods the articles say to limit** to see {them}")
    if ss.foods_for_profile and any(not f.limit and f.id not in state.eligible_food_ids() for f in hidden):
        why.append("your profile leaves some out (diet, allergies, exclusions or dislikes)")
    if ss.foods_diet != "any":
        why.append(f"the diet filter is {ss.foods_diet}")
    if ss.foods_leave_out:
        why.append("**Leave out foods with** is set")
    if ss.foods_group != "All groups":
        why.append(f"the food group is {ss.foods_group}")
    return f"{names} {'is' if len(hidden) == 1 else 'are'} hidden because {'; and '.join(why)}."


st.title("Foods")
st.write(f"{len(table)} foods, every number from USDA SR28. A value SR28 does not have is shown as missing, "
         "never as zero.")

with st.container(border=True):
    st.markdown("**Filters** (apply to the search and to the richest foods)")
    f1, f2, f3 = st.columns(3)
    for key, default in (("foods_diet", "any"), ("foods_leave_out", []), ("foods_group", "All groups"),
                         ("foods_show_limit", False), ("foods_query", ""), ("foods_nutrient", "magnesium_mg"),
                         ("foods_per", "100g"), ("foods_count", 12), ("foods_for_profile", True)):
        state.persist(key, default)
    diet = f1.selectbox("Diet", ["any", *sorted(DIET_TAGS)], key="foods_diet",
                        format_func=lambda d: "Any" if d == "any" else d.capitalize())
    leave_out = f2.multiselect("Leave out foods with", LEAVE_OUT, key="foods_leave_out",
                               format_func=lambda t: t.replace("_", " "))
    groups = sorted({f.group for f in table if f.group})
    group = f3.selectbox("Food group", ["All groups", *groups], key="foods_group")
    t1, t2 = st.columns(2)
    for_profile = t1.toggle(f"Only foods for {st.session_state.profile_name}", key="foods_for_profile",
                            help="The foods your profile lets the planner use: your diet, allergies, exclusions and "
                                 "dislikes, and none the articles say to limit.")
    show_limit = t2.toggle("Include foods the articles say to limit", key="foods_show_limit",
                           disabled=for_profile, help="Turn off 'Only foods for …' first: a plan never uses them.")

allowed = table.filter(tags=[diet] if diet != "any" else None, exclude_tags=leave_out,
                       group=None if group == "All groups" else group, include_limit=show_limit and not for_profile)
may_eat = state.eligible_food_ids() if for_profile else None
allowed_ids = [f.id for f in allowed if may_eat is None or f.id in may_eat]

st.header("Search")
query = st.text_input("Food name", key="foods_query", placeholder="e.g. buckwheat, bananas, yoghurt")
if query.strip():
    allowed_set = set(allowed_ids)
    found = [f.id for f in table.search(query, limit=25) if f.id in allowed_set]
    hidden = hidden_by_filters(query, allowed_set)
    shown_query = query.strip()[:60]
    if found:
        st.dataframe(frames.foods_frame(table, found), hide_index=True, width="stretch", column_config=SEARCH_COLUMNS)
        st.caption("Ca calcium, Mg magnesium, K potassium: mg per 100 g; kcal per 100 g.")
        if hidden:
            st.info(f"Also matching '{shown_query}': {hidden}")
    elif hidden:
        st.warning(f"No food matches '{shown_query}' with these filters: {hidden}")
    else:
        st.warning(f"No food matches '{shown_query}'.")
else:
    st.caption(f"{len(allowed_ids)} foods pass the filters. Type a name to search.")

st.header("Richest foods")
r1, r2, r3 = st.columns([2, 2, 1])
nutrient = r1.selectbox("Nutrient", RANKED, key="foods_nutrient",
                        format_func=lambda n: NUTRIENT_LABELS.get(n, n))
per = r2.radio("Amount", list(PER_LABELS), format_func=PER_LABELS.get, horizontal=True, key="foods_per")
count = r3.number_input("How many", min_value=3, max_value=40, step=1, key="foods_count")
if allowed_ids:
    top = table.top(nutrient, per=per, n=int(count), include_limit=show_limit, foods=allowed_ids)
    unit = NUTRIENT_UNITS.get(nutrient, "")
    title = f"{NUTRIENT_LABELS.get(nutrient, nutrient)} ({unit} {PER_LABELS[per]})"
    if top.empty:
        st.info("SR28 gives no value for this nutrient in the foods that pass the filters.")
    else:
        st.altair_chart(charts.top_foods(top, nutrient, title), width="stretch")
        shown = top.assign(portion=[table.foods[fid].portion_text(grams) for fid, grams in zip(
            top["food_id"], top["portion_grams"], strict=True)])   # the usual serving: what "per portion" means
        shown = shown[["name", nutrient, "portion"]].rename(columns={"name": "Food", "portion": "Portion",
                                                                     nutrient: title})
        st.dataframe(shown, hide_index=True, width="stretch", height="content",
                     column_config={"Food": st.column_config.TextColumn(width=150),
                                    title: st.column_config.NumberColumn(format="%.1f", width=70),
                                    "Portion": st.column_config.TextColumn(width=130)})
else:
    st.info("No food passes these filters.")

st.header("What the articles say")
st.write("Five articles on calf cramps were read for this tool. Foods they recommend are marked in the table "
         "and used by the planner; foods they say to limit are never planned.")
tab_eat, tab_limit = st.tabs(["They recommend", "They say to limit"])
with tab_eat:
    for number in sorted(state.articles()):
        recommended = sorted(f.name for f in table if number in f.articles and not f.limit)
        with st.expander(f"{state.article_name(number)} — {len(recommended)} foods"):
            st.write("; ".join(recommended) if recommended else "No food from this article is in the table.")
with tab_limit:
    for rule in limit_note_rules().values():
        names = [table.foods[f].name for f in rule.get("foods", []) if f in table.foods]
        tagged = [f.name for f in table if set(rule.get("tags", [])) & f.tags and f.limit and f.name not in names]
        named = "; ".join(state.article_name(a) for a in rule.get("articles", []))
        with st.container(border=True):
            st.markdown(f"**{rule['title']}**: {rule['advice']}")
            st.caption(f"{rule['fact']}  \nSaid in {named or 'the articles'}. Source: {rule['source']}")
            if names or tagged:
                st.write("Foods in the table: " + "; ".join([*names, *tagged]))

st.header("One food")
pick = st.selectbox("Food", state.food_ids_by_name(), key="foods_pick",
                    format_func=lambda i: table.foods[i].name, index=None, placeholder="choose a food")
if pick:
    food = table.get(pick)
    st.subheader(food.name)
    serving = food.default_grams    # the usual serving, the same one 'per portion' means in the ranking above
    st.caption(f"USDA SR28 NDB {food.ndb} · {food.group} · one portion is {food.portion_text(serving)}")
    rows = [{"Nutrient": NUTRIENT_LABELS.get(k, k), "Per 100 g": v, "Per portion": v * serving / 100,
             "Unit": NUTRIENT_UNITS.get(k, "")} for k, v in food.nutrients.items() if k != "water_g"]
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_config={"Per 100 g": st.column_config.NumberColumn(format="%.1f"),
                                "Per portion": st.column_config.NumberColumn(format="%.1f")})
    if food.missing():
        st.caption("Missing in SR28: " + ", ".join(NUTRIENT_LABELS.get(k, k) for k in food.missing()))
    if food.limit:
        st.warning("The articles say to limit this food: "
                   + "; ".join(state.article_name(a) for a in food.articles) + ". It is never planned.")
    elif food.articles:
        st.success("Recommended in " + "; ".join(state.article_name(a) for a in food.articles) + ".")
    st.write("Household measures: " + "; ".join(f"{p.amount:g} {p.measure} = {p.grams:g} g" for p in food.portions))
    tags = sorted(food.tags)
    st.write("Tags: " + (", ".join(t.replace("_", " ") for t in tags) if tags else "none"))
