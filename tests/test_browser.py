"""What only a browser shows: the app in Debian's Chromium through Playwright.

Starts `streamlit run dashboard/app.py` on a free port and drives it like a user. Screenshots
go to the test's tmp dir (look at them while developing)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dashboard.load import load_dataset

from conftest import CHROMIUM, ROOT, SHIPPED_CONFIG, data_strings, english_words

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("chromium")]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
CHART = "[data-testid='stPlotlyChart'] .main-svg"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def app_url():
    port = free_port()
    env = {**os.environ, "DASHBOARD_CONFIG": str(SHIPPED_CONFIG)}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.runOnSave", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    else:
        server.kill()
        pytest.fail("the app did not start within 60 s")
    yield url
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    tab = context.new_page()
    yield tab
    tab.screenshot(path=str(tmp_path / "last.png"))
    context.close()


def wait_for_matrix(page, as_of: str) -> None:
    page.wait_for_selector(CHART, timeout=30_000)
    page.get_by_text(f"as of {as_of}").first.wait_for(timeout=30_000)


def actor_names_fit(page) -> bool:
    """Every actor name left of the matrix is drawn whole, inside the chart (none cut off)."""
    return page.evaluate("""() => {
      const chart = document.querySelector('.js-plotly-plot');
      const left = chart.getBoundingClientRect().left;
      const names = [...chart.querySelectorAll('.scatterlayer .trace:last-child .textpoint text')];
      return names.length > 0 && names.every(n => n.getBoundingClientRect().left >= left);
    }""")


def test_matrix_chart_becomes_visible(page, app_url, tmp_path):
    page.goto(app_url)
    wait_for_matrix(page, "2026-01-31")
    assert page.locator(".scatterlayer .point").count() >= 28 * 3
    assert actor_names_fit(page)
    page.screenshot(path=str(tmp_path / "matrix.png"))


def test_key_event_moves_the_matrix_and_the_link(page, app_url):
    page.goto(app_url)
    wait_for_matrix(page, "2026-01-31")
    page.get_by_text("2025-03-02 · London summit", exact=True).click()
    wait_for_matrix(page, "2025-03-02")
    page.wait_for_function("() => location.search.includes('date=2025-03-02')", timeout=15_000)


def test_japanese_switch_changes_the_labels_and_the_link(page, app_url, tmp_path):
    page.goto(app_url)
    wait_for_matrix(page, "2026-01-31")
    page.get_by_text("日本語", exact=True).click()
    page.get_by_text("2026-01-31時点の各国の立場").first.wait_for(timeout=30_000)
    page.wait_for_function("() => location.search.includes('lang=ja')", timeout=15_000)
    assert page.get_by_text("マトリクス").count() > 0
    assert actor_names_fit(page)
    page.screenshot(path=str(tmp_path / "matrix_ja.png"))


def test_deep_link_reopens_the_view_with_evidence(page, app_url, tmp_path):
    page.goto(app_url + "/?date=2025-02-17&cell=ITA.troops&groups=G7")
    wait_for_matrix(page, "2025-02-17")
    page.get_by_text("Sources disagree on this date").wait_for(timeout=30_000)
    assert page.locator(".scatterlayer .point").count() < 28 * 3  # G7 filter applied
    page.screenshot(path=str(tmp_path / "deep_link.png"))


def test_clicking_a_cell_opens_its_evidence(page, app_url):
    page.goto(app_url + "/?date=2025-02-17")
    wait_for_matrix(page, "2025-02-17")
    page.locator(".scatterlayer .trace").first.locator(".point").first.click(force=True)
    page.get_by_text("Evidence:").first.wait_for(timeout=30_000)
    page.wait_for_function("() => location.search.includes('cell=')", timeout=15_000)


def test_actor_page_deep_link_keeps_actor_and_language(page, app_url):
    page.goto(app_url + "/actor?actor=GBR&lang=ja")
    page.get_by_text("英国：発言の推移").first.wait_for(timeout=30_000)


LANGUAGE_SWITCH = {"Language", "EN"}  # "Language / 言語" and "EN | 日本語": readable in either language
# What a reader sees as interface text: headings, widget labels, buttons, captions, alerts.
INTERFACE_TEXT = ("h1, h2, h3, [data-testid='stWidgetLabel'], button, [data-testid='stCaptionContainer'], "
                  "[data-testid='stAlertContainer'], [data-testid='stSidebarNav'], [data-baseweb='select'] span")


@pytest.mark.parametrize("path", ["", "shifts", "actor", "evidence", "health", "add", "about"])
def test_japanese_pages_show_no_english_interface_text(page, app_url, path):
    page.goto(f"{app_url}/{path}?lang=ja")
    page.locator("h1").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)  # the last widgets and charts of a rerun
    # Material icons are drawn from their names (ligatures), and code is what an editor types
    # (`editing: true`): neither is interface text to translate.
    shown = page.evaluate("""(selector) => [...document.querySelectorAll(selector)].map(node => {
        const copy = node.cloneNode(true);
        copy.querySelectorAll("[data-testid='stIconMaterial'], code").forEach(part => part.remove());
        return copy.innerText;
      }).join("\\n")""", INTERFACE_TEXT)
    assert "マトリクス" in shown  # the Japanese navigation is there
    leftovers = english_words(shown, data_strings(load_dataset(SHIPPED_CONFIG)))
    assert leftovers - LANGUAGE_SWITCH == set(), sorted(leftovers)
