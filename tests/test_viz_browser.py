"""The step-through explorer in a real headless browser (Chromium + chromedriver).

Skipped, with the reason, only where no browser or driver is installed, or selenium, the
graphviz package or Graphviz's ``dot`` program is missing; ``.ci/run`` installs Debian's
``chromium`` and ``chromium-driver``. One browser serves the whole module (starting one
costs a second or two); every test checks that the page logged no error.

The one timing here is the issue's open-time limit (under 2 s in Chromium). It is the
page's own measure, ``performance.now()`` when the first step has been painted, which
leaves out the test's and the driver's overheads; the median of three loads keeps one
slow load on a busy machine from deciding it.
"""

from __future__ import annotations

import math
import shutil
import statistics
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip(
    "graphviz", reason='viz needs the graphviz Python package (pip install -e ".[viz]")'
)

import nn  # noqa: E402
import viz  # noqa: E402
from autograd_core import Tensor, Value  # noqa: E402
from viz.describe import format_number  # noqa: E402

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
OPEN_LIMIT_MS = 2000


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


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
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
        f"--user-data-dir={tmp_path_factory.mktemp('profile')}",
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


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """The browser, checked after the test for console errors and network requests."""
    browser.get_log("browser")  # drop what earlier tests left
    yield browser
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []


def open_page(browser: Any, url: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(url)
    WebDriverWait(browser, 20).until(
        lambda d: d.execute_script("return document.body.dataset.opened === 'true'")
    )
    # The page fetched nothing (no network, not even a favicon).
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0


def js(browser: Any, code: str) -> Any:
    return browser.execute_script(f"return {code}")


def explain(browser: Any) -> str:
    text: str = js(browser, "document.getElementById('explain').innerText")
    return " ".join(text.replace("\xa0", " ").split())


def node_rows(browser: Any, name: str) -> list[str]:
    """The text rows of the node labelled ``name`` in the drawing."""
    rows: list[str] = browser.execute_script(
        """const i = JSON.parse(document.getElementById('explorer-data').textContent)
             .nodes.findIndex((n) => n.n === arguments[0]);
           return Array.from(document.getElementById('n' + i).querySelectorAll('text'))
             .map((t) => t.textContent.replace(/\\u00a0/g, ' ').trim());""",
        name,
    )
    return rows


def node_class(browser: Any, name: str) -> str:
    cls: str = browser.execute_script(
        """const i = JSON.parse(document.getElementById('explorer-data').textContent)
             .nodes.findIndex((n) => n.n === arguments[0]);
           return document.getElementById('n' + i).getAttribute('class');""",
        name,
    )
    return cls


def neuron() -> tuple[Value, list[Value]]:
    """The blog's Part I neuron on x = (1, 0), y = 0: loss = 0.5 (y - σ(w1 x1 + w2 x2 + b))²."""
    x1 = Value(1.0, label="x1", requires_grad=False)
    x2 = Value(0.0, label="x2", requires_grad=False)
    w1, w2, b = Value(0.1, label="w1"), Value(0.6, label="w2"), Value(0.0, label="b")
    z = w1 * x1 + w2 * x2 + b
    z.label = "z"
    y_hat = z.sigmoid()
    y_hat.label = "ŷ"
    loss = 0.5 * (Value(0.0, label="y", requires_grad=False) - y_hat) ** 2
    loss.label = "loss"
    return loss, [w1, w2, b]


def mlp_loss(sizes: list[int], fused: bool = False) -> tuple[Value, nn.MLP]:
    np.random.seed(1)
    model = nn.MLP(2, sizes, "sigmoid", "sigmoid", fused=fused)  # the blog's kind
    return (model([0.5, 1.0]) - 1.0) ** 2, model


# ---------------------------------------------------------------------- stepping
def test_the_page_steps_through_forward_backward_and_update(page: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    loss, params = neuron()
    path = viz.backprop_steps(loss, tmp_path / "steps.html", lr=0.5, params=params)
    open_page(page, path.as_uri())
    starts = js(page, "window.explorer.starts")
    count = js(page, "window.explorer.count")
    assert starts == {"forward": 0, "backward": 9, "update": 18} == {**starts, "update": count - 1}

    # Step 0: the leaves hold their values, nothing else is computed yet.
    assert js(page, "document.body.dataset.phase") == "forward"
    assert "Step 0 of 18: the inputs and parameters" in explain(page)
    assert node_rows(page, "w1")[-2:] == ["data 0.1", "grad"]
    assert node_rows(page, "z")[-2:] == ["data", "grad"]
    assert "pending" in node_class(page, "z")
    assert page.find_element(By.ID, "counter").text == "step 0 of 18 · forward"
    assert not page.find_element(By.ID, "prev").is_enabled()

    # Forward (8 operations): z = (w1 x1 + w2 x2) + b appears at its step, operands lit.
    js(page, "window.explorer.show(4)")
    assert "z = " in explain(page) and "= 0.1 + 0 = 0.1" in explain(page)
    assert node_rows(page, "z")[-2:] == ["data 0.1", "grad"]
    assert "focus" in node_class(page, "z") and "operand" in node_class(page, "b")
    page.find_element(By.ID, "next").click()  # ŷ = sigmoid(z)
    assert "ŷ = sigmoid(z) = sigmoid( 0.1 ) = 0.525" in explain(page).replace("(0.1)", "( 0.1 )")

    # Backward: the seed, then ŷ's step with the rule beside the number.
    js(page, f"window.explorer.show({starts['backward']})")
    assert js(page, "document.body.dataset.phase") == "backward"
    assert "seed the output" in explain(page)
    assert node_rows(page, "loss")[-1] == "grad 1" and node_rows(page, "z")[-1] == "grad 0"
    # By hand: ŷ = σ(0.1) = 0.52498; dloss/dŷ = ŷ - y = 0.52498; σ'(0.1) = 0.24938.
    s = 1 / (1 + math.exp(-0.1))
    up, local = format_number(s, 4), format_number(s * (1 - s), 4)
    got = format_number(s * s * (1 - s), 4)
    for _ in range(4):
        page.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
    assert "Step 13 of 18: ŷ sigmoid" in explain(page)
    assert f"∂loss/∂ŷ = {up}" in explain(page)
    assert f"σ(x)(1-σ(x)) = {local} {up} × {local} = {got} {got}" in explain(page)
    assert node_rows(page, "z")[-1] == f"grad {got}"
    assert "receiving" in node_class(page, "z")
    page.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_LEFT)
    assert js(page, "window.explorer.frame()") == 12
    assert node_rows(page, "z")[-1] == "grad 0"  # stepping back takes the gradient back

    # The update: p - lr * grad for the parameters only.
    page.find_element(By.ID, "last").click()
    assert js(page, "document.body.dataset.phase") == "update"
    assert "gradient descent, lr = 0.5" in explain(page)
    assert node_rows(page, "b")[-2] == f"data {format_number(-0.5 * s * s * (1 - s), 4)}"
    assert node_rows(page, "w2")[-2] == "data 0.6"  # x2 = 0: no gradient, no move
    assert "updated" in node_class(page, "w1") and "updated" not in node_class(page, "x1")
    assert not page.find_element(By.ID, "next").is_enabled()

    # The slider and the phase bar move too.
    slider = page.find_element(By.ID, "slider")
    slider.send_keys(Keys.HOME)
    assert js(page, "window.explorer.frame()") == 0


def test_autoplay_runs_at_the_chosen_speed_and_stops_at_the_end(page: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    loss, params = neuron()
    open_page(page, viz.backprop_steps(loss, tmp_path / "play.html", params=params).as_uri())
    Select(page.find_element(By.ID, "speed")).select_by_value("20")
    page.find_element(By.ID, "play").click()
    assert js(page, "document.body.dataset.playing") == "true"
    last = js(page, "window.explorer.count") - 1
    # 12 steps at 20 per second: the end within a few seconds even on a busy machine.
    WebDriverWait(page, 15).until(lambda d: js(d, "window.explorer.frame()") == last)
    WebDriverWait(page, 5).until(lambda d: js(d, "document.body.dataset.playing") == "false")
    page.find_element(By.ID, "play").click()  # from the end, play starts over
    WebDriverWait(page, 5).until(lambda d: js(d, "window.explorer.frame()") >= 1)
    page.find_element(By.ID, "play").click()
    assert js(page, "document.body.dataset.playing") == "false"


def test_numbers_are_written_as_python_writes_them(page: Any, tmp_path: Path) -> None:
    loss, params = neuron()
    open_page(page, viz.backprop_steps(loss, tmp_path / "n.html", params=params).as_uri())
    numbers = [0.5, 0.125, 12.625, 12345.0, 1e-5, 0.0001, 123456789.0, 9.99995, -2.5e-7, 1e16]
    numbers += [0.1 + 0.2, 1 / 3, -0.0, 2.675, 1.0000000001, 5e-324, 1.7976931348623157e308]
    for precision in (1, 4, 6):
        shown = page.execute_script(
            "return arguments[0].map((x) => window.explorer.format(x, arguments[1]))",
            numbers,
            precision,
        )
        assert shown == [format_number(x, precision) for x in numbers]
    for bad, text in (("NaN", "nan"), ("Infinity", "inf"), ("-Infinity", "-inf")):
        assert js(page, f"window.explorer.format(Number('{bad}'), 4)") == text


def test_tensor_steps_show_the_rules_and_matrices(page: Any, tmp_path: Path) -> None:
    w = Tensor(np.array([[0.1, 0.6], [-0.3, 0.2]]), requires_grad=True, label="W")
    x = Tensor(np.array([[1.0, 0.0], [0.5, 1.0]]), label="X")
    cost = (w @ x).sigmoid().sum()
    cost.label = "cost"
    open_page(page, viz.backprop_steps(cost, tmp_path / "tensor.html").as_uri())
    js(page, "window.explorer.show(1)")  # the forward step of W @ X
    assert "n2 = W @ X =" in explain(page)
    matrices = js(page, "document.querySelectorAll('#explain table.matrix').length")
    assert matrices == 3  # W @ X = result, each a 2 x 2 matrix
    rows = js(page, "document.querySelector('#explain table.matrix').rows.length")
    assert rows == 2
    last = js(page, "window.explorer.starts.update") - 1
    js(page, f"window.explorer.show({last})")  # the backward step of the matmul
    text = explain(page)
    assert "W a receives g @ b.T =" in text and "rule of" not in text
    assert "X b receives nothing (it does not require grad)" in text
    assert js(page, "document.querySelectorAll('#explain table.matrix').length") >= 3
    # Multi-row arrays stay whole in the drawing too: one row of text per matrix row.
    rows = node_rows(page, "W")
    assert rows[-4:-2] == ["data [0.1, 0.6]", "[-0.3, 0.2]"]
    assert rows[-2].startswith("grad [") and rows[-1].startswith("[")


def test_labels_are_text_in_the_explanations_never_markup(page: Any, tmp_path: Path) -> None:
    a = Value(2.0, label="<b>&amp;</b>")
    b = a * 3.0
    b.label = "<img src=x onerror=alert(1)>"
    open_page(page, viz.backprop_steps(b, tmp_path / "awkward.html").as_uri())
    js(page, "window.explorer.show(1)")
    assert "<img src=x onerror=alert(1)> = <b>&amp;</b> × 3" in explain(page)
    assert js(page, "document.querySelectorAll('#explain img').length") == 0


# ---------------------------------------------------------------------- zoom, pan, tooltips
def test_zoom_pan_and_tooltips(page: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    loss, params = neuron()
    open_page(page, viz.backprop_steps(loss, tmp_path / "zoom.html", params=params).as_uri())
    assert js(page, "window.explorer.zoom()") == pytest.approx(1.0)  # a small graph: fitted
    page.find_element(By.ID, "zoom-in").click()
    assert js(page, "window.explorer.zoom()") == pytest.approx(1.4)  # 1.4 times as large
    view = page.find_element(By.ID, "view")
    page.execute_script(
        """const r = arguments[0].getBoundingClientRect();
           arguments[0].dispatchEvent(new WheelEvent('wheel', {deltaY: -300, bubbles: true,
             cancelable: true, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2}));""",
        view,
    )
    zoom = js(page, "window.explorer.zoom()")
    assert zoom > 1.4 * 1.5
    before = js(page, "document.getElementById('graph').getAttribute('viewBox')")
    ActionChains(page).move_to_element(view).click_and_hold().move_by_offset(
        80, 40
    ).release().perform()
    after = js(page, "document.getElementById('graph').getAttribute('viewBox')")
    shift = [float(b) - float(a) for a, b in zip(after.split(), before.split())]
    assert shift[0] > 0 and shift[1] > 0 and shift[2:] == [0, 0]  # panned, not zoomed
    page.find_element(By.TAG_NAME, "body").send_keys("0")  # the key for fit
    assert js(page, "window.explorer.zoom()") == pytest.approx(1.0)

    # A tooltip per node, with every digit of its value and of its gradient at this step.
    js(page, f"window.explorer.show({js(page, 'window.explorer.starts.update') - 1})")
    index = js(page, "JSON.parse(document.getElementById('explorer-data').textContent)"
               ".nodes.findIndex((n) => n.n === 'ŷ')")  # fmt: skip
    ActionChains(page).move_to_element(page.find_element(By.ID, f"n{index}")).perform()
    tip = page.find_element(By.ID, "tip")
    assert tip.is_displayed()
    s = 1 / (1 + math.exp(-0.1))
    assert f"value\n{s!r}" in tip.text and f"gradient\n{s!r}" in tip.text
    page.find_element(By.ID, f"n{index}").click()  # pinned: stays when the pointer leaves
    ActionChains(page).move_to_element(page.find_element(By.ID, "heading")).perform()
    assert tip.is_displayed() and "pinned" in tip.get_attribute("class")
    page.find_element(By.TAG_NAME, "body").send_keys("\ue00c")  # Escape
    assert not tip.is_displayed()


# ---------------------------------------------------------------------- scopes
def test_scopes_collapse_into_boxes_and_expand(page: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    loss, model = mlp_loss([3, 1])
    url = viz.backprop_steps(loss, tmp_path / "mlp.html", params=model.parameters()).as_uri()
    open_page(page, url)
    scopes = js(page, "JSON.parse(document.getElementById('explorer-data').textContent).scopes")
    paths = [".".join(s["p"]) for s in scopes]
    assert paths[:3] == ["MLP", "MLP.layers.0", "MLP.layers.0.neurons.0"]
    layer = paths.index("MLP.layers.0")
    inside = js(
        page,
        f"""JSON.parse(document.getElementById('explorer-data').textContent)
        .nodes.map((n, i) => [n.s, i]).filter(([s]) => s >= {layer}).map(([, i]) => i)""",
    )
    # The tree's toggle collapses the layer into one box with its summary.
    toggle = page.find_element(By.CSS_SELECTOR, f'li[data-scope="{layer}"] > .row > .toggle')
    toggle.click()
    hidden = js(page, "Array.from(document.querySelectorAll('#graph g.node.hidden')).length")
    assert hidden >= 3 * 4  # three neurons: two weights, a bias and an output each, at least
    box = page.find_element(By.CSS_SELECTOR, "#boxes g.boxed")
    assert "layers.0" in box.text and "ops" in box.text
    # Stepping to a node inside the box highlights the box.
    first_inside = js(page, "window.explorer.starts.forward") + 1
    js(page, f"window.explorer.show({first_inside})")
    assert "focus" in box.get_attribute("class")
    assert inside  # sanity: the layer has nodes
    box.click()  # clicking the box expands it
    assert js(page, "document.querySelectorAll('#graph g.node.hidden').length") == 0
    assert js(page, "document.querySelectorAll('#boxes g.boxed').length") == 0
    # One box per layer at once ("level 2").
    page.find_element(By.XPATH, "//div[@id='scope-tools']/button[text()='level 2']").click()
    assert js(page, "document.querySelectorAll('#boxes g.boxed').length") == 2


# ---------------------------------------------------------------------- the issue's limits
def opened_in(page: Any, url: str) -> float:
    """The page's own time to its first painted step, median of three loads (ms)."""
    times = []
    for _ in range(3):
        open_page(page, url)
        times.append(js(page, "window.explorer.opened"))
    return float(statistics.median(times))


def rows_outside_their_boxes(page: Any) -> int:
    """How many text rows stick out of their node's shape at the step shown."""
    count: int = js(
        page,
        """Array.from(document.querySelectorAll('#graph g.node')).reduce((bad, g) => {
             const shape = g.querySelector('polygon, path, ellipse').getBBox();
             return bad + Array.from(g.querySelectorAll('text')).filter((t) => {
               const b = t.getBBox();
               return b.x < shape.x - 0.5 || b.x + b.width > shape.x + shape.width + 0.5;
             }).length;
           }, 0)""",
    )
    return count


def test_the_issues_networks_open_in_time_and_every_row_fits(page: Any, tmp_path: Path) -> None:
    loss, model = mlp_loss([4, 4, 1])
    small = viz.backprop_steps(loss, tmp_path / "small.html", params=model.parameters())
    loss, model = mlp_loss([16, 16, 1], fused=True)
    fused = viz.backprop_steps(loss, tmp_path / "fused.html", params=model.parameters())
    assert small.stat().st_size < 1_000_000 and fused.stat().st_size < 3_000_000
    for path in (small, fused):
        elapsed = opened_in(page, path.as_uri())
        print(f"{path.name}: {path.stat().st_size / 1e6:.2f} MB, opened in {elapsed:.0f} ms")
        assert elapsed < OPEN_LIMIT_MS, f"{path.name} took {elapsed:.0f} ms to open"
    # Each node is as wide as its widest text: no row leaves its box at any kind of step.
    open_page(page, small.as_uri())
    starts = js(page, "window.explorer.starts")
    for frame in (0, starts["backward"] - 1, starts["update"] - 1, starts["update"]):
        js(page, f"window.explorer.show({frame})")
        assert rows_outside_their_boxes(page) == 0, f"step {frame}"


# ---------------------------------------------------------------------- the notebook
NOTEBOOK_CELLS = [
    "import numpy as np\nimport nn\nimport viz",
    "np.random.seed(1)\nmodel = nn.MLP(2, [3, 1])\nloss = (model([0.5, 1.0]) - 1.0) ** 2",
    "viz.explorer(loss, params=model.parameters(), height=560)",
]


def test_the_explorer_displays_inline_in_a_notebook(page: Any, tmp_path: Path) -> None:
    """A notebook run by nbclient; its output, placed in a column as a static HTML export
    places it, works in the browser."""
    extra = 'the notebook test needs the notebook extra (pip install -e ".[notebook]")'
    for package in ("nbformat", "nbclient", "ipykernel"):
        pytest.importorskip(package, reason=f"{extra}: {package} is missing")
    from selenium.webdriver.common.by import By

    from demos.explorer_screenshots import run_notebook

    (output,) = run_notebook(NOTEBOOK_CELLS).cells[-1].outputs
    shown = output["data"]["text/html"]
    assert shown.startswith('<div class="autograd-explorer"') and "<iframe" in shown
    column = tmp_path / "notebook.html"
    column.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">'
        '</head><body style="margin:0"><div id="cell" style="width:760px;padding:8px">'
        f"{shown}</div></body></html>",
        encoding="utf-8",
    )
    page.get(column.as_uri())
    frame = page.find_element(By.TAG_NAME, "iframe")
    box = page.find_element(By.CLASS_NAME, "autograd-explorer")
    assert box.size == {"width": 760, "height": 560}  # the column's width, the height asked
    assert frame.size == {"width": 760 - 2, "height": 560 - 2}  # inside a 1 px border
    page.switch_to.frame(frame)
    try:
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(page, 20).until(
            lambda d: d.execute_script("return document.body.dataset.opened === 'true'")
        )
        # At this width the explanations go below the graph.
        side = page.find_element(By.ID, "side")
        graph = page.find_element(By.ID, "view")
        assert side.location["y"] > graph.location["y"]
        js(page, "window.explorer.show(window.explorer.starts.backward + 1)")
        assert js(page, "document.body.dataset.phase") == "backward"
        zoom = js(page, "window.explorer.zoom()")
        page.find_element(By.ID, "zoom-in").click()
        assert js(page, "window.explorer.zoom()") == pytest.approx(1.4 * zoom)
        # Browsing layer by layer: the tree collapses each module's box.
        page.find_element(By.XPATH, "//div[@id='scope-tools']/button[text()='level 2']").click()
        assert js(page, "document.querySelectorAll('#boxes g.boxed').length") == 2
        assert "layers.1" in page.find_element(By.ID, "tree").text
    finally:
        page.switch_to.default_content()
