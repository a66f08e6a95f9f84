"""The storefront in a real browser (Debian's headless Chromium driven by selenium)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient
from live_server import running
from shop import API_KEY
from sqlalchemy import Engine

from service.settings import Settings

if TYPE_CHECKING:  # selenium is imported only when Chromium is there to drive
    from selenium.webdriver.remote.webdriver import WebDriver

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")


def test_the_pages_and_their_files_are_served(client: TestClient) -> None:
    page = client.get("/")
    script = client.get("/storefront/app.js")

    assert page.status_code == 200 and "<title>Atelier" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert client.get("/console").status_code == 200
    assert client.get("/storefront/../../settings.py").status_code == 404


def test_the_saved_queries_are_listed_with_their_text(client: TestClient) -> None:
    saved = {q["name"]: q for q in client.get("/queries").json()}

    assert "complements" in saved
    assert "SELECT" in saved["complements"]["text"]
    assert saved["complements"]["description"]


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    if not (CHROMIUM and CHROMEDRIVER):
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed; .ci/run installs chromium and chromium-driver")
        pytest.skip("Chromium not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    options.add_argument("--window-size=1280,1400")
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    yield driver
    driver.quit()


def cards(driver: WebDriver, shelf: str) -> list[str]:
    from selenium.webdriver.common.by import By

    found = driver.find_elements(By.CSS_SELECTOR, f"#{shelf} .card")
    return [str(c.get_attribute("data-article")) for c in found]


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_buying_a_coat_brings_its_complements_in_a_real_browser(
    browser: WebDriver, shop: Engine, settings: Settings, shop_model: Path, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    shutil.copytree(shop_model / "models", settings.atelier_home / "models")
    driver = browser
    wait = WebDriverWait(driver, 20)
    with running(settings) as base:
        driver.get(f"{base}/?shopper=dora#key={API_KEY}")
        wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready"))
        before = cards(driver, "recommend")
        coat = driver.find_element(
            By.CSS_SELECTOR, '#recommend .card[data-article="coat-camel"] button.buy'
        )
        coat.click()
        wait.until(lambda d: d.find_element(By.ID, "status").text.startswith("Bought"))
        wait.until(lambda d: cards(d, "complements"))
        after = cards(driver, "recommend")
        reasons = [
            e.text for e in driver.find_elements(By.CSS_SELECTOR, "#recommend .card .reason")
        ]
        history = cards(driver, "history")
        goes_with = cards(driver, "complements")
        driver.save_screenshot(str(tmp_path / "storefront.png"))
        driver.get(f"{base}/console")
        wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready"))
        buttons = [b.text for b in driver.find_elements(By.CSS_SELECTOR, "#queries button")]

    assert "coat-camel" in before
    assert set(after[:2]) == {"scarf-red", "boots-black"}
    assert reasons[0].startswith("goes with the coat you bought")
    assert set(goes_with) == {"scarf-red", "boots-black"}
    assert history == ["coat-camel"]
    assert "complements" in buttons
