"""The Streamlit dashboard: pages that call planner and foods and draw. Nobody imports it."""
