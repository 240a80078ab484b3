"""Regenerate the README's pictures of the step-through explorer:
``python -m demos.explorer_screenshots [--out docs/images]``.

- ``explorer_forward.png``, ``explorer_backward.png``, ``explorer_update.png``: the page
  ``viz.backprop_steps`` writes for the blog's Part I neuron, at the forward step of ŷ, the
  backward step of ŷ (σ'(z) = σ(1-σ) = 0.25) and the gradient-descent update;
- ``explorer_notebook.png``: ``viz.explorer`` as the output of a notebook cell (run by
  nbclient, shown as a static HTML export shows it), an ``nn.MLP`` browsed layer by layer.

Needs Graphviz's ``dot``, selenium with Chromium and chromedriver, and for the notebook
picture the notebook extra (nbclient, nbformat, ipykernel).
"""

from __future__ import annotations

import argparse
import html
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from autograd_core import Value

from .hand_calculation import constant, forward

__all__ = ["main", "page_screenshots", "notebook_screenshot", "run_notebook"]

WINDOW = (1400, 640)
NOTEBOOK_CELLS = [
    "import numpy as np\nimport nn, viz",
    "np.random.seed(3)\nmodel = nn.MLP(2, [3, 1], 'sigmoid', 'sigmoid')  # the blog's 2-3-1\n"
    "loss = nn.squared_error(model([1.0, 0.0]), 1.0)\nloss.label = 'loss'",
    "viz.explorer(loss, params=model.parameters(), lr=0.5, height=600)",
]


@contextmanager
def chromium(size: tuple[int, int]) -> Iterator[Any]:
    """A headless Chromium with a fixed window and device scale, so pictures are repeatable."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if binary is None or driver_path is None:
        raise RuntimeError("needs Chromium and chromedriver (apt-get install chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    with tempfile.TemporaryDirectory() as profile:
        for argument in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            f"--window-size={size[0]},{size[1]}",
            f"--user-data-dir={profile}",
        ):
            options.add_argument(argument)
        driver = webdriver.Chrome(service=Service(driver_path), options=options)
        try:
            yield driver
        finally:
            driver.quit()


def _wait_opened(driver: Any) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script("return document.body.dataset.opened === 'true'")
    )


def neuron_loss() -> tuple[Value, list[Value]]:
    """The blog's neuron on x = (1, 0), y = 0 with w1 = 0.1, w2 = 0.6, b = 0: loss, params."""
    x1, x2, y = constant(1.0, "x1"), constant(0.0, "x2"), constant(0.0, "y")
    w1, w2, b = Value(0.1, label="w1"), Value(0.6, label="w2"), Value(0.0, label="b")
    _, loss = forward(x1, x2, w1, w2, b, y)
    return loss, [w1, w2, b]


def page_screenshots(out: Path) -> list[Path]:
    """The step-through page at a forward, a backward and the update step."""
    import viz

    loss, params = neuron_loss()
    written = []
    with tempfile.TemporaryDirectory() as tmp, chromium(WINDOW) as driver:
        page = viz.backprop_steps(loss, Path(tmp) / "steps.html", params=params, lr=0.5)
        driver.get(page.as_uri())
        _wait_opened(driver)
        data = driver.execute_script(
            "return JSON.parse(document.getElementById('explorer-data').textContent)"
        )
        starts = driver.execute_script("return window.explorer.starts")
        y_hat = [node["n"] for node in data["nodes"]].index("ŷ")
        frames = {
            "explorer_forward.png": 1 + data["fwd"].index(y_hat),
            "explorer_backward.png": starts["backward"]
            + [step[0] for step in data["bwd"]].index(y_hat),
            "explorer_update.png": starts["update"],
        }
        for name, frame in frames.items():
            driver.execute_script(f"window.explorer.show({frame})")
            target = out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(target))
            written.append(target)
    return written


def run_notebook(sources: Sequence[str]) -> Any:
    """A notebook of these code cells, executed by nbclient in the project's folder."""
    import nbclient
    import nbformat

    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in sources]
    )
    root = Path(__file__).resolve().parents[1]
    nbclient.NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(root)}}
    ).execute()
    return notebook


def notebook_screenshot(out: Path) -> Path:
    """A notebook's explorer output, in a column as a static HTML export shows it."""
    notebook = run_notebook(NOTEBOOK_CELLS)
    cells = []
    for k, cell in enumerate(notebook.cells, 1):
        output = "".join(o.get("data", {}).get("text/html", "") for o in cell.outputs)
        cells.append(
            f'<div class="cell"><div class="prompt">[{k}]:</div><pre>{html.escape(cell.source)}'
            f'</pre></div><div class="out">{output}</div>'
        )
    style = (
        "body{margin:0;background:#f5f5f5;font:13px system-ui,sans-serif}"
        "#nb{width:980px;margin:0 auto;background:#fff;padding:12px 16px;min-height:100vh}"
        ".cell{display:flex;gap:8px}.prompt{color:#307fc1;width:36px;font:12px monospace;"
        "padding-top:6px}pre{flex:1;margin:2px 0;padding:5px 8px;background:#f7f7f7;"
        "border:1px solid #e0e0e0;font:12.5px/1.35 monospace}.out{margin:4px 0 10px 44px}"
    )
    with tempfile.TemporaryDirectory() as tmp, chromium((1012, 860)) as driver:
        page = Path(tmp) / "notebook.html"
        page.write_text(
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>{style}</style></head>'
            f'<body><div id="nb">{"".join(cells)}</div></body></html>',
            encoding="utf-8",
        )
        driver.get(page.as_uri())
        driver.switch_to.frame(driver.find_element("tag name", "iframe"))
        _wait_opened(driver)
        # Neuron by neuron: each neuron a box with its output and gradient, mid-backward.
        driver.execute_script(
            """const d = JSON.parse(document.getElementById('explorer-data').textContent);
               d.scopes.forEach((s, k) => s.p.length === 3 && window.explorer.collapse(k, true));
               window.explorer.show(window.explorer.starts.update - 4);
               window.explorer.fit();"""
        )
        driver.switch_to.default_content()
        target = out / "explorer_notebook.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(target))
    return target


def main(argv: Sequence[str] | None = None) -> int:
    """Write the four pictures into ``--out`` (default docs/images)."""
    parser = argparse.ArgumentParser(prog="python -m demos.explorer_screenshots")
    parser.add_argument("--out", type=Path, default=Path("docs/images"))
    args = parser.parse_args(argv)
    for written in [*page_screenshots(args.out), notebook_screenshot(args.out)]:
        print(f"wrote {written}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
