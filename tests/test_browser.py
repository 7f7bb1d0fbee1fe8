"""What only a browser shows: the app in Debian's Chromium through Playwright.

Starts `streamlit run dashboard/app.py` on a free port and drives it like a user. Screenshots
go to the test's tmp dir (look at them while developing)."""
from __future__ import annotations

import os
import re
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


@pytest.mark.parametrize("path", ["", "map", "shifts", "actor", "evidence", "health", "add", "about"])
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


# --- the Map page, offline: every request not to the app is blocked ------------------------------

COUNTRY = "path.choroplethlocation"


@pytest.fixture
def offline_page(browser, app_url, tmp_path):
    """A tab that reaches only the app: every other request is aborted and listed in .blocked."""
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    tab = context.new_page()
    tab.blocked = []
    tab.outlines = []

    def only_the_app(route):
        if route.request.url.startswith(app_url + "/"):
            route.continue_()
        else:
            tab.blocked.append(route.request.url)
            route.abort()

    tab.route("**/*", only_the_app)
    tab.on("response", lambda response: tab.outlines.append((response.url, response.status))
           if "topojson" in response.url else None)
    yield tab
    tab.screenshot(path=str(tmp_path / "last.png"), full_page=True)
    context.close()


def wait_for_countries(page, title: str) -> None:
    page.get_by_text(title).first.wait_for(timeout=30_000)
    page.wait_for_function(f"() => document.querySelectorAll('{COUNTRY}').length > 20", timeout=30_000)


def click_country(page, iso3: str) -> None:
    index = page.evaluate(f"""() => [...document.querySelectorAll('{COUNTRY}')]
        .findIndex(path => path.__data__ && path.__data__.loc === '{iso3}')""")
    assert index >= 0, f"{iso3} is not drawn"
    page.locator(COUNTRY).nth(index).click(force=True)


def test_countries_are_drawn_with_every_outside_request_blocked(offline_page, app_url, tmp_path):
    page = offline_page
    page.goto(app_url + "/map?date=2025-03-02")
    wait_for_countries(page, "Own troops as of 2025-03-02")
    assert page.locator(COUNTRY).count() >= 30
    assert page.locator(".geo .layer.land path").count() > 0  # the backdrop from the same file
    assert (f"{app_url}/app/static/topojson/world_110m.json", 200) in page.outlines
    assert not [url for url in page.blocked if "plot.ly" in url or "topojson" in url]
    page.screenshot(path=str(tmp_path / "map.png"), full_page=True)


def test_clicking_a_country_opens_its_evidence_and_names_it_in_the_link(offline_page, app_url):
    page = offline_page
    page.goto(app_url + "/map?date=2025-02-17")
    wait_for_countries(page, "Own troops as of 2025-02-17")
    click_country(page, "POL")
    page.get_by_text("Evidence: Poland — Own troops").wait_for(timeout=30_000)
    page.wait_for_function("() => location.search.includes('actor=POL')", timeout=15_000)


def test_question_and_key_event_move_the_map_and_the_link(offline_page, app_url):
    page = offline_page
    page.goto(app_url + "/map")
    wait_for_countries(page, "Own troops as of 2026-01-31")
    page.locator("[data-testid='stButtonGroup']").get_by_text("Ukraine in NATO", exact=True).click()
    wait_for_countries(page, "Ukraine in NATO as of 2026-01-31")
    page.get_by_text("2025-03-02 · London summit", exact=True).click()
    wait_for_countries(page, "Ukraine in NATO as of 2025-03-02")
    page.wait_for_function("() => location.search.includes('date=2025-03-02') && location.search.includes('dim=nato')",
                           timeout=15_000)


def test_japanese_map_draws_offline_with_japanese_labels(offline_page, app_url, tmp_path):
    page = offline_page
    page.goto(app_url + "/map?lang=ja&date=2026-01-06")
    wait_for_countries(page, "2026-01-06時点：自国部隊の派遣")
    assert page.get_by_text("地図外のアクター").count() > 0
    page.screenshot(path=str(tmp_path / "map_ja.png"), full_page=True)


def matrix_title_date(page) -> str:
    title = page.evaluate("() => document.querySelector('.js-plotly-plot .gtitle').textContent")
    return re.search(r"\d{4}-\d{2}-\d{2}", title).group(0)


def test_play_advances_the_date_on_its_own_and_pause_stops_it(page, app_url, tmp_path):
    page.goto(app_url + "/?date=2025-04-11")
    wait_for_matrix(page, "2025-04-11")
    page.get_by_text("Fast", exact=True).click()
    page.get_by_role("button", name="▶ Play").click()
    page.wait_for_function("() => location.search.includes('date=2025-05')", timeout=30_000)
    page.screenshot(path=str(tmp_path / "playing.png"))
    page.get_by_role("button", name="❚❚ Pause").click()
    page.get_by_role("button", name="▶ Play").wait_for(timeout=15_000)
    paused = matrix_title_date(page)
    page.wait_for_timeout(1500)
    assert matrix_title_date(page) == paused > "2025-04-11"
    assert f"date={paused}" in page.url  # the title, the URL and the slider agree
    assert page.get_by_text(paused).count() >= 1


def test_csv_and_briefing_pack_downloads_arrive_named_by_date(browser, app_url, tmp_path):
    import io
    import zipfile

    context = browser.new_context(viewport={"width": 1400, "height": 1800}, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(app_url + "/?date=2025-03-02&groups=NB8")
        wait_for_matrix(page, "2025-03-02")
        with page.expect_download() as csv_download:
            page.get_by_role("button", name="CSV: this view").click()
        assert csv_download.value.suggested_filename == "stance-matrix_2025-03-02.csv"
        text = Path(csv_download.value.path()).read_bytes().decode("utf-8-sig").splitlines()
        assert text[0] == "actor,dimension,stance,score,date,source,contested"
        assert len(text) == 1 + 3 * 8 and any(line.startswith("SWE,troops,") for line in text)  # NB8 only
        page.get_by_role("button", name="Prepare the briefing pack (.zip)").click()
        page.get_by_text("The briefing pack is ready").wait_for(timeout=120_000)
        with page.expect_download() as zip_download:
            page.get_by_role("button", name="Download the briefing pack (.zip)").click()
        assert zip_download.value.suggested_filename == "stance-matrix-briefing_2025-03-02_en.zip"
        names = zipfile.ZipFile(io.BytesIO(Path(zip_download.value.path()).read_bytes())).namelist()
        assert "sources.txt" in names and "matrix_2025-03-02_en.png" in names
    finally:
        context.close()
