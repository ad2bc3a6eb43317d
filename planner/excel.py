"""The week as an Excel workbook people print or keep: shopping list, meal plan, nutrients, sources.

Four sheets built with openpyxl from a Plan and the food table; nutrient totals are recomputed with
`planner.plan.day_totals`, so every cell agrees with the plan. Written atomically (temporary file in
the same folder, then a rename): a failed write leaves no partial file and any earlier file intact.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from foods import FoodTable
from foods.nutrients import NUTRIENT_LABELS, NUTRIENT_UNITS, SHOWN_NUTRIENTS
from foods.nutrition import contributions
from planner.files import check_writable, write_bytes_atomic
from planner.plan import Day, Plan, day_totals
from planner.render import DISCLAIMER, shortfall_sentence
from planner.rules import amdr_table
from planner.shopping import ShoppingItem, ShoppingList, buy_rules, check_days, days_text, shopping_list

NUTRIENT_COLUMNS = SHOWN_NUTRIENTS
CHECK_EMPTY, CHECK_DONE = "☐", "☑"

# every font names the workbook's own (Calibri): a font without a name prints in a serif fallback
_FONT = "Calibri"
_BOLD = Font(name=_FONT, size=11, bold=True)
_PLAIN = Font(name=_FONT, size=11)
_TITLE = Font(name=_FONT, bold=True, size=14)
_SECTION = Font(name=_FONT, bold=True, size=12)
_HEADER_FILL = PatternFill("solid", start_color="DDE4EE", end_color="DDE4EE")
_GREEN = PatternFill("solid", start_color="C6EFCE", end_color="C6EFCE")
_AMBER = PatternFill("solid", start_color="FFEB9C", end_color="FFEB9C")
_RED = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
_THIN = Side(style="thin", color="808080")
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_INDENT = Alignment(indent=1)  # a gap after a right-aligned number
_INDENT2 = Alignment(indent=2)
GRAMS, PRICE, PERCENT, LOWER_BOUND = "#,##0", "#,##0.00", "0%", '"≥ "#,##0'
AMOUNT = "#,##0_)"  # a whole number with a space after it, so the unit beside it never reads as its digits


# --- public API ------------------------------------------------------------------------------------------

def build_workbook(plan: Plan, table: FoodTable, *, shopping: ShoppingList | None = None,
                   days: Iterable[int] | None = None, pantry: Iterable[str] = frozenset(),
                   prices: dict[str, float] | None = None) -> Workbook:
    """The workbook in memory: Shopping list, Meal plan, Nutrients, About (days 0-based; None = all)."""
    if days is None and shopping is not None:
        days = shopping.days
    chosen = check_days(plan, None if days is None else list(days))
    if shopping is None:
        shopping = shopping_list(plan, table, chosen, frozenset(pantry), prices)
    plan_days = [d for d in plan.days if d.index in set(chosen)]
    wb = Workbook()
    wb.properties.creator = "mineral-planner"
    wb.properties.title = f"Meal plan and shopping list, {days_text(chosen)}"
    _shopping_sheet(wb.active, shopping)
    _meal_plan_sheet(wb.create_sheet("Meal plan"), plan_days)
    _nutrients_sheet(wb.create_sheet("Nutrients"), plan, plan_days, table)
    _about_sheet(wb.create_sheet("About"), plan, plan_days, table, chosen)
    return wb


def workbook_bytes(plan: Plan, table: FoodTable, **options) -> bytes:
    """The .xlsx file as bytes (for a download button); same options as `write_workbook`."""
    buffer = io.BytesIO()
    build_workbook(plan, table, **options).save(buffer)
    return buffer.getvalue()


def write_workbook(plan: Plan, table: FoodTable, path: str | Path, *, shopping: ShoppingList | None = None,
                   days: Iterable[int] | None = None, pantry: Iterable[str] = frozenset(),
                   prices: dict[str, float] | None = None) -> Path:
    """Write the workbook to `path` (.xlsx) atomically; errors name the path and what to do."""
    path = check_writable(path, ".xlsx")
    data = workbook_bytes(plan, table, shopping=shopping, days=days, pantry=pantry, prices=prices)
    return write_bytes_atomic(path, data)


# --- cells and layout ------------------------------------------------------------------------------------

def _put(ws: Worksheet, row: int, col: int, value, fmt: str | None = None, font: Font | None = None) -> Cell:
    """Write a value as what it is: numbers as numbers, text as text (never run as a formula)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    if fmt:
        cell.number_format = fmt
    if font:
        cell.font = font
    return cell


def _formula(ws: Worksheet, row: int, col: int, formula: str, fmt: str | None = None,
             font: Font | None = None) -> Cell:
    cell = ws.cell(row=row, column=col, value=formula)
    if fmt:
        cell.number_format = fmt
    if font:
        cell.font = font
    return cell


def _header(ws: Worksheet, row: int, headers: list[str]) -> None:
    for col, text in enumerate(headers, start=1):
        cell = _put(ws, row, col, text, font=_BOLD)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        cell.border = Border(bottom=_THIN)


def _fit_columns(ws: Worksheet, widest: int = 60, narrowest: int = 6, header_row: int | None = 1) -> None:
    """Column widths that fit the longest value (headers wrap, so count their longest word)."""
    widths: dict[int, float] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            if cell.data_type == "f":
                length = 10
            elif cell.row == header_row:
                length = max(len(w) for w in str(cell.value).split()) + 2 if str(cell.value).split() else 4
            elif isinstance(cell.value, float | int):
                length = len(f"{cell.value:,.2f}") + 2
            else:
                length = len(str(cell.value)) + 1
            widths[cell.column] = max(widths.get(cell.column, 0), length)
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = max(narrowest, min(widest, width))


def _print_setup(ws: Worksheet, *, landscape: bool, title_rows: str | None = "1:1", header: str = "") -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    if title_rows:
        ws.print_title_rows = title_rows
    if header:
        ws.oddHeader.center.text = header.replace("&", "&&")
    ws.oddFooter.right.text = "Page &P of &N"


# --- Shopping list ---------------------------------------------------------------------------------------

SHOPPING_HEADERS = [CHECK_EMPTY, "Item", "To buy", "Unit", "Aisle", "Price (est.)", "As bought", "Needed (g)",
                    "Eaten (g)", "For (foods in the plan)"]


def _shopping_sheet(ws: Worksheet, shopping: ShoppingList) -> None:
    ws.title = "Shopping list"
    rules = buy_rules()
    _header(ws, 1, SHOPPING_HEADERS)
    row = 2
    for n, item in enumerate(shopping.items):
        _put(ws, row, 1, CHECK_EMPTY).alignment = Alignment(horizontal="center")
        _put(ws, row, 2, item.label)
        _put(ws, row, 3, _whole(item.buy_amount), AMOUNT)
        _put(ws, row, 4, sheet_unit(item)).alignment = _INDENT
        _put(ws, row, 5, rules.aisle_label(item.aisle))
        if item.price is not None:
            _put(ws, row, 6, float(item.price), PRICE)
        _put(ws, row, 7, item.buy_text).alignment = _INDENT2
        _put(ws, row, 8, float(item.needed_grams), GRAMS)
        _put(ws, row, 9, float(item.eaten_grams), GRAMS)
        _put(ws, row, 10, ", ".join(item.food_ids)).alignment = _INDENT
        if n and item.aisle != shopping.items[n - 1].aisle:      # a rule where the next aisle starts
            for col in range(1, len(SHOPPING_HEADERS) + 1):
                ws.cell(row=row, column=col).border = Border(top=_THIN)
        row += 1
    last = row - 1
    if shopping.items:
        checks = DataValidation(type="list", formula1=f'"{CHECK_EMPTY},{CHECK_DONE}"', allow_blank=True)
        checks.prompt, checks.promptTitle = f"Pick {CHECK_DONE} when bought", "Bought?"
        ws.add_data_validation(checks)
        checks.add(f"A2:A{last}")
    row += 1
    _put(ws, row, 2, "Total (estimated)", font=_BOLD)
    if shopping.total_price is not None and shopping.items:
        _formula(ws, row, 6, f"=SUM(F2:F{last})", PRICE, _BOLD)
        if shopping.unpriced:
            _put(ws, row, 7, f"{len(shopping.unpriced)} item(s) without a price are not counted").alignment = \
                _INDENT2
    else:
        _put(ws, row, 7, "no prices given (mineral-planner shopping --prices FILE with food_id,price_per_kg)")
    _put(ws, row, 3, len(shopping.items), "#,##0")
    _put(ws, row, 4, "items")
    if shopping.perishable_eaten_share is not None:   # oil, honey and dry pulses keep: their rest is no waste
        row += 1
        _put(ws, row, 2, "Eaten (share of the perishable bought weight)", font=_BOLD)
        _put(ws, row, 3, float(shopping.perishable_eaten_share), PERCENT)
        if shopping.left_over:
            _put(ws, row, 7, shopping.left_over_text()).alignment = _INDENT2
    if shopping.kept_for_later:
        row += 1
        _put(ws, row, 7, shopping.kept_for_later_text()).alignment = _INDENT2
    if shopping.pantry:
        row += 2
        _put(ws, row, 2, "Already at home (not to buy)", font=_BOLD)
        for item in shopping.pantry:
            row += 1
            _put(ws, row, 2, item.label)
            _put(ws, row, 5, rules.aisle_label(item.aisle))
            _put(ws, row, 7, f"needed: {item.buy_text}")
            _put(ws, row, 8, float(item.needed_grams), GRAMS)
            _put(ws, row, 9, float(item.eaten_grams), GRAMS)
            _put(ws, row, 10, ", ".join(item.food_ids))
    if shopping.not_bought:
        row += 2
        _put(ws, row, 2, f"Not bought ({rules.not_bought_reason})", font=_BOLD)
        _put(ws, row, 10, ", ".join(shopping.not_bought))
    if shopping.notes:
        row += 1
        for note in shopping.notes:
            row += 1
            _put(ws, row, 2, f"Note: {note}")
    ws.freeze_panes = "C2"
    if shopping.items:
        ws.auto_filter.ref = f"A1:J{last}"
    _fit_columns(ws)
    ws.column_dimensions["A"].width = 5
    _print_setup(ws, landscape=True, header=f"Shopping list, {shopping.days_text()}")


def sheet_unit(item: ShoppingItem) -> str:
    """The Unit cell beside the amount: '× 1 l carton' (so '1' and '1 l' never read as '11 l'), 'bananas', 'g';
    'packs' when a line buys packs of several sizes (the As bought cell says which)."""
    return f"× {item.unit_text}" if item.buy_unit == "pack" and len(item.packs) <= 1 else item.unit_text


def _whole(x: float) -> int | float:
    return int(x) if float(x).is_integer() else float(x)


# --- Meal plan -------------------------------------------------------------------------------------------

MEAL_HEADERS = ["Day", "Meal", "Dish", "Food", "Portion", "Grams", "NDB", "Food id"]


def _meal_plan_sheet(ws: Worksheet, days: list[Day]) -> None:
    _header(ws, 1, MEAL_HEADERS)
    row = 2
    for day in days:
        first = True
        for meal in day.meals:
            for item in meal.items:
                _put(ws, row, 1, day.label, font=_BOLD if first else None)
                _put(ws, row, 2, meal.label)
                if meal.dish:                   # the named dish the meal is, as the text plan says it
                    _put(ws, row, 3, meal.dish)
                _put(ws, row, 4, item.name)
                _put(ws, row, 5, item.portion)
                _put(ws, row, 6, float(item.grams), GRAMS)
                _put(ws, row, 7, item.ndb).alignment = Alignment(horizontal="center")
                _put(ws, row, 8, item.food_id)
                if first and row > 2:
                    for col in range(1, len(MEAL_HEADERS) + 1):
                        ws.cell(row=row, column=col).border = Border(top=_THIN)
                first = False
                row += 1
    ws.freeze_panes = "C2"
    if row > 2:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(MEAL_HEADERS))}{row - 1}"
    _fit_columns(ws)
    _print_setup(ws, landscape=True, header="Meal plan")


# --- Nutrients -------------------------------------------------------------------------------------------

def _target_of(plan: Plan, nutrient: str) -> tuple[float | None, str, float | None]:
    """(value to compare with, 'min' | 'max' | 'energy' | '', upper limit to flag) for one nutrient."""
    targets = plan.targets or {}
    if nutrient == "energy_kcal":
        kcal = targets.get("energy_kcal")
        return (float(kcal), "energy", None) if kcal else (None, "", None)
    t = (targets.get("nutrients") or {}).get(nutrient) or {}
    lo, hi = t.get("min"), t.get("max")
    if lo:
        return float(lo), "min", (float(hi) if hi else None)
    if hi:
        return float(hi), "max", None
    return None, "", None


def _missing_note(table: FoodTable, day: Day, nutrient: str) -> tuple[bool, str]:
    """(no food has a value, note naming the foods SR28 lacks the value for), for one day's items."""
    items = day.items()
    frame = contributions(table, [i.food_id for i in items], [i.grams for i in items])
    missing = frame[nutrient].isna().to_numpy()
    names = sorted({i.name for i, m in zip(items, missing, strict=True) if m})
    label = NUTRIENT_LABELS[nutrient].lower()
    if bool(missing.all()):
        return True, f"Missing: SR28 has no {label} value for {', '.join(names)}."
    return False, f"At least this much: SR28 has no {label} value for {', '.join(names)}."


SHORTFALL_WIDTH = 60


def _nutrients_sheet(ws: Worksheet, plan: Plan, days: list[Day], table: FoodTable) -> None:
    headers = ["Day"]
    kinds = {}
    for n in NUTRIENT_COLUMNS:
        label, unit = NUTRIENT_LABELS[n], NUTRIENT_UNITS[n]
        target, kind, _ = _target_of(plan, n)
        kinds[n] = kind
        word = "limit" if kind == "max" else "target"
        headers += [f"{label} ({unit})", f"{label} {word} ({unit})", f"{label} % of {word}"]
    headers.append("Shortfalls")
    _header(ws, 1, headers)
    first_row = 2
    row = first_row
    day_amounts: dict[str, list[float | None]] = {n: [] for n in NUTRIENT_COLUMNS}
    for day in days:
        totals = day_totals(table, day)
        _put(ws, row, 1, day.label, font=_BOLD)
        for k, n in enumerate(NUTRIENT_COLUMNS):
            col = 2 + 3 * k
            target, _, _ = _target_of(plan, n)
            amount = float(totals[n])
            if n in totals.incomplete:
                all_missing, note = _missing_note(table, day, n)
                amount = None if all_missing else amount
                cell = _put(ws, row, col, amount, None if all_missing else LOWER_BOUND)
                cell.comment = Comment(note, "mineral-planner")
            else:
                _put(ws, row, col, amount, GRAMS)
            _target_and_percent(ws, row, col, target, amount)
            day_amounts[n].append(amount)
        shortfalls = [shortfall_sentence(s, with_day=False) for s in plan.shortfalls if s.day == day.index]
        text = "; ".join(shortfalls)
        _put(ws, row, 2 + 3 * len(NUTRIENT_COLUMNS), text).alignment = _WRAP_TOP
        if text:                       # a tall row: every cell at the top, level with the first line of text
            _fit_height(ws, row, text, SHORTFALL_WIDTH)
            for col in range(1, 2 + 3 * len(NUTRIENT_COLUMNS)):
                ws.cell(row=row, column=col).alignment = Alignment(vertical="top")
        row += 1
    if days:
        _put(ws, row, 1, "Average", font=_BOLD)
        for k, n in enumerate(NUTRIENT_COLUMNS):
            col = 2 + 3 * k
            known = [a for a in day_amounts[n] if a is not None]
            average = sum(known) / len(known) if known else None
            _put(ws, row, col, average, GRAMS, _BOLD)
            _target_and_percent(ws, row, col, _target_of(plan, n)[0], average)
        for col in range(1, len(headers) + 1):
            ws.cell(row=row, column=col).border = Border(top=_THIN)
        _colour(ws, plan, first_row, row)
    notes_row = row + 2
    week = [shortfall_sentence(s) for s in plan.shortfalls if s.day is None]
    lines = [f"Whole week: {m}" for m in week]
    lines += [
        "% of target: green at or above the target, amber 75-99 %, red below 75 %. Sodium is a ceiling, never a "
        "target: green at or under the limit, red above it. Energy: green inside the daily band.",
        "≥ marks a lower bound and an empty cell a missing value: SR28 lacks the value for some food "
        "(the cell's note names it). Missing is never counted as zero.",
        "Nutrient values: USDA National Nutrient Database for Standard Reference, Release 28 (SR28).",
    ]
    for i, text in enumerate(lines):
        _put(ws, notes_row + i, 1, text)
    ws.freeze_panes = "B2"
    _fit_columns(ws, widest=14)
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions[get_column_letter(len(headers))].width = SHORTFALL_WIDTH
    ws.row_dimensions[1].height = 45
    _print_setup(ws, landscape=True, header="Minerals and energy per day")


def _target_and_percent(ws: Worksheet, row: int, col: int, target: float | None, amount: float | None) -> None:
    """The target and the % of it as numbers (not formulas): readers that take cached values (pandas,
    data_only) see them. A formula is kept only where a person edits inputs (the price total)."""
    if target is not None:
        _put(ws, row, col + 1, float(target), GRAMS)
    share = amount / target if amount is not None and target else None
    _put(ws, row, col + 2, share, PERCENT)


def _colour(ws: Worksheet, plan: Plan, first: int, last: int) -> None:
    """Conditional colours on the % columns (and on amounts above an upper limit)."""
    lo_band, hi_band = 0.9, 1.1
    targets = plan.targets or {}
    kcal, band = targets.get("energy_kcal"), targets.get("energy_range_kcal")
    if kcal and band and len(band) == 2:
        lo_band, hi_band = band[0] / kcal, band[1] / kcal
    for k, n in enumerate(NUTRIENT_COLUMNS):
        col = 2 + 3 * k
        pct = get_column_letter(col + 2)
        ref, cell = f"{pct}{first}:{pct}{last}", f"{pct}{first}"
        _, kind, upper = _target_of(plan, n)
        shown = f"ROUND({cell},2)"     # colour what the cell shows: 99.7 % reads "100%" and is green, not amber
        rules: list[tuple[str, PatternFill]]
        if kind == "min":
            rules = [(f"AND(ISNUMBER({cell}),{shown}>=1)", _GREEN),
                     (f"AND(ISNUMBER({cell}),{shown}>=0.75,{shown}<1)", _AMBER),
                     (f"AND(ISNUMBER({cell}),{shown}<0.75)", _RED)]
        elif kind == "max":
            rules = [(f"AND(ISNUMBER({cell}),{shown}<=1)", _GREEN), (f"AND(ISNUMBER({cell}),{shown}>1)", _RED)]
        elif kind == "energy":
            rules = [(f"AND(ISNUMBER({cell}),{cell}>={lo_band:.4f},{cell}<={hi_band:.4f})", _GREEN),
                     (f"AND(ISNUMBER({cell}),OR({cell}<{lo_band:.4f},{cell}>{hi_band:.4f}))", _AMBER)]
        else:
            rules = []
        for formula, fill in rules:
            ws.conditional_formatting.add(ref, FormulaRule(formula=[formula], fill=fill, stopIfTrue=True))
        if upper is not None:
            amount = get_column_letter(col)
            ws.conditional_formatting.add(
                f"{amount}{first}:{amount}{last}",
                FormulaRule(formula=[f"AND(ISNUMBER({amount}{first}),{amount}{first}>{upper:g})"], fill=_RED))


# --- About -----------------------------------------------------------------------------------------------

ABOUT_WIDTHS = (24, 36, 10, 12, 20, 48, 48)   # columns A-G: shared by the About sheet's tables


def _about_sheet(ws: Worksheet, plan: Plan, days: list[Day], table: FoodTable, chosen: list[int]) -> None:
    row = 1
    _put(ws, row, 1, "About this workbook", font=_TITLE)
    row += 2
    wide = sum(ABOUT_WIDTHS[1:])

    def long_text(r: int, key: str, text: str, font: Font | None = None) -> None:
        """Key in A, text wrapped across B-G, the row tall enough for it."""
        _put(ws, r, 1, key, font=_BOLD).alignment = _WRAP_TOP
        _put(ws, r, 2, text, font=font).alignment = _WRAP_TOP
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=len(ABOUT_WIDTHS))
        _fit_height(ws, r, text, wide)

    long_text(row, "Please read", DISCLAIMER, _BOLD)
    row += 2

    def section(title: str) -> None:
        nonlocal row
        _put(ws, row, 1, title, font=_SECTION)
        row += 1

    def pair(key: str, value) -> None:
        nonlocal row
        if isinstance(value, str) and len(value) > ABOUT_WIDTHS[1]:
            long_text(row, key, value)
        else:
            _put(ws, row, 1, key, font=_BOLD)
            _put(ws, row, 2, value).alignment = Alignment(horizontal="left")
        row += 1

    section("Plan")
    pair("Days", days_text(chosen))
    pair("Made", date.today().isoformat())
    status = plan.status
    said = status.message or status.status.replace("_", " ")
    pair("Solver", said + (f" ({status.solver}, {status.seconds:.1f} s)" if status.solver else ""))
    for note in plan.notes:
        pair("Note", note)
    pair("Nutrient data", "USDA SR28 (National Nutrient Database for Standard Reference, Release 28), "
                          "public domain, through each food's NDB number")
    row += 1

    section("Profile")
    if not plan.profile:
        pair("(none)", "this plan carries no profile")
    for key, value in plan.profile.items():
        if value in (None, "", [], {}):
            continue
        if isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = "; ".join(f"{k}: {v}" for k, v in value.items())
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        pair(_profile_label(key), value if isinstance(value, int | float) else str(value))
    row += 1

    section("Daily targets and their sources")
    _header_at(ws, row, ["Nutrient", "Source", "Min", "Max", "Unit", "Kind", "Note"])
    row += 1
    targets = plan.targets or {}
    if targets.get("energy_kcal"):
        lo_hi = targets.get("energy_range_kcal") or [None, None]
        _put(ws, row, 1, "Energy")
        _put(ws, row, 2, "your profile (estimated or set)")
        _put(ws, row, 3, float(lo_hi[0]) if lo_hi[0] is not None else None, AMOUNT)
        _put(ws, row, 4, float(lo_hi[1]) if lo_hi[1] is not None else None, AMOUNT)
        _put(ws, row, 5, "kcal").alignment = _INDENT
        _put(ws, row, 6, "energy band")
        _put(ws, row, 7, f"target {targets['energy_kcal']:,.0f} kcal a day")
        row += 1
    for key, t in (targets.get("nutrients") or {}).items():
        _put(ws, row, 1, NUTRIENT_LABELS.get(key, key)).alignment = _WRAP_TOP
        _put(ws, row, 2, t.get("source", "")).alignment = _WRAP_TOP
        for col, bound in ((3, "min"), (4, "max")):
            if t.get(bound) is not None:
                _put(ws, row, col, float(t[bound]), "#,##0.0_)" if float(t[bound]) < 10 else AMOUNT).alignment = \
                    Alignment(vertical="top")
        _put(ws, row, 5, t.get("unit", "")).alignment = Alignment(vertical="top", indent=1)
        _put(ws, row, 6, t.get("kind", "")).alignment = _WRAP_TOP
        note = t.get("note", "")
        _put(ws, row, 7, note).alignment = _WRAP_TOP
        _fit_row(ws, row)
        row += 1
    amdr_sources = dict(zip(amdr_table()["field"], amdr_table()["source"], strict=True))
    for key, (lo, hi) in (targets.get("macros_g") or {}).items():
        source = amdr_sources.get(key, "AMDR")
        _put(ws, row, 1, NUTRIENT_LABELS.get(key, key)).alignment = _WRAP_TOP
        _put(ws, row, 2, source).alignment = _WRAP_TOP
        _put(ws, row, 3, float(lo), AMOUNT).alignment = Alignment(vertical="top")
        _put(ws, row, 4, float(hi), AMOUNT).alignment = Alignment(vertical="top")
        _put(ws, row, 5, "g").alignment = Alignment(vertical="top", indent=1)
        _put(ws, row, 6, "AMDR (share of energy)").alignment = _WRAP_TOP
        _fit_row(ws, row)
        row += 1
    for note in targets.get("notes") or []:
        pair("Note", note)
    row += 1

    section("Foods in this plan (USDA SR28)")
    _header_at(ws, row, ["Food id", "Name", "NDB", "Bought NDB", "Articles", "SR28 name", "Bought as (SR28 name)"])
    row += 1
    used = sorted({it.food_id for d in days for it in d.items()})
    articles: dict[str, list[str]] = {}
    for fid in used:
        food = table.get(fid)
        values = (food.id, food.name, food.ndb, food.bought_ndb, ", ".join(food.articles), food.sr28_name or food.name,
                  food.bought_name)
        for col, value in enumerate(values, start=1):
            _put(ws, row, col, value).alignment = _WRAP_TOP
        _fit_row(ws, row)
        for a in food.articles:
            articles.setdefault(a, []).append(food.name)
        row += 1
    row += 1

    section("Articles")
    _put(ws, row, 1, "The foods come from five articles on calf cramps (seed files 000-004 of the project); "
                     "each food lists the articles that recommend it.")
    row += 1
    _header_at(ws, row, ["Article", "Foods in this plan it recommends"])
    row += 1
    if not articles:
        _put(ws, row, 2, "none of this plan's foods is named in the articles (everyday staples)")
        row += 1
    for a in sorted(articles):
        long_text(row, a, "; ".join(sorted(articles[a])))
        ws.cell(row=row, column=1).font = _PLAIN
        row += 1
    for col, width in enumerate(ABOUT_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    _print_setup(ws, landscape=True, title_rows=None, header="About this workbook")


def _profile_label(key: str) -> str:
    """'weight_kg' -> 'Weight (kg)', 'target_set' -> 'Target set'."""
    for unit in ("kg", "cm", "kcal"):
        if key.endswith("_" + unit):
            return f"{key[: -len(unit) - 1].replace('_', ' ').capitalize()} ({unit})"
    return key.replace("_", " ").capitalize()


def _fit_height(ws: Worksheet, row: int, text: str, width_chars: float) -> None:
    """Row height for wrapped text (spreadsheets do not always grow rows for wrapped text on open)."""
    lines = max(1, -(-len(text) // max(1, int(width_chars * 1.15))))
    if lines > 1:
        current = ws.row_dimensions[row].height or 15
        ws.row_dimensions[row].height = max(current, 14 * lines + 2)


def _fit_row(ws: Worksheet, row: int) -> None:
    """Grow a row of the About sheet's tables to its longest wrapped cell."""
    for col, width in enumerate(ABOUT_WIDTHS, start=1):
        value = ws.cell(row=row, column=col).value
        if isinstance(value, str):
            _fit_height(ws, row, value, width)


def _header_at(ws: Worksheet, row: int, headers: list[str]) -> None:
    for col, text in enumerate(headers, start=1):
        cell = _put(ws, row, col, text, font=_BOLD)
        cell.fill = _HEADER_FILL
        cell.border = Border(bottom=_THIN)
