"""How fast each command starts, as a person runs it: the wall time of the installed console script (median
of a few runs) and, for `foods search`, the slowest imports by `python -X importtime`. Target: 0.3 s for the
commands that do not solve. Run: .venv/bin/python scripts/startup.py [runs]"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCRIPT = Path(sys.executable).with_name("mineral-planner")
COMMANDS = (["--help"], ["profile", "list"], ["plan", "--seed", "-1"], ["foods", "search", "buckwheat"],
            ["foods", "show", "banana"], ["check", "-", "--no-suggest"], ["plan", "--days", "1"])
TARGET_S = 0.3


def wall(argv: list[str], env: dict, runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run([str(SCRIPT), *argv], input="1 banana\n", capture_output=True, text=True, env=env)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def slowest_imports(argv: list[str], env: dict, n: int = 12) -> list[tuple[float, str]]:
    """(cumulative seconds, module) of the top-level imports that cost most, from -X importtime."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "planner", *argv], capture_output=True,
                          text=True, env=env)
    rows = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = (part.strip() for part in line[len("import time:"):].split("|"))
            if cumulative.isdigit() and not name.startswith(" ") and "." not in name.strip():
                rows.append((int(cumulative) / 1e6, name.strip()))
    return sorted(rows, reverse=True)[:n]


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "MINERAL_PLANNER_HOME": home}
        print(f"command start-up, median of {runs} runs (target {TARGET_S} s for commands that do not solve):")
        for argv in COMMANDS:
            seconds = wall(argv, env, runs)
            print(f"  {seconds:6.2f} s  mineral-planner {' '.join(argv)}")
        print("slowest top-level imports of `foods search buckwheat` (python -X importtime, cumulative):")
        for seconds, name in slowest_imports(["foods", "search", "buckwheat"], env):
            print(f"  {seconds:6.3f} s  {name}")


if __name__ == "__main__":
    main()
