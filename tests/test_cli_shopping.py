"""`mineral-planner shopping plan.json ...`: outputs, files written, and one-line errors with exit 2."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from conftest import plan_item as item

from planner.plan import Day, Meal, Plan, plan_to_dict


@pytest.fixture
def plan_file(table, tmp_path):
    plan = Plan([
        Day(0, [Meal("breakfast", [item(table, "banana", 2), item(table, "milk", 2)]),
                Meal("lunch", [item(table, "lentils", 2), item(table, "water")])]),
        Day(1, [Meal("breakfast", [item(table, "banana"), item(table, "almonds")]),
                Meal("dinner", [item(table, "potato_baked"), item(table, "salmon", 4)])]),
        Day(2, [Meal("dinner", [item(table, "potato_boiled"), item(table, "buckwheat", 2)])]),
    ])
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan_to_dict(plan, table)), encoding="utf-8")
    return path


def test_text_list_for_a_phone(cli, plan_file):
    code, out, err = cli("shopping", plan_file)
    assert code == 0 and err == ""
    assert out.startswith("# Shopping list: days 1-3")
    assert "- [ ] Bananas: 3 bananas" in out and "- [ ] Lentils, dry: 100 g" in out
    assert "- [ ] Potatoes: 2 potatoes" in out and "water" in out.split("Not on the list")[1]


def test_json_days_pantry_prices(cli, plan_file, tmp_path):
    pantry = tmp_path / "pantry.txt"
    pantry.write_text("almonds\nMilk\n", encoding="utf-8")
    prices = tmp_path / "prices.csv"
    prices.write_text("food_id,price_per_kg\nbanana,2\nsalmon,20\n", encoding="utf-8")
    code, out, _ = cli("shopping", plan_file, "--days", "1-2", "--pantry", pantry, "--prices", prices,
                       "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["days"] == [1, 2]
    ids = {i["food_id"] for i in data["items"]}
    assert {"banana", "lentils", "salmon", "potato_baked"} == ids
    assert {i["food_id"] for i in data["pantry"]} == {"almonds", "milk"}
    assert data["total_price"] == pytest.approx(sum(i["price"] for i in data["items"] if i["price"]), abs=0.02)
    assert data["unpriced"] == ["potato_baked", "lentils"]


def test_writes_xlsx_and_csv(cli, plan_file, tmp_path):
    code, out, _ = cli("shopping", plan_file, "--days", "2", "--xlsx", tmp_path / "list.xlsx")
    assert code == 0 and out.startswith(f"wrote {tmp_path / 'list.xlsx'}")
    wb = openpyxl.load_workbook(tmp_path / "list.xlsx")
    assert wb.sheetnames == ["Shopping list", "Meal plan", "Nutrients", "About"]
    assert {r[0] for r in wb["Meal plan"].iter_rows(min_row=2, values_only=True)} == {"Day 2"}
    code, out, _ = cli("shopping", plan_file, "--csv", tmp_path / "list.csv", "--format", "json")
    assert code == 0 and json.loads(out)["items"] == 7
    rows = list(csv.DictReader(io.StringIO((tmp_path / "list.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == 7 and rows[0]["item"] == "Bananas" and rows[0]["to_buy"] == "3"


@pytest.mark.parametrize(("args", "message"), [
    (["missing.json"], "not found"),
    (["--days", "0"], "count from 1"),
    (["--days", "2-5"], "day 5 is past the plan's end: it has days 1-3"),
    (["--days", "1;2"], "'1;2' in --days: it is not a day or a range"),
    (["--xlsx", "nowhere/list.xlsx"], "does not exist"),
    (["--xlsx", "list.ods"], "ends in .xlsx"),
    (["--csv", "list.txt"], "ends in .csv"),
    (["--csv", "plan.json/list.csv"], "is not a folder"),
])
def test_errors_are_one_line_exit_2(cli, plan_file, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    argv = args if args[0] == "missing.json" else [plan_file, *args]
    code, out, err = cli("shopping", *argv)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err and "Traceback" not in err


def lunch(item: str) -> str:
    return '{"days": [{"meals": [{"meal": "lunch", "items": [' + item + ']}]}]}'


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "not valid JSON"), ("[1, 2]", "not a plan"), ("", "is empty"),
    ('{"days": [{"meals": [{"meal": "lunch"}]}]}', "malformed"),
    (lunch('{"food_id": "bananna", "grams": 100}'), "unknown food 'bananna'. Did you mean"),
    (lunch('{"food_id": "lentils", "grams": Infinity}'), "lentils has inf g"),
    (lunch('{"food_id": "lentils", "grams": "lots"}'), "malformed"),
    ('{"days": [], "shortfalls": [{}]}', "malformed in its shortfalls: the field 'nutrient' is missing"),
    ('{"days": [], "status": [1]}', "malformed in its status: it must be an object"),
    ('{"days": [], "status": {"status": "done"}}',
     "malformed in its status: status 'done' is not one of optimal, feasible, time_limit, infeasible, failed"),
])
def test_bad_plan_files(cli, tmp_path, content, message):
    path = tmp_path / "plan.json"
    path.write_text(content, encoding="utf-8")
    code, out, err = cli("shopping", path)
    assert code == 2 and out == "" and message in err and err.count("\n") == 1 and "Traceback" not in err
    assert str(path) in err


def test_plan_folder_and_bad_pantry(cli, plan_file, tmp_path):
    code, _, err = cli("shopping", tmp_path)
    assert code == 2 and "is a folder" in err
    pantry = tmp_path / "pantry.txt"
    pantry.write_text("milk\nqqzzv\n", encoding="utf-8")
    code, _, err = cli("shopping", plan_file, "--pantry", pantry)
    assert code == 2 and err.count("\n") == 1 and f"pantry file {pantry}: unknown food on line 2 'qqzzv'" in err
    code, _, err = cli("shopping", plan_file, "--prices", tmp_path / "none.csv")
    assert code == 2 and "prices file" in err and "not found" in err


def test_xlsx_and_csv_together_is_a_usage_error(cli, plan_file, tmp_path):
    code, _, err = cli("shopping", plan_file, "--xlsx", tmp_path / "a.xlsx", "--csv", tmp_path / "a.csv")
    assert code == 2 and "not allowed with" in err


def test_days_lists_and_all(cli, plan_file):
    code, out, _ = cli("shopping", plan_file, "--days", "1,3", "--format", "json")
    assert code == 0 and json.loads(out)["days"] == [1, 3]
    code, out, _ = cli("shopping", plan_file, "--days", "all", "--format", "json")
    assert code == 0 and json.loads(out)["days"] == [1, 2, 3]


def test_pantry_typos_are_forgiven_and_reported(cli, plan_file, tmp_path):
    pantry = tmp_path / "pantry.txt"
    pantry.write_text("# at home\nbananna\nmilk\n", encoding="utf-8")
    code, out, _ = cli("shopping", plan_file, "--pantry", pantry)
    assert code == 0 and "- [ ] Bananas" not in out and "Already at home" in out
    assert "Note: pantry line 2: 'bananna' read as Banana, raw" in out and "line 3" not in out
    code, out, _ = cli("shopping", plan_file, "--pantry", pantry, "--format", "json")
    assert json.loads(out)["notes"] == ["pantry line 2: 'bananna' read as Banana, raw"]


def test_prices_per_pack_on_the_command_line(cli, plan_file, tmp_path):
    prices = tmp_path / "prices.csv"
    prices.write_text("food_id,price,per\nmilk,1.10,pack\nbananas,0.30,piece\n", encoding="utf-8")
    code, out, _ = cli("shopping", plan_file, "--prices", prices, "--format", "json")
    by_id = {i["food_id"]: i for i in json.loads(out)["items"]}
    milk = by_id["milk"]      # priced per 1 l carton (its usual pack); smaller cartons cost as much a gram
    assert code == 0 and milk["price"] == pytest.approx(1.10 * milk["buy_grams"] / 1030, abs=0.005)
    assert by_id["banana"]["price"] == pytest.approx(0.90)


def test_an_unwritable_target_fails_before_any_work_and_writes_nothing(cli, tmp_path):
    (tmp_path / "week.xlsx").write_bytes(b"open")
    (tmp_path / ".~lock.week.xlsx#").write_text("x")
    code, out, err = cli("shopping", tmp_path / "missing.json", "--xlsx", tmp_path / "week.xlsx")
    assert code == 2 and out == "" and "open in another program" in err      # checked before the plan is read
    assert (tmp_path / "week.xlsx").read_bytes() == b"open"


def test_csv_has_a_shoppers_unit(cli, plan_file, tmp_path):
    code, _, _ = cli("shopping", plan_file, "--csv", tmp_path / "list.csv")
    rows = {r["item"]: r for r in csv.DictReader(io.StringIO((tmp_path / "list.csv").read_text(encoding="utf-8-sig")))}
    assert (tmp_path / "list.csv").read_bytes()[:3] == b"\xef\xbb\xbf"       # a BOM: Excel reads it as UTF-8
    assert code == 0 and (rows["Bananas"]["unit"], rows["Bananas"]["unit_kind"]) == ("bananas", "piece")
    assert rows["Lentils, dry"]["unit"] == "g" and rows["Lentils, dry"]["need"].endswith(" g")


def test_workbook_agrees_with_the_plan_file_to_the_gram(cli, plan_file, tmp_path):
    """What the user has: the plan JSON. Every item, gram and day total of it is in the workbook."""
    data = json.loads(plan_file.read_text(encoding="utf-8"))
    code, _, _ = cli("shopping", plan_file, "--xlsx", tmp_path / "week.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "week.xlsx")
    meal_rows = [r for r in wb["Meal plan"].iter_rows(min_row=2, values_only=True) if r[0]]
    planned = [(d["label"], it["food_id"], it["grams"]) for d in data["days"] for m in d["meals"] for it in m["items"]]
    assert code == 0 and [(r[0], r[7], pytest.approx(r[5], abs=0.05)) for r in meal_rows] == planned
    ws = wb["Nutrients"]
    headers = [c.value for c in ws[1]]
    for r, day in enumerate(data["days"], start=2):
        assert ws.cell(r, 1).value == day["label"]
        for key, header in (("calcium_mg", "Calcium (mg)"), ("magnesium_mg", "Magnesium (mg)"),
                            ("potassium_mg", "Potassium (mg)"), ("sodium_mg", "Sodium (mg)"),
                            ("energy_kcal", "Energy (kcal)")):
            # the file's totals come from grams before they were rounded to 0.1 g (28.35 g of almonds)
            assert ws.cell(r, headers.index(header) + 1).value == pytest.approx(day["totals"][key], rel=1e-3)
    shop = [r for r in wb["Shopping list"].iter_rows(min_row=2, values_only=True) if r[0] == "☐"]
    eaten = {}
    for _, food_id, grams in planned:
        eaten[food_id] = eaten.get(food_id, 0) + grams
    listed = {f: r[8] for r in shop for f in r[9].split(", ")}
    assert set(listed) == set(eaten) - {"water"}
    for r in shop:                                   # eaten grams per line are the plan's, summed over days
        assert r[8] == pytest.approx(sum(eaten[f] for f in r[9].split(", ")), abs=0.05)
