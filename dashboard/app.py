"""mineral-planner's dashboard: a profile, a week of meals, a day's check, the foods, the shopping list.

`make run` (or `mineral-planner dashboard`) starts it. Pages live in dashboard/views; they call planner
and foods and draw. Errors a person can fix are shown as messages, never as tracebacks.
"""

from __future__ import annotations

import logging

import streamlit as st

from dashboard import state
from foods.errors import FoodError
from planner.errors import PlannerError
from planner.render import DISCLAIMER_LEAD, DISCLAIMER_REST

DISCLAIMER = f"**{DISCLAIMER_LEAD}** {DISCLAIMER_REST}"   # the one text (planner/render.py), bold lead

st.set_page_config(page_title="mineral-planner", page_icon="🥬", layout="wide")
state.init()

pages = [
    st.Page("views/profile.py", title="Profile and targets", icon=":material/person:", default=True),
    st.Page("views/plan.py", title="Weekly plan", icon=":material/calendar_month:"),
    st.Page("views/check.py", title="Check a day", icon=":material/fact_check:"),
    st.Page("views/shopping.py", title="Shopping list", icon=":material/shopping_cart:"),
    st.Page("views/foods.py", title="Foods", icon=":material/nutrition:"),
]
page = st.navigation(pages)

with st.sidebar:
    st.caption(f"Profile **{st.session_state.profile_name}**: {state.profile_words(state.profile())}")

# The page draws into `body`; the disclaimer goes under it, once, in the main column, so a phone (where the
# sidebar is folded away) shows it too, and a page that stops early (st.stop) still has it.
body = st.container()
st.divider()
st.info(DISCLAIMER, icon=":material/medical_information:")

with body:
    state.show_flash()
    try:
        page.run()
    except (FoodError, PlannerError) as exc:
        st.error(state.for_people(str(exc)))
    except Exception as exc:  # noqa: BLE001 - the page shows a message; the details go to the server log
        logging.getLogger("mineral-planner").exception("dashboard page failed")
        st.error(f"Something went wrong on this page ({type(exc).__name__}: {exc}). Your plan and profile are "
                 "kept; try again, or reload the page.")
    finally:
        state.keep_collections_quick()   # after the page, so the modules it loaded are counted
