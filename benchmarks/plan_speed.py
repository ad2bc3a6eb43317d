"""How fast the planner is, and what its speed costs. Prints medians; it is not a timed test.

    .venv/bin/python benchmarks/plan_speed.py [--repeats 5] [--week-seconds 120] [--skip-full]

- wall time of `make_plan` (model building, every solve and the shortfall analysis included) for a
  default adult: 1, 7 and 14 days on the shipped table, and 1 day on the full SR28 catalogue (imported
  to a temporary folder from ../shared/usda-sr28 when it is there; skipped otherwise);
- quality: the fast week's objective against the whole-week reference model (planner/optimise/whole_week.py)
  given a long time limit, and against that model's lower bound.

Targets (issue 3): 7 days at most 2 s median on the shipped table; 1 day on the full catalogue at most 5 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from foods import load_table  # noqa: E402
from foods.sr28 import default_sr28_dir  # noqa: E402
from planner.optimise import distinct_foods, make_plan, solve_whole_week, week_objective  # noqa: E402
from planner.profile import Profile  # noqa: E402


def timed(profile: Profile, table, days: int, repeats: int) -> tuple[float, list[float], object]:
    """Median wall seconds over `repeats` plans (seeds 0..repeats-1), the runs, and the last plan."""
    runs, plan = [], None
    for seed in range(repeats):
        began = time.perf_counter()
        plan = make_plan(profile, table, days, seed=seed)
        runs.append(time.perf_counter() - began)
    return statistics.median(runs), runs, plan


def line(label: str, median: float, runs: list[float], plan, target: float | None = None) -> str:
    verdict = ""
    if target is not None:
        verdict = f"  (target <= {target:.0f} s: {'met' if median <= target else 'MISSED'})"
    status = plan.status.status if plan is not None else "-"
    return (f"{label:<34} median {median:6.2f} s   runs {', '.join(f'{r:.2f}' for r in runs)}   "
            f"status {status}, {len(plan.shortfalls)} shortfalls{verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--week-seconds", type=float, default=120.0, help="time limit of the whole-week model")
    parser.add_argument("--skip-full", action="store_true", help="skip the full SR28 catalogue")
    args = parser.parse_args()
    profile = Profile()
    table = load_table()
    make_plan(profile, table, 1)   # warm-up: imports, table arrays
    print(f"Shipped table: {len(table)} foods; default adult ({profile.sex}, {profile.age} y, {profile.activity})")
    results = {}
    for days, target in ((1, None), (7, 2.0), (14, None)):
        median, runs, plan = timed(profile, table, days, args.repeats)
        results[days] = plan
        print(line(f"{days} day{'s' if days > 1 else ''}, shipped table", median, runs, plan, target))

    sr28 = default_sr28_dir()
    if args.skip_full:
        print("1 day, full SR28 catalogue          skipped (--skip-full)")
    elif not (sr28 / "ABBREV.txt").is_file():
        print(f"1 day, full SR28 catalogue          skipped: no SR28 at {sr28}")
    else:
        from foods.catalog import import_sr28

        with tempfile.TemporaryDirectory() as folder:
            began = time.perf_counter()
            count = import_sr28(sr28, Path(folder))
            full = load_table(folder)
            print(f"Full catalogue: {count} foods (import and load {time.perf_counter() - began:.1f} s, once)")
            make_plan(profile, full, 1)   # warm-up: the catalogue's arrays
            median, runs, plan = timed(profile, full, 1, args.repeats)
            print(line("1 day, full SR28 catalogue", median, runs, plan, 5.0))

    fast = results[7]
    print(f"\nQuality, 7 days: the whole-week model with a {args.week_seconds:g} s limit (a relaxation: it "
          "leaves out 'no identical days' and 'no repeated meals')")
    began = time.perf_counter()
    ref = solve_whole_week(profile, table, 7, time_limit=args.week_seconds)
    took = time.perf_counter() - began
    fast_obj = week_objective(fast, table)
    print(f"  fast day-by-day   objective {fast_obj:9.3f}   distinct foods {distinct_foods(fast)}")
    if ref.plan is None:
        print(f"  whole week        no plan ({ref.status.status}: {ref.status.message}) after {took:.1f} s")
    else:
        ref_obj = week_objective(ref.plan, table)
        print(f"  whole week        objective {ref_obj:9.3f}   distinct foods {distinct_foods(ref.plan)}   "
              f"({ref.status.status}, {took:.1f} s)")
        print(f"  fast vs whole week: {100 * (fast_obj - ref_obj) / ref_obj:+.2f} %")
    if ref.bound:
        print(f"  whole-week lower bound {ref.bound:9.3f}: the fast week is within "
              f"{100 * (fast_obj - ref.bound) / ref.bound:.2f} % of the best any week could be")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
