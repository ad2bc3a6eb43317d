"""Check a day: what was eaten (a table and free text) against the targets, the fixes, and the diary."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import charts, frames, state
from foods.intake import IntakeError, parse_rows, parse_text
from planner.check import CheckReport, check_day
from planner.errors import PlannerError
from planner.render import status_words
from planner.supplements import (
    SupplementItem,
    amounts_text,
    from_record,
    read_supplement,
    split_supplements,
    warnings_for,
)

CEILING_WORDS = {   # what each ceiling (by the nutrient's status) means, said once under the ceilings crossed
    "above_ul": "An upper limit (UL) is the most that is safe to eat day after day; more is not better.",
    "above_cdrr": "The sodium ceiling (CDRR) is a limit, not a goal: above it, eating less lowers the risk of chronic "
            "disease.",
    "above_limit": "Your limit is the one set in your profile (for example by your clinician).",
}
EMPTY_ROWS = pd.DataFrame({"food": pd.Series(dtype="str"), "amount": pd.Series(dtype="float"),
                           "unit": pd.Series(dtype="str")})
EXAMPLE = "2 bananas\n30 g almonds\n1 cup milk\nhalf a cup of cooked buckwheat"

table = state.food_table()
ss = st.session_state
ss.setdefault("intake_rows", EMPTY_ROWS.copy())
ss.setdefault("intake_version", 0)
ss.setdefault("check_report", None)     # CheckReport of the last check
ss.setdefault("check_errors", [])       # LineError / messages of the last check


def editor_key() -> str:
    return f"intake_editor_{ss.intake_version}"


def plain_amount(value):
    """The table's amount as a person wrote it: 126.0 -> 126, an empty cell -> None (one portion)."""
    if value is None or value != value:
        return None
    return int(value) if float(value).is_integer() else value


def current_rows() -> pd.DataFrame:
    """The table as edited now (the editor's returned frame, or the base rows before the first run)."""
    return ss.get("intake_edited", ss.intake_rows)


def row_supplements(records: list[dict]) -> tuple[list[dict], list[SupplementItem], list[str]]:
    """The table's rows with each supplement row ('Magne B6', amount 2) left blank (parse_rows skips a blank
    row, so the others keep their numbers), the supplements read as a CSV's rows are (the amount, then the
    name: planner.supplements.read_supplement), and one message per row that names a supplement badly."""
    kept, found, errors = [], [], []
    for number, row in enumerate(records, start=1):
        try:
            item = read_supplement(f"{row.get('amount') or ''} {row['food']}".strip(), number)
        except PlannerError as exc:
            errors.append(f"Table row {number}: {str(exc).removeprefix(f'line {number}: ')}")
            item = None
        kept.append(row if item is None else {})
        found += [item] if item is not None else []
    return kept, found, errors


def run_check(rows: pd.DataFrame, text: str) -> None:
    """Read the table and the text, check them; line errors are kept for display next to the inputs."""
    ss.check_errors, ss.check_report = [], None
    items = []
    records = [{**r, "amount": plain_amount(r.get("amount"))} for r in rows.to_dict("records")
               if str(r.get("food") or "").strip()]
    records, supplements, errors = row_supplements(records)
    if any(records):
        try:
            items += parse_rows(records, table)
        except IntakeError as exc:
            errors += [f"Table row {e.line} '{e.text}': {e.message}" for e in exc.errors] or [str(exc)]
    if text.strip():
        try:  # supplement lines ("2 Magne B6") first: they count in the totals, not as foods
            text, typed, any_food = split_supplements(text)
            supplements += typed
            items += parse_text(text, table) if any_food else []
        except IntakeError as exc:
            errors += [f"Text line {e.line} '{e.text}': {e.message}" for e in exc.errors] or [str(exc)]
        except PlannerError as exc:
            errors.append(f"Text {exc}")
    if errors:
        ss.check_errors = errors
        return
    if not items and not supplements:
        ss.check_errors = ["Nothing to check yet: type what you ate, one food a line, or fill the table."]
        return
    ss.check_report = check_day(items, state.profile(), table, supplements=supplements)


def show_diary_supplements(days) -> None:
    """The supplements saved with the diary's days (name, what was written, what they add, counted in the day's
    totals above) and each day's supplement warnings for the current profile, as `mineral-planner diary` prints
    them: the magnesium upper limit counts supplements only, and potassium preparations get a strong warning
    with kidney disease or a potassium-raising medicine."""
    taken = {d.date: [from_record(r) for r in d.supplements] for d in days if d.supplements}
    if not taken:
        return
    st.markdown("**Supplements** (counted in the day's totals)")
    st.dataframe(pd.DataFrame([{"Date": day, "Supplement": s.name, "You wrote": s.text or f"{s.count:g} {s.name}",
                                "Adds": amounts_text(s.amounts)} for day, items in taken.items() for s in items]),
                 hide_index=True, width="stretch")
    for day, items in taken.items():
        for warning in warnings_for(items, state.profile()):
            st.error(f"{day:%d %B %Y}: {warning}")


def joined(words: list[str]) -> str:
    """'calcium', 'calcium and sodium', 'calcium, sodium and retinol'."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def show_above_limits(report: CheckReport) -> None:
    """The ceilings crossed today (calcium UL, sodium CDRR, a clinician's limit), with the foods behind them."""
    if not report.above_limits:
        return
    lines = [f"- {a['text']}" for a in report.above_limits]
    kinds = dict.fromkeys(report.status[a["nutrient"]].status for a in report.above_limits)
    meaning = [CEILING_WORDS[k] for k in kinds if k in CEILING_WORDS]
    st.warning("**Above a limit today**\n" + "\n".join(lines) + "\n\n"
               + " ".join([*meaning, "Less of the foods named brings the day back under."]))


def add_suggestion(index: int) -> None:
    """Put a suggested food into the table, then check again."""
    report: CheckReport = ss.check_report
    s = report.suggestions[index]
    row = pd.DataFrame([{"food": table.get(s.food_id).name, "amount": round(float(s.grams), 1), "unit": "g"}])
    ss.intake_rows = pd.concat([current_rows(), row], ignore_index=True)
    ss.pop("intake_edited", None)
    ss.intake_version += 1
    run_check(ss.intake_rows, ss.get("intake_text", ""))


st.title("Check a day")
st.write("Write what you ate, in your own words or in the table, then press **Check this day**. "
         "Amounts can be grams, cups, spoons, slices or sizes (small, medium, large).")

if editor_key() not in ss and "intake_edited" in ss:   # back from another page: the edits were forgotten
    ss.intake_rows = ss.intake_edited
state.persist("check_date", dt.date.today() - dt.timedelta(days=1))
state.persist("intake_text", "")
day = st.date_input("Day", key="check_date", max_value=dt.date.today(), format="YYYY-MM-DD")
left, right = st.columns(2)
with left:
    text = st.text_area("What you ate (one food a line)", key="intake_text", height=180, placeholder=EXAMPLE)
with right:
    st.caption("Or use the table: one food a row (add rows at the bottom).")
    ss.intake_edited = st.data_editor(
        ss.intake_rows, key=editor_key(), num_rows="dynamic", hide_index=True, width="stretch",
        column_config={
            "food": st.column_config.TextColumn("Food", help="A name such as banana, lentils or kefir"),
            "amount": st.column_config.NumberColumn("Amount", min_value=0.0, help="A number; empty = one portion"),
            "unit": st.column_config.TextColumn("Unit", help="g, cup, tbsp, slice, medium…; empty = portions"),
        })
if st.button("Check this day", type="primary", key="check_run"):
    run_check(current_rows(), text)

for message in ss.check_errors:
    st.error(state.for_people(message))

report: CheckReport | None = ss.check_report
if report is not None:
    st.header(f"Your day, {day:%A %d %B}")
    status = report.status
    cols = st.columns(3)
    for col, key in zip(cols, frames.MINERALS, strict=True):
        s = status[key]
        shown = "unknown" if s.total is None else f"{s.total:,.0f}{'+' if s.lower_bound else ''} {s.unit}"
        delta = None if s.pct is None or not s.goal else f"{s.pct:.0f} % of {s.min:,.0f}"
        col.metric(frames.nutrient_name(key), shown, delta=delta, delta_color="off", delta_arrow="off",
                   help=status_words(s.status))
    bars = pd.DataFrame([{"nutrient": frames.nutrient_name(k), "percent": round(status[k].pct),
                          "amount": status[k].total, "target": status[k].min or status[k].max}
                         for k in frames.SHOWN if k in status and status[k].pct is not None])
    if not bars.empty:
        st.altair_chart(charts.percent_bars(bars), width="stretch")
        st.caption("Sodium is shown as % of its ceiling (not a target); energy as % of your daily budget.")
    rows = []
    for k, s in status.items():
        rows.append({"Nutrient": frames.nutrient_name(k), "Eaten": frames.amount_text(s.total, s.unit, s.lower_bound),
                     "Status": status_words(s.status), "Target": frames.range_text(s.min, s.max, s.unit)})
        if s.counted is not None:   # calcium: oxalate greens' calcium is shown but does not count toward the goal
            rows.append({"Nutrient": "  of which well absorbed", "Eaten": frames.amount_text(s.counted, s.unit),
                         "Status": "counts toward the goal", "Target": ""})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    show_above_limits(report)

    st.subheader("How each line was read")
    read = pd.DataFrame([{"You wrote": i.text, "Food": i.food.name, "Grams": round(i.grams), "Read as": i.reading}
                         for i in report.items])
    st.dataframe(read, hide_index=True, width="stretch")
    if report.supplements:
        st.markdown("**Supplements** (counted in the totals)\n" + "\n".join(
            f"- {s.text}: {s.name}, {s.reading} _({s.source})_" for s in report.supplements))
    for warning in report.supplement_warnings:
        st.error(warning)

    st.subheader("Where it came from")
    ccols = st.columns(3)
    for col, key in zip(ccols, frames.MINERALS, strict=True):
        top = report.contributors.get(key, [])
        lines = [f"- {c['name']}: {c['amount']:,.0f} mg" + (f" ({c['share_pct']:.0f} %)" if c["share_pct"] else "")
                 for c in top]
        col.markdown(f"**{frames.nutrient_name(key)}**\n" + ("\n".join(lines) if lines else "\nnothing yet"))

    if report.suggestions:
        st.subheader("To close the gaps, add")
        for i, s in enumerate(report.suggestions):
            c1, c2 = st.columns([4, 1], vertical_alignment="center")
            c1.write(f"**{s.name}**: {s.text}")
            c2.button("Add", key=f"add_suggestion_{i}", on_click=add_suggestion, args=(i,))
    elif report.gaps:
        st.info("No addition within today's energy budget closes the gaps.")
    elif report.above_limits:     # no goal short, but a ceiling crossed: never a plain 'all is well'
        over = [(n := frames.nutrient_name(a["nutrient"]))[0].lower() + n[1:] for a in report.above_limits]
        st.warning(f"No mineral goal is short today, but {joined(over)} {'is' if len(over) == 1 else 'are'} above "
                   f"{'its' if len(over) == 1 else 'their'} limit: see 'Above a limit today' above.")
    else:
        st.success("Every mineral target is met today, and no limit is crossed.")
    for gap in report.gaps_unclosed:
        st.warning(gap.text[0].upper() + gap.text[1:])
    for note in report.limit_notes:
        rest = note.text.removeprefix(note.title)       # the text opens with the title (the CLI shows it alone)
        said = f"**{note.title}**" + (rest if rest != note.text else f": {note.text}")
        where = "; ".join(state.article_name(a) for a in note.articles)
        st.warning(f"{said}  \n_({where}; {note.source})_")
    for note in report.notes:
        st.caption(state.for_people(note))

    with st.container(border=True):
        note = st.text_input("Note for the diary (optional)", key="diary_note", placeholder="e.g. cramp at night")
        if st.button("Save to diary", key="diary_save"):
            replaced = state.store().save_day(day, [i.to_dict() for i in report.items], report.totals, note,
                                              profile=ss.profile_name,
                                              supplements=[s.to_dict() for s in report.supplements])
            st.success(f"{day:%A %d %B} saved to the diary" + (" (replacing the earlier entry)." if replaced else "."))

st.header("Diary")
st.caption(f"The days saved for profile **{ss.profile_name}**; each profile keeps its own diary.")
state.show_flash("diary")
state.persist("diary_start", dt.date.today() - dt.timedelta(days=30))
start = st.date_input("Show from", key="diary_start",
                      format="YYYY-MM-DD")
days = state.store().diary(start, dt.date.today(), profile=ss.profile_name)   # this person's diary only
if not days:
    st.caption("No day saved yet: check a day and press **Save to diary**.")
else:
    t = state.targets()
    history = []
    for d in days:
        for key in frames.MINERALS:
            lo, value = t.minimum(key), d.totals.get(key)
            if lo and value is not None:
                history.append({"date": pd.Timestamp(d.date), "nutrient": frames.nutrient_name(key),
                                "percent": round(100 * value / lo)})
    if history:
        st.altair_chart(charts.diary_history(pd.DataFrame(history)), width="stretch")
        st.caption("% of today's targets for your current profile.")
    listing = pd.DataFrame([{"Date": d.date, "Foods": len(d.items), "Supplements": len(d.supplements),
                             "Calcium (mg)": d.totals.get("calcium_mg"),
                             "Magnesium (mg)": d.totals.get("magnesium_mg"),
                             "Potassium (mg)": d.totals.get("potassium_mg"), "Note": d.note} for d in days])
    st.dataframe(listing, hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format="%.0f")
                                for c in ("Calcium (mg)", "Magnesium (mg)", "Potassium (mg)")})
    show_diary_supplements(days)
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    gone = c1.selectbox("Remove a day", [d.date for d in days], index=None, key="diary_remove_pick",
                        placeholder="choose a date")
    if c2.button("Remove", key="diary_remove", disabled=gone is None):
        state.store().delete_day(gone, profile=ss.profile_name)
        state.flash("info", f"{gone:%d %B %Y} removed from the diary.", "diary")
        st.rerun()
