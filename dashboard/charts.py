"""Altair charts: meals stacked against the target line, a week heatmap of % of target, the diary's history.

Charts take the frames from dashboard.frames and return Altair objects; they never fix a width, so the
page stretches them to the screen (a phone included).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable

import altair as alt
import pandas as pd

from planner.plan import SLOT_LABELS
from planner.rules import meal_slots

MEAL_ORDER = [SLOT_LABELS.get(s, s) for s in meal_slots()]
MEAL_COLOURS = ["#f2c14e", "#a1c181", "#4d9078", "#f78154", "#5b5f97"]
_PCT_DOMAIN = [0, 50, 100, 150]
_PCT_RANGE = ["#d7301f", "#fdae61", "#a6d96a", "#1a9641"]
_DAY_NUMBER = "replace(datum.label, 'Day ', '')"   # 'Day 3' -> '3': seven labels fit a phone's width


def meals_against_target(long: pd.DataFrame, nutrient_label: str, unit: str, minimum: float | None,
                         maximum: float | None = None, height: int = 320) -> alt.LayerChart | alt.Chart:
    """Bars per day stacked by meal, with the day's target as a dashed rule (and an upper limit, if any)."""
    bars = alt.Chart(long).mark_bar().encode(
        x=alt.X("day_label:N", title="Day", sort=None, axis=alt.Axis(labelAngle=0, labelExpr=_DAY_NUMBER)),
        y=alt.Y("sum(amount):Q", title=f"{nutrient_label} ({unit})"),
        color=alt.Color("meal:N", title=None, sort=MEAL_ORDER,
                        scale=alt.Scale(domain=MEAL_ORDER, range=MEAL_COLOURS),
                        legend=alt.Legend(orient="bottom", columns=2, symbolType="square")),
        order=alt.Order("meal_order:Q"),
        tooltip=[alt.Tooltip("day_label:N", title="Day"), alt.Tooltip("meal:N", title="Meal"),
                 alt.Tooltip("amount:Q", title=unit, format=",.0f")],
    )
    lines = []
    if minimum:
        lines.append({"value": minimum, "line": f"target {minimum:,.0f} {unit}"})
    if maximum:
        lines.append({"value": maximum, "line": f"upper limit {maximum:,.0f} {unit}"})
    if not lines:
        return bars.properties(height=height)
    names = [ln["line"] for ln in lines]
    rules = alt.Chart(pd.DataFrame(lines)).mark_rule(strokeWidth=2, color="#b2182b").encode(
        y="value:Q",
        strokeDash=alt.StrokeDash("line:N", title=None, scale=alt.Scale(domain=names, range=[[6, 3], [2, 2]][:len(names)]),
                                  legend=alt.Legend(orient="top", symbolStrokeColor="#b2182b")),
        tooltip=[alt.Tooltip("line:N", title="Line")])
    return alt.layer(bars, rules).resolve_legend(color="independent", strokeDash="independent").properties(
        height=height)


def week_heatmap(pct: pd.DataFrame, height: int = 180) -> alt.LayerChart:
    """Days across, nutrients down; each cell coloured and labelled with the % of the day's target."""
    data = pct.dropna(subset=["percent"])
    base = alt.Chart(data).encode(
        x=alt.X("day_label:N", title="Day", sort=None,
                axis=alt.Axis(labelAngle=0, orient="top", labelExpr=_DAY_NUMBER)),
        y=alt.Y("nutrient:N", title=None, sort=None),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("percent:Q", title="% of target",
                        scale=alt.Scale(domain=_PCT_DOMAIN, range=_PCT_RANGE, clamp=True),
                        legend=alt.Legend(orient="right", gradientLength=90, titleOrient="left")),
        tooltip=[alt.Tooltip("day_label:N", title="Day"), alt.Tooltip("nutrient:N", title="Nutrient"),
                 alt.Tooltip("amount:Q", title="Amount", format=",.0f"),
                 alt.Tooltip("target:Q", title="Target", format=",.0f"),
                 alt.Tooltip("percent:Q", title="% of target")],
    )
    text = base.mark_text(fontSize=12).encode(text=alt.Text("percent:Q", format=".0f"), color=alt.value("black"))
    return alt.layer(cells, text).properties(height=height)


def percent_bars(frame: pd.DataFrame, height: int = 200) -> alt.LayerChart:
    """Horizontal bars: % of target per nutrient (frame: nutrient, percent, amount, target), 100 % line."""
    bars = alt.Chart(frame).mark_bar().encode(
        y=alt.Y("nutrient:N", title=None, sort=None),
        x=alt.X("percent:Q", title="% of target", scale=alt.Scale(domainMin=0)),
        color=alt.Color("percent:Q", legend=None, scale=alt.Scale(domain=_PCT_DOMAIN, range=_PCT_RANGE, clamp=True)),
        tooltip=[alt.Tooltip("nutrient:N", title="Nutrient"), alt.Tooltip("amount:Q", title="Eaten", format=",.0f"),
                 alt.Tooltip("target:Q", title="Target", format=",.0f"), alt.Tooltip("percent:Q", title="%")],
    )
    rule = alt.Chart(pd.DataFrame({"x": [100]})).mark_rule(strokeDash=[6, 3], color="#b2182b").encode(x="x:Q")
    return alt.layer(bars, rule).properties(height=height)


def diary_history(frame: pd.DataFrame, height: int = 260) -> alt.LayerChart:
    """Lines of % of target per nutrient over the diary's dates (frame: date, nutrient, percent), 100 % rule."""
    lines = alt.Chart(frame).mark_line(point=True).encode(
        # one tick a day, at most (a time axis over two days otherwise ticks every few hours: '27 Nov' twelve times)
        x=alt.X("yearmonthdate(date):T", title=None,
                axis=alt.Axis(format="%d %b", tickCount={"interval": "day", "step": 1}, labelOverlap=True)),
        y=alt.Y("percent:Q", title="% of target", scale=alt.Scale(domainMin=0)),
        color=alt.Color("nutrient:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("date:T", title="Date", format="%a %d %b %Y"), alt.Tooltip("nutrient:N"),
                 alt.Tooltip("percent:Q", title="% of target")],
    )
    rule = alt.Chart(pd.DataFrame({"y": [100]})).mark_rule(strokeDash=[6, 3], color="#b2182b").encode(y="y:Q")
    return alt.layer(lines, rule).properties(height=height)


def top_foods(frame: pd.DataFrame, value: str, title: str, height: int | None = None) -> alt.Chart:
    """Horizontal bars of the richest foods (frame: name, value column), best at the top."""
    return alt.Chart(frame).mark_bar(color="#4d9078").encode(
        y=alt.Y("name:N", title=None, sort="-x", axis=alt.Axis(labelLimit=160)),
        x=alt.X(f"{value}:Q", title=title),
        tooltip=[alt.Tooltip("name:N", title="Food"), alt.Tooltip(f"{value}:Q", title=title, format=",.0f")],
    ).properties(height=height or 60 + 24 * len(frame))


def spec(build: Callable[..., alt.TopLevelMixin], frame: pd.DataFrame, *args) -> dict:
    """The Vega-Lite spec of `build(frame, *args)`, for st.vega_lite_chart, drawn on a canvas. The chart is built
    and checked by Altair once per kind, columns and arguments; after that only its data is put in, so the page
    answers an adjustment without building the chart again (Altair takes tens of milliseconds per chart)."""
    template, name = _template(build, tuple(frame.columns), tuple(str(t) for t in frame.dtypes), args)
    out = copy.deepcopy({k: v for k, v in template.items() if k != "datasets"})
    out["datasets"] = {k: (frame if k == name else v) for k, v in template["datasets"].items()}
    # drawn on a canvas: as SVG an edit's redraw changed some 400 nodes of the page (each bar, cell and label),
    # and the browser laid them out again on every adjustment
    out["usermeta"] = {**out.get("usermeta", {}), "embedOptions": {"renderer": "canvas"}}
    return out


@functools.lru_cache(maxsize=64)
def _template(build, columns: tuple[str, ...], dtypes: tuple[str, ...], args: tuple) -> tuple[dict, str]:
    """(spec, name of the frame's dataset) of the chart drawn from an empty frame of these columns."""
    empty = pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(columns, dtypes, strict=True)})
    chart = build(empty, *args).to_dict()
    name = next(k for k, v in chart["datasets"].items() if v == [])
    return chart, name
