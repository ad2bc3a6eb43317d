"""Do the plans read like a dietitian's? Prints, per profile, every target issue 10 names with pass or fail.

    .venv/bin/python benchmarks/realism.py [--days 7] [--seed 0] [--profile "vegan athlete"]

Per profile (young woman, pregnant, older man on a thiazide, vegan athlete, lactose-free kidney patient
with a potassium max of 2,000 mg): days within ±5 % of the energy target, days meeting the protein floor,
lunches and dinners with their protein (20 g, 25 g from 65), meals with more than one starch, milk, legume
or main protein food, meals that follow no pattern, vegetable and fruit grams per day (min-max), distinct
foods (raw and cooked as one) and shopping rows per week, the share of meals that are named dishes, the
share of the perishable bought grams that is eaten, and whether two runs gave byte-identical JSON; then seconds per
run, the solver's status, how far the days' energy is from the target, shortfalls and the dishes used. The targets live in planner/optimise/realism.py.
Exit code 0 whatever the figures: this measures, the tests enforce.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from foods import load_table  # noqa: E402
from planner.optimise import make_plan  # noqa: E402
from planner.optimise.realism import checks, realism  # noqa: E402
from planner.plan import day_totals, plan_to_dict  # noqa: E402
from planner.profile import Profile  # noqa: E402
from planner.render import shortfall_sentence  # noqa: E402
from planner.targets import targets_for  # noqa: E402

PROFILES = {
    "young woman": Profile(sex="female", age=25),
    "pregnant": Profile(sex="female", age=30, pregnancy="trimester2"),
    "older man, thiazide": Profile(sex="male", age=74, conditions=["thiazide_diuretic"]),
    "vegan athlete": Profile(sex="male", age=25, weight_kg=75, height_cm=180, activity="very_active", diet="vegan"),
    "kidney, lactose-free, K<=2000": Profile(sex="female", age=60, exclude=["lactose"],
                                             conditions=["kidney_disease"],
                                             targets={"potassium_mg": {"max": 2000}}),
}


def _json(plan, table) -> str:
    return json.dumps({k: v for k, v in plan_to_dict(plan, table).items() if k != "status"}, sort_keys=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", choices=sorted(PROFILES), action="append",
                        help="only this profile (may be given more than once)")
    args = parser.parse_args()
    table = load_table()
    summary = []
    for label in args.profile or PROFILES:
        profile = PROFILES[label]
        targets = targets_for(profile)
        runs, texts = [], []
        for _ in range(2):
            began = time.perf_counter()
            plan = make_plan(profile, table, args.days, seed=args.seed)
            runs.append(time.perf_counter() - began)
            texts.append(_json(plan, table))
        r = realism(plan, table, profile, targets)
        results = checks(r, identical=texts[0] == texts[1])
        protein = targets.items.get("protein_g")
        floor = f"{protein.min:g} g" if protein and protein.min else "none (kidney disease without a stage)"
        print(f"{label}: energy {targets.energy_kcal:,.0f} kcal, protein floor {floor}, solver {plan.status.status}, "
              f"seconds {runs[0]:.1f} / {runs[1]:.1f}")
        width = max(len(c.name) for c in results)
        for c in results:
            print(f"  {'pass' if c.ok else 'FAIL'}  {c.name:<{width}}  {c.value:>9}   target {c.target}")
        off = [abs(day_totals(table, d).values["energy_kcal"] / targets.energy_kcal - 1) for d in plan.days]
        print(f"  energy off target: mean {sum(off) / len(off):.1%}, most {max(off):.1%}")
        print(f"  shortfalls: {len(plan.shortfalls)}"
              + "".join(f"; {shortfall_sentence(s)}" for s in plan.shortfalls[:3]))
        used = Counter(m.dish for d in plan.days for m in d.meals if m.dish)
        print(f"  dishes used ({len(used)}): " + ", ".join(f"{name} x{n}" if n > 1 else name
                                                          for name, n in sorted(used.items())))
        summary.append((label, sum(c.ok for c in results), len(results), [c.name for c in results if not c.ok]))
    print("\ntargets met per profile:")
    for label, met, total, missed in summary:
        print(f"  {label}: {met}/{total}" + (f" (missed: {'; '.join(missed)})" if missed else ""))


if __name__ == "__main__":
    main()
