"""The workbook, opened again with openpyxl, agrees with the plan; it is written atomically and opens in LibreOffice."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import examples, random_plans
from conftest import plan_item as item
from hypothesis import given
from hypothesis import strategies as st

from foods import load_table
from foods.table import DATA_DIR, FoodTable
from planner import files
from planner.errors import PlannerError
from planner.excel import NUTRIENT_COLUMNS, sheet_unit, workbook_bytes, write_workbook
from planner.plan import Day, Meal, Plan, Shortfall, day_totals, plan_text
from planner.profile import profile_from_dict
from planner.shopping import shopping_list
from planner.targets import targets_for

SHEETS = ["Shopping list", "Meal plan", "Nutrients", "About"]




def week(table) -> Plan:
    profile = profile_from_dict({"sex": "female", "age": 58})
    days = [
        Day(0, [Meal("breakfast", [item(table, "oatmeal", 2), item(table, "banana"), item(table, "milk", 2)]),
                Meal("lunch", [item(table, "lentils", 2), item(table, "potato_baked"), item(table, "water")]),
                Meal("dinner", [item(table, "salmon", 4), item(table, "spinach_cooked", 1)])]),
        Day(1, [Meal("breakfast", [item(table, "kefir", 2), item(table, "almonds", 1)]),
                Meal("afternoon_snack", [item(table, "dried_apricots", 3)]),
                Meal("dinner", [item(table, "buckwheat", 2), item(table, "potato_boiled"), item(table, "egg", 2)])]),
        Day(2, [Meal("lunch", [item(table, "chickpeas", 2), item(table, "banana", 2)])]),
    ]
    return Plan(days, profile.to_dict(), targets_for(profile).to_dict(),
                [Shortfall("magnesium_mg", 320, 250, 1, ["energy"], "add pumpkin seeds"),
                 Shortfall("potassium_mg", 2600, 2400, None, [], "")])


def sheet_rows(ws, first: int = 2) -> list[tuple]:
    return [r for r in ws.iter_rows(min_row=first, values_only=True)]


def meal_rows(ws) -> list[tuple]:
    return [r for r in sheet_rows(ws) if r[0] and str(r[0]).startswith("Day ")]


def nutrient_columns(ws) -> dict[str, int]:
    """Nutrient -> 1-based column of its amount, read from the header row."""
    headers = [c.value for c in ws[1]]
    from foods.nutrients import NUTRIENT_LABELS, NUTRIENT_UNITS
    return {n: headers.index(f"{NUTRIENT_LABELS[n]} ({NUTRIENT_UNITS[n]})") + 1 for n in NUTRIENT_COLUMNS}


def eaten(plan: Plan, food_id: str) -> float:
    return sum(it.grams for it in plan.items() if it.food_id == food_id)


def expected_needed(plan: Plan, table, food_ids: list[str]) -> float:
    """Grams to buy as bought, restated from the rule: eaten × yield ÷ (1 − refuse) food by food; pieces food
    by food where a line spans two bought forms."""
    foods = [table.get(f) for f in food_ids]
    main = foods[0]
    if main.buy_unit == "piece" and len({f.bought_ndb for f in foods}) > 1:   # lemons with their juice
        pieces = sum(eaten(plan, f.id) * f.yield_factor / f.buy_piece_grams for f in foods)
        return pieces * main.buy_piece_grams / (1 - main.refuse_pct / 100)
    return sum(eaten(plan, f.id) * f.yield_factor / (1 - f.refuse_pct / 100) for f in foods)


def check_against_plan(wb, plan: Plan, table, shopping) -> None:
    """Meal plan has every item, nutrient cells equal day_totals, shopping rows equal the plan converted."""
    assert wb.sheetnames == SHEETS
    rows = meal_rows(wb["Meal plan"])
    expected = [(d.label, m.label, m.dish or None, it.name, it.portion, it.grams, it.ndb, it.food_id)
                for d in plan.days for m in d.meals for it in m.items]
    assert [tuple(r[:8]) for r in rows] == [
        (a, b, dish, c, d, pytest.approx(e), f, g) for a, b, dish, c, d, e, f, g in expected]
    ws = wb["Nutrients"]
    cols = nutrient_columns(ws)
    for r, day in enumerate(plan.days, start=2):
        assert ws.cell(r, 1).value == day.label
        totals = day_totals(table, day)
        for n, col in cols.items():
            value = ws.cell(r, col).value
            assert isinstance(value, float | int) and not isinstance(value, bool)
            assert value == pytest.approx(totals[n], rel=1e-12, abs=1e-9)
            bound = (plan.targets.get("nutrients", {}).get(n) or {})
            target = plan.targets.get("energy_kcal") if n == "energy_kcal" else (bound.get("min") or bound.get("max"))
            assert ws.cell(r, col + 1).value == (None if target is None else pytest.approx(target))
    ws = wb["Shopping list"]
    rows = sheet_rows(ws)[:len(shopping.items)]
    assert [(r[1], r[2], r[3]) for r in rows] == [(i.label, i.buy_amount, sheet_unit(i)) for i in shopping.items]
    listed = []
    for r in rows:
        assert r[0] == "☐" and all(isinstance(r[c], int | float) and not isinstance(r[c], bool) for c in (2, 7, 8))
        food_ids = r[9].split(", ")
        listed += food_ids
        assert r[8] == pytest.approx(sum(eaten(plan, f) for f in food_ids))          # eaten, summed over days
        assert r[7] == pytest.approx(expected_needed(plan, table, food_ids))        # converted to the bought form
        assert r[2] * 1.000001 >= {"g": r[7]}.get(r[3], 0)                          # loose: never less than needed
    bought = {it.food_id for it in plan.items()} - set(shopping.not_bought) - set(shopping.pantry_ids)
    assert sorted(listed) == sorted(bought)                                          # every food, once


def test_workbook_agrees_with_the_plan(table, tmp_path):
    plan = week(table)
    path = write_workbook(plan, table, tmp_path / "week.xlsx", prices={"banana": 1.8, "milk": 1.1})
    assert path == tmp_path / "week.xlsx"
    wb = openpyxl.load_workbook(path)
    check_against_plan(wb, plan, table, shopping_list(plan, table, prices={"banana": 1.8, "milk": 1.1}))


def test_shopping_sheet_totals_pantry_and_formats(table, tmp_path):
    plan = week(table)
    sl = shopping_list(plan, table, pantry={"almonds"}, prices={"banana": 1.8, "milk": 1.1})
    wb = openpyxl.load_workbook(write_workbook(plan, table, tmp_path / "w.xlsx", shopping=sl))
    ws = wb["Shopping list"]
    n = len(sl.items)
    total_row = n + 3
    assert ws.cell(total_row, 2).value == "Total (estimated)"
    assert ws.cell(total_row, 6).value == f"=SUM(F2:F{n + 1})"
    assert ws.cell(total_row + 1, 2).value == "Eaten (share of the perishable bought weight)"
    assert ws.cell(total_row + 1, 3).value == pytest.approx(sl.perishable_eaten_share) and ws.cell(total_row + 1, 3).number_format == "0%"
    prices = [ws.cell(r, 6).value for r in range(2, n + 2)]
    assert sum(p for p in prices if p is not None) == pytest.approx(sl.total_price)
    texts = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "Already at home (not to buy)" in texts and "Almonds" in texts
    assert not any(i.label == "Almonds" for i in sl.items)
    for col in (3, 6, 8, 9):                       # numbers have a format without long decimals
        for r in range(2, n + 2):
            cell = ws.cell(r, col)
            if cell.value is not None:
                assert cell.number_format in ("#,##0", "#,##0_)", "#,##0.00"), (col, cell.number_format)
    assert ws["A1"].font.b and ws.freeze_panes == "C2"
    units = {ws.cell(r, 2).value: ws.cell(r, 4).value for r in range(2, n + 2)}
    assert units["Milk, 2% fat"] == "× 500 ml carton" and units["Bananas"] == "bananas"  # never "1 500 ml carton"
    assert units["Lentils, dry"] == "g"
    fonts = {c.font.name for row in ws.iter_rows() for c in row if c.value is not None and c.font.name}
    assert fonts == {"Calibri"}                     # no serif fallback for headers
    assert ws.data_validations.dataValidation[0].formula1 == '"☐,☑"'


def test_a_line_of_two_pack_sizes_says_them_in_the_workbook(table, tmp_path):
    plan = Plan([Day(0, [Meal("lunch", [item(table, "canned_salmon", 19)])])])     # 19 oz = 538 g
    wb = openpyxl.load_workbook(write_workbook(plan, table, tmp_path / "w.xlsx"))
    row = next(r for r in wb["Shopping list"].iter_rows(values_only=True) if r[1] == "Salmon, pink, canned with bones")
    assert (row[2], row[3], row[6]) == (2, "packs", "1 × 14.75 oz can + 1 × 7.5 oz can")   # not "2 × 14.75 oz can"


def test_styles_and_print_setup(table, tmp_path):
    wb = openpyxl.load_workbook(write_workbook(week(table), table, tmp_path / "w.xlsx"))
    for name in SHEETS:
        ws = wb[name]
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.orientation == "landscape"
        assert all(d.width and d.width <= 60 for d in ws.column_dimensions.values() if d.width)
    for name in ("Shopping list", "Meal plan", "Nutrients"):
        ws = wb[name]
        assert ws.freeze_panes and all(c.font.b for c in ws[1] if c.value)
    ws = wb["Nutrients"]
    assert len(ws.conditional_formatting) >= len(NUTRIENT_COLUMNS)
    pct_col = nutrient_columns(ws)["calcium_mg"] + 2
    share = ws.cell(2, pct_col).value                     # a number, not a formula: pandas and data_only see it
    assert isinstance(share, float) and ws.cell(2, pct_col).number_format == "0%"
    assert share == pytest.approx(ws.cell(2, pct_col - 2).value / ws.cell(2, pct_col - 1).value)
    assert ws.cell(2, pct_col - 1).value == 1200          # the calcium RDA of a 58-year-old woman


def test_nutrients_sheet_shortfalls_and_average(table, tmp_path):
    plan = week(table)
    wb = openpyxl.load_workbook(write_workbook(plan, table, tmp_path / "w.xlsx"))
    ws = wb["Nutrients"]
    last_col = ws.max_column
    assert ws.cell(1, last_col).value == "Shortfalls"
    assert "magnesium 250 of 320 mg" in ws.cell(3, last_col).value            # day 2's shortfall on day 2's row
    assert ws.cell(3, 1).alignment.vertical == "top" and ws.cell(3, last_col).alignment.wrap_text
    rules = [r.formula[0] for cf in ws.conditional_formatting for r in cf.rules]
    assert any(f.startswith("AND(ISNUMBER(D2),ROUND(D2,2)>=1)") for f in rules)   # 99.7 % shows 100 % and is green
    assert ws.cell(5, 1).value == "Average"
    assert ws.cell(5, 2).value == pytest.approx(sum(ws.cell(r, 2).value for r in (2, 3, 4)) / 3)
    texts = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(t.startswith("Whole week: potassium") for t in texts)


def test_about_sheet_has_sources_ndb_articles_and_disclaimer(table, tmp_path):
    plan = week(table)
    wb = openpyxl.load_workbook(write_workbook(plan, table, tmp_path / "w.xlsx"))
    texts = [str(c) for row in wb["About"].iter_rows(values_only=True) for c in row if c is not None]
    joined = "\n".join(texts)
    assert "informs; it does not prescribe" in joined and "kidney disease" in joined
    assert "potassium" in joined and "pregnancy" in joined and "clinician" in joined
    for fid in {it.food_id for it in plan.items()}:
        food = table.get(fid)
        assert food.ndb in texts and food.sr28_name in texts
        assert all(a in texts for a in food.articles)
    assert "NASEM 2011" in texts and "female" in texts and "Weight (kg)" not in texts and "Age" in texts


def table_with(changes: dict[tuple[str, str], object]) -> FoodTable:
    """The shipped table with some cells changed (a missing value, a Unicode name)."""
    foods = pd.read_csv(DATA_DIR / "foods.csv", dtype={"ndb": str, "bought_ndb": str, "id": str}, na_values=[""])
    portions = pd.read_csv(DATA_DIR / "portions.csv", dtype={"food_id": str, "ndb": str})
    for (fid, column), value in changes.items():
        foods.loc[foods["id"] == fid, column] = value
    return FoodTable(foods, portions)


def test_missing_sr28_value_is_an_empty_cell_or_a_lower_bound_never_zero(tmp_path):
    t = table_with({("banana", "calcium_mg"): float("nan"), ("milk", "magnesium_mg"): float("nan")})
    plan = Plan([Day(0, [Meal("breakfast", [item(t, "banana")])]),
                 Day(1, [Meal("breakfast", [item(t, "banana"), item(t, "milk", 2)])])])
    ws = openpyxl.load_workbook(write_workbook(plan, t, tmp_path / "m.xlsx"))["Nutrients"]
    cols = nutrient_columns(ws)
    ca, mg = cols["calcium_mg"], cols["magnesium_mg"]
    assert ws.cell(2, ca).value is None and "no calcium value" in ws.cell(2, ca).comment.text
    partial = ws.cell(3, ca)                        # milk's calcium is known, the banana's is not
    assert partial.value == pytest.approx(day_totals(t, plan.days[1])["calcium_mg"]) and partial.value > 0
    assert partial.number_format.startswith('"≥') and "Banana" in partial.comment.text
    assert ws.cell(3, mg).comment is not None and ws.cell(2, mg).comment is None
    assert ws.cell(2, mg).value == pytest.approx(day_totals(t, plan.days[0])["magnesium_mg"])


def test_unicode_and_formula_like_names_are_plain_text(tmp_path):
    odd = "Mandeln – ÄÖÜ ß 🌰 中文 עברית =HYPERLINK(\"http://x\")\x07"
    t = table_with({("almonds", "name"): odd})
    plan = Plan([Day(0, [Meal("breakfast", [item(t, "almonds", 2, name="=1+1 Crème brûlée ☕\x00")])])])
    wb = openpyxl.load_workbook(write_workbook(plan, t, tmp_path / "ü ñ 😀.xlsx"))
    meal = wb["Meal plan"].cell(2, 4)
    assert meal.value == "=1+1 Crème brûlée ☕" and meal.data_type == "s"
    shop = wb["Shopping list"].cell(2, 2)
    assert shop.value == odd.replace("\x07", "") and shop.data_type == "s"


def test_only_the_chosen_days(table, tmp_path):
    plan = week(table)
    wb = openpyxl.load_workbook(write_workbook(plan, table, tmp_path / "w.xlsx", days=[1]))
    assert {r[0] for r in meal_rows(wb["Meal plan"])} == {"Day 2"}
    assert wb["Nutrients"].cell(2, 1).value == "Day 2" and wb["Nutrients"].cell(3, 1).value == "Average"
    labels = {r[1] for r in sheet_rows(wb["Shopping list"]) if r[0] == "☐"}
    assert labels == {i.label for i in shopping_list(plan, table, days=[1]).items}


def test_workbook_bytes_for_a_download(table):
    data = workbook_bytes(week(table), table, pantry={"banana"})
    assert data[:2] == b"PK"


# --- writing safely --------------------------------------------------------------------------------------

def test_failed_save_leaves_no_file_and_keeps_an_old_one(table, tmp_path, monkeypatch):
    plan = week(table)
    target = tmp_path / "week.xlsx"

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", broken_replace)
    with pytest.raises(PlannerError, match="cannot write .*No space left"):
        write_workbook(plan, table, target)
    assert list(tmp_path.iterdir()) == []
    target.write_bytes(b"the old workbook")
    with pytest.raises(PlannerError):
        write_workbook(plan, table, target)
    assert target.read_bytes() == b"the old workbook" and list(tmp_path.iterdir()) == [target]


def test_failure_while_writing_bytes_cleans_up(table, tmp_path, monkeypatch):
    def broken_fsync(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(files.os, "fsync", broken_fsync)
    with pytest.raises(PlannerError, match="Input/output error"):
        write_workbook(week(table), table, tmp_path / "w.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_unwritable_paths_are_clear_errors(table, tmp_path, monkeypatch):
    plan = week(table)
    with pytest.raises(PlannerError, match="folder .* does not exist"):
        write_workbook(plan, table, tmp_path / "no" / "such" / "w.xlsx")
    (tmp_path / "d.xlsx").mkdir()
    with pytest.raises(PlannerError, match="is a folder"):
        write_workbook(plan, table, tmp_path / "d.xlsx")
    with pytest.raises(PlannerError, match=r"ends in \.xlsx"):
        write_workbook(plan, table, tmp_path / "w.xls")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.tempfile, "mkstemp", denied)
    with pytest.raises(PlannerError, match="permission denied"):
        write_workbook(plan, table, tmp_path / "w.xlsx")
    monkeypatch.undo()
    assert sorted(f.name for f in tmp_path.iterdir()) == ["d.xlsx"]


# These use no permission bits, so they hold when the suite runs as root (as it does in containers).

def test_a_path_through_a_file_is_a_clear_error(table, tmp_path):
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    with pytest.raises(PlannerError, match="notes.txt is not a folder"):
        write_workbook(week(table), table, tmp_path / "notes.txt" / "w.xlsx")


def test_a_name_too_long_for_the_file_system_is_a_clear_error(table, tmp_path):
    path = tmp_path / ("w" * 300 + ".xlsx")                   # past NAME_MAX (255): the OS refuses, even root
    with pytest.raises(PlannerError, match="cannot write .*: File name too long"):
        write_workbook(week(table), table, path)
    assert list(tmp_path.iterdir()) == []


def test_a_read_only_file_is_kept(table, tmp_path):
    old = tmp_path / "old.xlsx"
    old.write_bytes(b"keep")
    old.chmod(0o444)                                          # read-only by its mode: refused even for root
    with pytest.raises(PlannerError, match="the file is read-only; make it writable or choose another name"):
        write_workbook(week(table), table, old)
    assert old.read_bytes() == b"keep" and list(tmp_path.iterdir()) == [old]


@pytest.mark.parametrize("lock", [".~lock.week.xlsx#", "~$week.xlsx"])
def test_a_workbook_open_in_libreoffice_or_excel_is_kept(table, tmp_path, lock):
    target = tmp_path / "week.xlsx"
    target.write_bytes(b"open elsewhere")
    (tmp_path / lock).write_text("someone,host,2026")          # the lock file the office program keeps
    with pytest.raises(PlannerError, match=r"open in another program \(lock file .*\); close it there"):
        write_workbook(week(table), table, target)
    assert target.read_bytes() == b"open elsewhere"
    assert sorted(f.name for f in tmp_path.iterdir()) == sorted([lock, "week.xlsx"])


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="a read-only folder stops only non-root users; the tests above cover root")
def test_read_only_folder(table, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(PlannerError, match="permission denied"):
            write_workbook(week(table), table, locked / "w.xlsx")
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


# --- random plans ----------------------------------------------------------------------------------------



@examples(0.25)
@given(random_plans(targets_for(profile_from_dict({"sex": "male", "age": 40})).to_dict()), st.data())
def test_random_plans_round_trip_through_the_workbook(tmp_path, plan, data):
    table = load_table()
    foods = sorted({it.food_id for it in plan.items()})
    pantry = set(data.draw(st.lists(st.sampled_from(foods), max_size=2)))
    path = write_workbook(plan, table, tmp_path / "random.xlsx", pantry=pantry)
    check_against_plan(openpyxl.load_workbook(path), plan, table, shopping_list(plan, table, pantry=pantry))


# --- LibreOffice -----------------------------------------------------------------------------------------

def _soffice(soffice: str, tmp_path: Path, target: str, path: Path, out: Path) -> None:
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", target, "--outdir", str(out), str(path)],
        capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    assert "error" not in result.stderr.lower().replace("javaldx", ""), result.stderr


@pytest.mark.slow
def test_opens_in_libreoffice_and_its_formulas_compute_the_plans_numbers(table, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed; CI installs it")
    t = table_with({("almonds", "name"): "Mandeln ÄÖÜ 🌰"})
    plan = week(t)
    prices = {"banana": 1.8, "milk": 1.1}
    path = write_workbook(plan, t, tmp_path / "week.xlsx", prices=prices)
    _soffice(soffice, tmp_path, "pdf", path, tmp_path / "pdf")
    pdf = tmp_path / "pdf" / "week.pdf"
    assert pdf.is_file() and pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 5000

    # saved again by LibreOffice, the formulas carry the values it computed: they must be the plan's
    _soffice(soffice, tmp_path, "xlsx", path, tmp_path / "lo")
    wb = openpyxl.load_workbook(tmp_path / "lo" / "week.xlsx", data_only=True)
    shopping = shopping_list(plan, t, prices=prices)
    ws = wb["Shopping list"]
    total_row = len(shopping.items) + 3
    assert ws.cell(total_row, 2).value == "Total (estimated)"
    assert ws.cell(total_row, 6).value == pytest.approx(shopping.total_price)
    ws = wb["Nutrients"]
    cols = nutrient_columns(ws)
    for n, col in cols.items():
        amounts = [day_totals(t, d)[n] for d in plan.days]
        for r, amount in enumerate(amounts, start=2):
            target = ws.cell(r, col + 1).value
            assert ws.cell(r, col + 2).value == pytest.approx(amount / target, rel=1e-9)
        average = len(plan.days) + 2
        assert ws.cell(average, 1).value == "Average"
        assert ws.cell(average, col).value == pytest.approx(sum(amounts) / len(amounts), rel=1e-9)


def test_every_computed_cell_is_a_number_data_only_readers_see(table, tmp_path):
    """pandas and other data_only readers get numbers, not blanks: no formula without a cached value, except
    where a person edits inputs (the price total)."""
    path = write_workbook(week(table), table, tmp_path / "w.xlsx")
    ws = openpyxl.load_workbook(path, data_only=True)["Nutrients"]
    formulas = [c.coordinate for row in openpyxl.load_workbook(path)["Nutrients"].iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")]
    assert formulas == []
    for col in nutrient_columns(ws).values():
        shares = [ws.cell(r, col + 2).value for r in range(2, 6)]
        assert all(isinstance(v, float) and v > 0 for v in shares), shares


def test_the_meal_plan_sheet_names_each_meals_dish_as_the_text_plan_does(table, tmp_path):
    dish = "Oatmeal with milk and banana"
    plan = Plan([Day(0, [Meal("breakfast", [item(table, "oatmeal", 2), item(table, "milk"), item(table, "banana")],
                              dish),
                         Meal("lunch", [item(table, "lentils", 2)])])])
    wb = openpyxl.load_workbook(write_workbook(plan, table, tmp_path / "dish.xlsx"))
    ws = wb["Meal plan"]
    assert [c.value for c in ws[1]][:4] == ["Day", "Meal", "Dish", "Food"]
    rows = meal_rows(ws)
    assert [(r[1], r[2]) for r in rows] == [("Breakfast", dish)] * 3 + [("Lunch", None)]
    assert f"Breakfast: {dish}" in plan_text(plan, table)
