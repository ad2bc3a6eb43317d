"""Shopping list: the plan's foods in the form they are bought, by aisle; tick what is at home; download."""

from __future__ import annotations

import functools

import streamlit as st

from dashboard import state
from planner.excel import workbook_bytes
from planner.shopping import shopping_list

table = state.food_table()
ss = st.session_state

st.title("Shopping list")
plan = ss.plan
if plan is None:
    st.info("Make a plan first: the list is the plan's foods, summed and rounded to what shops sell.")
    st.page_link("views/plan.py", label="Go to Weekly plan", icon=":material/calendar_month:")
    st.stop()

all_days = [d.index for d in plan.days]
days = st.multiselect("Shop for", all_days, default=all_days, format_func=lambda i: f"Day {i + 1}",
                      key="shop_days")
if not days:
    st.warning("Choose at least one day to shop for.")
    st.stop()

full = shopping_list(plan, table, days)               # every line, to draw one tick box per line
# a tick box's state is the truth while it is on screen; ss.pantry keeps the ticks across pages
ss.pantry = {it.food_id for it in full.items if ss.get(f"pantry_{it.food_id}", it.food_id in ss.pantry)}
listed = shopping_list(plan, table, days, pantry=ss.pantry)

st.write(f"{len(listed.items)} things to buy for {listed.days_text()}. Amounts are what you buy (dry lentils, "
         "whole bananas), rounded up to whole pieces, packs or round weights. **Tick what you already have**: "
         "it leaves the list and the downloads.")

d1, d2, d3 = st.columns(3)
# the workbook is made when the button is pressed (a deferred download), not on every tick of a box
d1.download_button("Excel workbook", data=functools.partial(workbook_bytes, plan, table, shopping=listed),
                   file_name="mineral-planner-week.xlsx", key="download_xlsx", on_click="ignore", type="primary",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/download:")
d2.download_button("List as CSV", data=listed.to_csv(), file_name="shopping-list.csv", mime="text/csv",
                   key="download_csv", on_click="ignore", icon=":material/download:")
d3.download_button("List as text", data=listed.to_text(), file_name="shopping-list.md",
                   mime="text/markdown", key="download_text", on_click="ignore", icon=":material/download:")
st.caption("The workbook holds the list, the meals and their nutrients, and the sources.")

for _, label, items in full.by_aisle():
    st.subheader(label)
    for it in items:
        have = it.food_id in ss.pantry
        text = f"~~{it.label}: {it.buy_text}~~ (at home)" if have else f"**{it.label}**: {it.buy_text}"
        need = f"need {it.needed_grams:,.0f} g as bought" + (
            f", {it.eaten_grams:,.0f} g as eaten" if abs(it.eaten_grams - it.needed_grams) > 1 else "")
        st.checkbox(text, value=have, key=f"pantry_{it.food_id}", help=need)
if listed.not_bought:
    st.caption("Not on the list: " + ", ".join(table.get(f).name for f in listed.not_bought) + " (tap water).")

