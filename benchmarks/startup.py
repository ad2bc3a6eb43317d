"""How fast each command starts, as a person runs it. Prints figures; it is not a timed test.

    .venv/bin/python benchmarks/startup.py [--runs 5] [--command "foods search buckwheat"]

- per command: the median wall time of the installed console script as a process, and its median CPU time
  (user + system; steadier than wall time on a shared machine). One warm-up run first, so the food table's
  snapshot (foods/snapshot.py) and Python's bytecode caches exist, as they do for a person after the first run;
- for `foods search buckwheat` (or --command): the imports that cost most by `python -X importtime`, as
  top-level packages (cumulative) and as single modules (self time).

Target (issue 13): at most 0.3 s for the commands that do not solve; highspy, pulp and streamlit never load
for them (tests/test_cli_process.py proves that part).
"""

from __future__ import annotations

import argparse
import os
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCRIPT = Path(sys.executable).with_name("mineral-planner")
COMMANDS = ("--help", "profile list", "diary show", "plan --seed -1", "plan edit --help", "foods search buckwheat",
            "foods show banana", "foods list --tag vegan", "foods top magnesium", "check - --no-suggest",
            "plan --days 1")
SOLVING = {"plan --days 1"}   # shown for comparison: a command that solves pays for pandas and the solver
TARGET_S = 0.3
STDIN = "1 banana\n30 g almonds\n"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str], env: dict) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of the console script."""
    cpu, began = _children_cpu(), time.perf_counter()
    subprocess.run([str(SCRIPT), *argv], input=STDIN, capture_output=True, text=True, env=env, check=False)
    return time.perf_counter() - began, _children_cpu() - cpu


def import_costs(argv: list[str], env: dict) -> list[tuple[str, int, int]]:
    """(module, self µs, cumulative µs) for every import of `python -X importtime -m planner ARGV`."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "planner", *argv], input=STDIN,
                          capture_output=True, text=True, env=env, check=False)
    rows = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            own, cumulative, name = (part.strip() for part in line[len("import time:"):].split("|"))
            if own.isdigit() and cumulative.isdigit():
                rows.append((name, int(own), int(cumulative)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per command (median shown)")
    parser.add_argument("--command", default="foods search buckwheat", help="the command whose imports are listed")
    parser.add_argument("--top", type=int, default=12, help="how many imports to list")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "MINERAL_PLANNER_HOME": home}
        print(f"start-up as a process, median of {args.runs} runs after one warm-up "
              f"(target {TARGET_S} s for commands that do not solve):")
        print(f"  {'wall':>6}  {'cpu':>6}")
        for command in COMMANDS:
            argv = shlex.split(command)
            timed(argv, env)
            walls, cpus = zip(*(timed(argv, env) for _ in range(args.runs)), strict=True)
            wall, cpu = statistics.median(walls), statistics.median(cpus)
            mark = "" if command in SOLVING else ("  over target" if wall > TARGET_S else "")
            print(f"  {wall:6.3f}  {cpu:6.3f}  mineral-planner {command}{'  (solves)' if command in SOLVING else mark}")
        costs = import_costs(shlex.split(args.command), env)
        total = sum(own for _, own, _ in costs)
        print(f"\nimports of `{args.command}` (python -X importtime): {len(costs)} modules, {total / 1e6:.3f} s")
        print("  by top-level package (cumulative):")
        top_level = [(cumulative, name) for name, _, cumulative in costs if "." not in name]
        for cumulative, name in sorted(top_level, reverse=True)[:args.top]:
            print(f"    {cumulative / 1e6:6.3f} s  {name}")
        print("  by module (self):")
        for name, own, _ in sorted(costs, key=lambda row: -row[1])[:args.top]:
            print(f"    {own / 1e6:6.3f} s  {name}")
        heavy = sorted({name.split(".")[0] for name, _, _ in costs} & {"pandas", "highspy", "pulp", "streamlit"})
        print(f"  heavy packages loaded: {', '.join(heavy) or 'none'}")


if __name__ == "__main__":
    main()
