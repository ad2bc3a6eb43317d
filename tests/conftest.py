"""Shared fixtures: the shipped food table, the SR28 folder when present, an isolated data directory."""

from __future__ import annotations

import pytest

from foods import load_table
from foods.sr28 import default_sr28_dir


@pytest.fixture(scope="session")
def table():
    return load_table()


@pytest.fixture(scope="session")
def sr28_dir():
    path = default_sr28_dir()
    if not (path / "ABBREV.txt").is_file():
        pytest.skip(f"USDA SR28 not found at {path}: the fidelity checks need ../shared/usda-sr28 beside the checkout")
    return path


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Every test writes its store and catalogue under its own temporary folder, never the user's."""
    monkeypatch.setenv("MINERAL_PLANNER_HOME", str(tmp_path / "home"))
    return tmp_path / "home"
