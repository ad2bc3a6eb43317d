"""One real-browser run of the newcomer's path: start the server, generate a week, change a portion, download
the workbook and open it. Drives Debian's Chromium through Playwright; CI installs it (scripts/test-deps.sh).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
START_SECONDS = 60
STEP_MS = 30_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the dashboard server exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.25)
    pytest.fail(f"the dashboard was not healthy within {START_SECONDS} s:\n{log.read_text()[-3000:]}")


@pytest.mark.browser
def test_generate_change_a_portion_and_download_the_workbook(tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium; CI installs it (CI=true)")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    env = dict(os.environ, MINERAL_PLANNER_HOME=str(tmp_path / "home"))
    with open(log, "w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_healthy(url, server, log)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
                page.set_default_timeout(STEP_MS)
                page.goto(url)
                page.get_by_role("heading", name="Your daily targets").wait_for()
                assert page.get_by_text("does not prescribe").count() == 1

                page.get_by_test_id("stSidebarNav").get_by_text("Weekly plan", exact=True).click()
                page.get_by_role("button", name="Generate a week").click()
                page.get_by_role("heading", name="Change something").wait_for()

                count = page.get_by_label(re.compile(r"^How many"))
                before = float(count.input_value())
                count.fill(f"{before * 2:g}")
                count.press("Enter")
                page.get_by_role("button", name="Set portion").click()
                changed = page.get_by_text(re.compile(r" set to .+\(\d+ g\)\.$"))
                changed.wait_for()
                portion = re.search(r" set to (.+)\.$", changed.inner_text()).group(1)

                page.get_by_test_id("stSidebarNav").get_by_text("Shopping list", exact=True).click()
                page.get_by_role("heading", name="Shopping list").wait_for()
                with page.expect_download() as download:
                    page.get_by_role("button", name="Excel workbook").click()
                saved = tmp_path / "week.xlsx"
                download.value.save_as(saved)
            finally:
                browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    book = load_workbook(saved)
    assert book.sheetnames == ["Shopping list", "Meal plan", "Nutrients", "About"]
    meal_plan = [[c for c in row] for row in book["Meal plan"].iter_rows(values_only=True)]
    assert len(meal_plan) > 7 * 5                                # a week of meals, one row per food
    assert {row[0] for row in meal_plan[1:] if row[0]} >= {f"Day {d}" for d in range(1, 8)}
    assert portion in {row[3] for row in meal_plan[1:]}          # the changed portion reached the workbook
    assert book["Shopping list"].max_row > 5
