"""How fast the dashboard answers an adjustment, click to idle, in a real browser. Prints medians; not a timed test.

    .venv/bin/python benchmarks/dashboard_speed.py [--repeats 9] [--width 1280] [--baseline DIR]

Starts `mineral-planner dashboard` on a free localhost port with its own data folder, drives Debian's Chromium
(/usr/bin/chromium) through Playwright, generates a week, then times each adjustment from the click until the
page is idle again: regenerate a meal,
set a portion, lock a food. The clock starts at the click event in the page (not when Playwright is asked to
click: finding and scrolling to the button is not the app's time) and stops at the last change to the page after
it, once nothing has changed for a while and the app is not running. Target (issue 13): each adjustment within
300 ms median. The machine's load average is printed too: on a shared machine the figures move with it.

On a shared machine the wall times of two runs minutes apart say little (the load moves them more than a change
does), so `--baseline DIR` serves a second checkout (e.g. `git archive main | tar -x -C /tmp/base`) at the same
time, each in its own browser, and alternates the clicks between the two: both see the same load. Beside the
wall time each click's CPU is printed, which the load stretches less: the server's, and the browser's (all its
processes, so the page's rendering, raster and compositing count).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from test_browser import (  # noqa: E402  (the browser test's server helpers: one way to start and stop it)
    CHROMIUM,
    CHROMIUM_ARGS,
    PLAN_MS,
    STEP_MS,
    free_port,
    go_to,
    healthy,
    stop,
    wait_idle,
)

TARGET_MS = 300
QUIET_MS = 400       # the page is idle when nothing has changed in it for this long
# every change to the page is noted, so "idle" is the time of the last change after the click; the click is
# the page's own click event (captured before any handler of the app's)
WATCH = """() => { if (!window.__watching) { window.__watching = true;
    new MutationObserver(() => { window.__last = performance.now(); })
        .observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
    document.addEventListener('click', () => { window.__clicked = performance.now(); }, true); }
    window.__last = 0; window.__clicked = Infinity; }"""
IDLE = f"""() => window.__last > window.__clicked && performance.now() - window.__last > {QUIET_MS}
    && !document.querySelector('[data-testid=stStatusWidget]') && !document.querySelector('[data-stale=true]')"""


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far, from /proc: the server's share of a click, which a
    busy machine stretches in wall time but not in CPU time."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(marker: str) -> float:
    """CPU time of every process started with `marker` on its command line and of all their descendants (a
    browser's renderer, GPU and network processes)."""
    procs = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            marked = marker.encode() in (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        procs[int(stat.parent.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])), marked)
    frontier = {pid for pid, (_, _, marked) in procs.items() if marked}
    seen: set[int] = set()
    while frontier:
        pid = frontier.pop()
        seen.add(pid)
        frontier |= {child for child, (parent, _, _) in procs.items() if parent == pid and child not in seen}
    return sum(procs[pid][1] for pid in seen) / os.sysconf("SC_CLK_TCK")


def browser_busy(cdp) -> float:
    """Seconds the page's main thread has spent running tasks (Chromium's TaskDuration metric)."""
    return next(m["value"] for m in cdp.send("Performance.getMetrics")["metrics"] if m["name"] == "TaskDuration")


class Clicks:
    """Times clicks: wall milliseconds from the click event to the page's last change (the app idle again),
    and per kind of click the server's CPU, the page's main-thread time and (with `marker`, the browser's
    command-line mark) the CPU of all the browser's processes."""

    def __init__(self, page, server_pid: int, marker: str = "") -> None:
        self.page, self.pid, self.marker = page, server_pid, marker
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Performance.enable")
        self.wall: dict[str, list[float]] = {}
        self.server: dict[str, float] = {}
        self.browser: dict[str, float] = {}
        self.browser_cpu: dict[str, float] = {}

    def click(self, what: str, button) -> None:
        self.page.evaluate(WATCH)
        cpu, busy = cpu_seconds(self.pid), browser_busy(self.cdp)
        tree = tree_cpu_seconds(self.marker) if self.marker else 0.0
        button.click()
        self.page.mouse.move(0, 0)   # off the button: its tooltip would open after 0.5 s and count as a change
        self.page.wait_for_function(IDLE, timeout=STEP_MS, polling=20)
        self.wall.setdefault(what, []).append(self.page.evaluate("() => window.__last - window.__clicked"))
        self.server[what] = self.server.get(what, 0.0) + cpu_seconds(self.pid) - cpu
        self.browser[what] = self.browser.get(what, 0.0) + browser_busy(self.cdp) - busy
        if self.marker:
            self.browser_cpu[what] = self.browser_cpu.get(what, 0.0) + tree_cpu_seconds(self.marker) - tree

    def forget(self) -> None:
        """Drop what was timed so far (a warm-up round)."""
        for kept in (self.wall, self.server, self.browser, self.browser_cpu):
            kept.clear()

    def report(self) -> list[str]:
        lines = []
        for what, values in self.wall.items():
            median = statistics.median(values)
            per_click = (f"server CPU {1000 * self.server[what] / len(values):4.0f}, page main thread "
                         f"{1000 * self.browser[what] / len(values):4.0f}")
            if what in self.browser_cpu:
                per_click += f", browser CPU {1000 * self.browser_cpu[what] / len(values):4.0f}"
            lines.append(f"  {what:<18} median {median:6.0f}   min {min(values):6.0f}   max {max(values):6.0f}   "
                         f"target {TARGET_MS}: {'met' if median <= TARGET_MS else 'NOT met'}   (per click: {per_click})")
        return lines


def start_server(checkout: Path, port: int, home: Path, log: Path) -> subprocess.Popen:
    """`mineral-planner dashboard` of `checkout` (its own code first on the path) on a localhost port, with its
    own store; tests/test_browser.py starts this repository's the same way."""
    env = dict(os.environ, MINERAL_PLANNER_HOME=str(home), PYTHONPATH=str(checkout))
    with open(log, "w") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "planner", "dashboard", "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1"],
            cwd=checkout, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def open_plan(p, checkout: Path, tmp: Path, name: str, width: int, servers: list) -> Clicks | None:
    """A server of `checkout` and a browser of its own on its plan page with a generated week, ready to click."""
    port = free_port()
    server = start_server(checkout, port, tmp / f"home-{name}", tmp / f"server-{name}.log")
    servers.append(server)
    url = f"http://127.0.0.1:{port}"
    if not healthy(url, server):
        print((tmp / f"server-{name}.log").read_text()[-2000:], file=sys.stderr)
        return None
    marker = f"--dashboard-speed-{name}={os.getpid()}"    # a switch Chromium ignores, to find its processes by
    browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, marker])
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.set_default_timeout(STEP_MS)
    page.goto(url)
    page.get_by_role("heading", name="Your daily targets").wait_for()
    wait_idle(page)
    go_to(page, "Weekly plan")
    page.get_by_role("button", name="Generate a week").click()
    page.get_by_role("heading", name="Change something").wait_for(timeout=PLAN_MS)
    wait_idle(page)
    return Clicks(page, server.pid, marker)


def adjust(clicks: Clicks) -> None:
    """One round: regenerate a meal, set a portion, lock (or unlock) a food."""
    page = clicks.page
    clicks.click("regenerate a meal", page.get_by_role("button", name="Regenerate breakfast, Day 1"))
    clicks.click("set a portion", page.get_by_role("button", name="Set portion"))
    lock = page.get_by_role("button", name="Lock (keep it)", exact=True)
    clicks.click("lock a food", lock if lock.count() else page.get_by_role("button", name="Unlock", exact=True))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--baseline", type=Path, help="another checkout, served and clicked at the same time")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    checkouts = {"this checkout": ROOT} | ({f"baseline {args.baseline}": args.baseline.resolve()}
                                           if args.baseline else {})
    load = os.getloadavg()
    servers: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        try:
            pages = {}
            for i, (name, checkout) in enumerate(checkouts.items()):
                clicks = open_plan(p, checkout, Path(tmp), str(i), args.width, servers)
                if clicks is None:
                    return 1
                pages[name] = clicks
            order = list(pages.values())
            for round_ in range(args.repeats + 1):       # the first round warms up (not counted)
                for clicks in order if round_ % 2 == 0 else order[::-1]:
                    adjust(clicks)
                    if round_ == 0:
                        clicks.forget()
        finally:
            for server in servers:
                stop(server)
    print(f"dashboard adjustments, click to idle, Chromium {args.width} px wide, {args.repeats} clicks each (ms); "
          f"load average {load[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end on {os.cpu_count()} cores:")
    for name, clicks in pages.items():
        if len(pages) > 1:
            print(f" {name}:")
        print("\n".join(clicks.report()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
