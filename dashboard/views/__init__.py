"""The dashboard's pages: scripts st.navigation runs (not imported). Not named pages/: Streamlit treats a
pages/ folder beside the main script as a legacy multipage app in its test runner."""
