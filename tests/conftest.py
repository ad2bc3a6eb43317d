"""Shared fixtures: the shipped food table, the SR28 folder when present, an isolated data directory."""

from __future__ import annotations

import os

import pytest

from foods import load_table
from foods.sr28 import SR28_ENV, default_sr28_dir, sr28_candidates


@pytest.fixture(scope="session")
def table():
    return load_table()


def _sr28_missing_reason() -> str | None:
    """Why the SR28 checks cannot run here, or None when SR28 is found."""
    if (default_sr28_dir() / "ABBREV.txt").is_file():
        return None
    tried = ", ".join(str(p) for p in sr28_candidates())
    return (f"USDA SR28 not found (looked in {tried}): the checks that the table equals SR28 are skipped; "
            f"they need ../shared/usda-sr28 beside the checkout or ${SR28_ENV}")


def pytest_report_header(config):
    """Say at the top of every run whether the SR28 fidelity checks run, and against which folder."""
    reason = _sr28_missing_reason()
    return reason or f"USDA SR28: {default_sr28_dir()} (the checks that the table equals SR28 run)"


@pytest.fixture(scope="session")
def sr28_dir():
    reason = _sr28_missing_reason()
    if reason and os.environ.get("CI") == "true":
        pytest.fail(f"{reason}. CI must have SR28: the fidelity test is what proves the table")
    if reason:
        pytest.skip(reason)
    return default_sr28_dir()


@pytest.fixture(scope="session")
def sr28_data(sr28_dir):
    """The parsed SR28 files (ABBREV, FOOD_DES, WEIGHT, FD_GROUP), read once per session."""
    from foods.build import Sr28

    return Sr28.read(sr28_dir)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Every test writes its store and catalogue under its own temporary folder, never the user's."""
    monkeypatch.setenv("MINERAL_PLANNER_HOME", str(tmp_path / "home"))
    return tmp_path / "home"
