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


# Defaults for people, not developers: no usage statistics, no first-run e-mail prompt in the terminal, and no
# "Deploy" button in the page's toolbar. Options given on the command line come later and win.
DEFAULT_OPTIONS = ("--browser.gatherUsageStats", "false", "--server.showEmailPrompt", "false",
                   "--client.toolbarMode", "minimal")


def streamlit_argv(streamlit_args: list[str]) -> list[str]:
    """The `streamlit run` command line for the dashboard with these extra options."""
    return ["streamlit", "run", str(app_path()), *DEFAULT_OPTIONS, *streamlit_args]


def run_dashboard(streamlit_args: list[str]) -> int:
    from streamlit.web import cli as stcli

    sys.argv = streamlit_argv(streamlit_args)
    return int(stcli.main() or 0)
