"""Streamlit entry point (placeholder until the dashboard issue lands)."""

import streamlit as st

st.title("mineral-planner")
st.write("The dashboard is being built. Use the command line: `mineral-planner --help`.")
