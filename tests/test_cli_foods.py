"""`mineral-planner foods ...`: JSON contract and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from planner.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_top_magnesium_per_portion_json(capsys, table):
    code, out, _ = run(capsys, "foods", "top", "magnesium", "--per", "portion", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert len(data) >= 10
    for row in data:
        food = table.get(row["food_id"])
        assert row["ndb"] == food.ndb
        assert row["magnesium_mg"] == pytest.approx(food.nutrients["magnesium_mg"] * food.portion_grams / 100, rel=1e-3)
    assert [r["magnesium_mg"] for r in data] == sorted((r["magnesium_mg"] for r in data), reverse=True)


def test_search_and_show(capsys):
    code, out, _ = run(capsys, "foods", "search", "buckwheat", "--format", "json")
    assert code == 0 and "buckwheat" in json.loads(out)[0]["name"].lower()
    code, out, _ = run(capsys, "foods", "show", "banana", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["ndb"] == "09040" and data["per_100g"]["potassium_mg"] == 358
    code, out, _ = run(capsys, "foods", "show", "banana")
    assert "NDB 09040" in out and "medium" in out


def test_list_shows_missing_as_missing(capsys):
    code, out, _ = run(capsys, "foods", "list", "--format", "json")
    data = json.loads(out)
    assert code == 0 and len(data) >= 120
    assert any(v is None for d in data for v in d["per_100g"].values())


def test_unknown_food_is_one_line_with_suggestions(capsys):
    code, out, err = run(capsys, "foods", "show", "bananna")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "banana" in err


def test_unknown_nutrient_is_one_line(capsys):
    code, _, err = run(capsys, "foods", "top", "unobtainium")
    assert code == 2 and "unknown nutrient" in err


def test_import_sr28_full_catalogue(capsys, sr28_dir, tmp_path):
    code, out, _ = run(capsys, "foods", "import-sr28", str(sr28_dir), "--to", str(tmp_path / "cat"))
    assert code == 0 and "imported 8789" in out
    code, out, _ = run(capsys, "foods", "search", "bananas raw", "--catalog", str(tmp_path / "cat"), "--format", "json")
    assert code == 0 and json.loads(out)[0]["ndb"] == "09040"


def test_import_from_a_folder_without_sr28_fails_cleanly(capsys, tmp_path):
    code, _, err = run(capsys, "foods", "import-sr28", str(tmp_path))
    assert code == 2 and "ABBREV.txt" in err


def test_python_dash_m_planner_runs():
    proc = subprocess.run([sys.executable, "-m", "planner", "foods", "show", "banana", "--format", "json"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and json.loads(proc.stdout)["food_id"] == "banana"
