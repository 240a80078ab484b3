"""The backpropagation step-through page in a real headless browser (Chromium + chromedriver).

Skipped, with the reason, only where no browser or driver is installed, or selenium, the
graphviz package or Graphviz's ``dot`` program is missing; ``.ci/run`` installs Debian's
``chromium`` and ``chromium-driver``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip(
    "graphviz", reason='viz needs the graphviz Python package (pip install -e ".[viz]")'
)

import viz  # noqa: E402  (after the skip above)
from autograd_core import Value  # noqa: E402
from autograd_core.engine import topological_order  # noqa: E402

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def _find_browser() -> tuple[str, str]:
    browser = next((path for name in BROWSERS if (path := shutil.which(name))), None)
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        missing = " and ".join(
            what
            for what, found in (("a Chromium browser", browser), ("chromedriver", driver))
            if found is None
        )
        pytest.skip(
            f"no headless browser: {missing} not found on PATH "
            "(Debian: apt-get install chromium chromium-driver)"
        )
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot program is not installed (apt-get install graphviz)")
    return browser, driver


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    """A headless Chromium that records console messages and reaches nothing outside."""
    binary, driver_path = _find_browser()
    webdriver = pytest.importorskip(
        "selenium.webdriver", reason='selenium is not installed (pip install -e ".[test]")'
    )
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1280,900",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def or_gate_loss() -> Value:
    """The blog's OR-gate neuron on its first example (x1 = x2 = 0, y = 0)."""
    x1, x2 = Value(0.0, label="x1"), Value(0.0, label="x2")
    w1, w2, b = Value(0.1, label="w1"), Value(0.6, label="w2"), Value(0.0, label="b")
    y_hat = (w1 * x1 + w2 * x2 + b).sigmoid()
    y_hat.label = "y_hat"
    loss = 0.5 * (Value(0.0, label="y") - y_hat) ** 2
    loss.label = "loss"
    return loss


def test_step_through_page_loads_cleanly_and_steps_forward_and_back(
    browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    loss = or_gate_loss()
    steps = [node for node in reversed(topological_order(loss)) if node.parents]
    page = viz.backprop_steps(loss, tmp_path / "steps.html")
    browser.get(page.as_uri())
    # The script marks the frame it shows once it has run.
    WebDriverWait(browser, 10).until(
        lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-frame") == "0"
    )

    frames = browser.find_elements(By.CSS_SELECTOR, "section.frame")
    assert len(frames) == 1 + len(steps)
    assert frames[0].is_displayed() and not frames[1].is_displayed()
    assert frames[0].find_element(By.TAG_NAME, "svg").is_displayed()
    assert "seed the output" in frames[0].text
    assert browser.find_element(By.ID, "counter").text == f"frame 1 / {len(frames)}"
    assert not browser.find_element(By.ID, "prev").is_enabled()

    browser.find_element(By.ID, "next").click()
    assert frames[1].is_displayed() and not frames[0].is_displayed()
    assert "node loss" in frames[1].text  # the engine processes the output first
    assert browser.find_element(By.ID, "slider").get_attribute("value") == "1"
    assert browser.find_element(By.ID, "counter").text == f"frame 2 / {len(frames)}"

    browser.find_element(By.ID, "prev").click()
    assert frames[0].is_displayed() and not frames[1].is_displayed()

    # The page fetched nothing (no network, not even a favicon) and logged no errors.
    resources = browser.execute_script("return performance.getEntriesByType('resource').length")
    assert resources == 0
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []
