"""`mineral-planner dashboard [STREAMLIT OPTIONS]`: start the Streamlit app on the shipped table."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path


def app_path() -> Path:
    """The dashboard's entry script, found without importing the dashboard (nobody imports it)."""
    spec = importlib.util.find_spec("dashboard")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("error: the dashboard package is not installed; run `make run` from the project folder")
    return Path(next(iter(spec.submodule_search_locations))) / "app.py"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("dashboard", help="start the Streamlit dashboard (options pass through to Streamlit)",
                       add_help=False)
    p.set_defaults(handler=lambda args: run_dashboard([]))


def run_dashboard(streamlit_args: list[str]) -> int:
    from streamlit.web import cli as stcli

    sys.argv = ["streamlit", "run", str(app_path()), "--browser.gatherUsageStats", "false", *streamlit_args]
    return int(stcli.main() or 0)
