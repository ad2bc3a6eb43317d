"""Supplements in the day check: preparations and generic forms, the supplement-only magnesium upper limit,
and the strong warning for potassium preparations with kidney disease or potassium-raising medicines."""

from __future__ import annotations

import json

import pytest

from planner.check import check_intake
from planner.cli import main
from planner.errors import PlannerError
from planner.store import Store
from planner.supplements import preparations, read_supplement, split_supplements


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("text, sid, count, magnesium", [
    ("2 Magne B6", "magne_b6", 2, 96.0), ("Magne B6 x 2", "magne_b6", 2, 96.0), ("Magne B6", "magne_b6", 1, 48.0),
    ("1 tablet Magne B6 Forte", "magne_b6_forte", 1, 100.0), ("two Magnerot tablets", "magnerot", 2, 65.6),
    ("1 Panangin", "panangin", 1, 11.8), ("Calcemin Advance", "calcemin_advance", 1, 40.0),
    ("2 магне в6", "magne_b6", 2, 96.0),
])
def test_preparations_named_in_the_articles(text, sid, count, magnesium):
    item = read_supplement(text)
    assert item.supplement_id == sid and item.count == count
    assert item.amounts["magnesium_mg"] == pytest.approx(magnesium) and item.source


@pytest.mark.parametrize("text, field, amount", [
    ("250 mg magnesium citrate", "magnesium_mg", 250.0), ("calcium carbonate 500 mg", "calcium_mg", 500.0),
    ("1000 IU vitamin D3", "vitamin_d_ug", 25.0), ("Calcium-D3 Nycomed", "calcium_mg", 500.0),
])
def test_generic_forms_read_the_element(text, field, amount):
    assert read_supplement(text).amounts[field] == pytest.approx(amount)


@pytest.mark.parametrize("text, fragment", [
    ("a magnesium tablet", "type the amount on the pack"), ("calcium tablets", "type the amount on the pack"),
    ("Magvit", "type the amount on the pack"), ("magnesium sulfate", "not a diary item"),
])
def test_unknown_strength_asks_and_magnesium_sulfate_is_not_a_diary_item(text, fragment):
    with pytest.raises(PlannerError, match=fragment):
        read_supplement(text, 3)


@pytest.mark.parametrize("text", ["2 bananas", "30 g almonds", "1 cup milk", "magnesium"])
def test_foods_are_not_supplements(text):
    assert read_supplement(text) is None


def test_every_preparation_has_a_source_and_an_element():
    for prep in preparations():
        assert prep.source and prep.per_unit and prep.aliases


def test_two_magne_b6_add_96_mg_and_count_toward_the_supplement_upper_limit():
    base = check_intake("1 banana", None, suggest=False)
    with_tabs = check_intake("1 banana\n2 Magne B6", None, suggest=False)
    assert with_tabs.totals["magnesium_mg"] == pytest.approx(base.totals["magnesium_mg"] + 96.0)
    assert not with_tabs.supplement_warnings
    over = check_intake("1 banana\n8 Magne B6", None, suggest=False)  # 384 mg from tablets
    assert any("above the 350 mg upper limit for supplements" in w for w in over.supplement_warnings)
    food_only = check_intake("300 g pumpkin seeds", None, suggest=False)  # > 350 mg magnesium, all from food
    assert food_only.totals["magnesium_mg"] > 350 and not food_only.supplement_warnings


@pytest.mark.parametrize("profile", [{"conditions": ["kidney_disease"]}, {"kidney_stage": "4"},
                                     {"conditions": ["ace_inhibitor"]}, {"conditions": ["arb"]},
                                     {"conditions": ["potassium_sparing_diuretic"]}])
def test_potassium_preparations_get_a_strong_warning(profile):
    report = check_intake("1 banana\n2 Panangin", profile, suggest=False)
    assert any(w.startswith("STRONG WARNING: potassium in Panangin") for w in report.supplement_warnings)
    assert not check_intake("1 banana\n2 Panangin", None, suggest=False).supplement_warnings


def test_supplements_split_off_text_csv_and_json_keeping_line_numbers():
    rest, found, any_food = split_supplements("1 banana\n2 Magne B6\n30 g almonds")
    assert rest.splitlines() == ["1 banana", "", "30 g almonds"] and found[0].line == 2 and any_food
    rest, found, any_food = split_supplements("food,amount,unit\nMagne B6,2,\nbanana,1,\n")
    assert found[0].count == 2 and "Magne" not in rest and any_food
    rest, found, any_food = split_supplements(json.dumps([{"food": "Magne B6", "amount": 2}]))
    assert found[0].count == 2 and not any_food
    report = check_intake(json.dumps(["2 Magne B6"]), None, suggest=False)
    assert report.totals["magnesium_mg"] == pytest.approx(96.0) and report.items == []


def test_the_cli_check_counts_supplements_in_text_and_json(capsys, tmp_path):
    (tmp_path / "day.txt").write_text("1 banana\n2 Magne B6\n8 Magne B6\n")
    code, out, err = run(capsys, "check", tmp_path / "day.txt", "--no-suggest")
    assert code == 0, err
    assert "Supplements (counted in the totals)" in out and "2 tablets = 96 mg magnesium" in out
    assert "above the 350 mg upper limit for supplements" in out
    code, out, err = run(capsys, "check", tmp_path / "day.txt", "--no-suggest", "--format", "json")
    data = json.loads(out)
    assert [s["count"] for s in data["supplements"]] == [2, 8] and data["supplement_warnings"]
    (tmp_path / "day.csv").write_text("food,amount,unit\nbanana,1,\nMagne B6,2,\n")
    code, out, err = run(capsys, "check", tmp_path / "day.csv", "--no-suggest", "--format", "json")
    assert code == 0 and json.loads(out)["supplements"][0]["amounts"]["magnesium_mg"] == 96.0
    (tmp_path / "bad.txt").write_text("1 banana\na magnesium tablet\n")
    code, out, err = run(capsys, "check", tmp_path / "bad.txt")
    assert code == 2 and out == "" and "line 2" in err and "type the amount on the pack" in err


def test_the_dashboard_check_page_counts_typed_supplements_and_warns():
    from test_dashboard import click, open_app, texts

    at = open_app("views/check.py")
    at.text_area(key="intake_text").set_value("1 banana\n8 Magne B6")
    click(at, "check_run")
    report = at.session_state.check_report
    assert report is not None and [s.count for s in report.supplements] == [8]
    assert report.totals["magnesium_mg"] >= 384
    assert any("above the 350 mg upper limit for supplements" in e for e in texts(at.error))
    assert any("Supplements" in m for m in texts(at.markdown))
    click(at, "diary_save")                          # the saved day keeps the tablets it counted
    (day,) = Store().diary()
    assert [(s["supplement_id"], s["count"]) for s in day.supplements] == [("magne_b6", 8.0)]
    assert day.totals["magnesium_mg"] == pytest.approx(report.totals["magnesium_mg"])
    at.text_area(key="intake_text").set_value("1 banana\na magnesium tablet")
    click(at, "check_run")
    assert at.session_state.check_report is None
    assert any("type the amount on the pack" in e for e in texts(at.error))


def test_check_save_keeps_supplements_in_the_diary_with_their_totals_and_warning(capsys, tmp_path):
    """'2 Magne B6' saved with a day is a diary item: shown with its magnesium, in the day's and the week's
    totals exactly as the check counted them, and the supplement-only upper limit warns in the diary too."""
    (tmp_path / "mon.txt").write_text("1 banana\n2 Magne B6\n6 Magne B6\n")
    (tmp_path / "tue.txt").write_text("1 banana\n")
    checked = {}
    for day, name in (("2024-03-04", "mon.txt"), ("2024-03-05", "tue.txt")):
        code, out, err = run(capsys, "check", tmp_path / name, "--no-suggest", "--save", "--date", day,
                             "--format", "json")
        assert code == 0, err
        checked[day] = json.loads(out)
    code, out, err = run(capsys, "diary", "show", "--format", "json")
    shown = json.loads(out)
    monday, tuesday = shown["days"]
    assert [(s["supplement_id"], s["count"], s["amounts"]["magnesium_mg"]) for s in monday["supplements"]] == [
        ("magne_b6", 2.0, 96.0), ("magne_b6", 6.0, 288.0)]
    assert tuesday["supplements"] == [] and tuesday["supplement_warnings"] == []
    for day in shown["days"]:
        assert day["totals"]["magnesium_mg"] == pytest.approx(checked[day["date"]]["totals"]["magnesium_mg"], abs=0.1)
    assert checked["2024-03-04"]["supplement_warnings"] == monday["supplement_warnings"]
    assert any("384 mg magnesium, above the 350 mg upper limit" in w for w in monday["supplement_warnings"])
    (week,) = shown["weekly_averages"]
    assert week["averages"]["magnesium_mg"] == pytest.approx(
        (checked["2024-03-04"]["totals"]["magnesium_mg"] + checked["2024-03-05"]["totals"]["magnesium_mg"]) / 2,
        abs=0.1)
    code, out, err = run(capsys, "diary", "show")
    assert code == 0 and "2024-03-04: 2 Magne B6 -> Magne B6 (Sanofi): 96 mg magnesium, 10 mg vitamin B6" in out
    assert "! 2024-03-04: Supplements today bring 384 mg magnesium, above the 350 mg upper limit" in out


def test_a_day_of_supplements_only_is_saved_and_potassium_warns_in_the_diary(capsys, tmp_path):
    (tmp_path / "kidney.toml").write_text('sex = "male"\nage = 62\nkidney_stage = "4"\n')
    (tmp_path / "day.txt").write_text("2 Panangin\n")
    code, out, err = run(capsys, "check", tmp_path / "day.txt", "--profile", tmp_path / "kidney.toml", "--save",
                         "--date", "2024-03-04", "--no-suggest")
    assert code == 0 and "Saved to the diary of 'kidney'" in out, err
    code, out, err = run(capsys, "diary", "show", "--profile", tmp_path / "kidney.toml", "--format", "json")
    (day,) = json.loads(out)["days"]
    assert day["items"] == [] and day["totals"]["potassium_mg"] == pytest.approx(72.4)
    assert any(w.startswith("STRONG WARNING: potassium in Panangin") for w in day["supplement_warnings"])
