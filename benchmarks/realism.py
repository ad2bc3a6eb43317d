"""Do the plans read like a dietitian's? Prints, per profile, the figures issue 10 sets targets for.

    .venv/bin/python benchmarks/realism.py [--days 7] [--seed 0]

Per profile (young woman, pregnant, older man on a thiazide, vegan athlete, lactose-free kidney patient
with a potassium max of 2,000 mg): days within ±5 % of the energy target, days meeting the protein floor,
main meals with their per-meal protein (20 g, 25 g from 65), meals with more than one starch, milk,
legume or main protein food, meals that follow no pattern, vegetable and fruit grams per day (min-max),
distinct foods (raw and cooked as one) and shopping rows per week, the share of meals that are named
dishes, whether two runs gave byte-identical JSON, and seconds per run.

Targets: every day on energy and protein, every main meal's protein, 0 meals over one, 0 off pattern,
vegetables 250-600 g, fruit at most ~400 g, 30-45 distinct foods, at most ~45 shopping rows, identical runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from foods import load_table  # noqa: E402
from planner.optimise import make_plan  # noqa: E402
from planner.optimise.realism import realism  # noqa: E402
from planner.plan import plan_to_dict  # noqa: E402
from planner.profile import Profile  # noqa: E402
from planner.shopping import shopping_list  # noqa: E402
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    table = load_table()
    for label, profile in PROFILES.items():
        targets = targets_for(profile)
        runs, texts = [], []
        for _ in range(2):
            began = time.perf_counter()
            plan = make_plan(profile, table, args.days, seed=args.seed)
            runs.append(time.perf_counter() - began)
            texts.append(json.dumps({k: v for k, v in plan_to_dict(plan, table).items() if k != "status"},
                                    sort_keys=True))
        r = realism(plan, table, profile, targets)
        rows = len(shopping_list(plan, table).items)
        protein = targets.items.get("protein_g")
        floor = f"{protein.min:g} g" if protein and protein.min else "none (kidney disease without a stage)"
        print(f"{label}: energy {targets.energy_kcal:,.0f} kcal, protein floor {floor}, solver {plan.status.status}")
        print(f"  days within ±5 % energy {r.days_energy_on_target}/{r.days}, protein floor "
              f"{r.days_protein_floor}/{r.days}, main meals with their protein {r.main_meals_protein}/{r.main_meals}")
        print(f"  meals with >1 starch/milk/legume/protein {r.meals_over_one}, off pattern {r.meals_off_pattern}, "
              f"named dishes {r.dish_share:.0%}")
        print(f"  vegetables {r.vegetable_grams[0]:.0f}-{r.vegetable_grams[1]:.0f} g/day, fruit "
              f"{r.fruit_grams[0]:.0f}-{r.fruit_grams[1]:.0f} g/day")
        print(f"  distinct foods {r.distinct_foods}, shopping rows {rows}, two runs identical "
              f"{'yes' if texts[0] == texts[1] else 'NO'}, seconds {runs[0]:.1f} / {runs[1]:.1f}")
        print(f"  shortfalls: {len(plan.shortfalls)}" + "".join(f"; {s.message()}" for s in plan.shortfalls[:3]))


if __name__ == "__main__":
    main()
